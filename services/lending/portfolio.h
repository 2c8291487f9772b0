// The portfolio report as a pure computation (no SQL, no gRPC): from the fund's
// disbursed loans and a date, the figures a microcredit fund watches, for the
// fund as a whole, per circle and per advisor.
//
//  - Outstanding principal: the principal still owed on active loans (after a
//    guarantee call, the guarantors' shares included: the loan is not repaid).
//  - PAR30 (portfolio at risk over 30 days, the industry's standard measure): the
//    whole outstanding principal of active loans more than 30 days past due, and
//    its share of the outstanding principal. 30 days whatever the fund's buckets.
//  - Repayment rate: of everything (principal and interest) that fell due on or
//    before the date on active, repaid and written-off loans, the share paid. A
//    prepayment of an instalment not yet due counts neither way; what guarantors
//    pay after a guarantee call is not a repayment by the borrower.
//  - Active loans per arrears bucket (the fund's bounds), loans repaid, loans
//    written off and the principal written off.
//
// Shares are in basis points, rounded half up. The loans are taken as they stand
// now (their state, what has been paid), classified as of the date; a loan
// disbursed after the date is left out.
#ifndef CERCLES_SERVICES_LENDING_PORTFOLIO_H_
#define CERCLES_SERVICES_LENDING_PORTFOLIO_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/lending/arrears.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

inline constexpr int32_t kPar30Days = 30;
inline constexpr int kBucketCount = 5;  // CURRENT, FIRST, SECOND, THIRD, BEYOND

// One disbursed loan as the report needs it. Loans in other states are ignored.
struct PortfolioLoan {
  std::string circle;   // "circles/{id}"
  std::string advisor;  // "advisors/{id}", or "" when the circle has none
  LoanState state = LoanState::kActive;
  std::optional<absl::CivilDay> disbursement_date;
  int64_t outstanding_principal_cents = 0;  // counted for ACTIVE loans
  int64_t written_off_principal_cents = 0;  // counted for WRITTEN_OFF loans
  LoanPosition position;
};

struct PortfolioFigures {
  std::string group;  // "fund", "circles/{id}", "advisors/{id}"
  int32_t active_loans = 0;
  int64_t outstanding_principal_cents = 0;
  int64_t par30_principal_cents = 0;
  int32_t par30_bps = 0;           // 0 when nothing is outstanding
  int64_t fell_due_cents = 0;      // principal and interest due on or before the date
  int64_t repaid_due_cents = 0;    // of which paid
  int32_t repayment_rate_bps = 0;  // 10000 when nothing fell due
  std::array<int32_t, kBucketCount> loans_per_bucket{};
  int32_t closed_repaid_loans = 0;
  int32_t written_off_loans = 0;
  int64_t written_off_principal_cents = 0;
};

struct PortfolioReport {
  absl::CivilDay as_of;
  PortfolioFigures fund;
  std::vector<PortfolioFigures> by_circle;   // one per circle with loans, by circle id
  std::vector<PortfolioFigures> by_advisor;  // one per advisor with loans, by advisor id
  std::vector<std::string> bucket_labels;    // "CURRENT", "1-30"... with the bounds
};

// `part` / `whole` in basis points rounded half up; `if_empty` when whole is 0.
int32_t BasisPoints(int64_t part, int64_t whole, int32_t if_empty);

// Days past due (PAR30, the buckets) are ClassifyArrears' with the fund's arrears
// tolerance: an instalment short by less than it is not late (LateOn).
// INVALID_ARGUMENT for malformed bucket bounds, a malformed loan position or a negative
// tolerance.
absl::StatusOr<PortfolioReport> BuildPortfolioReport(const std::vector<PortfolioLoan>& loans,
                                                     absl::CivilDay as_of,
                                                     const ArrearsBucketBounds& bounds,
                                                     int64_t arrears_tolerance_cents = 0);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_PORTFOLIO_H_
