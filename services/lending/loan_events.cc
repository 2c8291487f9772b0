#include "services/lending/loan_events.h"

#include <utility>

#include "common/events/outbox.h"
#include "common/util/status.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/reschedule_store.h"

namespace cercles::lending {

absl::Status AppendLoanChanged(storage::Transaction& tx, const std::string& fund_id,
                               v1::LoanChanged event, absl::Time now) {
  const std::string subject = event.loan().name();
  return events::AppendEvent(tx, fund_id, subject, event, now).status();
}

absl::Status SaveLoanAndAnnounce(storage::Transaction& tx, const std::string& fund_id,
                                 LoanRecord& loan, const LoanPosition& position,
                                 const FundSettings& settings,
                                 const std::vector<std::string>& changes, int64_t amount_cents,
                                 const v1::LoanChanged& event, absl::Time now, v1::Loan* out) {
  loan.update_time = now;
  bool cancelled = false;
  if (IsFinal(loan.state)) {
    if (!loan.close_time.has_value()) loan.close_time = now;
    // Every close (repaid, written off) passes here: a reschedule still pending
    // is cancelled in the same transaction.
    CERCLES_ASSIGN_OR_RETURN(cancelled, CancelPendingReschedule(tx, loan.id, now));
  }
  CERCLES_RETURN_IF_ERROR(SaveLoan(tx, loan));
  *out = ToProto(loan, position, Today(now), settings);
  auto announce = [&](v1::LoanChanged changed, const std::string& change,
                      int64_t cents) -> absl::Status {
    *changed.mutable_loan() = *out;
    SetLoanChange(change, &changed);
    SetChangeAmount(cents, settings.currency, &changed);
    return AppendLoanChanged(tx, fund_id, std::move(changed), now);
  };
  for (const std::string& change : changes) {
    CERCLES_RETURN_IF_ERROR(announce(event, change, amount_cents));
  }
  // The cancellation's event carries the loan only (no repayment, no amount).
  if (cancelled) return announce(v1::LoanChanged(), "RESCHEDULE_CANCELLED", 0);
  return absl::OkStatus();
}

}  // namespace cercles::lending
