#include "services/lending/loan_store.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
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
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/paging.h"
#include "common/events/outbox.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/arrears.h"

namespace cercles::lending {
namespace {

constexpr int kMaxListLimit = 1000;
constexpr char kSettingsKey[] = "settings";

constexpr char kLoanColumns[] =
    "id, applicant, circle, original_circle, advisor, state, amount_cents, purpose, "
    "business_plan_summary, document_reference, instalment_count, frequency, annual_rate_bps, "
    "interest_method, guarantee_kind, ceiling_cents, submitted_by, decided_by, state_reason, "
    "disbursement_date, first_due_date, outstanding_principal_cents, "
    "outstanding_interest_cents, guarantee_called_cents, create_time_us, update_time_us, "
    "close_time_us";

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
                                           "close_time_us"};

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
          loan.close_time.has_value() ? ToMicros(*loan.close_time) : int64_t{0}};
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

v1::ArrearsBucket ToProtoBucket(ArrearsBucket bucket) {
  switch (bucket) {
    case ArrearsBucket::kCurrent:
      return v1::ARREARS_BUCKET_CURRENT;
    case ArrearsBucket::kFirst:
      return v1::ARREARS_BUCKET_FIRST;
    case ArrearsBucket::kSecond:
      return v1::ARREARS_BUCKET_SECOND;
    case ArrearsBucket::kThird:
      return v1::ARREARS_BUCKET_THIRD;
    case ArrearsBucket::kBeyond:
      return v1::ARREARS_BUCKET_BEYOND;
  }
  return v1::ARREARS_BUCKET_UNSPECIFIED;
}

// The tally as the loan shows it: a vote decided at the meeting's close reads as
// the closed tally, one decided early (or still open) as the running one.
void FillTally(const LoanRecord& loan, const FundSettings& settings, v1::Loan* out) {
  if (loan.voters.empty()) return;
  absl::StatusOr<VoteTally> tally = TallyVotes(loan.applicant, loan.voters, loan.votes, settings);
  if (tally.ok() && tally->outcome == VoteOutcome::kPending &&
      loan.state != LoanState::kSubmitted) {
    tally = TallyVotes(loan.applicant, loan.voters, loan.votes, settings, /*closed=*/true);
  }
  if (!tally.ok()) return;
  v1::VoteTally* t = out->mutable_vote_tally();
  t->set_outcome(VoteOutcomeName(tally->outcome));
  t->set_eligible_voters(tally->eligible_voters);
  t->set_votes_cast(tally->votes_cast);
  t->set_approvals(tally->approvals);
  t->set_rejections(tally->rejections);
  t->set_quorum_votes(tally->quorum_votes);
  t->set_quorum_reached(tally->quorum_reached);
  t->set_reason(tally->reason);
}

void FillArrears(const LoanPosition& position, absl::CivilDay as_of, const FundSettings& settings,
                 v1::Loan* out) {
  absl::StatusOr<ArrearsStatus> arrears =
      ClassifyArrears(position, as_of, settings.arrears_buckets);
  if (!arrears.ok()) return;
  v1::Arrears* a = out->mutable_arrears();
  *a->mutable_as_of() = api::DateFromDay(as_of);
  a->set_days_past_due(arrears->days_past_due);
  a->set_bucket(ToProtoBucket(arrears->bucket));
  a->set_bucket_label(BucketLabel(arrears->bucket, settings.arrears_buckets));
  *a->mutable_amount_in_arrears() =
      api::ToMoney(arrears->amount_in_arrears_cents, settings.currency);
  if (arrears->oldest_unpaid_due.has_value()) {
    *a->mutable_oldest_unpaid_due_date() = api::DateFromDay(*arrears->oldest_unpaid_due);
  }
}

v1::VoteThreshold ThresholdToProto(const VoteThreshold& t) {
  v1::VoteThreshold out;
  out.set_numerator(t.numerator);
  out.set_denominator(t.denominator);
  out.set_strictly_more(t.strictly_more);
  return out;
}

VoteThreshold ThresholdFromProto(const v1::VoteThreshold& t) {
  return VoteThreshold{t.numerator(), t.denominator(), t.strictly_more()};
}

v1::TermRange TermsToProto(const TermRange& t) {
  v1::TermRange out;
  out.set_min_instalments(t.min_instalments);
  out.set_max_instalments(t.max_instalments);
  return out;
}

TermRange TermsFromProto(const v1::TermRange& t) {
  return TermRange{t.min_instalments(), t.max_instalments()};
}

void FillInstalment(int32_t number, absl::CivilDay due, int64_t principal, int64_t interest,
                    int64_t balance_after, const std::string& currency, v1::Instalment* out) {
  out->set_number(number);
  *out->mutable_due_date() = api::DateFromDay(due);
  *out->mutable_principal() = api::ToMoney(principal, currency);
  *out->mutable_interest() = api::ToMoney(interest, currency);
  *out->mutable_total() = api::ToMoney(principal + interest, currency);
  *out->mutable_balance_after() = api::ToMoney(balance_after, currency);
}

// The settings of a stored JSON text. Every write reads the row (so a change by
// any replica is seen at once) but need not parse it again: the last text
// parsed is kept with its result, and any other text is parsed afresh.
struct ParsedSettings {
  std::string text;
  FundSettings settings;
};
ABSL_CONST_INIT absl::Mutex parsed_settings_mu(absl::kConstInit);
ParsedSettings* parsed_settings ABSL_GUARDED_BY(parsed_settings_mu) = nullptr;

absl::StatusOr<FundSettings> ParseStoredSettings(const std::string& text) {
  {
    absl::MutexLock lock(&parsed_settings_mu);
    if (parsed_settings != nullptr && parsed_settings->text == text) {
      return parsed_settings->settings;
    }
  }
  v1::FundSettings stored;
  if (!google::protobuf::util::JsonStringToMessage(text, &stored).ok()) {
    return absl::InternalError("the stored fund settings are malformed");
  }
  auto parsed = std::make_unique<ParsedSettings>(ParsedSettings{text, SettingsFromProto(stored)});
  FundSettings settings = parsed->settings;
  absl::MutexLock lock(&parsed_settings_mu);
  delete parsed_settings;
  parsed_settings = parsed.release();
  return settings;
}

}  // namespace

std::string LoanRecord::name() const { return absl::StrCat("loans/", id); }

absl::Status SaveLoanAndAnnounce(storage::Transaction& tx, const std::string& fund_id,
                                 LoanRecord& loan, const LoanPosition& position,
                                 const FundSettings& settings,
                                 const std::vector<std::string>& changes, int64_t amount_cents,
                                 const v1::LoanChanged& event, absl::Time now, v1::Loan* out) {
  loan.update_time = now;
  if (IsFinal(loan.state) && !loan.close_time.has_value()) loan.close_time = now;
  CERCLES_RETURN_IF_ERROR(UpdateLoan(tx, loan));
  loan.stored_columns = MutableColumnValues(loan);
  *out = ToProto(loan, position, Today(now), settings);
  for (const std::string& change : changes) {
    v1::LoanChanged changed = event;
    *changed.mutable_loan() = *out;
    changed.set_change(change);
    changed.set_amount_minor_units(amount_cents);
    CERCLES_RETURN_IF_ERROR(AppendLoanChanged(tx, fund_id, std::move(changed), now));
  }
  return absl::OkStatus();
}

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
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("INSERT INTO loans (applicant, circle, original_circle, advisor, state, "
                       "amount_cents, purpose, business_plan_summary, document_reference, "
                       "instalment_count, frequency, annual_rate_bps, interest_method, "
                       "guarantee_kind, ceiling_cents, submitted_by, decided_by, state_reason, "
                       "disbursement_date, first_due_date, outstanding_principal_cents, "
                       "outstanding_interest_cents, guarantee_called_cents, create_time_us, "
                       "update_time_us, close_time_us) VALUES (",
                       storage::Placeholders(26), ") RETURNING id"),
          {loan.applicant,
           loan.circle,
           loan.original_circle.empty() ? loan.circle : loan.original_circle,
           loan.advisor,
           LoanStateName(loan.state),
           r.amount_cents,
           r.purpose,
           r.business_plan_summary,
           r.document_reference,
           static_cast<int64_t>(r.instalment_count),
           FrequencyName(r.frequency),
           static_cast<int64_t>(r.annual_rate_bps),
           loan.interest_method.has_value() ? MethodName(*loan.interest_method) : "",
           loan.guarantee_kind.has_value() ? GuaranteeKindName(*loan.guarantee_kind) : "",
           loan.ceiling_cents,
           loan.submitted_by,
           loan.decided_by,
           loan.state_reason,
           DayText(loan.disbursement_date),
           DayText(loan.first_due_date),
           loan.outstanding_principal_cents,
           loan.outstanding_interest_cents,
           loan.guarantee_called_cents,
           ToMicros(loan.create_time),
           ToMicros(loan.update_time),
           loan.close_time.has_value() ? ToMicros(*loan.close_time) : int64_t{0}}));
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

absl::StatusOr<LoanPosition> LoadPosition(storage::Transaction& tx, int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT number, due_date, principal_cents, interest_cents, principal_paid_cents, "
               "interest_paid_cents, cleared_on FROM loan_instalments WHERE loan_id = ? "
               "ORDER BY number",
               {loan_id}));
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
                            const std::vector<int32_t>& numbers) {
  for (int32_t number : numbers) {
    auto it = std::find_if(position.begin(), position.end(),
                           [&](const InstalmentPosition& p) { return p.number == number; });
    if (it == position.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("loan ", loan_id, " has no instalment ", number));
    }
    CERCLES_ASSIGN_OR_RETURN(
        int64_t changed,
        tx.Exec("UPDATE loan_instalments SET principal_paid_cents = ?, interest_paid_cents = ?, "
                "cleared_on = ? WHERE loan_id = ? AND number = ?",
                {it->principal_paid_cents, it->interest_paid_cents, DayText(it->cleared_on),
                 loan_id, static_cast<int64_t>(number)}));
    if (changed != 1) {
      return absl::NotFoundError(absl::StrCat("loan ", loan_id, " has no instalment ", number));
    }
  }
  return absl::OkStatus();
}

v1::Loan ToProto(const LoanRecord& loan, const LoanPosition& position, absl::CivilDay as_of,
                 const FundSettings& settings) {
  const std::string& currency = settings.currency;
  v1::Loan out;
  out.set_name(loan.name());
  out.set_applicant(loan.applicant);
  out.set_circle(loan.circle);
  if (loan.original_circle != loan.circle) out.set_original_circle(loan.original_circle);
  out.set_advisor(loan.advisor);
  out.set_state(ToProtoState(loan.state));
  *out.mutable_amount() = api::ToMoney(loan.request.amount_cents, currency);
  out.set_purpose(loan.request.purpose);
  out.set_business_plan_summary(loan.request.business_plan_summary);
  out.set_document_reference(loan.request.document_reference);
  out.set_instalment_count(loan.request.instalment_count);
  out.set_frequency(ToProtoFrequency(loan.request.frequency));
  out.set_annual_rate_bps(loan.request.annual_rate_bps);
  if (loan.interest_method.has_value()) {
    out.set_interest_method(ToProtoMethod(*loan.interest_method));
  }
  if (loan.guarantee_kind.has_value()) {
    out.set_guarantee_kind(ToProtoGuaranteeKind(*loan.guarantee_kind));
  }
  for (const std::string& g : loan.guarantors) out.add_guarantors(g);
  FillTally(loan, settings, &out);
  for (size_t i = 0; i < loan.votes.size(); ++i) {
    v1::CircleVote* vote = out.add_votes();
    vote->set_voter(loan.votes[i].voter);
    vote->set_approve(loan.votes[i].approve);
    vote->set_comment(loan.votes[i].comment);
    if (i < loan.vote_recorders.size()) vote->set_recorded_by(loan.vote_recorders[i]);
    if (i < loan.vote_times.size()) SetTimestamp(loan.vote_times[i], vote->mutable_cast_time());
  }
  out.set_submitted_by(loan.submitted_by);
  out.set_decided_by(loan.decided_by);
  out.set_state_reason(loan.state_reason);
  *out.mutable_ceiling() = api::ToMoney(loan.ceiling_cents, currency);
  if (loan.disbursement_date.has_value()) {
    *out.mutable_disbursement_date() = api::DateFromDay(*loan.disbursement_date);
  }
  if (loan.first_due_date.has_value())
    *out.mutable_first_due_date() = api::DateFromDay(*loan.first_due_date);
  *out.mutable_outstanding_principal() = api::ToMoney(loan.outstanding_principal_cents, currency);
  *out.mutable_outstanding_interest() = api::ToMoney(loan.outstanding_interest_cents, currency);
  if (loan.state == LoanState::kActive) {
    FillArrears(position, as_of, settings, &out);
    for (const InstalmentPosition& instalment : position) {
      if (instalment.fully_paid()) continue;
      *out.mutable_next_unpaid_due_date() = api::DateFromDay(instalment.due);
      break;
    }
  }
  *out.mutable_guarantee_called() = api::ToMoney(loan.guarantee_called_cents, currency);
  SetTimestamp(loan.create_time, out.mutable_create_time());
  SetTimestamp(loan.update_time, out.mutable_update_time());
  if (loan.close_time.has_value()) SetTimestamp(*loan.close_time, out.mutable_close_time());
  return out;
}

absl::StatusOr<FundSettings> LoadSettings(storage::Transaction& tx) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT value FROM fund_settings WHERE key = ?", {std::string(kSettingsKey)}));
  if (rows.empty()) return FundSettings{};
  return ParseStoredSettings(rows[0].Text(0));
}

absl::Status SaveSettings(storage::Transaction& tx, const FundSettings& settings, absl::Time now) {
  google::protobuf::util::JsonPrintOptions options;
  // Every field written, zeros included: what is stored reads back exactly.
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(SettingsToProto(settings), &json, options)
           .ok()) {
    return absl::InternalError("the fund settings could not be encoded");
  }
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE fund_settings SET value = ?, update_time_us = ? WHERE key = ?",
              {json, ToMicros(now), std::string(kSettingsKey)}));
  if (changed == 1) return absl::OkStatus();
  return tx
      .Exec("INSERT INTO fund_settings (key, value, update_time_us) VALUES (?, ?, ?)",
            {std::string(kSettingsKey), json, ToMicros(now)})
      .status();
}

v1::FundSettings SettingsToProto(const FundSettings& s) {
  v1::FundSettings out;
  out.set_currency(s.currency);
  out.set_guarantee_threshold_minor_units(s.guarantee_threshold_cents);
  for (int64_t rung : s.ladder_cents) out.add_ladder_minor_units(rung);
  out.set_on_time_tolerance_days(s.on_time_tolerance_days);
  *out.mutable_vote_quorum() = ThresholdToProto(s.vote_quorum);
  *out.mutable_vote_approval() = ThresholdToProto(s.vote_approval);
  out.set_min_annual_rate_bps(s.min_annual_rate_bps);
  out.set_max_annual_rate_bps(s.max_annual_rate_bps);
  *out.mutable_weekly_terms() = TermsToProto(s.weekly_terms);
  *out.mutable_every_two_weeks_terms() = TermsToProto(s.every_two_weeks_terms);
  *out.mutable_monthly_terms() = TermsToProto(s.monthly_terms);
  out.mutable_arrears_buckets()->set_first_max_days(s.arrears_buckets.first_max_days);
  out.mutable_arrears_buckets()->set_second_max_days(s.arrears_buckets.second_max_days);
  out.mutable_arrears_buckets()->set_third_max_days(s.arrears_buckets.third_max_days);
  out.set_guarantee_call_days_past_due(s.guarantee_call_days_past_due);
  out.set_write_off_days_past_due(s.write_off_days_past_due);
  out.set_serious_arrears_days_past_due(s.serious_arrears_days_past_due);
  out.set_circle_in_serious_arrears_may_guarantee(s.circle_in_serious_arrears_may_guarantee);
  return out;
}

FundSettings SettingsFromProto(const v1::FundSettings& p) {
  FundSettings s;
  s.currency = p.currency();
  s.guarantee_threshold_cents = p.guarantee_threshold_minor_units();
  s.ladder_cents.assign(p.ladder_minor_units().begin(), p.ladder_minor_units().end());
  s.on_time_tolerance_days = p.on_time_tolerance_days();
  s.vote_quorum = ThresholdFromProto(p.vote_quorum());
  s.vote_approval = ThresholdFromProto(p.vote_approval());
  s.min_annual_rate_bps = p.min_annual_rate_bps();
  s.max_annual_rate_bps = p.max_annual_rate_bps();
  s.weekly_terms = TermsFromProto(p.weekly_terms());
  s.every_two_weeks_terms = TermsFromProto(p.every_two_weeks_terms());
  s.monthly_terms = TermsFromProto(p.monthly_terms());
  s.arrears_buckets.first_max_days = p.arrears_buckets().first_max_days();
  s.arrears_buckets.second_max_days = p.arrears_buckets().second_max_days();
  s.arrears_buckets.third_max_days = p.arrears_buckets().third_max_days();
  s.guarantee_call_days_past_due = p.guarantee_call_days_past_due();
  s.write_off_days_past_due = p.write_off_days_past_due();
  s.serious_arrears_days_past_due = p.serious_arrears_days_past_due();
  s.circle_in_serious_arrears_may_guarantee = p.circle_in_serious_arrears_may_guarantee();
  return s;
}

absl::StatusOr<std::vector<LoanRecord>> ListLoanRecords(storage::Transaction& tx,
                                                        const LoanFilter& filter, int64_t after_id,
                                                        int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit must be from 1 to ", kMaxListLimit));
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
    absl::StrAppend(&where, " AND circle IN (", storage::Placeholders(filter.circles_in->size()), ")");
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

v1::LoanState ToProtoState(LoanState state) {
  switch (state) {
    case LoanState::kSubmitted:
      return v1::LOAN_STATE_SUBMITTED;
    case LoanState::kCircleApproved:
      return v1::LOAN_STATE_CIRCLE_APPROVED;
    case LoanState::kCircleRejected:
      return v1::LOAN_STATE_CIRCLE_REJECTED;
    case LoanState::kApproved:
      return v1::LOAN_STATE_APPROVED;
    case LoanState::kRejected:
      return v1::LOAN_STATE_REJECTED;
    case LoanState::kWithdrawn:
      return v1::LOAN_STATE_WITHDRAWN;
    case LoanState::kActive:
      return v1::LOAN_STATE_ACTIVE;
    case LoanState::kClosedRepaid:
      return v1::LOAN_STATE_CLOSED_REPAID;
    case LoanState::kWrittenOff:
      return v1::LOAN_STATE_WRITTEN_OFF;
  }
  return v1::LOAN_STATE_UNSPECIFIED;
}

std::optional<LoanState> FromProtoState(v1::LoanState state) {
  for (LoanState s : AllLoanStates()) {
    if (ToProtoState(s) == state) return s;
  }
  return std::nullopt;
}

v1::RepaymentFrequency ToProtoFrequency(Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return v1::REPAYMENT_FREQUENCY_WEEKLY;
    case Frequency::kEveryTwoWeeks:
      return v1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS;
    case Frequency::kMonthly:
      return v1::REPAYMENT_FREQUENCY_MONTHLY;
  }
  return v1::REPAYMENT_FREQUENCY_UNSPECIFIED;
}

std::optional<Frequency> FromProtoFrequency(v1::RepaymentFrequency frequency) {
  switch (frequency) {
    case v1::REPAYMENT_FREQUENCY_WEEKLY:
      return Frequency::kWeekly;
    case v1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS:
      return Frequency::kEveryTwoWeeks;
    case v1::REPAYMENT_FREQUENCY_MONTHLY:
      return Frequency::kMonthly;
    default:
      return std::nullopt;
  }
}

v1::InterestMethod ToProtoMethod(InterestMethod method) {
  return method == InterestMethod::kFlat ? v1::INTEREST_METHOD_FLAT
                                         : v1::INTEREST_METHOD_DECLINING_BALANCE;
}

std::optional<InterestMethod> FromProtoMethod(v1::InterestMethod method) {
  switch (method) {
    case v1::INTEREST_METHOD_DECLINING_BALANCE:
      return InterestMethod::kDecliningBalance;
    case v1::INTEREST_METHOD_FLAT:
      return InterestMethod::kFlat;
    default:
      return std::nullopt;
  }
}

v1::GuaranteeKind ToProtoGuaranteeKind(GuaranteeKind kind) {
  return kind == GuaranteeKind::kCircleGuarantee ? v1::GUARANTEE_KIND_CIRCLE_GUARANTEE
                                                 : v1::GUARANTEE_KIND_INDIVIDUAL_RESPONSIBILITY;
}

v1::Schedule PositionToProto(const LoanRecord& loan, const LoanPosition& position,
                             const std::string& currency) {
  v1::Schedule out;
  int64_t balance = 0;
  int64_t total_interest = 0;
  for (const InstalmentPosition& p : position) balance += p.principal_due_cents;
  for (const InstalmentPosition& p : position) {
    balance -= p.principal_due_cents;
    total_interest += p.interest_due_cents;
    v1::Instalment* in = out.add_instalments();
    FillInstalment(p.number, p.due, p.principal_due_cents, p.interest_due_cents, balance, currency,
                   in);
    *in->mutable_principal_paid() = api::ToMoney(p.principal_paid_cents, currency);
    *in->mutable_interest_paid() = api::ToMoney(p.interest_paid_cents, currency);
    if (p.cleared_on.has_value()) *in->mutable_cleared_on() = api::DateFromDay(*p.cleared_on);
  }
  *out.mutable_total_interest() = api::ToMoney(total_interest, currency);
  // The regular payment is a property of the terms: the same arithmetic as at
  // disbursement gives it back exactly.
  int64_t regular = 0;
  if (!position.empty() && loan.first_due_date.has_value()) {
    ScheduleTerms terms;
    terms.principal_cents = loan.request.amount_cents;
    terms.annual_rate_bps = loan.request.annual_rate_bps;
    terms.instalment_count = loan.request.instalment_count;
    terms.frequency = loan.request.frequency;
    terms.first_due = *loan.first_due_date;
    terms.method = loan.interest_method.value_or(InterestMethod::kDecliningBalance);
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    if (schedule.ok()) regular = schedule->regular_payment_cents;
  }
  *out.mutable_regular_payment() = api::ToMoney(regular, currency);
  return out;
}

v1::Schedule ScheduleToProto(const Schedule& schedule, const std::string& currency) {
  v1::Schedule out;
  for (const Instalment& in : schedule.instalments) {
    v1::Instalment* p = out.add_instalments();
    FillInstalment(in.number, in.due, in.principal_cents, in.interest_cents, in.balance_after_cents,
                   currency, p);
    *p->mutable_principal_paid() = api::ToMoney(0, currency);
    *p->mutable_interest_paid() = api::ToMoney(0, currency);
  }
  *out.mutable_total_interest() = api::ToMoney(schedule.total_interest_cents, currency);
  *out.mutable_regular_payment() = api::ToMoney(schedule.regular_payment_cents, currency);
  return out;
}

absl::StatusOr<std::optional<absl::CivilDay>> FromDate(const cercles::common::v1::Date& date,
                                                       const std::string& field) {
  if (api::IsUnset(date)) return std::optional<absl::CivilDay>();
  CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day, api::DayFromDate(date, field));
  return std::optional<absl::CivilDay>(day);
}

absl::StatusOr<int64_t> FromMoney(const cercles::common::v1::Money& money,
                                  const std::string& currency, const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(int64_t minor_units, api::MinorUnits(money, currency, field));
  if (minor_units <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a positive amount in minor units"));
  }
  return minor_units;
}

namespace {

// Lending's answer to "which circles are assigned to this advisor" (see
// CircleScopeOf in loan_store.h).
absl::StatusOr<std::vector<int64_t>> AssignedCircles(storage::Transaction& tx,
                                                     const auth::Principal& who,
                                                     const std::vector<KnownCircle>& live,
                                                     bool unknown_advisor_has_no_circle) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows advisor_rows,
                           tx.Query("SELECT name FROM advisors WHERE principal = ?", {who.name}));
  if (advisor_rows.empty() && unknown_advisor_has_no_circle) return std::vector<int64_t>();
  if (advisor_rows.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        who.ToString(),
        " is not an advisor known to lending: an advisor acts only on the loans of the circles "
        "assigned to them (lending learns advisors from membership)"));
  }
  std::vector<std::string> advisors;
  for (const storage::Row& row : advisor_rows) advisors.push_back(row.Text(0));
  std::vector<storage::Value> params;
  for (const std::string& advisor : advisors) params.emplace_back(advisor);
  for (const std::string& advisor : advisors) params.emplace_back(advisor);
  std::vector<LoanState> following;
  for (LoanState state : AllLoanStates()) {
    if (IsOpenRequest(state) || state == LoanState::kActive) {
      following.push_back(state);
      params.emplace_back(LoanStateName(state));
    }
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("SELECT name FROM circles WHERE advisor IN (", storage::Placeholders(advisors.size()),
                       ") UNION SELECT circle FROM loans WHERE advisor IN (",
                       storage::Placeholders(advisors.size()), ") AND state IN (",
                       storage::Placeholders(following.size()), ")"),
          params));
  std::vector<int64_t> ids;
  for (const storage::Row& row : rows) {
    const std::string name = row.Text(0);
    const bool answered_live =
        std::any_of(live.begin(), live.end(), [&](const KnownCircle& c) { return c.name == name; });
    if (answered_live) continue;
    if (std::optional<int64_t> id = auth::CircleIdOfName(name)) ids.push_back(*id);
  }
  for (const KnownCircle& circle : live) {
    if (std::find(advisors.begin(), advisors.end(), circle.advisor) == advisors.end()) continue;
    if (std::optional<int64_t> id = auth::CircleIdOfName(circle.name)) ids.push_back(*id);
  }
  return ids;
}

}  // namespace

absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who,
                                                const std::vector<KnownCircle>& live) {
  return auth::CircleScopeOf(who, auth::CircleAccess::kRead, [&](const auth::Principal& advisor) {
    return AssignedCircles(tx, advisor, live, false);
  });
}

absl::StatusOr<auth::CircleScope> PersonScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who) {
  return auth::CircleScopeOf(who, auth::CircleAccess::kRead, [&](const auth::Principal& advisor) {
    return AssignedCircles(tx, advisor, {}, true);
  });
}

absl::Status CheckLoanAccess(storage::Transaction& tx, const auth::Principal& who,
                             const LoanRecord& loan) {
  // An open request or active loan carries its circle's advisor as fresh as
  // lending knows it (set at submission, followed on reassignment).
  std::vector<KnownCircle> live;
  if (IsOpenRequest(loan.state) || loan.state == LoanState::kActive) {
    live.push_back(KnownCircle{loan.circle, loan.advisor});
  }
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who, live));
  if (scope.ContainsName(loan.circle)) return absl::OkStatus();
  std::optional<int64_t> circle = auth::CircleIdOfName(loan.circle);
  if (!circle.has_value()) return absl::InternalError(absl::StrCat(loan.name(), " has no circle"));
  return auth::CheckCircleInScope(scope, who, *circle, auth::CircleAccess::kRead);
}

absl::Status AppendLoanChanged(storage::Transaction& tx, const std::string& fund_id,
                               v1::LoanChanged event, absl::Time now) {
  const std::string subject = event.loan().name();
  return events::AppendEvent(tx, fund_id, subject, event, now).status();
}

absl::CivilDay Today(absl::Time now) {
  static const absl::TimeZone* const zone = [] {
    auto* tz = new absl::TimeZone(absl::UTCTimeZone());
    // Without the time zone database the day turns at midnight UTC: a few hours'
    // difference, logged nowhere on purpose (tests run without tzdata too).
    absl::LoadTimeZone("America/Toronto", tz);
    return tz;
  }();
  return absl::ToCivilDay(now, *zone);
}

}  // namespace cercles::lending
