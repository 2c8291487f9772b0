#include "services/lending/loan_events.h"

#include <utility>

#include "common/events/outbox.h"
#include "common/util/status.h"
#include "services/lending/loan_mapping.h"

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
  if (IsFinal(loan.state) && !loan.close_time.has_value()) loan.close_time = now;
  CERCLES_RETURN_IF_ERROR(SaveLoan(tx, loan));
  *out = ToProto(loan, position, Today(now), settings);
  for (const std::string& change : changes) {
    v1::LoanChanged changed = event;
    *changed.mutable_loan() = *out;
    SetLoanChange(change, &changed);
    SetChangeAmount(amount_cents, settings.currency, &changed);
    CERCLES_RETURN_IF_ERROR(AppendLoanChanged(tx, fund_id, std::move(changed), now));
  }
  return absl::OkStatus();
}

}  // namespace cercles::lending
