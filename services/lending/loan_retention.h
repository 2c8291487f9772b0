// The storage of lending's retention purge (PurgeExpiredLoanRecords): which
// closed loans are past retention (loan_retention_rules.h decides), and the
// purge of one, in the caller's transaction.
#ifndef CERCLES_SERVICES_LENDING_LOAN_RETENTION_H_
#define CERCLES_SERVICES_LENDING_LOAN_RETENTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/storage/database.h"

namespace cercles::lending {

// The ids of the closed loans whose free text is past `months` on `today` and
// not purged since they closed (LoanTextPastRetention), in id order.
absl::StatusOr<std::vector<int64_t>> ExpiredClosedLoans(storage::Transaction& tx, int32_t months,
                                                        absl::CivilDay today);

// Clears the loan's free text and that of what hangs on it (ClearLoanText),
// and records when (text_purge_time_us). Returns the resource names whose
// earlier messages held that text: the loan, its repayments and reschedules
// (each its own message, naming itself, not the loan), for the caller's
// service::ScrubPurgedRecords; the LoanRecordsPurged event is the caller's too.
absl::StatusOr<std::vector<std::string>> PurgeLoanText(storage::Transaction& tx, int64_t loan_id,
                                                       absl::Time now);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_RETENTION_H_
