// SQL of loans (migration 0003_loans.sql) shared by every lending RPC file:
// one loan row, its voters/votes/guarantors, its instalment positions, and the
// one conversion to the API's Loan message. Every function runs inside the
// caller's transaction.
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
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/auth/auth.h"
#include "common/auth/scope.h"
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
absl::Status InsertVote(storage::Transaction& tx, int64_t loan_id, const Vote& vote,
                        const std::string& recorded_by, absl::Time cast_time);
absl::Status InsertGuarantors(storage::Transaction& tx, int64_t loan_id,
                              const std::vector<std::string>& guarantors);

// The instalments of a disbursed loan with what has been paid (empty before).
absl::StatusOr<LoanPosition> LoadPosition(storage::Transaction& tx, int64_t loan_id);
// Stores a new schedule (at disbursement).
absl::Status InsertSchedule(storage::Transaction& tx, int64_t loan_id, const Schedule& schedule);
// Writes back the paid amounts and cleared dates of the instalments in `numbers`
// (the ones an allocation touched).
absl::Status UpdatePosition(storage::Transaction& tx, int64_t loan_id, const LoanPosition& position,
                            const std::vector<int32_t>& numbers);

// The API view: every stored field, and for an ACTIVE loan its arrears as of
// `as_of` under the settings' buckets. Sensitive fields are included (the caller's
// access was checked; events go through redaction).
v1::Loan ToProto(const LoanRecord& loan, const LoanPosition& position, absl::CivilDay as_of,
                 const FundSettings& settings);

// Settings in force (fund_settings table; defaults when never changed).
absl::StatusOr<FundSettings> LoadSettings(storage::Transaction& tx);

// Conversions shared by every RPC file.
v1::LoanState ToProtoState(LoanState state);
// INVALID_ARGUMENT naming `field` for an invalid date; nullopt when unset (all zero).
absl::StatusOr<std::optional<absl::CivilDay>> FromDate(const cercles::common::v1::Date& date,
                                                       const std::string& field);
// INVALID_ARGUMENT naming `field` unless the currency is the fund's (empty means
// the fund's) and the amount positive.
absl::StatusOr<int64_t> FromMoney(const cercles::common::v1::Money& money,
                                  const std::string& currency, const std::string& field);
// Today in the fund's time zone (America/Toronto by default): the default "as of"
// of every report and the default date of every money movement.
absl::CivilDay Today(absl::Time now);

// ---- Added by the implementation (additive; same rules as above) ----

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
absl::StatusOr<std::vector<LoanRecord>> ListLoanRecords(storage::Transaction& tx,
                                                        const LoanFilter& filter, int64_t after_id,
                                                        int limit);
// The applicant's loans and requests (every state), oldest first.
absl::StatusOr<std::vector<LoanRecord>> LoansOfApplicant(storage::Transaction& tx,
                                                         const std::string& applicant);

// Stores the settings (one row "settings" of fund_settings, the API message as JSON).
absl::Status SaveSettings(storage::Transaction& tx, const FundSettings& settings, absl::Time now);
v1::FundSettings SettingsToProto(const FundSettings& settings);
// No validation: pass the result to ValidateSettings.
FundSettings SettingsFromProto(const v1::FundSettings& settings);

// Enum conversions; the From* ones return nullopt for UNSPECIFIED or unknown values.
v1::RepaymentFrequency ToProtoFrequency(Frequency frequency);
std::optional<Frequency> FromProtoFrequency(v1::RepaymentFrequency frequency);
v1::InterestMethod ToProtoMethod(InterestMethod method);
std::optional<InterestMethod> FromProtoMethod(v1::InterestMethod method);
v1::GuaranteeKind ToProtoGuaranteeKind(GuaranteeKind kind);
std::optional<LoanState> FromProtoState(v1::LoanState state);

// The API schedule of a stored position (balance after each instalment as
// scheduled, what has been paid, the regular payment of the loan's terms).
v1::Schedule PositionToProto(const LoanRecord& loan, const LoanPosition& position,
                             const std::string& currency);
// ---- Who sees which loans (the one scope rule, common/auth/scope.h) ----

// A circle and its advisor as membership just answered for it (fresher than the
// projection of membership's events).
struct KnownCircle {
  std::string name;     // "circles/{id}"
  std::string advisor;  // "advisors/{id}" or ""
};

// The circles `who` may see in lending: auth::CircleScopeOf with lending's view
// of an advisor's circles — the circles the projection of membership's events
// (tables advisors, circles) gives their advisor records, the circles of their
// open requests and active loans (whose advisor column follows reassignments and
// is set from membership's answer at submission), and each of `live` whose
// advisor is theirs (a live answer overrides the other two for its circle).
// PERMISSION_DENIED when lending knows no advisor of theirs.
absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who,
                                                const std::vector<KnownCircle>& live = {});
// The same scope for what belongs to a person (bank referrals, subsidy
// applications): an advisor lending does not know yet has no circle rather
// than no access, so they still reach the people in no circle.
absl::StatusOr<auth::CircleScope> PersonScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who);
// PERMISSION_DENIED naming the loan's circle and the rule when the loan's circle
// is not in the principal's scope. Services read and act on every loan their
// RPCs' policies let them call.
absl::Status CheckLoanAccess(storage::Transaction& tx, const auth::Principal& who,
                             const LoanRecord& loan);

// Redacts the event (sensitive fields of its loan) and appends it to the outbox
// with the loan's name as subject, inside the caller's transaction.
absl::Status AppendLoanChanged(storage::Transaction& tx, const std::string& fund_id,
                               v1::LoanChanged event, absl::Time now);

// Writes the loan back (update_time = now; close_time set when it reaches a final
// state), fills `out` with its API view as of today and appends one LoanChanged
// per change: a copy of `event` (which may carry a repayment or a guarantee call)
// with the loan after the write and `amount_cents`.
absl::Status SaveLoanAndAnnounce(storage::Transaction& tx, const std::string& fund_id,
                                 LoanRecord& loan, const LoanPosition& position,
                                 const FundSettings& settings,
                                 const std::vector<std::string>& changes, int64_t amount_cents,
                                 const v1::LoanChanged& event, absl::Time now, v1::Loan* out);

// The API schedule of a computed one (nothing paid).
v1::Schedule ScheduleToProto(const Schedule& schedule, const std::string& currency);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_STORE_H_
