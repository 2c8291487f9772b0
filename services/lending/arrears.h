// Arrears of an active loan and the stepped-loan ladder (DOMAIN.md: arrears is a
// classification of an ACTIVE loan by days past due, not a state; the next loan's ceiling
// grows with each loan fully repaid on time).
#ifndef CERCLES_SERVICES_LENDING_ARREARS_H_
#define CERCLES_SERVICES_LENDING_ARREARS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

// Days past due: 0 is CURRENT, 1..first_max the first bucket, first_max+1..second_max the
// second, second_max+1..third_max the third, beyond third_max the last. A fund setting;
// the defaults are the usual 1-30, 31-60, 61-90, 90+.
struct ArrearsBucketBounds {
  int32_t first_max_days = 30;
  int32_t second_max_days = 60;
  int32_t third_max_days = 90;
};

enum class ArrearsBucket { kCurrent, kFirst, kSecond, kThird, kBeyond };

// "CURRENT", "1-30", "31-60", "61-90", "90+" with the default bounds.
std::string BucketLabel(ArrearsBucket bucket, const ArrearsBucketBounds& bounds = {});

// INVALID_ARGUMENT unless 1 <= first < second < third.
absl::Status ValidateBucketBounds(const ArrearsBucketBounds& bounds);

ArrearsBucket BucketFor(int32_t days_past_due, const ArrearsBucketBounds& bounds = {});

// An instalment is settled on a day when it is fully paid and was cleared on or before that
// day (an instalment with nothing due is always settled): cleared_on is the one record of
// when an instalment stopped being owed, so an instalment paid ahead is never late, and one
// cleared after the as-of date was still late on it.
bool SettledOn(const InstalmentPosition& instalment, absl::CivilDay day);

// An instalment is late on a day when it fell due before that day, is not settled on it
// (SettledOn), and what is still unpaid on it is not below the fund's arrears tolerance
// (FundSettings::arrears_tolerance_cents): an instalment short by less than the tolerance
// (a few cents or dollars of rounding or change) is not counted late; short by the
// tolerance or more, it is. An instalment paid in full after the day was wholly unpaid on
// it, whatever the tolerance. A tolerance of 0 makes every instalment not settled late.
bool LateOn(const InstalmentPosition& instalment, absl::CivilDay day, int64_t tolerance_cents);
// Whether what is still unpaid on the instalment is more than nothing and less than the
// tolerance: it will never make the instalment late. Loan.next_unpaid_due_date passes
// over such an instalment, so days past due counted from it (by the network) agree.
bool WithinTolerance(const InstalmentPosition& instalment, int64_t tolerance_cents);

struct ArrearsStatus {
  // Days from the due date of the oldest late instalment (LateOn) to the as-of date; 0
  // when none is (an instalment due on the as-of day is not yet late).
  int32_t days_past_due = 0;
  ArrearsBucket bucket = ArrearsBucket::kCurrent;
  // Principal and interest owed now (what has been paid, whenever it was) on the late
  // instalments (an amount within the tolerance is not in arrears).
  int64_t amount_in_arrears_cents = 0;
  std::optional<absl::CivilDay> oldest_unpaid_due;
};

// INVALID_ARGUMENT for malformed bounds, a malformed position or a negative tolerance.
absl::StatusOr<ArrearsStatus> ClassifyArrears(const LoanPosition& position, absl::CivilDay as_of,
                                              const ArrearsBucketBounds& bounds = {},
                                              int64_t tolerance_cents = 0);

// Whether a closed loan was repaid on time: no instalment cleared more than
// `tolerance_days` after its due date (early is on time). An instalment with nothing due
// counts as on time. FAILED_PRECONDITION when an instalment is not fully paid or has no
// cleared date (the loan is not closed: a written-off loan is simply not on time);
// INVALID_ARGUMENT for a negative tolerance.
absl::StatusOr<bool> RepaidOnTime(const LoanPosition& position, int32_t tolerance_days);

// The stepped-loan ceiling for a member's next loan: the ladder's first rung, one rung up
// for each previous loan repaid on time, never beyond the top. A loan not repaid on time
// unlocks nothing but takes nothing away. INVALID_ARGUMENT unless the ladder is non-empty,
// positive and strictly increasing.
absl::StatusOr<int64_t> LadderCeilingCents(const std::vector<int64_t>& ladder_cents,
                                           const std::vector<bool>& previous_loans_on_time);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_ARREARS_H_
