#include "services/lending/financing.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"

namespace cercles::lending {
namespace {

// The next states of each state of a small machine, as names for the messages.
template <typename Status>
struct Step {
  Status from;
  std::vector<Status> to;
};

template <typename Status, typename NameOf>
absl::Status CheckStep(const std::vector<Step<Status>>& steps, Status from, Status to,
                       absl::string_view what, NameOf name_of) {
  for (const Step<Status>& step : steps) {
    if (step.from != from) continue;
    if (std::find(step.to.begin(), step.to.end(), to) != step.to.end()) return absl::OkStatus();
    std::vector<std::string> next;
    for (Status s : step.to) next.push_back(name_of(s));
    return absl::FailedPreconditionError(absl::StrCat(what, " cannot go from ", name_of(from),
                                                      " to ", name_of(to), ": ", name_of(from),
                                                      " may become ", absl::StrJoin(next, " or ")));
  }
  return absl::FailedPreconditionError(absl::StrCat(what, " cannot go from ", name_of(from), " to ",
                                                    name_of(to), ": ", name_of(from), " is final"));
}

}  // namespace

std::string BankReferralName(int64_t id) { return absl::StrCat("bankReferrals/", id); }
std::string SubsidyApplicationName(int64_t id) { return absl::StrCat("subsidyApplications/", id); }

std::string ReferralStatusName(v1::BankReferralStatus status) {
  constexpr absl::string_view kPrefix = "BANK_REFERRAL_STATUS_";
  std::string name = v1::BankReferralStatus_Name(status);
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefix.size()) : name;
}

std::optional<v1::BankReferralStatus> ReferralStatusFromName(absl::string_view name) {
  v1::BankReferralStatus status;
  if (!v1::BankReferralStatus_Parse(absl::StrCat("BANK_REFERRAL_STATUS_", name), &status) ||
      status == v1::BANK_REFERRAL_STATUS_UNSPECIFIED) {
    return std::nullopt;
  }
  return status;
}

std::string SubsidyStatusName(v1::SubsidyStatus status) {
  constexpr absl::string_view kPrefix = "SUBSIDY_STATUS_";
  std::string name = v1::SubsidyStatus_Name(status);
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefix.size()) : name;
}

std::optional<v1::SubsidyStatus> SubsidyStatusFromName(absl::string_view name) {
  v1::SubsidyStatus status;
  if (!v1::SubsidyStatus_Parse(absl::StrCat("SUBSIDY_STATUS_", name), &status) ||
      status == v1::SUBSIDY_STATUS_UNSPECIFIED) {
    return std::nullopt;
  }
  return status;
}

absl::Status CheckReferralTransition(v1::BankReferralStatus from, v1::BankReferralStatus to) {
  static const auto* const kSteps = new std::vector<Step<v1::BankReferralStatus>>{
      {v1::BANK_REFERRAL_STATUS_PREPARED, {v1::BANK_REFERRAL_STATUS_SENT}},
      {v1::BANK_REFERRAL_STATUS_SENT,
       {v1::BANK_REFERRAL_STATUS_ACCEPTED, v1::BANK_REFERRAL_STATUS_DECLINED}},
  };
  return CheckStep(*kSteps, from, to, "a bank referral", ReferralStatusName);
}

absl::Status CheckSubsidyTransition(v1::SubsidyStatus from, v1::SubsidyStatus to) {
  static const auto* const kSteps = new std::vector<Step<v1::SubsidyStatus>>{
      {v1::SUBSIDY_STATUS_PREPARED, {v1::SUBSIDY_STATUS_SUBMITTED}},
      {v1::SUBSIDY_STATUS_SUBMITTED, {v1::SUBSIDY_STATUS_GRANTED, v1::SUBSIDY_STATUS_REFUSED}},
  };
  return CheckStep(*kSteps, from, to, "a subsidy application", SubsidyStatusName);
}

absl::StatusOr<v1::BankReferral> NormaliseNewReferral(const v1::BankReferral& referral) {
  v1::BankReferral draft;
  CERCLES_RETURN_IF_ERROR(api::ParseName(referral.person(), "people", "referral.person").status());
  draft.set_person(referral.person());
  CERCLES_ASSIGN_OR_RETURN(*draft.mutable_institution(),
                           api::CleanText(referral.institution(), "referral.institution",
                                          api::MultiLine(1, kMaxInstitutionLength)));
  if (!referral.has_amount_requested()) {
    return absl::InvalidArgumentError("referral.amount_requested is required");
  }
  *draft.mutable_amount_requested() = referral.amount_requested();
  CERCLES_ASSIGN_OR_RETURN(
      *draft.mutable_note(),
      api::CleanText(referral.note(), "referral.note", api::MultiLine(0, kMaxReferralNoteLength)));
  return draft;
}

absl::StatusOr<v1::SubsidyApplication> NormaliseNewSubsidyApplication(
    const v1::SubsidyApplication& application) {
  v1::SubsidyApplication draft;
  CERCLES_RETURN_IF_ERROR(
      api::ParseName(application.person(), "people", "application.person").status());
  draft.set_person(application.person());
  CERCLES_ASSIGN_OR_RETURN(*draft.mutable_programme(),
                           api::CleanText(application.programme(), "application.programme",
                                          api::MultiLine(1, kMaxProgrammeLength)));
  if (!application.has_amount_requested()) {
    return absl::InvalidArgumentError("application.amount_requested is required");
  }
  *draft.mutable_amount_requested() = application.amount_requested();
  return draft;
}

absl::StatusOr<std::string> CheckReferralUpdate(const v1::UpdateBankReferralRequest& request) {
  if (!v1::BankReferralStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status is not a known BankReferralStatus");
  }
  CERCLES_ASSIGN_OR_RETURN(
      std::string note,
      api::CleanText(request.note(), "note", api::MultiLine(0, kMaxReferralNoteLength)));
  if (request.status() == v1::BANK_REFERRAL_STATUS_UNSPECIFIED && note.empty()) {
    return absl::InvalidArgumentError("give a new status, a new note, or both");
  }
  const bool accepted = request.status() == v1::BANK_REFERRAL_STATUS_ACCEPTED;
  if (accepted && !request.has_amount_obtained()) {
    return absl::InvalidArgumentError(
        "amount_obtained is required with status ACCEPTED (what the bank lent)");
  }
  if (!accepted && request.has_amount_obtained()) {
    return absl::InvalidArgumentError("amount_obtained goes only with status ACCEPTED");
  }
  return note;
}

absl::StatusOr<std::string> CheckSubsidyUpdate(const v1::UpdateSubsidyApplicationRequest& request) {
  if (!v1::SubsidyStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status is not a known SubsidyStatus");
  }
  if (request.status() == v1::SUBSIDY_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError("status is required (SUBMITTED, GRANTED or REFUSED)");
  }
  const bool granted = request.status() == v1::SUBSIDY_STATUS_GRANTED;
  if (granted && !request.has_amount_granted()) {
    return absl::InvalidArgumentError("amount_granted is required with status GRANTED");
  }
  if (!granted && request.has_amount_granted()) {
    return absl::InvalidArgumentError("amount_granted goes only with status GRANTED");
  }
  const bool decided = granted || request.status() == v1::SUBSIDY_STATUS_REFUSED;
  if (!decided && !request.outcome().empty()) {
    return absl::InvalidArgumentError("outcome goes only with status GRANTED or REFUSED");
  }
  return api::CleanText(request.outcome(), "outcome",
                        api::MultiLine(decided ? 1 : 0, kMaxSubsidyOutcomeLength));
}

}  // namespace cercles::lending
