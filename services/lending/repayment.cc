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

// Runs `update` on the instalment each line names, in `*position` (the caller's copy).
template <typename Update>
absl::Status UpdateLines(const Allocation& allocation, LoanPosition* position, Update update) {
  for (const AllocationLine& line : allocation.lines) {
    absl::StatusOr<size_t> index = LineIndex(line, *position);
    if (!index.ok()) return index.status();
    if (absl::Status status = update(line, (*position)[*index]); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// The index of the instalment a revision names, or an error naming the revision.
absl::StatusOr<size_t> RevisionIndex(const InstalmentRevision& revision,
                                     const LoanPosition& position) {
  if (revision.instalment_number < 1 ||
      static_cast<size_t>(revision.instalment_number) > position.size()) {
    return absl::FailedPreconditionError(absl::StrCat("the allocation recomputes instalment ",
                                                      revision.instalment_number, ", the loan has ",
                                                      position.size()));
  }
  if (revision.principal_after_cents < 0 || revision.interest_after_cents < 0 ||
      revision.principal_before_cents < 0 || revision.interest_before_cents < 0) {
    return absl::FailedPreconditionError(absl::StrCat("the allocation's revision of instalment ",
                                                      revision.instalment_number,
                                                      " has a negative amount"));
  }
  return static_cast<size_t>(revision.instalment_number - 1);
}

// The indexes of the instalments an allocation touches (lines and revisions), each once.
// The numbers were checked by LineIndex and RevisionIndex.
std::vector<size_t> Touched(const Allocation& allocation) {
  std::vector<size_t> indexes;
  for (const AllocationLine& line : allocation.lines) {
    indexes.push_back(static_cast<size_t>(line.instalment_number - 1));
  }
  for (const InstalmentRevision& revision : allocation.revisions) {
    indexes.push_back(static_cast<size_t>(revision.instalment_number - 1));
  }
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  return indexes;
}

// Moves each revised instalment's scheduled amounts from one side of its revision to the
// other: before to after when applying (forward), back when reversing. Each must find the
// amounts it moves from, and never schedule less than was paid.
absl::Status Reschedule(const Allocation& allocation, bool forward, LoanPosition* position) {
  const char* const who = forward ? "the allocation" : "the reversal";
  for (const InstalmentRevision& r : allocation.revisions) {
    absl::StatusOr<size_t> index = RevisionIndex(r, *position);
    if (!index.ok()) return index.status();
    InstalmentPosition& p = (*position)[*index];
    const int64_t from_principal = forward ? r.principal_before_cents : r.principal_after_cents;
    const int64_t from_interest = forward ? r.interest_before_cents : r.interest_after_cents;
    const int64_t to_principal = forward ? r.principal_after_cents : r.principal_before_cents;
    const int64_t to_interest = forward ? r.interest_after_cents : r.interest_before_cents;
    if (p.principal_due_cents != from_principal || p.interest_due_cents != from_interest) {
      return absl::FailedPreconditionError(absl::StrCat(
          who, " reschedules instalment ", r.instalment_number, " from amounts it no longer has"));
    }
    if (to_principal < p.principal_paid_cents || to_interest < p.interest_paid_cents) {
      return absl::FailedPreconditionError(absl::StrCat(
          who, " schedules instalment ", r.instalment_number, " below what was paid on it"));
    }
    p.principal_due_cents = to_principal;
    p.interest_due_cents = to_interest;
  }
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

size_t CurrentInstalmentIndex(const LoanPosition& position, absl::CivilDay day,
                              PrepaymentRule rule) {
  const size_t last = position.size() - 1;
  if (rule != PrepaymentRule::kReducePrincipal) return last;
  size_t current = last;
  for (size_t i = 0; i < position.size(); ++i) {
    if (position[i].due > day) {
      current = i;
      break;
    }
  }
  // An instalment paid ahead (its interest, or all of it) has had its period's interest
  // charged: a recomputation starts after it, never under it.
  for (size_t i = position.size(); i-- > current + 1;) {
    if (position[i].interest_paid_cents > 0 || position[i].fully_paid()) return i;
  }
  return current;
}

absl::StatusOr<OutstandingAmounts> Payoff(const LoanPosition& position, absl::CivilDay day,
                                          PrepaymentRule rule) {
  if (absl::Status status = ValidatePosition(position); !status.ok()) return status;
  OutstandingAmounts payoff = Outstanding(position);
  if (position.empty()) return payoff;
  const size_t current = CurrentInstalmentIndex(position, day, rule);
  for (size_t i = current + 1; i < position.size(); ++i) {
    payoff.interest_cents -= position[i].interest_outstanding_cents();
  }
  return payoff;
}

namespace {

// The principal and interest parts of `count` instalments repaying `balance_cents` on the
// loan's terms: BuildSchedule's, over fewer instalments when fewer cents are left than
// instalments (the rest zero), all zero when nothing is left. Due dates are the caller's.
absl::StatusOr<std::vector<Instalment>> RecomputedParts(int64_t balance_cents, size_t count,
                                                        const AllocationTerms& terms,
                                                        absl::CivilDay first_due) {
  std::vector<Instalment> parts(count);
  if (balance_cents == 0) return parts;
  ScheduleTerms schedule_terms;
  schedule_terms.principal_cents = balance_cents;
  schedule_terms.annual_rate_bps = terms.annual_rate_bps;
  schedule_terms.instalment_count =
      static_cast<int32_t>(std::min<int64_t>(static_cast<int64_t>(count), balance_cents));
  schedule_terms.frequency = terms.frequency;
  schedule_terms.first_due = first_due;
  schedule_terms.method = terms.method;
  absl::StatusOr<Schedule> schedule = BuildSchedule(schedule_terms);
  if (!schedule.ok()) return schedule.status();
  std::copy(schedule->instalments.begin(), schedule->instalments.end(), parts.begin());
  return parts;
}

}  // namespace

absl::StatusOr<Allocation> AllocateRepayment(const LoanPosition& position, int64_t amount_cents,
                                             absl::CivilDay received_on,
                                             const AllocationTerms& terms) {
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be positive, got ", amount_cents));
  }
  absl::StatusOr<OutstandingAmounts> payoff = Payoff(position, received_on, terms.rule);
  if (!payoff.ok()) return payoff.status();
  if (amount_cents > payoff->total_cents()) {
    return absl::FailedPreconditionError(
        absl::StrCat("amount.minor_units ", amount_cents, " exceeds the outstanding ",
                     payoff->total_cents(), " (principal ", payoff->principal_cents, ", interest ",
                     payoff->interest_cents, "); overpayments are refused"));
  }

  // One rule whether or not an instalment has fallen due: the oldest instalment not fully
  // paid first, its interest, then its principal. Paying ahead therefore settles the
  // instalment in hand whole (it clears, ApplyAllocation) rather than spreading principal
  // over later instalments and leaving its interest owed.
  std::vector<AllocationLine> lines(position.size());
  int64_t remaining = amount_cents;
  const size_t current = CurrentInstalmentIndex(position, received_on, terms.rule);
  for (size_t i = 0; i <= current && remaining > 0; ++i) {
    const InstalmentPosition& p = position[i];
    Take(p.interest_outstanding_cents(), &remaining, &lines[i].interest_cents);
    Take(p.principal_outstanding_cents(), &remaining, &lines[i].principal_cents);
  }

  Allocation allocation;
  allocation.received_on = received_on;
  if (remaining > 0) {
    // kReducePrincipal, beyond the current instalment (the payoff bounds `remaining` by the
    // principal left after it): the prepayment goes to the next instalment's principal and
    // the later instalments are recomputed from the reduced balance.
    const size_t first = current + 1;
    int64_t balance = 0;
    for (size_t i = first; i < position.size(); ++i) {
      balance += position[i].principal_outstanding_cents();
    }
    absl::StatusOr<std::vector<Instalment>> parts =
        RecomputedParts(balance - remaining, position.size() - first, terms, position[first].due);
    if (!parts.ok()) return parts.status();
    for (size_t i = first; i < position.size(); ++i) {
      const InstalmentPosition& p = position[i];
      const Instalment& part = (*parts)[i - first];
      InstalmentRevision revision;
      revision.instalment_number = p.number;
      revision.principal_before_cents = p.principal_due_cents;
      revision.interest_before_cents = p.interest_due_cents;
      revision.principal_after_cents =
          p.principal_paid_cents + (i == first ? remaining : 0) + part.principal_cents;
      revision.interest_after_cents = p.interest_paid_cents + part.interest_cents;
      allocation.revisions.push_back(revision);
    }
    lines[first].principal_cents = remaining;
  }

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
  LoanPosition updated = *position;
  if (absl::Status status = Reschedule(allocation, /*forward=*/true, &updated); !status.ok()) {
    return status;
  }
  absl::Status paid =
      UpdateLines(allocation, &updated, [&](const AllocationLine& line, InstalmentPosition& p) {
        if (line.principal_cents > p.principal_outstanding_cents() ||
            line.interest_cents > p.interest_outstanding_cents()) {
          return absl::FailedPreconditionError(absl::StrCat("the allocation pays instalment ",
                                                            line.instalment_number,
                                                            " more than is outstanding"));
        }
        p.principal_paid_cents += line.principal_cents;
        p.interest_paid_cents += line.interest_cents;
        return absl::OkStatus();
      });
  if (!paid.ok()) return paid;
  // Every instalment it touched was owed before it (lines pay only what is outstanding,
  // revisions recompute only instalments not paid in full): the ones it settles clear today.
  for (size_t index : Touched(allocation)) {
    if (updated[index].fully_paid()) updated[index].cleared_on = allocation.received_on;
  }
  *position = std::move(updated);
  return absl::OkStatus();
}

absl::Status ReverseAllocation(const Allocation& allocation, LoanPosition* position) {
  LoanPosition updated = *position;
  absl::Status taken_back =
      UpdateLines(allocation, &updated, [](const AllocationLine& line, InstalmentPosition& p) {
        if (line.principal_cents > p.principal_paid_cents ||
            line.interest_cents > p.interest_paid_cents) {
          return absl::FailedPreconditionError(
              absl::StrCat("the reversal takes back from instalment ", line.instalment_number,
                           " more than was paid on it"));
        }
        p.principal_paid_cents -= line.principal_cents;
        p.interest_paid_cents -= line.interest_cents;
        return absl::OkStatus();
      });
  if (!taken_back.ok()) return taken_back;
  if (absl::Status status = Reschedule(allocation, /*forward=*/false, &updated); !status.ok()) {
    return status;
  }
  // Every instalment the allocation touched was owed before it: it is open again.
  for (size_t index : Touched(allocation)) updated[index].cleared_on.reset();
  *position = std::move(updated);
  return absl::OkStatus();
}

}  // namespace cercles::lending
