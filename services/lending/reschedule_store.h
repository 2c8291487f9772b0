// SQL of loan reschedules (tables loan_reschedules and loan_schedule_history of
// migration 0010_reschedules.sql) and their API view. Every function runs inside the
// caller's transaction. The arithmetic is in reschedule.h, the handlers in
// reschedule_service.cc.
#ifndef CERCLES_SERVICES_LENDING_RESCHEDULE_STORE_H_
#define CERCLES_SERVICES_LENDING_RESCHEDULE_STORE_H_

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
#include "services/lending/reschedule.h"

namespace cercles::lending {

// One row of loan_reschedules.
struct RescheduleRecord {
  int64_t id = 0;
  int64_t loan_id = 0;
  v1::RescheduleState state = v1::RESCHEDULE_STATE_PENDING;
  RescheduleTerms terms;  // count, frequency, graces, first due (rate and method unused)
  std::string reason;
  std::string requested_by;
  std::string decided_by;
  std::string rejection_reason;
  absl::Time create_time;
  std::optional<absl::Time> decide_time;
  int64_t rescheduled_principal_cents = 0;
  int64_t carried_interest_cents = 0;
  int32_t schedule_version = 0;
  int64_t last_repayment_id = 0;
  std::string name() const;  // "loans/{loan_id}/reschedules/{id}"
};

struct RescheduleKey {
  int64_t loan_id = 0;
  int64_t id = 0;
};
// "loans/{loan_id}/reschedules/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<RescheduleKey> ParseRescheduleName(const std::string& name,
                                                  const std::string& field);

// Inserts a PENDING request and returns its id.
absl::StatusOr<int64_t> InsertReschedule(storage::Transaction& tx, const RescheduleRecord& r);
// NOT_FOUND naming it when the loan has no such reschedule.
absl::StatusOr<RescheduleRecord> LoadReschedule(storage::Transaction& tx, const RescheduleKey& key);
// The loan's PENDING reschedule, if any.
absl::StatusOr<std::optional<RescheduleRecord>> PendingReschedule(storage::Transaction& tx,
                                                                  int64_t loan_id);
// Writes the decision (state, decided_by, reasons, amounts, version, watermark) of a
// PENDING row; ABORTED when it was decided meanwhile.
absl::Status SaveRescheduleDecision(storage::Transaction& tx, const RescheduleRecord& r);
// Cancels the loan's PENDING reschedule, if any (the loan closed: CANCELLED, decided
// at `now` by nobody); true when there was one.
absl::StatusOr<bool> CancelPendingReschedule(storage::Transaction& tx, int64_t loan_id,
                                             absl::Time now);
// The loan's reschedules with id > after_id, oldest first, at most `limit`.
absl::StatusOr<std::vector<RescheduleRecord>> ListRescheduleRecords(storage::Transaction& tx,
                                                                    int64_t loan_id,
                                                                    int64_t after_id, int limit);
// How many reschedules of the loan were approved.
absl::StatusOr<int32_t> ApprovedRescheduleCount(storage::Transaction& tx, int64_t loan_id);
// The loan's latest repayment id (0 when none).
absl::StatusOr<int64_t> LatestRepaymentId(storage::Transaction& tx, int64_t loan_id);
// FAILED_PRECONDITION naming the rule when the repayment `repayment_id` was recorded
// before an approved reschedule of the loan (its allocation is to the replaced schedule).
absl::Status CheckNotRescheduledSince(storage::Transaction& tx, int64_t loan_id,
                                      int64_t repayment_id, const std::string& repayment_name);

// The API view; `replaced` is the schedule an approved reschedule replaced (null: none
// shown).
v1::LoanReschedule RescheduleToProto(const RescheduleRecord& r, const std::string& currency,
                                     const std::string& borrower, const v1::Schedule* replaced);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_RESCHEDULE_STORE_H_
