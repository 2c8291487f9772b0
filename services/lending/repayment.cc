#include "services/lending/repayment.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cercles::lending {
namespace {

// Moves up to `*remaining` cents into `*paid`, bounded by what is still owed on it.
void Take(int64_t owed, int64_t* remaining, int64_t* paid) {
  const int64_t taken = std::min(owed, *remaining);
  *paid += taken;
  *remaining -= taken;
}

// The index of the instalment a line names, or an error naming the line.
absl::StatusOr<size_t> LineIndex(const AllocationLine& line, const LoanPosition& position) {
  if (line.instalment_number < 1 || static_cast<size_t>(line.instalment_number) > position.size()) {
    return absl::FailedPreconditionError(absl::StrCat("the allocation names instalment ",
                                                      line.instalment_number, ", the loan has ",
                                                      position.size()));
  }
  if (line.principal_cents < 0 || line.interest_cents < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the allocation's line for instalment ", line.instalment_number, " has a negative amount"));
  }
  return static_cast<size_t>(line.instalment_number - 1);
}

// Runs `update` on the instalment each line names, on a copy: the position changes only
// if every line succeeds.
template <typename Update>
absl::Status UpdateLines(const Allocation& allocation, LoanPosition* position, Update update) {
  LoanPosition updated = *position;
  for (const AllocationLine& line : allocation.lines) {
    absl::StatusOr<size_t> index = LineIndex(line, updated);
    if (!index.ok()) return index.status();
    if (absl::Status status = update(line, updated[*index]); !status.ok()) return status;
  }
  *position = std::move(updated);
  return absl::OkStatus();
}

}  // namespace

LoanPosition OpenPosition(const Schedule& schedule) {
  LoanPosition position;
  position.reserve(schedule.instalments.size());
  for (const Instalment& instalment : schedule.instalments) {
    InstalmentPosition p;
    p.number = instalment.number;
    p.due = instalment.due;
    p.principal_due_cents = instalment.principal_cents;
    p.interest_due_cents = instalment.interest_cents;
    position.push_back(p);
  }
  return position;
}

absl::Status ValidatePosition(const LoanPosition& position) {
  for (size_t i = 0; i < position.size(); ++i) {
    const InstalmentPosition& p = position[i];
    const std::string where = absl::StrCat("position[", i, "]");
    if (p.number != static_cast<int32_t>(i + 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".number must be ", i + 1, ", got ", p.number));
    }
    if (i > 0 && p.due < position[i - 1].due) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".due must not be before the previous instalment's"));
    }
    if (p.principal_due_cents < 0 || p.interest_due_cents < 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, " has a negative amount due"));
    }
    if (p.principal_paid_cents < 0 || p.principal_paid_cents > p.principal_due_cents) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".principal_paid_cents must be between 0 and ", p.principal_due_cents,
                       ", got ", p.principal_paid_cents));
    }
    if (p.interest_paid_cents < 0 || p.interest_paid_cents > p.interest_due_cents) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".interest_paid_cents must be between 0 and ", p.interest_due_cents,
                       ", got ", p.interest_paid_cents));
    }
  }
  return absl::OkStatus();
}

OutstandingAmounts Outstanding(const LoanPosition& position) {
  OutstandingAmounts outstanding;
  for (const InstalmentPosition& p : position) {
    outstanding.principal_cents += p.principal_outstanding_cents();
    outstanding.interest_cents += p.interest_outstanding_cents();
  }
  return outstanding;
}

absl::StatusOr<Allocation> AllocateRepayment(const LoanPosition& position, int64_t amount_cents,
                                             absl::CivilDay received_on) {
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount_cents must be positive, got ", amount_cents));
  }
  if (absl::Status status = ValidatePosition(position); !status.ok()) return status;
  const OutstandingAmounts outstanding = Outstanding(position);
  if (amount_cents > outstanding.total_cents()) {
    return absl::FailedPreconditionError(
        absl::StrCat("amount_cents ", amount_cents, " exceeds the outstanding ",
                     outstanding.total_cents(), " cents (principal ", outstanding.principal_cents,
                     ", interest ", outstanding.interest_cents, "); overpayments are refused"));
  }

  // One rule whether or not an instalment has fallen due: the oldest instalment not fully
  // paid first, its interest, then its principal. Paying ahead therefore settles the
  // instalment in hand whole (it clears, ApplyAllocation) rather than spreading principal
  // over later instalments and leaving its interest owed.
  std::vector<AllocationLine> lines(position.size());
  int64_t remaining = amount_cents;
  for (size_t i = 0; i < position.size() && remaining > 0; ++i) {
    const InstalmentPosition& p = position[i];
    Take(p.interest_outstanding_cents(), &remaining, &lines[i].interest_cents);
    Take(p.principal_outstanding_cents(), &remaining, &lines[i].principal_cents);
  }

  Allocation allocation;
  allocation.received_on = received_on;
  for (size_t i = 0; i < lines.size(); ++i) {
    AllocationLine& line = lines[i];
    if (line.principal_cents == 0 && line.interest_cents == 0) continue;
    line.instalment_number = position[i].number;
    allocation.principal_cents += line.principal_cents;
    allocation.interest_cents += line.interest_cents;
    allocation.lines.push_back(line);
  }
  return allocation;
}

absl::Status ApplyAllocation(const Allocation& allocation, LoanPosition* position) {
  return UpdateLines(allocation, position, [&](const AllocationLine& line, InstalmentPosition& p) {
    if (line.principal_cents > p.principal_outstanding_cents() ||
        line.interest_cents > p.interest_outstanding_cents()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the allocation pays instalment ", line.instalment_number, " more than is outstanding"));
    }
    p.principal_paid_cents += line.principal_cents;
    p.interest_paid_cents += line.interest_cents;
    if (p.fully_paid()) p.cleared_on = allocation.received_on;
    return absl::OkStatus();
  });
}

absl::Status ReverseAllocation(const Allocation& allocation, LoanPosition* position) {
  return UpdateLines(allocation, position, [](const AllocationLine& line, InstalmentPosition& p) {
    if (line.principal_cents > p.principal_paid_cents ||
        line.interest_cents > p.interest_paid_cents) {
      return absl::FailedPreconditionError(absl::StrCat("the reversal takes back from instalment ",
                                                        line.instalment_number,
                                                        " more than was paid on it"));
    }
    p.principal_paid_cents -= line.principal_cents;
    p.interest_paid_cents -= line.interest_cents;
    // Allocations only pay what is outstanding, so an instalment a line touches was open
    // before the allocation: it is open again.
    if (line.principal_cents != 0 || line.interest_cents != 0) p.cleared_on.reset();
    return absl::OkStatus();
  });
}

}  // namespace cercles::lending
