#include "services/lending/loan_store.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/api/paging.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace cercles::lending {
namespace {

constexpr char kLoanColumns[] =
    "id, applicant, circle, original_circle, advisor, state, amount_cents, purpose, "
    "business_plan_summary, document_reference, instalment_count, frequency, annual_rate_bps, "
    "interest_method, guarantee_kind, ceiling_cents, submitted_by, decided_by, state_reason, "
    "disbursement_date, first_due_date, outstanding_principal_cents, "
    "outstanding_interest_cents, guarantee_called_cents, create_time_us, update_time_us, "
    "close_time_us, vote_close_time_us, grace_on_principal, grace_on_interest";

// ---- Stored names of the enums (stable: they are in the database) ----

std::string FrequencyName(Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return "WEEKLY";
    case Frequency::kEveryTwoWeeks:
      return "EVERY_TWO_WEEKS";
    case Frequency::kMonthly:
      return "MONTHLY";
  }
  return "UNKNOWN";
}

std::optional<Frequency> FrequencyFromName(absl::string_view name) {
  for (Frequency f : {Frequency::kWeekly, Frequency::kEveryTwoWeeks, Frequency::kMonthly}) {
    if (FrequencyName(f) == name) return f;
  }
  return std::nullopt;
}

std::string MethodName(InterestMethod method) {
  return method == InterestMethod::kFlat ? "FLAT" : "DECLINING_BALANCE";
}

std::optional<InterestMethod> MethodFromName(absl::string_view name) {
  if (name == "FLAT") return InterestMethod::kFlat;
  if (name == "DECLINING_BALANCE") return InterestMethod::kDecliningBalance;
  return std::nullopt;
}

std::optional<GuaranteeKind> GuaranteeKindFromName(absl::string_view name) {
  for (GuaranteeKind k :
       {GuaranteeKind::kCircleGuarantee, GuaranteeKind::kIndividualResponsibility}) {
    if (GuaranteeKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string DayText(const std::optional<absl::CivilDay>& day) {
  return day.has_value() ? absl::FormatCivilTime(*day) : "";
}

absl::StatusOr<std::optional<absl::CivilDay>> ParseStoredDay(const std::string& text,
                                                             int64_t loan_id) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("loan ", loan_id, " has a malformed stored date"));
  }
  return std::optional<absl::CivilDay>(day);
}

// The columns UpdateLoan writes, in the order of MutableColumnValues.
constexpr const char* kMutableColumns[] = {"state",
                                           "circle",
                                           "advisor",
                                           "interest_method",
                                           "guarantee_kind",
                                           "decided_by",
                                           "state_reason",
                                           "disbursement_date",
                                           "first_due_date",
                                           "outstanding_principal_cents",
                                           "outstanding_interest_cents",
                                           "guarantee_called_cents",
                                           "update_time_us",
                                           "close_time_us",
                                           "vote_close_time_us"};

// Only text and integers are compared (the alternatives of MutableColumnValues).
bool SameValue(const storage::Value& a, const storage::Value& b) {
  if (const auto* x = std::get_if<int64_t>(&a)) {
    const auto* y = std::get_if<int64_t>(&b);
    return y != nullptr && *x == *y;
  }
  if (const auto* x = std::get_if<std::string>(&a)) {
    const auto* y = std::get_if<std::string>(&b);
    return y != nullptr && *x == *y;
  }
  return false;
}

std::vector<storage::Value> MutableColumnValues(const LoanRecord& loan) {
  return {LoanStateName(loan.state),
          loan.circle,
          loan.advisor,
          loan.interest_method.has_value() ? MethodName(*loan.interest_method) : "",
          loan.guarantee_kind.has_value() ? GuaranteeKindName(*loan.guarantee_kind) : "",
          loan.decided_by,
          loan.state_reason,
          DayText(loan.disbursement_date),
          DayText(loan.first_due_date),
          loan.outstanding_principal_cents,
          loan.outstanding_interest_cents,
          loan.guarantee_called_cents,
          ToMicros(loan.update_time),
          loan.close_time.has_value() ? ToMicros(*loan.close_time) : int64_t{0},
          loan.vote_close_time.has_value() ? ToMicros(*loan.vote_close_time) : int64_t{0}};
}

absl::StatusOr<LoanRecord> LoanFromRow(const storage::Row& row) {
  LoanRecord loan;
  loan.id = row.Int(0);
  loan.applicant = row.Text(1);
  loan.circle = row.Text(2);
  loan.original_circle = row.Text(3);
  loan.advisor = row.Text(4);
  std::optional<LoanState> state = LoanStateFromName(row.Text(5));
  std::optional<Frequency> frequency = FrequencyFromName(row.Text(11));
  if (!state.has_value() || !frequency.has_value()) {
    return absl::InternalError(absl::StrCat("loan ", loan.id, " has an unknown stored state"));
  }
  loan.state = *state;
  loan.request.amount_cents = row.Int(6);
  loan.request.purpose = row.Text(7);
  loan.request.business_plan_summary = row.Text(8);
  loan.request.document_reference = row.Text(9);
  loan.request.instalment_count = static_cast<int32_t>(row.Int(10));
  loan.request.frequency = *frequency;
  loan.request.annual_rate_bps = static_cast<int32_t>(row.Int(12));
  loan.interest_method = MethodFromName(row.Text(13));
  loan.guarantee_kind = GuaranteeKindFromName(row.Text(14));
  loan.ceiling_cents = row.Int(15);
  loan.submitted_by = row.Text(16);
  loan.decided_by = row.Text(17);
  loan.state_reason = row.Text(18);
  CERCLES_ASSIGN_OR_RETURN(loan.disbursement_date, ParseStoredDay(row.Text(19), loan.id));
  CERCLES_ASSIGN_OR_RETURN(loan.first_due_date, ParseStoredDay(row.Text(20), loan.id));
  loan.outstanding_principal_cents = row.Int(21);
  loan.outstanding_interest_cents = row.Int(22);
  loan.guarantee_called_cents = row.Int(23);
  loan.create_time = FromMicros(row.Int(24));
  loan.update_time = FromMicros(row.Int(25));
  if (row.Int(26) != 0) loan.close_time = FromMicros(row.Int(26));
  if (row.Int(27) != 0) loan.vote_close_time = FromMicros(row.Int(27));
  loan.request.grace_on_principal = static_cast<int32_t>(row.Int(28));
  loan.request.grace_on_interest = static_cast<int32_t>(row.Int(29));
  loan.stored_columns = MutableColumnValues(loan);
  return loan;
}

// Fills voters, votes and guarantors of `loans` (by id) with one query (kind 0
// voters, 1 votes, 2 guarantors): one statement, one round trip on PostgreSQL.
// Voters and guarantors sort by name (their time column is 0); votes in casting
// order, by time, then by voter for votes of the same microsecond.
absl::Status LoadParticipants(storage::Transaction& tx, std::vector<LoanRecord>& loans) {
  if (loans.empty()) return absl::OkStatus();
  std::map<int64_t, LoanRecord*> by_id;
  std::vector<storage::Value> ids;
  for (LoanRecord& loan : loans) {
    by_id[loan.id] = &loan;
    ids.emplace_back(loan.id);
  }
  const std::string in =
      absl::StrCat(" WHERE loan_id IN (", storage::Placeholders(ids.size()), ")");
  std::vector<storage::Value> params;
  params.reserve(ids.size() * 3);
  for (int i = 0; i < 3; ++i) params.insert(params.end(), ids.begin(), ids.end());
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT 0, loan_id, voter, 0, '', '', 0 FROM loan_voters", in,
                            " UNION ALL SELECT 1, loan_id, voter, approve, comment, recorded_by, "
                            "cast_time_us FROM loan_votes",
                            in, " UNION ALL SELECT 2, loan_id, guarantor, 0, '', '', 0 FROM ",
                            "loan_guarantors", in, " ORDER BY 1, 2, 7, 3"),
               params));
  for (const storage::Row& row : rows) {
    LoanRecord* loan = by_id[row.Int(1)];
    switch (row.Int(0)) {
      case 0:
        loan->voters.push_back(row.Text(2));
        break;
      case 1:
        loan->votes.push_back(Vote{row.Text(2), row.Int(3) != 0, row.Text(4)});
        loan->vote_recorders.push_back(row.Text(5));
        loan->vote_times.push_back(FromMicros(row.Int(6)));
        break;
      default:
        loan->guarantors.push_back(row.Text(2));
        break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LoanRecord>> QueryLoans(storage::Transaction& tx,
                                                   const std::string& where,
                                                   const std::vector<storage::Value>& params,
                                                   const std::string& tail) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kLoanColumns, " FROM loans", where, tail), params));
  std::vector<LoanRecord> loans;
  loans.reserve(rows.size());
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoanFromRow(row));
    loans.push_back(std::move(loan));
  }
  CERCLES_RETURN_IF_ERROR(LoadParticipants(tx, loans));
  return loans;
}

}  // namespace

std::string LoanRecord::name() const { return absl::StrCat("loans/", id); }

absl::StatusOr<LoanRecord> LoadLoan(storage::Transaction& tx, int64_t id, bool for_update) {
  const char* lock = for_update && tx.engine() == storage::Engine::kPostgres ? " FOR UPDATE" : "";
  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                           QueryLoans(tx, " WHERE id = ?", {id}, lock));
  if (loans.empty()) {
    return absl::NotFoundError(absl::StrCat("loan loans/", id, " does not exist"));
  }
  return std::move(loans.front());
}

absl::StatusOr<int64_t> InsertLoan(storage::Transaction& tx, const LoanRecord& loan) {
  const LoanRequest& r = loan.request;
  // The columns set once, then the mutable ones (as UpdateLoan writes them).
  std::vector<std::string> columns = {"applicant",
                                      "original_circle",
                                      "amount_cents",
                                      "purpose",
                                      "business_plan_summary",
                                      "document_reference",
                                      "instalment_count",
                                      "frequency",
                                      "annual_rate_bps",
                                      "grace_on_principal",
                                      "grace_on_interest",
                                      "ceiling_cents",
                                      "submitted_by",
                                      "create_time_us"};
  std::vector<storage::Value> values = {
      loan.applicant,
      loan.original_circle.empty() ? loan.circle : loan.original_circle,
      r.amount_cents,
      r.purpose,
      r.business_plan_summary,
      r.document_reference,
      static_cast<int64_t>(r.instalment_count),
      FrequencyName(r.frequency),
      static_cast<int64_t>(r.annual_rate_bps),
      static_cast<int64_t>(r.grace_on_principal),
      static_cast<int64_t>(r.grace_on_interest),
      loan.ceiling_cents,
      loan.submitted_by,
      ToMicros(loan.create_time)};
  columns.insert(columns.end(), std::begin(kMutableColumns), std::end(kMutableColumns));
  for (storage::Value& value : MutableColumnValues(loan)) values.push_back(std::move(value));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("INSERT INTO loans (", absl::StrJoin(columns, ", "), ") VALUES (",
                            storage::Placeholders(values.size()), ") RETURNING id"),
               values));
  if (rows.size() != 1) return absl::InternalError("loan insert returned no id");
  const int64_t id = rows[0].Int(0);
  for (const std::string& voter : loan.voters) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO loan_voters (loan_id, voter) VALUES (?, ?)", {id, voter}).status());
  }
  for (size_t i = 0; i < loan.votes.size(); ++i) {
    CERCLES_RETURN_IF_ERROR(InsertVote(
        tx, id, loan.votes[i], i < loan.vote_recorders.size() ? loan.vote_recorders[i] : "",
        i < loan.vote_times.size() ? loan.vote_times[i] : loan.create_time));
  }
  CERCLES_RETURN_IF_ERROR(InsertGuarantors(tx, id, loan.guarantors));
  return id;
}

absl::Status UpdateLoan(storage::Transaction& tx, const LoanRecord& loan) {
  std::vector<storage::Value> values = MutableColumnValues(loan);
  const bool all = loan.stored_columns.size() != values.size();
  std::string sets;
  std::vector<storage::Value> params;
  params.reserve(values.size() + 1);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!all && SameValue(values[i], loan.stored_columns[i])) continue;
    absl::StrAppend(&sets, sets.empty() ? "" : ", ", kMutableColumns[i], " = ?");
    params.push_back(std::move(values[i]));
  }
  params.emplace_back(loan.id);
  int64_t changed = 0;
  if (sets.empty()) {  // nothing to write: the row must still exist
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                             tx.Query("SELECT id FROM loans WHERE id = ?", params));
    changed = static_cast<int64_t>(rows.size());
  } else {
    CERCLES_ASSIGN_OR_RETURN(
        changed, tx.Exec(absl::StrCat("UPDATE loans SET ", sets, " WHERE id = ?"), params));
  }
  if (changed != 1) {
    return absl::NotFoundError(absl::StrCat("loan loans/", loan.id, " does not exist"));
  }
  return absl::OkStatus();
}

absl::Status InsertVote(storage::Transaction& tx, int64_t loan_id, const Vote& vote,
                        const std::string& recorded_by, absl::Time cast_time) {
  return tx
      .Exec(
          "INSERT INTO loan_votes (loan_id, voter, approve, comment, recorded_by, cast_time_us) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {loan_id, vote.voter, int64_t{vote.approve ? 1 : 0}, vote.comment, recorded_by,
           ToMicros(cast_time)})
      .status();
}

absl::Status InsertGuarantors(storage::Transaction& tx, int64_t loan_id,
                              const std::vector<std::string>& guarantors) {
  for (const std::string& guarantor : guarantors) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO loan_guarantors (loan_id, guarantor) VALUES (?, ?)",
                {loan_id, guarantor})
            .status());
  }
  return absl::OkStatus();
}

absl::Status DeleteGuarantor(storage::Transaction& tx, int64_t loan_id,
                             const std::string& guarantor) {
  CERCLES_ASSIGN_OR_RETURN(
      int64_t deleted, tx.Exec("DELETE FROM loan_guarantors WHERE loan_id = ? AND guarantor = ?",
                               {loan_id, guarantor}));
  if (deleted != 1) {
    return absl::NotFoundError(absl::StrCat(guarantor, " is not a guarantor of loans/", loan_id));
  }
  return absl::OkStatus();
}

namespace {

// The instalment rows of `sql` (number, due_date, principal_cents, interest_cents,
// principal_paid_cents, interest_paid_cents, cleared_on), in number order.
absl::StatusOr<LoanPosition> QueryPosition(storage::Transaction& tx, const std::string& sql,
                                           int64_t key, int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, {key}));
  LoanPosition position;
  position.reserve(rows.size());
  for (const storage::Row& row : rows) {
    InstalmentPosition p;
    p.number = static_cast<int32_t>(row.Int(0));
    CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> due,
                             ParseStoredDay(row.Text(1), loan_id));
    if (!due.has_value()) {
      return absl::InternalError(absl::StrCat("loan ", loan_id, " has an instalment without date"));
    }
    p.due = *due;
    p.principal_due_cents = row.Int(2);
    p.interest_due_cents = row.Int(3);
    p.principal_paid_cents = row.Int(4);
    p.interest_paid_cents = row.Int(5);
    CERCLES_ASSIGN_OR_RETURN(p.cleared_on, ParseStoredDay(row.Text(6), loan_id));
    position.push_back(p);
  }
  return position;
}

constexpr char kPositionColumns[] =
    "number, due_date, principal_cents, interest_cents, principal_paid_cents, "
    "interest_paid_cents, cleared_on";

}  // namespace

absl::StatusOr<LoanPosition> LoadPosition(storage::Transaction& tx, int64_t loan_id) {
  return QueryPosition(tx,
                       absl::StrCat("SELECT ", kPositionColumns,
                                    " FROM loan_instalments WHERE loan_id = ? ORDER BY number"),
                       loan_id, loan_id);
}

absl::Status SaveReplacedSchedule(storage::Transaction& tx, int64_t loan_id,
                                  int64_t reschedule_id) {
  return tx
      .Exec(absl::StrCat("INSERT INTO loan_schedule_history (reschedule_id, ", kPositionColumns,
                         ", balance_after_cents) SELECT ?, ", kPositionColumns,
                         ", balance_after_cents FROM loan_instalments WHERE loan_id = ?"),
            {reschedule_id, loan_id})
      .status();
}

absl::StatusOr<LoanPosition> LoadReplacedSchedule(storage::Transaction& tx, int64_t loan_id,
                                                  int64_t reschedule_id) {
  return QueryPosition(
      tx,
      absl::StrCat("SELECT ", kPositionColumns,
                   " FROM loan_schedule_history WHERE reschedule_id = ? ORDER BY number"),
      reschedule_id, loan_id);
}

absl::Status DropInstalmentsAfter(storage::Transaction& tx, int64_t loan_id, int32_t kept) {
  return tx
      .Exec("DELETE FROM loan_instalments WHERE loan_id = ? AND number > ?",
            {loan_id, static_cast<int64_t>(kept)})
      .status();
}

absl::Status UpdateLoanTerms(storage::Transaction& tx, const LoanRecord& loan) {
  return tx
      .Exec(
          "UPDATE loans SET instalment_count = ?, frequency = ?, grace_on_principal = ?, "
          "grace_on_interest = ? WHERE id = ?",
          {static_cast<int64_t>(loan.request.instalment_count),
           FrequencyName(loan.request.frequency),
           static_cast<int64_t>(loan.request.grace_on_principal),
           static_cast<int64_t>(loan.request.grace_on_interest), loan.id})
      .status();
}

absl::Status InsertSchedule(storage::Transaction& tx, int64_t loan_id, const Schedule& schedule) {
  if (schedule.instalments.empty()) return absl::InvalidArgumentError("schedule is empty");
  std::string sql =
      "INSERT INTO loan_instalments (loan_id, number, due_date, principal_cents, "
      "interest_cents, balance_after_cents) VALUES ";
  std::vector<storage::Value> params;
  params.reserve(schedule.instalments.size() * 6);
  for (size_t i = 0; i < schedule.instalments.size(); ++i) {
    const Instalment& in = schedule.instalments[i];
    absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?, ?, ?, ?, ?)");
    params.emplace_back(loan_id);
    params.emplace_back(static_cast<int64_t>(in.number));
    params.emplace_back(absl::FormatCivilTime(in.due));
    params.emplace_back(in.principal_cents);
    params.emplace_back(in.interest_cents);
    params.emplace_back(in.balance_after_cents);
  }
  return tx.Exec(sql, params).status();
}

absl::Status UpdatePosition(storage::Transaction& tx, int64_t loan_id, const LoanPosition& position,
                            const std::vector<int32_t>& numbers,
                            const std::vector<int32_t>& revised) {
  int64_t principal = 0;
  for (const InstalmentPosition& p : position) principal += p.principal_due_cents;
  for (int32_t number : numbers) {
    auto it = std::find_if(position.begin(), position.end(),
                           [&](const InstalmentPosition& p) { return p.number == number; });
    if (it == position.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("loan ", loan_id, " has no instalment ", number));
    }
    int64_t changed = 0;
    if (std::find(revised.begin(), revised.end(), number) == revised.end()) {
      CERCLES_ASSIGN_OR_RETURN(
          changed,
          tx.Exec("UPDATE loan_instalments SET principal_paid_cents = ?, interest_paid_cents = ?, "
                  "cleared_on = ? WHERE loan_id = ? AND number = ?",
                  {it->principal_paid_cents, it->interest_paid_cents, DayText(it->cleared_on),
                   loan_id, static_cast<int64_t>(number)}));
    } else {
      // One statement for the scheduled and the paid amounts: the row's CHECKs (paid
      // within scheduled) hold before and after it, whichever way the amounts move.
      int64_t balance_after = principal;
      for (auto p = position.begin(); p != std::next(it); ++p) {
        balance_after -= p->principal_due_cents;
      }
      CERCLES_ASSIGN_OR_RETURN(
          changed,
          tx.Exec("UPDATE loan_instalments SET principal_cents = ?, interest_cents = ?, "
                  "balance_after_cents = ?, principal_paid_cents = ?, interest_paid_cents = ?, "
                  "cleared_on = ? WHERE loan_id = ? AND number = ?",
                  {it->principal_due_cents, it->interest_due_cents, balance_after,
                   it->principal_paid_cents, it->interest_paid_cents, DayText(it->cleared_on),
                   loan_id, static_cast<int64_t>(number)}));
    }
    if (changed != 1) {
      return absl::NotFoundError(absl::StrCat("loan ", loan_id, " has no instalment ", number));
    }
  }
  return absl::OkStatus();
}

absl::Status SaveLoan(storage::Transaction& tx, LoanRecord& loan) {
  CERCLES_RETURN_IF_ERROR(UpdateLoan(tx, loan));
  loan.stored_columns = MutableColumnValues(loan);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LoanRecord>> ListLoanRecords(storage::Transaction& tx,
                                                        const LoanFilter& filter, int64_t after_id,
                                                        int limit) {
  if (limit < 1 || limit > kMaxLoanRecordsPerList) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be from 1 to ", kMaxLoanRecordsPerList));
  }
  std::string where = " WHERE id > ?";
  std::vector<storage::Value> params = {after_id};
  auto add = [&](const char* clause, const std::string& value) {
    if (value.empty()) return;
    absl::StrAppend(&where, " AND ", clause, " = ?");
    params.emplace_back(value);
  };
  add("circle", filter.circle);
  add("applicant", filter.applicant);
  add("advisor", filter.advisor);
  if (filter.circles_in.has_value()) {
    if (filter.circles_in->empty()) return std::vector<LoanRecord>();
    absl::StrAppend(&where, " AND circle IN (", storage::Placeholders(filter.circles_in->size()),
                    ")");
    for (const std::string& circle : *filter.circles_in) params.emplace_back(circle);
  }
  if (!filter.states.empty()) {
    absl::StrAppend(&where, " AND state IN (", storage::Placeholders(filter.states.size()), ")");
    for (LoanState state : filter.states) params.emplace_back(LoanStateName(state));
  }
  return QueryLoans(tx, where, params, absl::StrCat(" ORDER BY id LIMIT ", limit));
}

absl::StatusOr<std::vector<LoanRecord>> LoansOfApplicant(storage::Transaction& tx,
                                                         const std::string& applicant) {
  return QueryLoans(tx, " WHERE applicant = ?", {applicant}, " ORDER BY id");
}

absl::StatusOr<std::vector<LoanRecord>> LoansVotedOnBy(storage::Transaction& tx,
                                                       const std::string& voter) {
  return QueryLoans(tx, " WHERE id IN (SELECT loan_id FROM loan_votes WHERE voter = ?)", {voter},
                    " ORDER BY id");
}

absl::StatusOr<std::vector<LoanRecord>> LoansGuaranteedBy(storage::Transaction& tx,
                                                          const std::string& guarantor) {
  return QueryLoans(tx, " WHERE id IN (SELECT loan_id FROM loan_guarantors WHERE guarantor = ?)",
                    {guarantor}, " ORDER BY id");
}

}  // namespace cercles::lending
