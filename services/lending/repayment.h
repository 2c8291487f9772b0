// Repayments against a schedule: which instalment each cent pays, and the way back.
//
// Allocation order (Fineract's default "interest, then principal, oldest first"): the
// oldest instalment not fully paid first, its interest, then its principal, whether or not
// it has fallen due; then the next one, and so on. A borrower who pays an instalment ahead
// of its due date settles that instalment whole: it is cleared on the day the repayment
// was received (ApplyAllocation) and is never late afterwards (ClassifyArrears); what is
// paid beyond it goes to the next instalments the same way. So the most a repayment may
// be is everything still owed as scheduled; more is refused (FAILED_PRECONDITION naming
// the outstanding amount), never kept as a credit. The arithmetic does not recompute
// interest after a prepayment: waiving interest not yet earned on an early payoff is a
// fund decision, recorded as its own entry.
//
// Reversal: ReverseAllocation undoes ApplyAllocation exactly (the paid amounts and the
// cleared dates it set). Reverse the latest allocation first; to reverse an older one,
// reverse the later ones, then it, then apply the later repayments again (they may then
// be allocated differently, as they would have been).
#ifndef CERCLES_SERVICES_LENDING_REPAYMENT_H_
#define CERCLES_SERVICES_LENDING_REPAYMENT_H_

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

struct AllocationLine {
  int32_t instalment_number = 0;
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  friend bool operator==(const AllocationLine& a, const AllocationLine& b) {
    return a.instalment_number == b.instalment_number && a.principal_cents == b.principal_cents &&
           a.interest_cents == b.interest_cents;
  }
};

// Where one repayment goes: a line per instalment it touches, in instalment order, and the
// totals a journal entry needs (principal to the loan account, interest to income).
struct Allocation {
  absl::CivilDay received_on;
  std::vector<AllocationLine> lines;
  int64_t principal_cents = 0;
  int64_t interest_cents = 0;
  int64_t total_cents() const { return principal_cents + interest_cents; }
};

// INVALID_ARGUMENT for a non-positive amount or a malformed position; FAILED_PRECONDITION
// when the amount exceeds everything outstanding.
absl::StatusOr<Allocation> AllocateRepayment(const LoanPosition& position, int64_t amount_cents,
                                             absl::CivilDay received_on);

// Adds the allocation's amounts to the position and sets cleared_on (the allocation's
// day) on the instalments it completes. FAILED_PRECONDITION, leaving the position as it
// was, when a line names no instalment or pays more than is outstanding.
absl::Status ApplyAllocation(const Allocation& allocation, LoanPosition* position);

// The exact inverse of ApplyAllocation. FAILED_PRECONDITION, leaving the position as it
// was, when a line takes back more than was paid.
absl::Status ReverseAllocation(const Allocation& allocation, LoanPosition* position);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_REPAYMENT_H_
