#include "services/lending/reschedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"

namespace cercles::lending {

absl::StatusOr<Rescheduled> Reschedule(const LoanPosition& position, const RescheduleTerms& terms,
                                       absl::CivilDay day) {
  CERCLES_RETURN_IF_ERROR(ValidatePosition(position));
  Rescheduled out;
  for (size_t i = 0; i < position.size(); ++i) {
    const InstalmentPosition& p = position[i];
    if (p.principal_paid_cents + p.interest_paid_cents > 0) out.kept = i + 1;
  }
  for (size_t i = 0; i < position.size(); ++i) {
    InstalmentPosition p = position[i];
    out.principal_cents += p.principal_outstanding_cents();
    if (p.due <= day) out.carried_interest_cents += p.interest_outstanding_cents();
    if (i >= out.kept) continue;
    if (!p.fully_paid()) {
      p.principal_due_cents = p.principal_paid_cents;
      p.interest_due_cents = p.interest_paid_cents;
      p.cleared_on = day;
      out.closed.push_back(p.number);
    }
    out.position.push_back(p);
  }
  if (out.principal_cents == 0) {
    return absl::FailedPreconditionError(
        "the loan's principal is paid: only interest is left, nothing to reschedule");
  }
  if (out.kept > 0 && terms.first_due <= position[out.kept - 1].due) {
    return absl::FailedPreconditionError(absl::StrCat(
        "reschedule.first_due_date must be after ",
        absl::FormatCivilTime(position[out.kept - 1].due), ", the due date of instalment ",
        position[out.kept - 1].number, ", the last one with something paid (kept as it is)"));
  }
  ScheduleTerms schedule_terms;
  schedule_terms.principal_cents = out.principal_cents;
  schedule_terms.annual_rate_bps = terms.annual_rate_bps;
  schedule_terms.instalment_count = terms.instalment_count;
  schedule_terms.frequency = terms.frequency;
  schedule_terms.first_due = terms.first_due;
  schedule_terms.method = terms.method;
  schedule_terms.grace_on_principal = terms.grace_on_principal;
  schedule_terms.grace_on_interest = terms.grace_on_interest;
  CERCLES_ASSIGN_OR_RETURN(out.added, BuildSchedule(schedule_terms));
  const size_t carry_to =
      std::min(out.added.instalments.size() - 1, static_cast<size_t>(terms.grace_on_interest));
  Instalment& carrier = out.added.instalments[carry_to];
  carrier.interest_cents += out.carried_interest_cents;
  carrier.total_cents += out.carried_interest_cents;
  out.added.total_interest_cents += out.carried_interest_cents;
  for (Instalment& in : out.added.instalments) {
    in.number += static_cast<int32_t>(out.kept);
    InstalmentPosition p;
    p.number = in.number;
    p.due = in.due;
    p.principal_due_cents = in.principal_cents;
    p.interest_due_cents = in.interest_cents;
    out.position.push_back(p);
  }
  CERCLES_RETURN_IF_ERROR(ValidatePosition(out.position));
  return out;
}

}  // namespace cercles::lending
