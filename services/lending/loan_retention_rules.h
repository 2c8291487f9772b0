// When a loan's free text is past retention (Law 25; the fund's schedule is
// membership's, cercles/membership/v1/retention.proto, closed_loans_months):
// a loan's purpose ends the day it closes (reaches a final state: repaid,
// written off, rejected by the circle or the fund, withdrawn), counted in UTC
// as every retention day is. Pure rules (no SQL, no gRPC).
#ifndef CERCLES_SERVICES_LENDING_LOAN_RETENTION_RULES_H_
#define CERCLES_SERVICES_LENDING_LOAN_RETENTION_RULES_H_

#include <cstdint>
#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/lending/loan_lifecycle.h"

namespace cercles::lending {

// The day a loan closed (UTC), or nullopt while it is not final. A final loan
// without a close time (none is written so, see SaveLoanAndAnnounce) is
// treated as not closed: never purged on a guess.
std::optional<absl::CivilDay> LoanCloseDay(LoanState state, std::optional<absl::Time> close_time);

// Whether the purge clears the loan's free text today: closed on a day past
// `months` on `today` (api::PastRetention), and not purged since it closed
// (`purge_time` unset, or before `close_time`: a loan reopened by a repayment's
// reversal and closed again is purged again).
bool LoanTextPastRetention(LoanState state, std::optional<absl::Time> close_time,
                           std::optional<absl::Time> purge_time, int32_t months,
                           absl::CivilDay today);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_RETENTION_RULES_H_
