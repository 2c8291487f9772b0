#include "services/membership/business_outcome_rules.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::BusinessOutcome;
using cercles::membership::v1::JobCounts;

absl::Status CheckJobCount(int32_t count, const std::string& field) {
  if (count < 0 || count > kMaxJobsPerCount) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be 0 to ", kMaxJobsPerCount, " jobs, got ", count));
  }
  return absl::OkStatus();
}

absl::Status CheckJobs(const JobCounts& jobs, const std::string& field) {
  if (absl::Status s = CheckJobCount(jobs.full_time(), field + ".full_time"); !s.ok()) return s;
  return CheckJobCount(jobs.part_time(), field + ".part_time");
}

// Job counts given (even 0) say something: "no job created yet" is an outcome.
bool SaysNothing(const BusinessOutcome& outcome) {
  return outcome.stage() == v1::BUSINESS_STAGE_UNSPECIFIED &&
         outcome.event() == v1::BUSINESS_EVENT_UNSPECIFIED && !outcome.has_jobs_created() &&
         !outcome.has_jobs_kept() && outcome.revenue_band() == v1::REVENUE_BAND_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<BusinessOutcome> CheckOutcome(const BusinessOutcome& outcome,
                                             const std::string& field) {
  if (!v1::BusinessStage_IsValid(outcome.stage())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".stage must be idea, starting, operating or growing (or unset), got ",
                     static_cast<int>(outcome.stage())));
  }
  if (!v1::BusinessEvent_IsValid(outcome.event())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".event must be started or closed (or unset for neither), got ",
                     static_cast<int>(outcome.event())));
  }
  if (!v1::RevenueBand_IsValid(outcome.revenue_band())) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        ".revenue_band must be none, under 10k, 10k to 50k, 50k to 100k, 100k to 250k or 250k "
        "and more (or unset), got ",
        static_cast<int>(outcome.revenue_band())));
  }
  if (absl::Status s = CheckJobs(outcome.jobs_created(), field + ".jobs_created"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckJobs(outcome.jobs_kept(), field + ".jobs_kept"); !s.ok()) return s;
  if (outcome.event() == v1::BUSINESS_EVENT_STARTED && outcome.stage() == v1::BUSINESS_STAGE_IDEA) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".stage is idea but ", field,
        ".event is started: a business that started is starting, operating or growing"));
  }
  if (SaysNothing(outcome)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        " is empty: give stage, event, jobs_created, jobs_kept or revenue_band, or leave the "
        "outcome out"));
  }
  return outcome;
}

bool ApplyOutcome(const BusinessOutcome& outcome, absl::CivilDay day, v1::Person* person) {
  if (!person->has_business() || person->business().sector().empty()) return false;
  v1::Business* business = person->mutable_business();
  bool changed = false;
  if (outcome.stage() != v1::BUSINESS_STAGE_UNSPECIFIED && business->stage() != outcome.stage()) {
    business->set_stage(outcome.stage());
    changed = true;
  }
  if (outcome.event() == v1::BUSINESS_EVENT_STARTED) {
    const cercles::common::v1::Date start = api::DateFromDay(day);
    if (!google::protobuf::util::MessageDifferencer::Equals(business->start_date(), start)) {
      *business->mutable_start_date() = start;
      changed = true;
    }
  }
  return changed;
}

}  // namespace cercles::membership
