#include "services/membership/training_rules.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {

std::string TrainingName(int64_t id) { return absl::StrCat("trainings/", id); }

std::string EnrolmentName(int64_t training_id, int64_t person_id) {
  return absl::StrCat(TrainingName(training_id), "/enrolments/", person_id);
}

absl::StatusOr<Training> DraftNewTraining(const Training& requested) {
  std::vector<FieldViolation> violations;
  Training draft;
  std::string display_name(api::TrimText(requested.display_name()));
  if (std::optional<std::string> violation =
          api::TextViolation(display_name, api::OneLine(1, kMaxTrainingNameLength))) {
    violations.push_back({"training.display_name", *std::move(violation),
                          std::string(api::TextViolationReason(
                              display_name, api::OneLine(1, kMaxTrainingNameLength)))});
  }
  draft.set_display_name(display_name);
  auto required_day = [&](bool present, const cercles::common::v1::Date& date,
                          const char* field) -> std::optional<absl::CivilDay> {
    if (!present) {
      violations.push_back({field, "is required", std::string(api::reason::kFieldRequired)});
      return std::nullopt;
    }
    absl::StatusOr<absl::CivilDay> day = api::DayFromDate(date, field);
    if (!day.ok()) {
      violations.push_back(
          {field, std::string(api::kRealDayRule), std::string(api::reason::kFieldInvalidFormat)});
      return std::nullopt;
    }
    return *day;
  };
  const std::optional<absl::CivilDay> start =
      required_day(requested.has_start_date(), requested.start_date(), "training.start_date");
  const std::optional<absl::CivilDay> end =
      required_day(requested.has_end_date(), requested.end_date(), "training.end_date");
  if (start.has_value() && end.has_value()) {
    if (*end < *start) {
      violations.push_back({"training.end_date", "must be on or after training.start_date",
                            std::string(api::reason::kValueOutOfRange)});
    } else if (*end - *start > kMaxTrainingDays) {
      violations.push_back(
          {"training.end_date",
           absl::StrCat("must be at most ", kMaxTrainingDays, " days after training.start_date"),
           std::string(api::reason::kValueOutOfRange)});
    }
  }
  absl::Status status = ViolationsStatus(violations);
  if (!status.ok()) return status;
  *draft.mutable_start_date() = requested.start_date();
  *draft.mutable_end_date() = requested.end_date();
  return draft;
}

absl::Status CheckCompletionDate(const cercles::common::v1::Date& completion_date,
                                 const Training& training, absl::CivilDay today) {
  absl::StatusOr<absl::CivilDay> day = api::DayFromDate(completion_date, "completion_date");
  if (!day.ok()) return day.status();
  absl::StatusOr<absl::CivilDay> start = api::DayFromDate(training.start_date(), "start_date");
  if (start.ok() && *day < *start) {
    return absl::InvalidArgumentError(absl::StrCat("completion_date must not be before ",
                                                   training.name(), " started (",
                                                   api::FormatDate(training.start_date()), ")"));
  }
  if (*day > today + 1) {
    return absl::InvalidArgumentError("completion_date must not be in the future");
  }
  return absl::OkStatus();
}

}  // namespace cercles::membership
