// The LoanChanged events of lending, appended to the outbox inside the write's
// transaction (common/events: the outbox append applies the redaction).
#ifndef CERCLES_SERVICES_LENDING_LOAN_EVENTS_H_
#define CERCLES_SERVICES_LENDING_LOAN_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/storage/database.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_store.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

// Redacts the event (sensitive fields of its loan) and appends it to the outbox
// with the loan's name as subject, inside the caller's transaction.
absl::Status AppendLoanChanged(storage::Transaction& tx, const std::string& fund_id,
                               v1::LoanChanged event, absl::Time now);

// Writes the loan back (update_time = now; close_time set when it reaches a final
// state), fills `out` with its API view as of today and appends one LoanChanged
// per change: a copy of `event` (which may carry a repayment or a guarantee call)
// with the loan after the write and `amount_cents`. A loan reaching a final state
// with a reschedule pending has it cancelled here (RESCHEDULE_CANCELLED, one more
// LoanChanged without amount).
absl::Status SaveLoanAndAnnounce(storage::Transaction& tx, const std::string& fund_id,
                                 LoanRecord& loan, const LoanPosition& position,
                                 const FundSettings& settings,
                                 const std::vector<std::string>& changes, int64_t amount_cents,
                                 const v1::LoanChanged& event, absl::Time now, v1::Loan* out);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_EVENTS_H_
