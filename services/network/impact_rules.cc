#include "services/network/impact_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/loans.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/util/status_macros.h"
#include "services/network/directory_rules.h"

namespace cercles::network {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;

// One entrepreneur's outcomes up to the range's last day, oldest first.
struct Entrepreneur {
  std::string fund_id;
  std::string region;  // of the latest outcome's circle
  std::vector<std::pair<absl::CivilDay, const OutcomeRow*>> rows;
  std::optional<absl::CivilDay> started;  // the first STARTED
  std::optional<absl::CivilDay> closed;   // the first CLOSED after it
};

std::vector<Entrepreneur> Entrepreneurs(const std::vector<OutcomeRow>& outcomes,
                                        absl::CivilDay last_day) {
  std::vector<std::pair<absl::CivilDay, const OutcomeRow*>> rows;
  for (const OutcomeRow& o : outcomes) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(o.meeting_day, &day) || day > last_day) continue;
    rows.emplace_back(day, &o);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second->fund_id, a.second->person_id, a.first, a.second->meeting_id) <
           std::tie(b.second->fund_id, b.second->person_id, b.first, b.second->meeting_id);
  });
  std::vector<Entrepreneur> out;
  for (const auto& row : rows) {
    const OutcomeRow& o = *row.second;
    if (out.empty() || out.back().fund_id != o.fund_id ||
        out.back().rows.back().second->person_id != o.person_id) {
      out.emplace_back().fund_id = o.fund_id;
    }
    Entrepreneur& e = out.back();
    e.rows.push_back(row);
    e.region = o.region;
    if (o.event == mv1::BUSINESS_EVENT_STARTED && !e.started.has_value()) e.started = row.first;
    if (o.event == mv1::BUSINESS_EVENT_CLOSED && e.started.has_value() && !e.closed.has_value()) {
      e.closed = row.first;
    }
  }
  return out;
}

bool Within(absl::CivilDay day, const Period& p) { return p.start <= day && day <= p.end; }

// Which rows a figure counts: one fund, and one region of it (by TextKey) or all.
struct Scope {
  const std::string& fund_id;
  std::optional<std::string> region_key;
  bool Holds(const std::string& fund, const std::string& region) const {
    return fund == fund_id && (!region_key.has_value() || *region_key == TextKey(region));
  }
};

cercles::common::v1::Money Amount(const std::string& currency, int64_t minor_units) {
  cercles::common::v1::Money money;
  money.set_currency_code(currency);
  money.set_minor_units(minor_units);
  return money;
}

// The loan figures of the loans of `scope` disbursed in `period`, in their
// state as of as_of.
void AddLoanFigures(const Scope& scope, const Period& period, absl::CivilDay as_of,
                    const std::string& currency, const std::vector<ImpactLoan>& loans,
                    v1::ImpactFigures& row) {
  std::set<int64_t> borrowers;
  int64_t count = 0, amount = 0, repaid = 0, written_off = 0, principal_written_off = 0;
  int64_t outstanding = 0, at_risk = 0;
  const absl::CivilDay last_due_at_risk = Par30LastDueDay(as_of);
  for (const ImpactLoan& loan : loans) {
    if (!scope.Holds(loan.fund_id, loan.region) || !Within(loan.disbursed, period)) continue;
    ++count;
    amount += loan.amount;
    borrowers.insert(loan.borrower_id);
    if (loan.state == lv1::LOAN_STATE_CLOSED_REPAID) ++repaid;
    if (loan.state == lv1::LOAN_STATE_WRITTEN_OFF) {
      ++written_off;
      principal_written_off += loan.written_off;
    }
    if (loan.state == lv1::LOAN_STATE_ACTIVE) {
      outstanding += loan.outstanding;
      if (loan.oldest_unpaid_due.has_value() && *loan.oldest_unpaid_due <= last_due_at_risk) {
        at_risk += loan.outstanding;
      }
    }
  }
  row.set_entrepreneurs_supported(static_cast<int32_t>(borrowers.size()));
  row.set_loans_disbursed(static_cast<int32_t>(count));
  *row.mutable_amount_disbursed() = Amount(currency, amount);
  row.set_loans_repaid(static_cast<int32_t>(repaid));
  row.set_loans_written_off(static_cast<int32_t>(written_off));
  if (auto rate = BasisPoints(repaid, repaid + written_off)) row.set_repayment_rate_bps(*rate);
  *row.mutable_principal_written_off() = Amount(currency, principal_written_off);
  if (auto ratio = BasisPoints(principal_written_off, amount)) row.set_write_off_bps(*ratio);
  *row.mutable_outstanding_principal() = Amount(currency, outstanding);
  *row.mutable_principal_at_risk_30() = Amount(currency, at_risk);
  if (auto par = BasisPoints(at_risk, outstanding)) row.set_par30_bps(*par);
}

// The business figures of the entrepreneurs of `scope`: started in `period`,
// kept and jobs as of its last day.
void AddOutcomeFigures(const Scope& scope, const Period& period,
                       const std::vector<Entrepreneur>& entrepreneurs, v1::ImpactFigures& row) {
  int64_t started = 0, kept = 0;
  OutcomeJobs created_total, kept_total;
  for (const Entrepreneur& e : entrepreneurs) {
    if (!scope.Holds(e.fund_id, e.region)) continue;
    if (e.started.has_value() && Within(*e.started, period)) ++started;
    int last_event = mv1::BUSINESS_EVENT_UNSPECIFIED;
    std::optional<OutcomeJobs> created, jobs_kept;
    for (const auto& [day, o] : e.rows) {
      if (day > period.end) break;
      if (o->event != mv1::BUSINESS_EVENT_UNSPECIFIED) last_event = o->event;
      if (o->jobs_created.has_value()) created = o->jobs_created;
      if (o->jobs_kept.has_value()) jobs_kept = o->jobs_kept;
    }
    if (last_event == mv1::BUSINESS_EVENT_STARTED) ++kept;
    if (created.has_value()) {
      created_total.full_time += created->full_time;
      created_total.part_time += created->part_time;
    }
    if (jobs_kept.has_value()) {
      kept_total.full_time += jobs_kept->full_time;
      kept_total.part_time += jobs_kept->part_time;
    }
  }
  row.set_businesses_started(static_cast<int32_t>(started));
  row.set_businesses_kept(static_cast<int32_t>(kept));
  row.set_jobs_created_full_time(static_cast<int32_t>(created_total.full_time));
  row.set_jobs_created_part_time(static_cast<int32_t>(created_total.part_time));
  row.set_jobs_kept_full_time(static_cast<int32_t>(kept_total.full_time));
  row.set_jobs_kept_part_time(static_cast<int32_t>(kept_total.part_time));
}

// What a fund's rows need: its currency and its regions (key → first spelling).
struct FundInfo {
  std::string currency;
  std::map<std::string, std::string> regions;
};

// The survival rows of one fund's cohorts that started within the range.
void AddCohorts(const std::string& fund_id, const ImpactRange& range,
                const std::vector<Entrepreneur>& entrepreneurs, v1::GetImpactReportResponse& out) {
  std::map<int, std::vector<const Entrepreneur*>> cohorts;
  for (const Entrepreneur& e : entrepreneurs) {
    if (e.fund_id == fund_id && e.started.has_value() &&
        Within(*e.started, {range.from, range.to})) {
      cohorts[static_cast<int>(e.started->year())].push_back(&e);
    }
  }
  for (const auto& [year, members] : cohorts) {
    v1::CohortSurvival& row = *out.add_cohorts();
    row.set_fund_id(fund_id);
    row.set_cohort_year(year);
    row.set_businesses(static_cast<int32_t>(members.size()));
    for (int horizon : {1, 3, 5}) {
      // Every business of the cohort has reached the horizon by to_date.
      if (absl::CivilDay(year + horizon, 12, 31) > range.to) continue;
      int64_t survived = 0;
      for (const Entrepreneur* e : members) {
        const absl::CivilDay anniversary(e->started->year() + horizon, e->started->month(),
                                         e->started->day());
        if (!e->closed.has_value() || *e->closed >= anniversary) ++survived;
      }
      const int32_t bps = *BasisPoints(survived, static_cast<int64_t>(members.size()));
      const auto count = static_cast<int32_t>(survived);
      if (horizon == 1) {
        row.set_survived_1_year(count);
        row.set_survival_1_year_bps(bps);
      } else if (horizon == 3) {
        row.set_survived_3_years(count);
        row.set_survival_3_years_bps(bps);
      } else {
        row.set_survived_5_years(count);
        row.set_survival_5_years_bps(bps);
      }
    }
  }
}

}  // namespace

absl::StatusOr<ImpactRange> CheckImpactRequest(const v1::GetImpactReportRequest& request,
                                               absl::CivilDay as_of) {
  ImpactRange range;
  range.as_of = as_of;
  range.by_region = request.by_region();
  if (!request.fund_id().empty()) {
    if (absl::Status s = CheckFundId(request.fund_id(), "fund_id"); !s.ok()) return s;
    if (request.include_peers()) {
      return api::InvalidField("include_peers",
                               "must be false with a fund_id: the peer funds are added to the "
                               "report of every fund only");
    }
  }
  CERCLES_ASSIGN_OR_RETURN(
      api::ReportRange days,
      api::CheckReportRange(request.has_from_date() ? &request.from_date() : nullptr,
                            request.has_to_date() ? &request.to_date() : nullptr, kMaxImpactYears));
  range.from = days.from;
  range.to = days.to;
  switch (request.grain()) {
    case v1::REPORT_GRAIN_UNSPECIFIED:
    case v1::REPORT_GRAIN_YEAR:
      range.grain = v1::REPORT_GRAIN_YEAR;
      break;
    case v1::REPORT_GRAIN_QUARTER:
      range.grain = v1::REPORT_GRAIN_QUARTER;
      break;
    default:
      return api::InvalidField(
          "grain",
          absl::StrCat("must be REPORT_GRAIN_YEAR or REPORT_GRAIN_QUARTER (or unspecified: "
                       "years), got ",
                       static_cast<int>(request.grain())));
  }
  return range;
}

std::vector<Period> ReportPeriods(absl::CivilDay from, absl::CivilDay to, v1::ReportGrain grain) {
  std::vector<Period> periods;
  for (absl::CivilDay start = from; start <= to;) {
    // absl normalizes month 13 to January of the next year.
    const absl::CivilDay next =
        grain == v1::REPORT_GRAIN_QUARTER
            ? absl::CivilDay(start.year(), (start.month() - 1) / 3 * 3 + 4, 1)
            : absl::CivilDay(start.year() + 1, 1, 1);
    periods.push_back({start, std::min(next - 1, to)});
    start = next;
  }
  return periods;
}

v1::GetImpactReportResponse BuildImpactReport(const ImpactRange& range,
                                              const std::vector<ImpactLoan>& loans,
                                              const std::vector<OutcomeRow>& outcomes) {
  const std::vector<Entrepreneur> entrepreneurs = Entrepreneurs(outcomes, range.to);
  std::map<std::string, FundInfo> funds;
  for (const ImpactLoan& loan : loans) {
    FundInfo& fund = funds[loan.fund_id];
    if (fund.currency.empty()) fund.currency = loan.currency;
    fund.regions.emplace(TextKey(loan.region), loan.region);
  }
  for (const Entrepreneur& e : entrepreneurs) {
    funds[e.fund_id].regions.emplace(TextKey(e.region), e.region);
  }
  v1::GetImpactReportResponse out;
  *out.mutable_as_of() = api::DateFromDay(range.as_of);
  *out.mutable_from_date() = api::DateFromDay(range.from);
  *out.mutable_to_date() = api::DateFromDay(range.to);
  out.set_grain(range.grain);
  const std::vector<Period> periods = ReportPeriods(range.from, range.to, range.grain);
  const Period whole{range.from, range.to};
  for (const auto& entry : funds) {
    const std::string& fund_id = entry.first;
    const FundInfo& fund = entry.second;
    // The whole fund, then each region.
    std::vector<std::pair<Scope, std::string>> scopes = {{Scope{fund_id, std::nullopt}, ""}};
    if (range.by_region) {
      for (const auto& [key, region] : fund.regions) {
        scopes.push_back({Scope{fund_id, key}, region.empty() ? kNoRegion : region});
      }
    }
    const auto add = [&](const Scope& scope, const std::string& region, const Period& period,
                         v1::ImpactFigures& row) {
      row.set_fund_id(fund_id);
      row.set_region(region);
      *row.mutable_period_start() = api::DateFromDay(period.start);
      *row.mutable_period_end() = api::DateFromDay(period.end);
      AddLoanFigures(scope, period, range.as_of, fund.currency, loans, row);
      AddOutcomeFigures(scope, period, entrepreneurs, row);
    };
    for (const auto& scope : scopes) {
      for (const Period& period : periods)
        add(scope.first, scope.second, period, *out.add_periods());
      add(scope.first, scope.second, whole, *out.add_totals());
    }
    AddCohorts(fund_id, range, entrepreneurs, out);
  }
  return out;
}

}  // namespace cercles::network
