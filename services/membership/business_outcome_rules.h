// The business outcomes a meeting's follow-up records (issue 15, item 4): what
// a valid outcome is, and how the latest one changes the person's business.
// Pure functions over the protobuf messages, no gRPC and no SQL.
#ifndef CERCLES_SERVICES_MEMBERSHIP_BUSINESS_OUTCOME_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_BUSINESS_OUTCOME_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/people.pb.h"

namespace cercles::membership {

// Each job count of an outcome is 0 to this many (a microcredit business of
// the fund is far below it; a typo of an extra digit or two is refused).
inline constexpr int32_t kMaxJobsPerCount = 1000;

// The outcome of `field` ("meeting.follow_ups[2].outcome") checked: known
// stage, event and revenue band, each job count 0 to kMaxJobsPerCount.
// INVALID_ARGUMENT names the field and the rule. An outcome with nothing said
// (every field unset or zero) is INVALID_ARGUMENT too: leave the outcome out.
absl::StatusOr<cercles::membership::v1::BusinessOutcome> CheckOutcome(
    const cercles::membership::v1::BusinessOutcome& outcome, const std::string& field);

// Applies an outcome recorded on `day` to the person's business: the stage
// when the outcome gives one, the start date (`day`) when the business
// started. A person without a business (no sector recorded) keeps none. True
// when the business changed.
bool ApplyOutcome(const cercles::membership::v1::BusinessOutcome& outcome, absl::CivilDay day,
                  cercles::membership::v1::Person* person);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_BUSINESS_OUTCOME_RULES_H_
