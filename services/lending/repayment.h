// Repayments against a schedule: which instalment each cent pays, and the way back.
//
// Allocation order (Fineract's default "interest, then principal, oldest first"): the
// oldest instalment not fully paid first, its interest, then its principal, whether or not
// it has fallen due; then the next one, and so on. A borrower who pays an instalment ahead
// of its due date settles that instalment whole: it is cleared on the day the repayment
// was received (ApplyAllocation) and is never late afterwards (ClassifyArrears).
//
// What is left once the current instalment is paid is a fund setting (PrepaymentRule):
//  - kPayNextInstalments (the default): it goes on the same way through the next
//    instalments. The schedule never changes; paying off early pays every instalment's
//    scheduled interest (waiving interest not yet earned is a fund decision, recorded as
//    its own entry).
//  - kReducePrincipal: it reduces the principal. The current instalment is the first one
//    due after the day received, or a later one with interest paid or paid in full,
//    whichever is last (CurrentInstalmentIndex): every instalment up to it is paid as
//    above; the rest is paid on the principal of the instalment after it, and the
//    instalments after it are recomputed from the reduced balance (their principal left,
//    less the prepayment) by BuildSchedule with the loan's rate, frequency and interest
//    method over the same number of instalments (over fewer, the rest zero, when fewer
//    cents are left than instalments), keeping their due dates and what was paid on them.
//    Each one's scheduled amounts before and after are the allocation's revisions; an
//    instalment the recomputation leaves with nothing owed is cleared that day. Their
//    interest falls with the balance; the interest of the current instalment's period
//    does not. The journal needs nothing for this: interest is income when it is received
//    (journal.h, Repayment: Cr INTEREST_INCOME; lending posts no accrual), so interest that
//    was scheduled and is no longer owed was never booked.
// Under either rule the most a repayment may be is what settles the loan that day
// (Payoff): everything still owed as scheduled, or under kReducePrincipal what is owed up
// to the current instalment plus the principal left; more is refused (FAILED_PRECONDITION
// naming that amount), never kept as a credit. Whatever the rule, the total principal
// scheduled stays the loan's principal.
//
// Reversal: ReverseAllocation undoes ApplyAllocation exactly (the paid amounts, the
// scheduled amounts it recomputed and the cleared dates it set). Reverse the latest
// allocation first; to reverse an older one, reverse the later ones, then it, then apply
// the later repayments again (they may then be allocated differently, as they would have
// been).
#ifndef CERCLES_SERVICES_LENDING_REPAYMENT_H_
#define CERCLES_SERVICES_LENDING_REPAYMENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// One instalment of a loan and what has been paid on it.
struct InstalmentPosition {
  int32_t number = 0;  // 1-based, in due-date order
  absl::CivilDay due;
  int64_t principal_due_cents = 0;  // as scheduled
  int64_t interest_due_cents = 0;
  int64_t principal_paid_cents = 0;
  int64_t interest_paid_cents = 0;
  // The day the repayment that completed this instalment was received.
  std::optional<absl::CivilDay> cleared_on;

  int64_t principal_outstanding_cents() const { return principal_due_cents - principal_paid_cents; }
  int64_t interest_outstanding_cents() const { return interest_due_cents - interest_paid_cents; }
  int64_t outstanding_cents() const {
    return principal_outstanding_cents() + interest_outstanding_cents();
  }
  bool fully_paid() const { return outstanding_cents() == 0; }

  friend bool operator==(const InstalmentPosition& a, const InstalmentPosition& b) {
    return a.number == b.number && a.due == b.due &&
           a.principal_due_cents == b.principal_due_cents &&
           a.interest_due_cents == b.interest_due_cents &&
           a.principal_paid_cents == b.principal_paid_cents &&
           a.interest_paid_cents == b.interest_paid_cents && a.cleared_on == b.cleared_on;
  }
};

using LoanPosition = std::vector<InstalmentPosition>;

// What a repayment does beyond the current instalment (see the top of this file). The
// values are those of the API's PrepaymentRule.
enum class PrepaymentRule { kPayNextInstalments = 1, kReducePrincipal = 2 };

// What the allocation needs to know of the loan and the fund: the rule in force and, for
// kReducePrincipal, the loan's terms to recompute a schedule with.
struct AllocationTerms {
  PrepaymentRule rule = PrepaymentRule::kPayNextInstalments;
  int32_t annual_rate_bps = 0;
  Frequency frequency = Frequency::kMonthly;
  InterestMethod method = InterestMethod::kDecliningBalance;
};

// A newly disbursed loan: the schedule, nothing paid.
LoanPosition OpenPosition(const Schedule& schedule);

// INVALID_ARGUMENT unless instalments are numbered 1..n in due-date order and every amount
// lies between 0 and what is due.
absl::Status ValidatePosition(const LoanPosition& position);

struct OutstandingAmounts {
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  int64_t total_cents() const { return principal_cents + interest_cents; }
};
OutstandingAmounts Outstanding(const LoanPosition& position);

// The index of the current instalment of a repayment received on `day` under
// kReducePrincipal: the first instalment due after `day` (the last one when none is), or
// the last one with interest paid or paid in full, whichever is later. Under
// kPayNextInstalments, the last instalment. Requires a non-empty position.
size_t CurrentInstalmentIndex(const LoanPosition& position, absl::CivilDay day,
                              PrepaymentRule rule);

// What settles the loan on `day` under `rule`: Outstanding() under kPayNextInstalments;
// under kReducePrincipal what is owed up to the current instalment plus the principal of
// the later ones (their interest, not yet begun, is not owed). INVALID_ARGUMENT for a
// malformed position.
absl::StatusOr<OutstandingAmounts> Payoff(const LoanPosition& position, absl::CivilDay day,
                                          PrepaymentRule rule);

struct AllocationLine {
  int32_t instalment_number = 0;
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  friend bool operator==(const AllocationLine& a, const AllocationLine& b) {
    return a.instalment_number == b.instalment_number && a.principal_cents == b.principal_cents &&
           a.interest_cents == b.interest_cents;
  }
};

// One instalment's scheduled amounts before and after a repayment recomputed them
// (kReducePrincipal). Its due date never changes.
struct InstalmentRevision {
  int32_t instalment_number = 0;
  int64_t principal_before_cents = 0;
  int64_t interest_before_cents = 0;
  int64_t principal_after_cents = 0;
  int64_t interest_after_cents = 0;
  friend bool operator==(const InstalmentRevision& a, const InstalmentRevision& b) {
    return a.instalment_number == b.instalment_number &&
           a.principal_before_cents == b.principal_before_cents &&
           a.interest_before_cents == b.interest_before_cents &&
           a.principal_after_cents == b.principal_after_cents &&
           a.interest_after_cents == b.interest_after_cents;
  }
};

// Where one repayment goes: a line per instalment it touches, in instalment order, the
// instalments it recomputed (in instalment order; empty but under kReducePrincipal), and
// the totals a journal entry needs (principal to the loan account, interest to income).
struct Allocation {
  absl::CivilDay received_on;
  std::vector<AllocationLine> lines;
  std::vector<InstalmentRevision> revisions;
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  int64_t total_cents() const { return principal_cents + interest_cents; }
};

// INVALID_ARGUMENT for a non-positive amount, a malformed position or (kReducePrincipal)
// terms BuildSchedule refuses; FAILED_PRECONDITION when the amount exceeds the Payoff.
absl::StatusOr<Allocation> AllocateRepayment(const LoanPosition& position, int64_t amount_cents,
                                             absl::CivilDay received_on,
                                             const AllocationTerms& terms = {});

// Sets the revised instalments' scheduled amounts, adds the allocation's amounts to the
// position and sets cleared_on (the allocation's day) on the instalments it completes.
// FAILED_PRECONDITION, leaving the position as it was, when a revision does not find the
// amounts it recomputed or would schedule less than was paid, or a line names no
// instalment or pays more than is outstanding.
absl::Status ApplyAllocation(const Allocation& allocation, LoanPosition* position);

// The exact inverse of ApplyAllocation. FAILED_PRECONDITION, leaving the position as it
// was, when a line takes back more than was paid or a revision does not find the amounts
// it set.
absl::Status ReverseAllocation(const Allocation& allocation, LoanPosition* position);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_REPAYMENT_H_
