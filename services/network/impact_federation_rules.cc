#include "services/network/impact_federation_rules.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/network/impact_rules.h"
#include "services/network/stats_rules.h"

namespace cercles::network {
namespace {

using cercles::common::v1::Money;
using google::protobuf::util::MessageDifferencer;

std::array<const Money*, 4> Amounts(const v1::ImpactFigures& row) {
  return {&row.amount_disbursed(), &row.principal_written_off(), &row.outstanding_principal(),
          &row.principal_at_risk_30()};
}

std::array<Money*, 4> MutableAmounts(v1::ImpactFigures& row) {
  return {row.mutable_amount_disbursed(), row.mutable_principal_written_off(),
          row.mutable_outstanding_principal(), row.mutable_principal_at_risk_30()};
}

// A day of a report this fund or a peer built (checked there).
absl::CivilDay Day(const cercles::common::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// The one currency of a row's amounts ("" when none has one), or an error.
absl::Status CurrencyOf(const v1::ImpactFigures& row, std::string& currency) {
  for (const Money* money : Amounts(row)) {
    if (money->currency_code().empty()) continue;
    if (currency.empty()) currency = money->currency_code();
    if (money->currency_code() != currency) {
      return absl::InvalidArgumentError(absl::StrCat("amounts in ", money->currency_code(),
                                                     " cannot be added to amounts in ", currency));
    }
  }
  return absl::OkStatus();
}

bool SamePeriod(const v1::ImpactFigures& row, const Period& period) {
  return Day(row.period_start()) == period.start && Day(row.period_end()) == period.end;
}

// Each horizon's (survived, bps) fields of a cohort row.
struct Horizon {
  bool (v1::CohortSurvival::*has)() const;
  int32_t (v1::CohortSurvival::*get)() const;
  void (v1::CohortSurvival::*set)(int32_t);
  void (v1::CohortSurvival::*set_bps)(int32_t);
};
constexpr std::array<Horizon, 3> kHorizons = {{
    {&v1::CohortSurvival::has_survived_1_year, &v1::CohortSurvival::survived_1_year,
     &v1::CohortSurvival::set_survived_1_year, &v1::CohortSurvival::set_survival_1_year_bps},
    {&v1::CohortSurvival::has_survived_3_years, &v1::CohortSurvival::survived_3_years,
     &v1::CohortSurvival::set_survived_3_years, &v1::CohortSurvival::set_survival_3_years_bps},
    {&v1::CohortSurvival::has_survived_5_years, &v1::CohortSurvival::survived_5_years,
     &v1::CohortSurvival::set_survived_5_years, &v1::CohortSurvival::set_survival_5_years_bps},
}};

}  // namespace

void RecomputeImpactRatios(v1::ImpactFigures& row) {
  row.clear_repayment_rate_bps();
  row.clear_write_off_bps();
  row.clear_par30_bps();
  const int64_t ended = int64_t{row.loans_repaid()} + row.loans_written_off();
  if (auto rate = BasisPoints(row.loans_repaid(), ended)) row.set_repayment_rate_bps(*rate);
  if (auto ratio = BasisPoints(row.principal_written_off().minor_units(),
                               row.amount_disbursed().minor_units())) {
    row.set_write_off_bps(*ratio);
  }
  if (auto par = BasisPoints(row.principal_at_risk_30().minor_units(),
                             row.outstanding_principal().minor_units())) {
    row.set_par30_bps(*par);
  }
}

absl::Status AddImpactFigures(const v1::ImpactFigures& row, v1::ImpactFigures& sum) {
  std::string currency;
  if (absl::Status s = CurrencyOf(sum, currency); !s.ok()) return s;
  if (absl::Status s = CurrencyOf(row, currency); !s.ok()) return s;
  sum.set_entrepreneurs_supported(sum.entrepreneurs_supported() + row.entrepreneurs_supported());
  sum.set_loans_disbursed(sum.loans_disbursed() + row.loans_disbursed());
  sum.set_businesses_started(sum.businesses_started() + row.businesses_started());
  sum.set_businesses_kept(sum.businesses_kept() + row.businesses_kept());
  sum.set_jobs_created_full_time(sum.jobs_created_full_time() + row.jobs_created_full_time());
  sum.set_jobs_created_part_time(sum.jobs_created_part_time() + row.jobs_created_part_time());
  sum.set_jobs_kept_full_time(sum.jobs_kept_full_time() + row.jobs_kept_full_time());
  sum.set_jobs_kept_part_time(sum.jobs_kept_part_time() + row.jobs_kept_part_time());
  sum.set_loans_repaid(sum.loans_repaid() + row.loans_repaid());
  sum.set_loans_written_off(sum.loans_written_off() + row.loans_written_off());
  const std::array<const Money*, 4> add = Amounts(row);
  const std::array<Money*, 4> into = MutableAmounts(sum);
  for (size_t i = 0; i < into.size(); ++i) {
    into[i]->set_currency_code(currency);
    into[i]->set_minor_units(into[i]->minor_units() + add[i]->minor_units());
  }
  RecomputeImpactRatios(sum);
  return absl::OkStatus();
}

int RowHeadcount(const v1::ImpactFigures& row) {
  return std::max({row.entrepreneurs_supported(), row.businesses_started(), row.businesses_kept()});
}

v1::GetImpactAggregatesResponse ImpactAggregatesFor(v1::GetImpactReportResponse report,
                                                    int min_cell) {
  v1::GetImpactAggregatesResponse out;
  *out.mutable_as_of() = report.as_of();
  *out.mutable_from_date() = report.from_date();
  *out.mutable_to_date() = report.to_date();
  out.set_grain(report.grain());
  out.set_min_cell(min_cell);
  // The regions too small to be sent alone, by their range total.
  std::set<std::string> small;
  for (const v1::ImpactFigures& total : report.totals()) {
    if (!total.region().empty() && RowHeadcount(total) < min_cell) small.insert(total.region());
  }
  // Their rows merged, per fund and period; the range totals apart (with a
  // single period, a period and the total cover the same days).
  using Key = std::pair<std::string, std::pair<absl::CivilDay, absl::CivilDay>>;
  std::map<Key, v1::ImpactFigures> merged_periods, merged_totals;
  const auto merge = [](const v1::ImpactFigures& row, std::map<Key, v1::ImpactFigures>& into) {
    const Key key{row.fund_id(), {Day(row.period_start()), Day(row.period_end())}};
    auto [it, inserted] = into.try_emplace(key);
    if (inserted) {
      it->second.set_fund_id(row.fund_id());
      it->second.set_region(kOtherRegions);
      *it->second.mutable_period_start() = row.period_start();
      *it->second.mutable_period_end() = row.period_end();
    }
    AddImpactFigures(row, it->second).IgnoreError();  // one fund: one currency
  };
  for (v1::ImpactFigures& row : *report.mutable_periods()) {
    if (small.count(row.region()) == 0) {
      *out.add_periods() = std::move(row);
    } else {
      merge(row, merged_periods);
    }
  }
  for (v1::ImpactFigures& row : *report.mutable_totals()) {
    if (small.count(row.region()) == 0) {
      *out.add_totals() = std::move(row);
    } else {
      merge(row, merged_totals);
    }
  }
  // The merged rows, when their range total is large enough (else dropped:
  // the whole-fund rows still count them).
  const std::vector<Period> periods =
      ReportPeriods(Day(report.from_date()), Day(report.to_date()), report.grain());
  for (const auto& [key, total] : merged_totals) {
    if (RowHeadcount(total) < min_cell) continue;
    for (const Period& period : periods) {
      auto it = merged_periods.find(Key{key.first, {period.start, period.end}});
      if (it != merged_periods.end()) *out.add_periods() = it->second;
    }
    *out.add_totals() = total;
  }
  for (v1::CohortSurvival& cohort : *report.mutable_cohorts()) {
    if (cohort.businesses() >= min_cell) *out.add_cohorts() = std::move(cohort);
  }
  return out;
}

absl::Status CheckPeerImpact(const std::string& fund_id, const v1::GetImpactReportResponse& report,
                             const v1::GetImpactAggregatesResponse& answer,
                             const std::string& currency) {
  if (!MessageDifferencer::Equals(answer.from_date(), report.from_date()) ||
      !MessageDifferencer::Equals(answer.to_date(), report.to_date()) ||
      answer.grain() != report.grain()) {
    return absl::InvalidArgumentError("the peer answered another range or grain");
  }
  std::string one_currency = currency;
  for (const auto* rows : {&answer.periods(), &answer.totals()}) {
    for (const v1::ImpactFigures& row : *rows) {
      if (row.fund_id() != fund_id) {
        return absl::InvalidArgumentError("the peer answered another fund's rows");
      }
      if (absl::Status s = CurrencyOf(row, one_currency); !s.ok()) return s;
    }
  }
  for (const v1::CohortSurvival& cohort : answer.cohorts()) {
    if (cohort.fund_id() != fund_id) {
      return absl::InvalidArgumentError("the peer answered another fund's cohorts");
    }
  }
  return absl::OkStatus();
}

std::string ImpactCurrency(const v1::GetImpactReportResponse& report) {
  std::string currency;
  for (const v1::ImpactFigures& row : report.totals()) {
    if (CurrencyOf(row, currency).ok() && !currency.empty()) return currency;
  }
  return "";
}

void AddNetworkRows(v1::GetImpactReportResponse& report) {
  const absl::CivilDay from = Day(report.from_date());
  const absl::CivilDay to = Day(report.to_date());
  const auto sum_of = [](const auto& rows, const Period& period, v1::ImpactFigures& sum) {
    *sum.mutable_period_start() = api::DateFromDay(period.start);
    *sum.mutable_period_end() = api::DateFromDay(period.end);
    for (const v1::ImpactFigures& row : rows) {
      // Checked before: a peer in another currency is missing, not added.
      if (row.region().empty() && SamePeriod(row, period)) AddImpactFigures(row, sum).IgnoreError();
    }
  };
  report.clear_network_periods();
  for (const Period& period : ReportPeriods(from, to, report.grain())) {
    sum_of(report.periods(), period, *report.add_network_periods());
  }
  report.clear_network_total();
  sum_of(report.totals(), Period{from, to}, *report.mutable_network_total());

  std::map<int, std::vector<const v1::CohortSurvival*>> years;
  for (const v1::CohortSurvival& cohort : report.cohorts()) {
    years[cohort.cohort_year()].push_back(&cohort);
  }
  report.clear_network_cohorts();
  for (const auto& [year, rows] : years) {
    v1::CohortSurvival& sum = *report.add_network_cohorts();
    sum.set_cohort_year(year);
    int64_t businesses = 0;
    for (const v1::CohortSurvival* row : rows) businesses += row->businesses();
    sum.set_businesses(static_cast<int32_t>(businesses));
    for (const Horizon& h : kHorizons) {
      const bool every = std::all_of(
          rows.begin(), rows.end(), [&](const v1::CohortSurvival* row) { return (row->*h.has)(); });
      if (!every) continue;
      int64_t survived = 0;
      for (const v1::CohortSurvival* row : rows) survived += (row->*h.get)();
      (sum.*h.set)(static_cast<int32_t>(survived));
      if (auto bps = BasisPoints(survived, businesses)) (sum.*h.set_bps)(*bps);
    }
  }
}

}  // namespace cercles::network
