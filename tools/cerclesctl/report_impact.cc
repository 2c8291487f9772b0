#include "tools/cerclesctl/report_impact.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"
#include "common/api/date.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/report_svg.h"

namespace cercles::cerclesctl {
namespace {

namespace nv1 = cercles::network::v1;

// The columns every figures row shows, by key of the string table.
constexpr const char* kFigureColumns[] = {
    "col.entrepreneurs", "col.loans",           "col.amount",          "col.started",
    "col.kept",          "col.jobs_created_ft", "col.jobs_created_pt", "col.jobs_kept_ft",
    "col.jobs_kept_pt",  "col.repayment",       "col.write_off",       "col.outstanding",
    "col.par30"};

// The figures of a row as a person reads them.
std::vector<std::string> ShownFigures(const nv1::ImpactFigures& f, Lang lang) {
  const std::string& currency = f.amount_disbursed().currency_code();
  return {FormatCount(lang, f.entrepreneurs_supported()),
          FormatCount(lang, f.loans_disbursed()),
          FormatMoney(lang, f.amount_disbursed().minor_units(), currency),
          FormatCount(lang, f.businesses_started()),
          FormatCount(lang, f.businesses_kept()),
          FormatCount(lang, f.jobs_created_full_time()),
          FormatCount(lang, f.jobs_created_part_time()),
          FormatCount(lang, f.jobs_kept_full_time()),
          FormatCount(lang, f.jobs_kept_part_time()),
          FormatPercent(lang, OptionalFigure(f.has_repayment_rate_bps(), f.repayment_rate_bps())),
          FormatPercent(lang, OptionalFigure(f.has_write_off_bps(), f.write_off_bps())),
          FormatMoney(lang, f.outstanding_principal().minor_units(), currency),
          FormatPercent(lang, OptionalFigure(f.has_par30_bps(), f.par30_bps()))};
}

std::vector<std::string> Header(Lang lang, std::vector<std::string> first) {
  for (const char* key : kFigureColumns) first.push_back(Tr(lang, key));
  return first;
}

std::string RegionShown(const nv1::ImpactFigures& f, Lang lang) {
  return f.region().empty() ? "" : f.region();
}

std::string Survival(Lang lang, bool has, int32_t bps) {
  return FormatPercent(lang, OptionalFigure(has, bps));
}

// The rows of the whole funds (region ""), added up across funds per period,
// in period order.
std::vector<nv1::ImpactFigures> NetworkPeriods(const nv1::GetImpactReportResponse& report) {
  std::map<std::string, nv1::ImpactFigures> by_start;
  for (const nv1::ImpactFigures& f : report.periods()) {
    if (!f.region().empty()) continue;
    nv1::ImpactFigures& sum = by_start[api::FormatDate(f.period_start())];
    if (!sum.has_period_start()) {
      *sum.mutable_period_start() = f.period_start();
      *sum.mutable_period_end() = f.period_end();
      sum.mutable_amount_disbursed()->set_currency_code(f.amount_disbursed().currency_code());
    }
    sum.set_loans_disbursed(sum.loans_disbursed() + f.loans_disbursed());
    sum.mutable_amount_disbursed()->set_minor_units(sum.amount_disbursed().minor_units() +
                                                    f.amount_disbursed().minor_units());
  }
  std::vector<nv1::ImpactFigures> out;
  for (auto& entry : by_start) out.push_back(std::move(entry.second));
  return out;
}

std::vector<std::string> Prefixed(std::vector<std::string> first, std::vector<std::string> rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

std::vector<std::string> CohortRow(const nv1::CohortSurvival& c, Lang lang) {
  return {c.fund_id(),
          absl::StrCat(c.cohort_year()),
          FormatCount(lang, c.businesses()),
          Survival(lang, c.has_survival_1_year_bps(), c.survival_1_year_bps()),
          Survival(lang, c.has_survival_3_years_bps(), c.survival_3_years_bps()),
          Survival(lang, c.has_survival_5_years_bps(), c.survival_5_years_bps())};
}

std::vector<std::string> CohortHeader(Lang lang) {
  return {Tr(lang, "col.fund"),       Tr(lang, "col.cohort"),     Tr(lang, "col.businesses"),
          Tr(lang, "col.survival_1"), Tr(lang, "col.survival_3"), Tr(lang, "col.survival_5")};
}

// With peers: the network's row as a totals row, its fund column saying so.
std::vector<std::vector<std::string>> NetworkTotalRows(const nv1::GetImpactReportResponse& report,
                                                       Lang lang, bool with_period) {
  if (!report.has_network_total()) return {};
  std::vector<std::string> first = {Tr(lang, "col.network"), ""};
  if (with_period) first.push_back(Tr(lang, "section.totals"));
  return {Prefixed(first, ShownFigures(report.network_total(), lang))};
}

// "Funds missing from the network total: fund-b (unreachable)", or "" when none is.
std::string MissingLine(const nv1::GetImpactReportResponse& report, Lang lang) {
  if (report.missing_funds().empty()) return "";
  std::vector<std::string> funds;
  for (const nv1::MissingFund& m : report.missing_funds()) {
    funds.push_back(absl::StrCat(
        m.fund_id(), " (",
        Tr(lang, absl::StrCat("missing.", nv1::MissingFundReason_Name(m.reason()))), ")"));
  }
  return absl::Substitute(Tr(lang, "impact.missing"), absl::StrJoin(funds, ", "));
}

// The reason of a missing fund as the CSV writes it: "unavailable", "refused"...
std::string MissingReasonWord(nv1::MissingFundReason reason) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(nv1::MissingFundReason_Name(reason), "MISSING_FUND_REASON_"));
}

}  // namespace

void PrintImpactTable(const nv1::GetImpactReportResponse& report, Lang lang, std::ostream& out) {
  out << Tr(lang, "impact.title") << " — " << FormatLongDate(lang, report.from_date()) << " – "
      << FormatLongDate(lang, report.to_date()) << "\n";
  Table table(Header(lang, {Tr(lang, "col.fund"), Tr(lang, "col.region"), Tr(lang, "col.period")}));
  for (const nv1::ImpactFigures& f : report.totals()) {
    table.AddRow(Prefixed({f.fund_id(), RegionShown(f, lang), Tr(lang, "section.totals")},
                          ShownFigures(f, lang)));
  }
  for (std::vector<std::string>& row : NetworkTotalRows(report, lang, true)) {
    table.AddRow(std::move(row));
  }
  for (const nv1::ImpactFigures& f : report.periods()) {
    table.AddRow(Prefixed(
        {f.fund_id(), RegionShown(f, lang), FormatPeriod(lang, f.period_start(), f.period_end())},
        ShownFigures(f, lang)));
  }
  for (const nv1::ImpactFigures& f : report.network_periods()) {
    table.AddRow(Prefixed(
        {Tr(lang, "col.network"), "", FormatPeriod(lang, f.period_start(), f.period_end())},
        ShownFigures(f, lang)));
  }
  table.Print(out);
  if (const std::string missing = MissingLine(report, lang); !missing.empty()) {
    out << missing << "\n";
  }
  out << "\n" << Tr(lang, "section.cohorts") << "\n";
  Table cohorts(CohortHeader(lang));
  for (const nv1::CohortSurvival& c : report.cohorts()) cohorts.AddRow(CohortRow(c, lang));
  for (nv1::CohortSurvival c : report.network_cohorts()) {
    c.set_fund_id(Tr(lang, "col.network"));
    cohorts.AddRow(CohortRow(c, lang));
  }
  cohorts.Print(out);
}

std::string ImpactCsv(const nv1::GetImpactReportResponse& report, Lang lang) {
  std::vector<std::string> header = {"row", Tr(lang, "col.fund"), Tr(lang, "col.region"),
                                     Tr(lang, "col.period_start"), Tr(lang, "col.period_end")};
  for (const char* key : kFigureColumns) header.push_back(Tr(lang, key));
  for (const char* key : {"col.currency", "col.loans_repaid", "col.loans_written_off",
                          "col.written_off_principal", "col.at_risk", "col.cohort",
                          "col.businesses", "col.survival_1", "col.survival_3", "col.survival_5"}) {
    header.push_back(Tr(lang, key));
  }
  std::string out = CsvLine(header);
  const auto figures = [&](const char* kind, const nv1::ImpactFigures& f) {
    out += CsvLine(
        {kind,
         f.fund_id(),
         f.region(),
         api::FormatDate(f.period_start()),
         api::FormatDate(f.period_end()),
         absl::StrCat(f.entrepreneurs_supported()),
         absl::StrCat(f.loans_disbursed()),
         absl::StrCat(f.amount_disbursed().minor_units()),
         absl::StrCat(f.businesses_started()),
         absl::StrCat(f.businesses_kept()),
         absl::StrCat(f.jobs_created_full_time()),
         absl::StrCat(f.jobs_created_part_time()),
         absl::StrCat(f.jobs_kept_full_time()),
         absl::StrCat(f.jobs_kept_part_time()),
         DecimalFraction(OptionalFigure(f.has_repayment_rate_bps(), f.repayment_rate_bps())),
         DecimalFraction(OptionalFigure(f.has_write_off_bps(), f.write_off_bps())),
         absl::StrCat(f.outstanding_principal().minor_units()),
         DecimalFraction(OptionalFigure(f.has_par30_bps(), f.par30_bps())),
         f.amount_disbursed().currency_code(),
         absl::StrCat(f.loans_repaid()),
         absl::StrCat(f.loans_written_off()),
         absl::StrCat(f.principal_written_off().minor_units()),
         absl::StrCat(f.principal_at_risk_30().minor_units()),
         "",
         "",
         "",
         "",
         ""});
  };
  for (const nv1::ImpactFigures& f : report.totals()) figures("total", f);
  if (report.has_network_total()) figures("network-total", report.network_total());
  for (const nv1::ImpactFigures& f : report.periods()) figures("period", f);
  for (const nv1::ImpactFigures& f : report.network_periods()) figures("network-period", f);
  std::vector<std::pair<const char*, const nv1::CohortSurvival*>> cohorts;
  for (const nv1::CohortSurvival& c : report.cohorts()) cohorts.push_back({"cohort", &c});
  for (const nv1::CohortSurvival& c : report.network_cohorts()) {
    cohorts.push_back({"network-cohort", &c});
  }
  for (const auto& [kind, cohort] : cohorts) {
    const nv1::CohortSurvival& c = *cohort;
    std::vector<std::string> row(header.size());
    row[0] = kind;
    row[1] = c.fund_id();
    row[header.size() - 5] = absl::StrCat(c.cohort_year());
    row[header.size() - 4] = absl::StrCat(c.businesses());
    row[header.size() - 3] =
        DecimalFraction(OptionalFigure(c.has_survival_1_year_bps(), c.survival_1_year_bps()));
    row[header.size() - 2] =
        DecimalFraction(OptionalFigure(c.has_survival_3_years_bps(), c.survival_3_years_bps()));
    row[header.size() - 1] =
        DecimalFraction(OptionalFigure(c.has_survival_5_years_bps(), c.survival_5_years_bps()));
    out += CsvLine(row);
  }
  for (const nv1::MissingFund& m : report.missing_funds()) {
    std::vector<std::string> row(header.size());
    row[0] = "missing";
    row[1] = m.fund_id();
    row[2] = MissingReasonWord(m.reason());
    out += CsvLine(row);
  }
  return out;
}

std::string ImpactHtml(const nv1::GetImpactReportResponse& report, Lang lang,
                       const std::string& fund) {
  const std::string title = Tr(lang, "impact.title");
  const std::string subtitle = absl::Substitute(
      Tr(lang, "impact.subtitle"),
      fund.empty() ? Tr(lang, "impact.all_funds") : absl::Substitute(Tr(lang, "impact.fund"), fund),
      FormatLongDate(lang, report.from_date()), FormatLongDate(lang, report.to_date()));
  std::string out = HtmlPageStart(
      lang, title,
      {subtitle, absl::Substitute(Tr(lang, "impact.as_of"), FormatLongDate(lang, report.as_of()))});

  // Charts: the trend over the periods, survival by cohort, amounts by region.
  const std::vector<nv1::ImpactFigures> periods = NetworkPeriods(report);
  std::vector<std::string> labels;
  ChartSeries loans{"loans", Tr(lang, "col.loans"), {}, {}};
  ChartSeries amount{"amount", Tr(lang, "col.amount"), {}, {}};
  for (const nv1::ImpactFigures& p : periods) {
    labels.push_back(
        ShortPeriod(lang, report.grain() == nv1::REPORT_GRAIN_QUARTER, p.period_start()));
    loans.values.push_back(p.loans_disbursed());
    loans.value_labels.push_back(FormatCount(lang, p.loans_disbursed()));
    amount.values.push_back(p.amount_disbursed().minor_units());
    amount.value_labels.push_back(FormatMoney(lang, p.amount_disbursed().minor_units(),
                                              p.amount_disbursed().currency_code()));
  }
  // The charts name the fund of a cohort or region only when the report has several.
  std::set<std::string> funds;
  for (const nv1::ImpactFigures& f : report.totals()) funds.insert(f.fund_id());
  for (const nv1::CohortSurvival& c : report.cohorts()) funds.insert(c.fund_id());
  const bool several_funds = funds.size() > 1;
  std::vector<std::string> cohorts;
  std::vector<ChartSeries> survival = {{"survival-1", Tr(lang, "col.survival_1"), {}, {}},
                                       {"survival-3", Tr(lang, "col.survival_3"), {}, {}},
                                       {"survival-5", Tr(lang, "col.survival_5"), {}, {}}};
  for (const nv1::CohortSurvival& c : report.cohorts()) {
    const std::optional<int32_t> values[] = {
        OptionalFigure(c.has_survival_1_year_bps(), c.survival_1_year_bps()),
        OptionalFigure(c.has_survival_3_years_bps(), c.survival_3_years_bps()),
        OptionalFigure(c.has_survival_5_years_bps(), c.survival_5_years_bps())};
    // A cohort too young for every horizon has nothing to draw (the table says "—").
    if (!values[0] && !values[1] && !values[2]) continue;
    cohorts.push_back(several_funds ? absl::StrCat(c.cohort_year(), " ", c.fund_id())
                                    : absl::StrCat(c.cohort_year()));
    for (size_t s = 0; s < survival.size(); ++s) {
      survival[s].values.push_back(values[s]);
      survival[s].value_labels.push_back(FormatPercent(lang, values[s]));
    }
  }
  std::vector<std::string> regions;
  ChartSeries by_region{"amount", Tr(lang, "col.amount"), {}, {}};
  for (const nv1::ImpactFigures& f : report.totals()) {
    // A region that lent nothing has no bar to draw: the table and the CSV still list it.
    if (f.region().empty() || f.amount_disbursed().minor_units() == 0) continue;
    regions.push_back(several_funds ? absl::StrCat(f.fund_id(), " — ", f.region()) : f.region());
    by_region.values.push_back(f.amount_disbursed().minor_units());
    by_region.value_labels.push_back(FormatMoney(lang, f.amount_disbursed().minor_units(),
                                                 f.amount_disbursed().currency_code()));
  }
  const std::string no_data = Tr(lang, "chart.no_data");
  absl::StrAppend(
      &out, "<div class=\"charts\">",
      TrendChart("trend", Tr(lang, "chart.trend"), labels, loans, amount, no_data),
      GroupedBarChart("survival", Tr(lang, "chart.survival"), cohorts, survival, no_data),
      HorizontalBarChart("regions", Tr(lang, "chart.regions"), regions, by_region, no_data));
  // With the peers: the breakdown by fund (each fund's whole range).
  if (report.has_network_total()) {
    std::vector<std::string> fund_names;
    ChartSeries by_fund{"amount", Tr(lang, "col.amount"), {}, {}};
    for (const nv1::ImpactFigures& f : report.totals()) {
      if (!f.region().empty()) continue;
      fund_names.push_back(f.fund_id());
      by_fund.values.push_back(f.amount_disbursed().minor_units());
      by_fund.value_labels.push_back(FormatMoney(lang, f.amount_disbursed().minor_units(),
                                                 f.amount_disbursed().currency_code()));
    }
    absl::StrAppend(
        &out, HorizontalBarChart("funds", Tr(lang, "chart.funds"), fund_names, by_fund, no_data));
  }
  absl::StrAppend(&out, "</div>");

  // Tables.
  std::vector<std::vector<std::string>> totals, by_period, cohort_rows;
  for (const nv1::ImpactFigures& f : report.totals()) {
    totals.push_back(Prefixed({f.fund_id(), RegionShown(f, lang)}, ShownFigures(f, lang)));
  }
  for (std::vector<std::string>& row : NetworkTotalRows(report, lang, false)) {
    totals.push_back(std::move(row));
  }
  std::string peers_notes;
  if (const std::string missing = MissingLine(report, lang); !missing.empty()) {
    absl::StrAppend(&peers_notes, "<p class=\"note missing\">", HtmlEscape(missing), "</p>");
  }
  if (report.has_network_total()) {
    absl::StrAppend(&peers_notes, "<p class=\"note\">", HtmlEscape(Tr(lang, "note.peers")), "</p>");
  }
  for (const nv1::ImpactFigures& f : report.periods()) {
    by_period.push_back(Prefixed(
        {f.fund_id(), RegionShown(f, lang), FormatPeriod(lang, f.period_start(), f.period_end())},
        ShownFigures(f, lang)));
  }
  for (const nv1::CohortSurvival& c : report.cohorts()) cohort_rows.push_back(CohortRow(c, lang));
  absl::StrAppend(&out, "<h2>", HtmlEscape(Tr(lang, "section.totals")), "</h2>",
                  HtmlTable(Header(lang, {Tr(lang, "col.fund"), Tr(lang, "col.region")}), totals),
                  peers_notes, "<p class=\"note\">", HtmlEscape(Tr(lang, "note.ratios")),
                  "</p><h2>", HtmlEscape(Tr(lang, "section.periods")), "</h2>",
                  HtmlTable(Header(lang, {Tr(lang, "col.fund"), Tr(lang, "col.region"),
                                          Tr(lang, "col.period")}),
                            by_period),
                  "<h2>", HtmlEscape(Tr(lang, "section.cohorts")), "</h2>",
                  HtmlTable(CohortHeader(lang), cohort_rows), "<p class=\"note\">",
                  HtmlEscape(Tr(lang, "note.survival")), "</p><p class=\"note\">",
                  HtmlEscape(Tr(lang, "footer.generated")), "</p>", HtmlPageEnd());
  return out;
}

}  // namespace cercles::cerclesctl
