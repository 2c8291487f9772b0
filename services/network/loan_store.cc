#include "services/network/loan_store.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/storage/sql.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"

namespace cercles::network {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// The amount of an event stored before LoanChanged.amount existed.
int64_t DeprecatedAmount(const lv1::LoanChanged& changed) { return changed.amount_minor_units(); }
#pragma GCC diagnostic pop

}  // namespace

absl::Status LoanStore::Upsert(storage::Transaction& tx, const std::string& fund_id,
                               const lv1::LoanChanged& changed, int64_t sequence) const {
  const lv1::Loan& loan = changed.loan();
  const bool rescheduled = changed.change_kind() == lv1::LOAN_CHANGE_KIND_RESCHEDULED;
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(loan.name(), "loans", "loan.name"));
  storage::Value borrower = storage::Null{};
  if (!loan.applicant().empty()) {
    CERCLES_ASSIGN_OR_RETURN(borrower,
                             api::ParseName(loan.applicant(), "people", "loan.applicant"));
  }
  storage::Value disbursed = storage::Null{};
  if (loan.has_disbursement_date()) {
    CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                             api::DayFromDate(loan.disbursement_date(), "loan.disbursement_date"));
    disbursed = EpochDay(day);
  }
  // The principal written off: the WRITTEN_OFF event's amount (a Money, or the
  // int64 of events stored before it); 0 keeps what an earlier event set.
  int64_t written_off = 0;
  if (changed.change_kind() == lv1::LOAN_CHANGE_KIND_WRITTEN_OFF) {
    written_off = changed.has_amount() ? changed.amount().minor_units() : DeprecatedAmount(changed);
  }
  int64_t circle_id = 0;  // a loan names its circle from submission on
  if (!loan.circle().empty()) {
    CERCLES_ASSIGN_OR_RETURN(circle_id, api::ParseName(loan.circle(), "circles", "loan.circle"));
  }
  storage::Value oldest_due = storage::Null{};
  if (loan.has_next_unpaid_due_date()) {
    // The oldest instalment not fully paid, due yet or not: days past due to any
    // later date follow from it (until the next event changes it).
    CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day, api::DayFromDate(loan.next_unpaid_due_date(),
                                                                  "loan.next_unpaid_due_date"));
    oldest_due = EpochDay(day);
  } else if (loan.arrears().has_oldest_unpaid_due_date()) {
    CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                             api::DayFromDate(loan.arrears().oldest_unpaid_due_date(),
                                              "loan.arrears.oldest_unpaid_due_date"));
    oldest_due = EpochDay(day);
  } else if (loan.state() == lv1::LOAN_STATE_ACTIVE && loan.has_first_due_date() &&
             loan.outstanding_principal().minor_units() > 0 &&
             loan.outstanding_principal().minor_units() == loan.amount().minor_units()) {
    // The event's arrears are as of its own day: nothing was due yet. With no
    // principal repaid (interest is paid first, every instalment carries
    // principal), the first instalment is the oldest unpaid one, so days past
    // due can be counted to any later date without another event.
    CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                             api::DayFromDate(loan.first_due_date(), "loan.first_due_date"));
    oldest_due = EpochDay(day);
  }
  std::string currency = loan.outstanding_principal().currency_code();
  if (currency.empty()) currency = loan.amount().currency_code();
  return tx
      .Exec(
          "INSERT INTO network_loans (fund_id, loan_id, circle_id, state, currency, "
          "outstanding_principal, oldest_due_day, source_sequence, reschedules, borrower_id, "
          "amount, disbursed_day, written_off_principal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?) ON CONFLICT (fund_id, loan_id) DO UPDATE SET circle_id = excluded.circle_id, "
          "state = excluded.state, currency = excluded.currency, outstanding_principal = "
          "excluded.outstanding_principal, oldest_due_day = excluded.oldest_due_day, "
          "source_sequence = excluded.source_sequence, reschedules = network_loans.reschedules + "
          "excluded.reschedules, borrower_id = excluded.borrower_id, amount = excluded.amount, "
          "disbursed_day = excluded.disbursed_day, written_off_principal = CASE WHEN "
          "excluded.written_off_principal > 0 THEN excluded.written_off_principal ELSE "
          "network_loans.written_off_principal END",
          {fund_id, id, circle_id, static_cast<int64_t>(loan.state()), currency,
           loan.outstanding_principal().minor_units(), oldest_due, sequence,
           int64_t{rescheduled ? 1 : 0}, borrower, loan.amount().minor_units(), disbursed,
           written_off})
      .status();
}

absl::StatusOr<std::vector<RegionFigures>> LoanStore::Figures(storage::Transaction& tx,
                                                              const std::string& fund_id,
                                                              absl::CivilDay as_of) const {
  std::map<std::pair<std::string, std::string>, RegionFigures> by_region;
  // Runs a query grouped by fund and region (its first columns: the fund, the
  // region key, the region as written) and `fill`s each row's region figures.
  auto add_figures = [&](const storage::Sql& sql,
                         void (*fill)(const storage::Row& row, RegionFigures& f)) -> absl::Status {
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
    for (const storage::Row& row : rows) {
      RegionFigures& f = by_region[{row.Text(0), row.Text(1)}];
      f.fund_id = row.Text(0);
      if (f.region.empty()) f.region = row.Text(2);
      fill(row, f);
    }
    return absl::OkStatus();
  };
  // The circles that count: every one not dissolved or merged away.
  storage::Sql circles_sql(
      "SELECT fund_id, region_key, MIN(region), COUNT(*), SUM(CASE WHEN status = ? THEN 1 ELSE 0 "
      "END), SUM(member_count) FROM network_circles WHERE status IN ",
      {static_cast<int64_t>(mv1::CIRCLE_STATUS_ACTIVE)});
  circles_sql.List(std::vector<mv1::CircleStatus>{
      mv1::CIRCLE_STATUS_FORMING, mv1::CIRCLE_STATUS_ACTIVE, mv1::CIRCLE_STATUS_UNDER_STRENGTH,
      mv1::CIRCLE_STATUS_SUSPENDED});
  if (!fund_id.empty()) circles_sql.Add(" AND fund_id = ?", {fund_id});
  circles_sql.Add(" GROUP BY fund_id, region_key");
  CERCLES_RETURN_IF_ERROR(add_figures(circles_sql, [](const storage::Row& row, RegionFigures& f) {
    f.circles = row.Int(3);
    f.active_circles = row.Int(4);
    f.members = row.Int(5);
  }));
  const auto state = [](lv1::LoanState s) { return static_cast<int64_t>(s); };
  storage::Sql loans_sql(
      "SELECT l.fund_id, COALESCE(c.region_key, ''), MIN(COALESCE(c.region, '')), ");
  loans_sql.Add("SUM(CASE WHEN l.state = ? THEN 1 ELSE 0 END), ", {state(lv1::LOAN_STATE_ACTIVE)});
  loans_sql.Add("SUM(CASE WHEN l.state = ? THEN 1 ELSE 0 END), ",
                {state(lv1::LOAN_STATE_CLOSED_REPAID)});
  loans_sql.Add("SUM(CASE WHEN l.state = ? THEN 1 ELSE 0 END), MAX(l.currency), ",
                {state(lv1::LOAN_STATE_WRITTEN_OFF)});
  loans_sql.Add("SUM(CASE WHEN l.state = ? THEN l.outstanding_principal ELSE 0 END), ",
                {state(lv1::LOAN_STATE_ACTIVE)});
  loans_sql.Add(
      "SUM(CASE WHEN l.state = ? AND l.oldest_due_day <= ? THEN l.outstanding_principal ELSE 0 "
      "END), SUM(CASE WHEN l.reschedules > 0 THEN 1 ELSE 0 END), SUM(l.reschedules) ",
      {state(lv1::LOAN_STATE_ACTIVE), EpochDay(Par30LastDueDay(as_of))});
  loans_sql.Add(
      "FROM network_loans l LEFT JOIN network_circles c ON c.fund_id = l.fund_id AND c.circle_id = "
      "l.circle_id");
  if (!fund_id.empty()) loans_sql.Add(" WHERE l.fund_id = ?", {fund_id});
  loans_sql.Add(" GROUP BY l.fund_id, COALESCE(c.region_key, '')");
  CERCLES_RETURN_IF_ERROR(add_figures(loans_sql, [](const storage::Row& row, RegionFigures& f) {
    f.active_loans = row.Int(3);
    f.loans_repaid = row.Int(4);
    f.loans_written_off = row.Int(5);
    f.currency = row.Text(6);
    f.outstanding = row.Int(7);
    f.at_risk_30 = row.Int(8);
    f.loans_rescheduled = row.Int(9);
    f.reschedules = row.Int(10);
  }));
  CERCLES_ASSIGN_OR_RETURN(std::vector<RegionFigures> out, outcomes_.Figures(tx, fund_id));
  out.reserve(out.size() + by_region.size());
  for (auto& [key, f] : by_region) out.push_back(std::move(f));
  return out;
}

absl::StatusOr<std::vector<ImpactLoan>> LoanStore::ImpactLoans(storage::Transaction& tx,
                                                               const std::string& fund_id) const {
  storage::Sql sql(
      "SELECT l.fund_id, COALESCE(c.region, ''), COALESCE(l.borrower_id, -l.loan_id), "
      "l.disbursed_day, l.currency, l.amount, l.state, l.outstanding_principal, "
      "l.oldest_due_day, l.written_off_principal FROM network_loans l LEFT JOIN network_circles "
      "c ON c.fund_id = l.fund_id AND c.circle_id = l.circle_id WHERE l.disbursed_day IS NOT "
      "NULL");
  if (!fund_id.empty()) sql.Add(" AND l.fund_id = ?", {fund_id});
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  std::vector<ImpactLoan> loans;
  loans.reserve(rows.size());
  for (const storage::Row& row : rows) {
    ImpactLoan& l = loans.emplace_back();
    l.fund_id = row.Text(0);
    l.region = row.Text(1);
    l.borrower_id = row.Int(2);
    l.disbursed = FromEpochDay(row.Int(3));
    l.currency = row.Text(4);
    l.amount = row.Int(5);
    l.state = static_cast<int>(row.Int(6));
    l.outstanding = row.Int(7);
    if (!row.IsNull(8)) l.oldest_unpaid_due = FromEpochDay(row.Int(8));
    l.written_off = row.Int(9);
  }
  return loans;
}

}  // namespace cercles::network
