// SQL of loans (migration 0003_loans.sql) shared by every lending handler file:
// one loan row, its voters/votes/guarantors and its instalment positions. Every
// function runs inside the caller's transaction. The API view of a loan is in
// loan_mapping.h, who sees which loan in loan_access.h, the LoanChanged events
// in loan_events.h, the fund settings row in settings_store.h.
#ifndef CERCLES_SERVICES_LENDING_LOAN_STORE_H_
#define CERCLES_SERVICES_LENDING_LOAN_STORE_H_

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
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// One row of `loans`, plus its voters, votes and guarantors.
struct LoanRecord {
  int64_t id = 0;
  std::string applicant;        // "people/{id}"
  std::string circle;           // "circles/{id}", follows merges
  std::string original_circle;  // the circle it was requested through
  std::string advisor;          // "advisors/{id}" or ""
  LoanState state = LoanState::kSubmitted;
  LoanRequest request;                            // amount, purpose, plan, terms
  std::optional<InterestMethod> interest_method;  // set at disbursement
  std::optional<GuaranteeKind> guarantee_kind;    // set with the circle's decision
  int64_t ceiling_cents = 0;
  std::string submitted_by;
  std::string decided_by;
  std::string state_reason;
  std::optional<absl::CivilDay> disbursement_date;
  std::optional<absl::CivilDay> first_due_date;
  int64_t outstanding_principal_cents = 0;
  int64_t outstanding_interest_cents = 0;
  int64_t guarantee_called_cents = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> close_time;
  // When the circle's meeting closed the vote (CloseCircleVote); unset while it has not.
  std::optional<absl::Time> vote_close_time;
  std::vector<std::string> voters;          // eligible voters fixed at submission, sorted
  std::vector<Vote> votes;                  // in casting order
  std::vector<std::string> vote_recorders;  // parallel to votes: who recorded each
  std::vector<absl::Time> vote_times;       // parallel to votes
  std::vector<std::string> guarantors;      // sorted
  // The mutable columns as last read or written (empty for a record not loaded):
  // UpdateLoan writes only the columns that differ from them (every one when
  // empty), so an unchanged indexed column (state, circle, advisor) costs nothing.
  std::vector<storage::Value> stored_columns;
  std::string name() const;  // "loans/{id}"
};

// NOT_FOUND "loan loans/{id} does not exist" when absent. With for_update the row
// is locked for the rest of the transaction (PostgreSQL SELECT ... FOR UPDATE;
// SQLite write transactions are already exclusive).
absl::StatusOr<LoanRecord> LoadLoan(storage::Transaction& tx, int64_t id, bool for_update);

// Inserts a new loan (state, request, voters...) and returns its id.
absl::StatusOr<int64_t> InsertLoan(storage::Transaction& tx, const LoanRecord& loan);

// Writes back the mutable columns of the loan row (state, circle, advisor,
// guarantee kind, decided_by, reason, dates, outstanding amounts, update and close
// times) that differ from loan.stored_columns (all of them when it is empty).
// A record written twice must be reloaded in between, or go through
// SaveLoanAndAnnounce (which refreshes stored_columns). Votes and guarantors have
// their own writers.
absl::Status UpdateLoan(storage::Transaction& tx, const LoanRecord& loan);
// UpdateLoan, then records the columns written in loan.stored_columns (so the
// record may be written again without a reload).
absl::Status SaveLoan(storage::Transaction& tx, LoanRecord& loan);
absl::Status InsertVote(storage::Transaction& tx, int64_t loan_id, const Vote& vote,
                        const std::string& recorded_by, absl::Time cast_time);
absl::Status InsertGuarantors(storage::Transaction& tx, int64_t loan_id,
                              const std::vector<std::string>& guarantors);
// Removes one guarantor of the loan (a no-voter after the decision, GuarantorsAfterVote).
absl::Status DeleteGuarantor(storage::Transaction& tx, int64_t loan_id,
                             const std::string& guarantor);

// The instalments of a disbursed loan with what has been paid (empty before).
absl::StatusOr<LoanPosition> LoadPosition(storage::Transaction& tx, int64_t loan_id);
// A reschedule (reschedule.h): copies the loan's instalments, as they stand, into
// loan_schedule_history under the reschedule's id; reads such a copy back.
absl::Status SaveReplacedSchedule(storage::Transaction& tx, int64_t loan_id, int64_t reschedule_id);
absl::StatusOr<LoanPosition> LoadReplacedSchedule(storage::Transaction& tx, int64_t loan_id,
                                                  int64_t reschedule_id);
// Deletes the loan's instalments numbered after `kept` (a reschedule replaces them).
absl::Status DropInstalmentsAfter(storage::Transaction& tx, int64_t loan_id, int32_t kept);
// Writes the loan's instalment count, frequency and graces (a reschedule's terms).
absl::Status UpdateLoanTerms(storage::Transaction& tx, const LoanRecord& loan);
// Stores a new schedule (at disbursement, or a reschedule's new instalments).
absl::Status InsertSchedule(storage::Transaction& tx, int64_t loan_id, const Schedule& schedule);
// Writes back the paid amounts and cleared dates of the instalments in `numbers`
// (the ones an allocation touched), and for those also in `revised` their scheduled
// principal, interest and balance after (a recomputation, repayment.h).
absl::Status UpdatePosition(storage::Transaction& tx, int64_t loan_id, const LoanPosition& position,
                            const std::vector<int32_t>& numbers,
                            const std::vector<int32_t>& revised = {});

// Loans matching every non-empty field, id > after_id, in id order, at most
// `limit` (1..1000), each with its voters, votes and guarantors.
struct LoanFilter {
  std::string circle;
  std::string applicant;
  std::vector<LoanState> states;  // empty: all
  std::string advisor;
  // Set: only loans of these circles ("circles/{id}"; none when empty).
  std::optional<std::vector<std::string>> circles_in = std::nullopt;
};
// ListLoanRecords' largest page (its `limit` is 1 to this).
inline constexpr int kMaxLoanRecordsPerList = 1000;
absl::StatusOr<std::vector<LoanRecord>> ListLoanRecords(storage::Transaction& tx,
                                                        const LoanFilter& filter, int64_t after_id,
                                                        int limit);
// The applicant's loans and requests (every state), oldest first.
absl::StatusOr<std::vector<LoanRecord>> LoansOfApplicant(storage::Transaction& tx,
                                                         const std::string& applicant);
// The loans `voter` ("people/{id}") cast a vote on, oldest first.
absl::StatusOr<std::vector<LoanRecord>> LoansVotedOnBy(storage::Transaction& tx,
                                                       const std::string& voter);
// The loans `guarantor` ("people/{id}") guarantees, oldest first.
absl::StatusOr<std::vector<LoanRecord>> LoansGuaranteedBy(storage::Transaction& tx,
                                                          const std::string& guarantor);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_STORE_H_
