// The write of one repayment and of one guarantor's payment, inside the caller's
// transaction: what RecordRepayment and RecordGuarantorPayment run through RunWrite
// (servicing_service.cc), and what RecordCollections runs once per line of a
// meeting's collections (collections_service.cc) — one set of rules for both.
#ifndef CERCLES_SERVICES_LENDING_SERVICING_WRITES_H_
#define CERCLES_SERVICES_LENDING_SERVICING_WRITES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/auth/auth.h"
#include "common/storage/database.h"
#include "services/lending/context.h"
#include "services/lending/loan_store.h"
#include "services/lending/servicing_rules.h"

namespace cercles::lending {

// What the servicing rules (servicing_rules.h) read of the loan.
ServicedLoan Serviced(const LoanRecord& loan);
// Sets the loan's outstanding principal and interest from its position.
void SetOutstanding(const LoanPosition& position, LoanRecord& loan);

// A repayment's or a collection line's reference: up to this many characters.
inline constexpr size_t kMaxReferenceChars = 120;

// What a line of a meeting's collections adds to the checks of a single write
// (each empty: no such check).
struct LineScope {
  // The prefix of the fields the messages name: "lines[2]." makes "lines[2].amount".
  std::string field_prefix;
  // "circles/{id}": the loan must be of this circle (FAILED_PRECONDITION otherwise).
  std::string circle;
  // "people/{id}": must be the loan's borrower (FAILED_PRECONDITION otherwise).
  std::string borrower;
};

// A repayment's request fields, checked in form (ParseRepayment).
struct RepaymentInput {
  int64_t loan_id = 0;
  cercles::common::v1::Money amount;
  std::optional<absl::CivilDay> received_on;
  std::string reference;
  LineScope line;
};

// Locks the loan, applies the repayment rules (repayment.h, servicing_rules.h),
// posts the journal entry, stores the repayment and the position, saves the loan
// and appends its LoanChanged events; `response` gets the repayment and the loan.
absl::Status RecordRepaymentIn(const LendingContext& context, storage::Transaction& tx,
                               const auth::Principal& who, const RepaymentInput& in, absl::Time now,
                               v1::RecordRepaymentResponse* response);

// A guarantor's payment's request fields, checked in form.
struct GuarantorPaymentInput {
  int64_t loan_id = 0;
  std::string guarantor;
  cercles::common::v1::Money amount;
  std::optional<absl::CivilDay> received_on;
  LineScope line;
};

// The same for a guarantor's payment on a called guarantee; `response` gets the
// call with the shares after it, `journal_entry_id` (when not null) the entry.
absl::Status RecordGuarantorPaymentIn(const LendingContext& context, storage::Transaction& tx,
                                      const auth::Principal& who, const GuarantorPaymentInput& in,
                                      absl::Time now, v1::RecordGuarantorPaymentResponse* response,
                                      int64_t* journal_entry_id = nullptr);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_SERVICING_WRITES_H_
