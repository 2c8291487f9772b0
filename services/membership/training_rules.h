// The membership domain's rules about trainings (formations) and enrolments.
// Pure functions over the protobuf messages (no gRPC, no SQL), tested alone.
#ifndef CERCLES_SERVICES_MEMBERSHIP_TRAINING_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_TRAINING_RULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/trainings.pb.h"

namespace cercles::membership {

using cercles::membership::v1::Enrolment;
using cercles::membership::v1::Training;

inline constexpr size_t kMaxTrainingNameLength = 120;
inline constexpr int kMaxTrainingDays = 731;  // two years: a longer one is a typo

// "trainings/42".
std::string TrainingName(int64_t id);
// "trainings/42/enrolments/7".
std::string EnrolmentName(int64_t training_id, int64_t person_id);

// Checks what a client may set when creating a training and returns the draft
// to store (trimmed display name, no counts). Every broken rule is reported,
// each under "training.<path>".
absl::StatusOr<Training> DraftNewTraining(const Training& requested);

// Checks a completion: a real day, not before the training started, and not in
// the future. `today` is the UTC day; one day of slack keeps every time zone's
// "today" acceptable.
absl::Status CheckCompletionDate(const cercles::common::v1::Date& completion_date,
                                 const Training& training, absl::CivilDay today);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_TRAINING_RULES_H_
