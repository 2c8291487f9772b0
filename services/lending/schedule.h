// Repayment schedules: the money arithmetic of a loan, in integer cents (DOMAIN.md:
// equal instalments on a declining balance, or flat interest; weekly, every two weeks or
// monthly; the principal parts sum exactly to the principal).
//
// Rounding rules (one rule everywhere: half up to the cent, except the even splits):
//  - Declining balance: the period rate is r = annual rate / periods per year (52, 26 or
//    12). The equal payment is the annuity P*r / (1 - (1 + r)^-n), computed exactly (as a
//    ratio of integers) and rounded half up to the cent. Half up rather than up: the regular
//    payment is then the nearest cent to the contract's annuity, and the sub-cent
//    differences, of either sign, settle in the last instalment (which takes the remainder
//    anyway); rounding up would have every borrower repay faster than the contract by up to
//    a cent per period. Each period's interest is the balance before it times r, rounded
//    half up; its principal part is the payment less that interest; the last instalment's
//    principal is the whole remaining balance, plus that period's interest. So the last
//    instalment differs from the others by the accumulated sub-cent roundings: cents for
//    short terms, a few dollars over 260 periods ($4.32 at most in 300,000 random loans of
//    $500 or more at 10 % or less). Where whole cents are too coarse for the terms
//    (payments of a few cents, or extreme rates over long terms) the balance can reach zero
//    early: that instalment pays what is left and the later ones are zero. The schedule
//    stays exact; no part is ever negative.
//  - Flat: total interest = P * annual rate * (n / periods per year), rounded half up.
//    Principal and interest are each split evenly: every instalment but the last gets the
//    share rounded down, the last takes the remainder (0 to n-1 cents more). Rounding down
//    means no part is ever negative and no cent is asked for before it is due.
//  - 0 %: either method is the flat split of the principal alone.
//  - Due dates: first due date, then +7 or +14 days, or monthly on the first due date's day
//    of the month, clamped to the month's end (Jan 31, Feb 29, Mar 31, Apr 30...).
//
// Grace periods (ScheduleTerms::grace_on_principal, grace_on_interest; both 0 by default,
// which gives the schedules above unchanged):
//  - Grace on interest, g_i instalments: nothing is due on the first g_i instalments. Their
//    interest still accrues (declining balance: the principal times r, rounded half up,
//    each period) and is spread, not capitalised: the deferred interest is split evenly
//    over the instalments after the grace (every share rounded down, the last takes the
//    rest) and added to their interest. Spreading keeps the principal parts summing to the
//    principal lent (the books never see interest turned into principal), and each later
//    instalment rises by the same few cents rather than one instalment by the lot.
//  - Grace on principal, g_p instalments: the first g_p instalments carry interest only
//    (their period's interest on the whole principal). An instalment under grace on
//    interest carries no principal either, so the principal is repaid over the
//    n - max(g_p, g_i) instalments after both graces: by the annuity over that many
//    periods (declining balance), or split evenly over them (flat, 0 %).
//  - Flat: the interest over the whole term is unchanged (P * rate * n / periods per
//    year); it is split evenly over the n - g_i instalments after the grace on interest,
//    which spreads the grace periods' share the same way.
//  - Each grace lies in 0..n-1: at least one instalment repays the principal.
#ifndef CERCLES_SERVICES_LENDING_SCHEDULE_H_
#define CERCLES_SERVICES_LENDING_SCHEDULE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace cercles::lending {

enum class Frequency { kWeekly, kEveryTwoWeeks, kMonthly };
enum class InterestMethod { kDecliningBalance, kFlat };

// Far above the network's loans ($500 to $20,000), and low enough that every product the
// arithmetic forms (balance * rate * instalments) stays well inside int64.
inline constexpr int64_t kMaxPrincipalCents = 1'000'000'000;  // $10,000,000.00
inline constexpr int32_t kMaxAnnualRateBps = 10'000;          // 100 %
inline constexpr int32_t kMaxInstalments = 260;               // five years of weeks

struct ScheduleTerms {
  int64_t principal_cents = 0;   // 1 cent per instalment .. kMaxPrincipalCents
  int32_t annual_rate_bps = 0;   // 0 .. kMaxAnnualRateBps; 800 is 8 % a year
  int32_t instalment_count = 0;  // 1 .. kMaxInstalments
  Frequency frequency = Frequency::kMonthly;
  absl::CivilDay first_due;
  InterestMethod method = InterestMethod::kDecliningBalance;
  int32_t grace_on_principal = 0;  // 0 .. instalment_count - 1 interest-only instalments
  int32_t grace_on_interest = 0;   // 0 .. instalment_count - 1 instalments with nothing due
};

struct Instalment {
  int32_t number = 0;  // 1-based
  absl::CivilDay due;
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  int64_t total_cents = 0;          // principal + interest
  int64_t balance_after_cents = 0;  // principal still owed once this one is paid
  friend bool operator==(const Instalment& a, const Instalment& b) {
    return a.number == b.number && a.due == b.due && a.principal_cents == b.principal_cents &&
           a.interest_cents == b.interest_cents && a.total_cents == b.total_cents &&
           a.balance_after_cents == b.balance_after_cents;
  }
};

struct Schedule {
  std::vector<Instalment> instalments;
  int64_t total_interest_cents = 0;
  // The equal payment of a declining-balance schedule (the last instalment may differ by
  // the rounding remainder); 0 for flat and 0 % schedules. With a grace period, the
  // annuity of the instalments after it, before any deferred interest is spread on them.
  int64_t regular_payment_cents = 0;
};

int PeriodsPerYear(Frequency frequency);

// The due date of instalment `number` (1-based) of a schedule starting on `first_due`.
absl::CivilDay DueDate(absl::CivilDay first_due, Frequency frequency, int32_t number);

// INVALID_ARGUMENT naming the field and the rule when a term is out of range.
absl::Status ValidateScheduleTerms(const ScheduleTerms& terms);

absl::StatusOr<Schedule> BuildSchedule(const ScheduleTerms& terms);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_SCHEDULE_H_
