// SQL of loan servicing (tables repayments, guarantee_calls and guarantee_shares
// of migration 0003_loans.sql) and its API views. Every function runs inside the
// caller's transaction.
#ifndef CERCLES_SERVICES_LENDING_SERVICING_STORE_H_
#define CERCLES_SERVICES_LENDING_SERVICING_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/storage/database.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

// One row of `repayments`. Its allocation says where the money went; a reversal
// links the reversing journal entry and never edits anything else.
struct RepaymentRecord {
  int64_t id = 0;
  int64_t loan_id = 0;
  int64_t amount_cents = 0;
  std::string reference;
  Allocation allocation;  // received_on, lines, principal and interest totals
  int64_t journal_entry_id = 0;
  std::optional<int64_t> reversal_entry_id;
  std::string reversal_reason;
  std::string recorded_by;
  absl::Time create_time;
  std::string name() const;  // "loans/{loan_id}/repayments/{id}"
};

// "loans/{loan_id}/repayments/{id}" -> {loan_id, id}; INVALID_ARGUMENT naming
// `field` otherwise.
struct RepaymentKey {
  int64_t loan_id = 0;
  int64_t id = 0;
};
absl::StatusOr<RepaymentKey> ParseRepaymentName(const std::string& name, const std::string& field);

// Inserts the repayment (its id is ignored) and returns its id.
absl::StatusOr<int64_t> InsertRepayment(storage::Transaction& tx, const RepaymentRecord& repayment);
// NOT_FOUND naming the repayment when the loan has no such repayment.
absl::StatusOr<RepaymentRecord> LoadRepayment(storage::Transaction& tx, const RepaymentKey& key);
// The loan's latest repayment not reversed (the only one that may be reversed).
absl::StatusOr<std::optional<int64_t>> LatestLiveRepaymentId(storage::Transaction& tx,
                                                             int64_t loan_id);
// Links the reversal; ABORTED when the row was reversed meanwhile.
absl::Status MarkRepaymentReversed(storage::Transaction& tx, int64_t id, int64_t reversal_entry_id,
                                   const std::string& reason);
// The loan's repayments with id > after_id, oldest first, at most `limit`.
absl::StatusOr<std::vector<RepaymentRecord>> ListRepaymentRecords(storage::Transaction& tx,
                                                                  int64_t loan_id, int64_t after_id,
                                                                  int limit);
v1::Repayment RepaymentToProto(const RepaymentRecord& repayment, const std::string& currency,
                               const std::string& borrower);

// A called guarantee and each guarantor's share (guarantee_calls,
// guarantee_shares): at most one per loan.
struct GuaranteeShareRecord {
  std::string guarantor;  // "people/{id}"
  int64_t amount_cents = 0;
  int64_t paid_cents = 0;
};
struct GuaranteeCallRecord {
  int64_t loan_id = 0;
  int64_t amount_cents = 0;
  int32_t days_past_due = 0;
  absl::CivilDay call_date;
  int64_t journal_entry_id = 0;
  absl::Time create_time;
  std::vector<GuaranteeShareRecord> shares;  // by guarantor
};

// ALREADY_EXISTS when the loan's guarantee was already called.
absl::Status InsertGuaranteeCall(storage::Transaction& tx, const GuaranteeCallRecord& call);
// nullopt when the loan's guarantee was never called.
absl::StatusOr<std::optional<GuaranteeCallRecord>> LoadGuaranteeCall(storage::Transaction& tx,
                                                                     int64_t loan_id);
// Adds a payment to a share; ABORTED when there is no such share or the payment
// would exceed it (the caller checked both: the row changed meanwhile).
absl::Status AddGuarantorPayment(storage::Transaction& tx, int64_t loan_id,
                                 const std::string& guarantor, int64_t amount_cents);
v1::GuaranteeCall GuaranteeCallToProto(const GuaranteeCallRecord& call,
                                       const std::string& currency);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_SERVICING_STORE_H_
