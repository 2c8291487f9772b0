// cerclesctl's reports (issue 15, item 5): the fr/en string table is complete,
// fr-CA and en formats, HTML escaping, the charts' data points (one per period,
// one per cohort and horizon reached), French text, and the CSV read back.
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/report_circles.h"
#include "tools/cerclesctl/report_impact.h"
#include "tools/cerclesctl/report_portfolio.h"
#include "tools/cerclesctl/report_svg.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {
namespace {

namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

cercles::common::v1::Date Day(int y, int m, int d) {
  cercles::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The part of the page inside the chart named `name`.
std::string Chart(const std::string& html, const std::string& name) {
  const size_t start = html.find("data-chart=\"" + name + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</svg>", start) - start);
}

nv1::ImpactFigures Figures(const std::string& region, cercles::common::v1::Date start,
                           cercles::common::v1::Date end, int loans, int64_t amount) {
  nv1::ImpactFigures f;
  f.set_fund_id("fonds-<b>");
  f.set_region(region);
  *f.mutable_period_start() = start;
  *f.mutable_period_end() = end;
  f.set_loans_disbursed(loans);
  f.set_entrepreneurs_supported(loans);
  f.mutable_amount_disbursed()->set_currency_code("CAD");
  f.mutable_amount_disbursed()->set_minor_units(amount);
  f.mutable_outstanding_principal()->set_currency_code("CAD");
  f.set_repayment_rate_bps(1250);
  return f;
}

// Three yearly periods, a region whose name needs quoting in CSV and escaping
// in HTML, two cohorts (the younger without a 3-year figure).
nv1::GetImpactReportResponse Report() {
  nv1::GetImpactReportResponse r;
  *r.mutable_as_of() = Day(2026, 12, 7);
  *r.mutable_from_date() = Day(2023, 1, 1);
  *r.mutable_to_date() = Day(2025, 12, 31);
  r.set_grain(nv1::REPORT_GRAIN_YEAR);
  for (int year : {2023, 2024, 2025}) {
    *r.add_periods() = Figures("", Day(year, 1, 1), Day(year, 12, 31), year - 2022, 628691);
  }
  *r.add_totals() = Figures("", Day(2023, 1, 1), Day(2025, 12, 31), 6, 3 * 628691);
  *r.add_totals() =
      Figures("Saint-Jean, \"Haut\" <Richelieu>", Day(2023, 1, 1), Day(2025, 12, 31), 2, 100000);
  nv1::CohortSurvival* old = r.add_cohorts();
  old->set_fund_id("fonds-<b>");
  old->set_cohort_year(2021);
  old->set_businesses(4);
  old->set_survived_1_year(3);
  old->set_survival_1_year_bps(7500);
  old->set_survived_3_years(2);
  old->set_survival_3_years_bps(5000);
  nv1::CohortSurvival* young = r.add_cohorts();
  young->set_fund_id("fonds-<b>");
  young->set_cohort_year(2024);
  young->set_businesses(2);
  young->set_survived_1_year(2);
  young->set_survival_1_year_bps(10000);
  return r;
}

TEST(ReportTextTest, EveryKeyIsInBothLanguages) {
  EXPECT_THAT(MissingTranslations(), IsEmpty());
  for (const std::string& key : TranslationKeys()) {
    EXPECT_NE(Tr(Lang::kFr, key), key) << key;
    EXPECT_NE(Tr(Lang::kEn, key), key) << key;
  }
  EXPECT_EQ(Tr(Lang::kFr, "no.such.key"), "no.such.key");
}

// Money, percentages, counts and days: common/api/display_test.cc.
TEST(ReportTextTest, PeriodsAndLanguages) {
  EXPECT_EQ(FormatPeriod(Lang::kFr, Day(2026, 1, 1), Day(2026, 12, 31)), "2026");
  EXPECT_EQ(FormatPeriod(Lang::kFr, Day(2026, 4, 1), Day(2026, 6, 30)), "T2 2026");
  EXPECT_EQ(FormatPeriod(Lang::kEn, Day(2026, 10, 1), Day(2026, 12, 31)), "Q4 2026");
  EXPECT_EQ(FormatPeriod(Lang::kEn, Day(2026, 4, 2), Day(2026, 6, 30)),
            "April 2, 2026 – June 30, 2026");
  // A chart's axis: the quarter or year a period starts in, even one cut short.
  EXPECT_EQ(ShortPeriod(Lang::kFr, true, Day(2026, 10, 1)), "T4 2026");
  EXPECT_EQ(ShortPeriod(Lang::kEn, true, Day(2026, 5, 2)), "Q2 2026");
  EXPECT_EQ(ShortPeriod(Lang::kEn, false, Day(2026, 4, 2)), "2026");
}

TEST(ReportHtmlTest, EscapesEveryStringAndCallsNothingOutside) {
  EXPECT_EQ(HtmlEscape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  const std::string html = ImpactHtml(Report(), Lang::kFr, "fonds-<b>");
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<Richelieu>")));
  EXPECT_THAT(html, HasSubstr("fonds-&lt;b&gt;"));
  EXPECT_THAT(html, HasSubstr("Saint-Jean, &quot;Haut&quot; &lt;Richelieu&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("size:A4"));
}

TEST(ReportHtmlTest, ChartsHaveAPointPerPeriodAndPerCohortHorizonReached) {
  const std::string html = ImpactHtml(Report(), Lang::kFr, "fonds-<b>");
  const std::string trend = Chart(html, "trend");
  EXPECT_EQ(Count(trend, "data-series=\"loans\" data-point="), 3u);
  EXPECT_EQ(Count(trend, "data-series=\"amount\" data-point="), 3u);
  const std::string survival = Chart(html, "survival");
  EXPECT_EQ(Count(survival, "data-series=\"survival-1\" data-point="), 2u);
  EXPECT_EQ(Count(survival, "data-series=\"survival-3\" data-point="), 1u);  // 2024 too young
  EXPECT_EQ(Count(survival, "data-series=\"survival-5\" data-point="), 0u);
  EXPECT_EQ(Count(Chart(html, "regions"), "data-point="), 1u);

  nv1::GetImpactReportResponse quarters = Report();
  for (int i = 0; i < 5; ++i) {
    *quarters.add_periods() = Figures("", Day(2026, i + 1, 1), Day(2026, i + 1, 28), 1, 1);
  }
  EXPECT_EQ(Count(Chart(ImpactHtml(quarters, Lang::kEn, ""), "trend"), "data-series=\"loans\""),
            8u);
}

// The demo fund's page listed every region, most at 0,00 $: a region that lent
// nothing draws no bar, and the table and the CSV still list it.
TEST(ReportHtmlTest, ARegionThatLentNothingHasNoBarButKeepsItsRow) {
  nv1::GetImpactReportResponse report = Report();
  *report.add_totals() = Figures("Gaspésie", Day(2023, 1, 1), Day(2025, 12, 31), 0, 0);
  const std::string html = ImpactHtml(report, Lang::kFr, "");
  EXPECT_EQ(Count(Chart(html, "regions"), "data-point="), 1u);
  EXPECT_THAT(Chart(html, "regions"), Not(HasSubstr("Gaspésie")));
  EXPECT_EQ(Count(html, ">Gaspésie<"), 1u);  // its row in the totals' table
  EXPECT_THAT(ImpactCsv(report, Lang::kFr), HasSubstr("Gaspésie"));
}

// What the browser test (tests/browser) found: a cut period's long dates and a
// "fund — region" name drawn outside their charts, amounts broken over two
// lines in the tables.
TEST(ReportHtmlTest, LabelsFitTheirChartsAndFiguresStayOnOneLine) {
  nv1::GetImpactReportResponse quarters = Report();
  quarters.set_grain(nv1::REPORT_GRAIN_QUARTER);
  *quarters.add_periods() = Figures("", Day(2026, 10, 1), Day(2026, 12, 7), 1, 1);
  const std::string html = ImpactHtml(quarters, Lang::kFr, "");
  EXPECT_THAT(Chart(html, "trend"), HasSubstr(">T4 2026</text>"));
  EXPECT_THAT(Chart(html, "trend"), Not(HasSubstr("décembre")));
  // One fund: its regions without the fund's name.
  EXPECT_THAT(Chart(html, "regions"),
              HasSubstr(">Saint-Jean, &quot;Haut&quot; &lt;Richelieu&gt;<"));
  EXPECT_THAT(Chart(html, "regions"), Not(HasSubstr("fonds-")));

  ChartSeries amount{"amount", "Montant", {100, 200}, {"1,00 $", "2,00 $"}};
  const std::string bars = HorizontalBarChart(
      "regions", "Par région", {"court", std::string(120, 'x')}, amount, "Aucune donnée");
  // Cut to half the chart's width; its tooltip keeps it whole.
  EXPECT_THAT(bars, HasSubstr(std::string(40, 'x') + "…</text>"));
  EXPECT_THAT(bars, Not(HasSubstr(std::string(50, 'x') + "…")));
  EXPECT_THAT(bars, HasSubstr("<title>" + std::string(120, 'x') + " — "));

  const std::string table =
      HtmlTable({"Période", "Montant"}, {{"1er octobre 2026 – 7 décembre 2026", "6 286,91 $"},
                                         {"T4 2026", "-12,5 %"},
                                         {"2026", "—"},
                                         {"x", "10 EUR"}});
  for (const char* figure : {"6 286,91 $", "-12,5 %", "—", "10 EUR"}) {
    EXPECT_THAT(table, HasSubstr(absl::StrCat("<td class=\"num\">", figure, "</td>")));
  }
  EXPECT_THAT(table, HasSubstr("<td>T4 2026</td>"));
  EXPECT_THAT(table, HasSubstr("<td>1er octobre 2026"));
}

TEST(ReportHtmlTest, FrenchOrEnglishText) {
  const std::string fr = ImpactHtml(Report(), Lang::kFr, "fonds-a");
  EXPECT_THAT(fr, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(fr, HasSubstr("Rapport d&#39;impact"));
  EXPECT_THAT(fr, HasSubstr("Survie des entreprises par cohorte"));
  EXPECT_THAT(fr, HasSubstr("18 860,73 $"));  // 3 × 6 286,91 $
  EXPECT_THAT(fr, HasSubstr("12,5 %"));
  EXPECT_THAT(fr, HasSubstr("Fonds fonds-a, du 1er janvier 2023 au 31 décembre 2025"));
  EXPECT_THAT(ImpactHtml(Report(), Lang::kFr, ""),
              HasSubstr("Tous les fonds, du 1er janvier 2023 au 31 décembre 2025"));
  EXPECT_THAT(fr, Not(HasSubstr("Impact report")));
  const std::string en = ImpactHtml(Report(), Lang::kEn, "fonds-a");
  EXPECT_THAT(en, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(en, HasSubstr("Impact report"));
  EXPECT_THAT(en, HasSubstr("$18,860.73"));
  EXPECT_THAT(en, Not(HasSubstr("Rapport d&#39;impact")));
}

TEST(ReportCsvTest, ReadsBackWithOneHeaderAndMachineNumbers) {
  const nv1::GetImpactReportResponse report = Report();
  const std::string csv = ImpactCsv(report, Lang::kEn);
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(csv);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u + 2 + 3 + 2);  // header, totals, periods, cohorts
  const std::vector<std::string>& header = (*records)[0].fields;
  EXPECT_EQ(header[0], "row");
  EXPECT_EQ(header[7], "Amount disbursed");
  for (const CsvRecord& record : *records) EXPECT_EQ(record.fields.size(), header.size());
  const std::vector<std::string>& region = (*records)[2].fields;
  EXPECT_EQ(region[0], "total");
  EXPECT_EQ(region[2], "Saint-Jean, \"Haut\" <Richelieu>");
  EXPECT_EQ(region[3], "2023-01-01");
  EXPECT_EQ(region[7], "100000");  // minor units
  EXPECT_EQ(region[14], "0.125");  // repayment rate as a fraction
  EXPECT_EQ(region[15], "");       // write-off ratio unset
  const std::vector<std::string>& young = (*records)[7].fields;
  EXPECT_EQ(young[0], "cohort");
  EXPECT_EQ(young[header.size() - 5], "2024");
  EXPECT_EQ(young[header.size() - 3], "1");
  EXPECT_EQ(young[header.size() - 2], "");  // too young: no figure, not 0
  EXPECT_THAT(csv, HasSubstr("\r\n"));

  const std::string fr = ImpactCsv(report, Lang::kFr);
  EXPECT_THAT(fr, HasSubstr("Montant décaissé"));
  EXPECT_THAT(fr, HasSubstr(",628691,"));  // numbers stay machine-readable in French
}

TEST(ReportTableTest, PrintsTheFiguresInTheLanguage) {
  std::ostringstream out;
  PrintImpactTable(Report(), Lang::kFr, out);
  EXPECT_THAT(out.str(), HasSubstr("Rapport d'impact"));
  EXPECT_THAT(out.str(), HasSubstr("6 286,91 $"));
  EXPECT_THAT(out.str(), HasSubstr("Sur toute la période"));
  EXPECT_THAT(out.str(), HasSubstr("75 %"));
}

// Report() with a peer's rows (fund-b), the network's rows and fund-c missing.
nv1::GetImpactReportResponse WithPeers() {
  nv1::GetImpactReportResponse r = Report();
  nv1::ImpactFigures peer = Figures("", Day(2023, 1, 1), Day(2025, 12, 31), 4, 200000);
  peer.set_fund_id("fund-b");
  *r.add_totals() = peer;
  nv1::ImpactFigures network =
      Figures("", Day(2023, 1, 1), Day(2025, 12, 31), 10, 3 * 628691 + 200000);
  network.set_fund_id("");
  *r.mutable_network_total() = network;
  const nv1::GetImpactReportResponse own = Report();
  for (const nv1::ImpactFigures& p : own.periods()) {
    nv1::ImpactFigures n = p;
    n.set_fund_id("");
    *r.add_network_periods() = n;
  }
  nv1::MissingFund* missing = r.add_missing_funds();
  missing->set_fund_id("fund-c");
  missing->set_reason(nv1::MISSING_FUND_REASON_UNAVAILABLE);
  return r;
}

TEST(ReportPeersTest, NetworkRowsAndMissingFundsInTableCsvAndPage) {
  std::ostringstream table;
  PrintImpactTable(WithPeers(), Lang::kFr, table);
  EXPECT_THAT(table.str(), HasSubstr("Réseau (total)"));
  EXPECT_THAT(table.str(), HasSubstr("20 860,73 $"));  // the network's amount
  EXPECT_THAT(table.str(), HasSubstr("Fonds absents du total du réseau : fund-c (injoignable)"));
  std::ostringstream plain;
  PrintImpactTable(Report(), Lang::kFr, plain);
  EXPECT_THAT(plain.str(), Not(HasSubstr("Réseau")));  // without peers, as before

  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(ImpactCsv(WithPeers(), Lang::kEn));
  ASSERT_TRUE(records.ok()) << records.status();
  // header, 3 totals, network total, 3 periods, 3 network periods, 2 cohorts, missing
  ASSERT_EQ(records->size(), 1u + 3 + 1 + 3 + 3 + 2 + 1);
  EXPECT_EQ((*records)[4].fields[0], "network-total");
  EXPECT_EQ((*records)[4].fields[1], "");
  EXPECT_EQ((*records)[4].fields[7], "2086073");
  EXPECT_EQ((*records)[8].fields[0], "network-period");
  const std::vector<std::string>& missing = records->back().fields;
  EXPECT_EQ(missing[0], "missing");
  EXPECT_EQ(missing[1], "fund-c");
  EXPECT_EQ(missing[2], "unavailable");

  const std::string en = ImpactHtml(WithPeers(), Lang::kEn, "");
  EXPECT_EQ(Count(Chart(en, "funds"), "data-series=\"amount\""), 2u);  // fonds-<b>, fund-b
  EXPECT_THAT(en, HasSubstr("Network (total)"));
  EXPECT_THAT(en, HasSubstr("Funds missing from the network total: fund-c (unreachable)"));
  EXPECT_THAT(en, HasSubstr("Peer funds send aggregates only"));
  const std::string fr = ImpactHtml(WithPeers(), Lang::kFr, "");
  EXPECT_THAT(fr, HasSubstr("Montant décaissé par fonds"));
  EXPECT_EQ(Chart(ImpactHtml(Report(), Lang::kFr, ""), "funds"), "");  // no peers, no chart
}

TEST(ReportHtmlTest, CohortsTooYoungForEveryHorizonAreNotDrawn) {
  nv1::GetImpactReportResponse young;
  *young.mutable_as_of() = Day(2026, 12, 7);
  *young.mutable_from_date() = Day(2026, 1, 1);
  *young.mutable_to_date() = Day(2026, 12, 7);
  nv1::CohortSurvival* cohort = young.add_cohorts();
  cohort->set_fund_id("fonds-a");
  cohort->set_cohort_year(2026);
  cohort->set_businesses(39);
  const std::string html = ImpactHtml(young, Lang::kFr, "fonds-a");
  const std::string survival = Chart(html, "survival");
  EXPECT_EQ(Count(survival, "data-point"), 0u);
  EXPECT_THAT(survival, HasSubstr("Aucune donnée"));
  EXPECT_THAT(html, HasSubstr(">39</td>"));  // the table still lists the cohort
}

lending::v1::PortfolioFigures Portfolio(const std::string& group, int64_t outstanding) {
  lending::v1::PortfolioFigures f;
  f.set_group(group);
  f.set_active_loans(3);
  f.mutable_outstanding_principal()->set_currency_code("CAD");
  f.mutable_outstanding_principal()->set_minor_units(outstanding);
  f.set_par30_bps(1250);
  f.set_repayment_rate_bps(9500);
  for (int count : {2, 1, 0, 0, 0}) f.add_loans_per_bucket(count);
  return f;
}

TEST(ReportPortfolioTest, PageCsvAndTable) {
  lending::v1::GetPortfolioReportResponse report;
  *report.mutable_as_of() = Day(2026, 11, 30);
  *report.mutable_fund() = Portfolio("fund", 628691);
  *report.add_by_circle() = Portfolio("circles/1", 400000);
  *report.add_by_circle() = Portfolio("circles/<2>", 228691);
  *report.add_by_advisor() = Portfolio("advisors/1", 628691);
  for (const char* label : {"CURRENT", "1-30", "31-60", "61-90", "91+"}) {
    report.add_bucket_labels(label);
  }
  const std::string html = PortfolioHtml(report, Lang::kFr);
  EXPECT_THAT(html, HasSubstr("Portefeuille de prêts"));
  EXPECT_THAT(html, HasSubstr("Au 30 novembre 2026"));
  EXPECT_THAT(html, HasSubstr("6 286,91 $"));
  EXPECT_THAT(html, HasSubstr("circles/&lt;2&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("circles/<2>")));
  EXPECT_EQ(Count(Chart(html, "buckets"), "data-series=\"loans\" data-point="), 5u);
  EXPECT_EQ(Count(Chart(html, "circles"), "data-series=\"outstanding\" data-point="), 2u);

  absl::StatusOr<std::vector<CsvRecord>> csv = ParseCsv(PortfolioCsv(report, Lang::kEn));
  ASSERT_TRUE(csv.ok()) << csv.status();
  ASSERT_EQ(csv->size(), 5u);  // header, fund, two circles, one advisor
  for (const CsvRecord& record : *csv) EXPECT_EQ(record.fields.size(), (*csv)[0].fields.size());
  EXPECT_EQ((*csv)[1].fields[0], "2026-11-30");
  EXPECT_EQ((*csv)[1].fields[1], "fund");
  EXPECT_EQ((*csv)[1].fields[4], "628691");
  EXPECT_EQ((*csv)[1].fields[6], "0.125");
  std::ostringstream table;
  PrintPortfolioTable(report, Lang::kEn, table);
  EXPECT_THAT(table.str(), HasSubstr("$6,286.91"));
  EXPECT_THAT(table.str(), HasSubstr("1-30 days late"));
  EXPECT_THAT(PortfolioCsv(report, Lang::kFr), HasSubstr("Retard 1-30 j"));
}

namespace mv1 = cercles::membership::v1;

mv1::GetCirclesReportResponse CirclesReport() {
  mv1::GetCirclesReportResponse report;
  *report.mutable_from_date() = Day(2026, 1, 15);
  *report.mutable_to_date() = Day(2026, 3, 31);
  for (auto status : {mv1::CIRCLE_STATUS_ACTIVE, mv1::CIRCLE_STATUS_SUSPENDED}) {
    mv1::CirclesInStatus* s = report.add_by_status();
    s->set_status(status);
    s->set_circle_count(status == mv1::CIRCLE_STATUS_ACTIVE ? 2 : 1);
  }
  for (int i = 1; i <= 3; ++i) {
    mv1::CircleReportRow* row = report.add_circles();
    row->set_circle(absl::StrCat("circles/", i));
    row->set_display_name(i == 2 ? "Les <Bâtisseuses>" : absl::StrCat("Cercle ", i));
    row->set_status(i == 3 ? mv1::CIRCLE_STATUS_SUSPENDED : mv1::CIRCLE_STATUS_ACTIVE);
    row->set_member_count(5);
    row->set_meetings_held(i == 3 ? 0 : 2);
    if (i != 3) row->set_attendance_rate_bps(i == 1 ? 8750 : 10000);
    if (i != 3) row->set_days_since_last_meeting(4);
  }
  report.set_total_circle_count(3);
  for (int month = 1; month <= 3; ++month) {
    mv1::CirclesReportMonth* m = report.add_months();
    *m->mutable_month_start() = Day(2026, month, month == 1 ? 15 : 1);
    m->set_meetings_held(month == 2 ? 0 : 2);
    if (month != 2) m->set_attendance_rate_bps(9375);
  }
  return report;
}

TEST(ReportCirclesTest, ChartsHaveAPointPerRowInFrenchAndEnglish) {
  const mv1::GetCirclesReportResponse report = CirclesReport();
  lending::v1::GetPortfolioReportResponse arrears;
  lending::v1::PortfolioFigures* f = arrears.add_by_circle();
  f->set_group("circles/2");
  f->set_active_loans(3);
  for (int32_t n : {1, 2, 0, 0, 0}) f->add_loans_per_bucket(n);
  f->mutable_outstanding_principal()->set_minor_units(628691);
  f->mutable_outstanding_principal()->set_currency_code("CAD");
  f->mutable_par30_principal()->set_minor_units(100000);
  const std::string fr = CirclesHtml({report, &arrears}, Lang::kFr);
  EXPECT_EQ(Count(Chart(fr, "status"), "data-series=\"circles\" data-point="), 2u);
  EXPECT_EQ(Count(Chart(fr, "trend"), "data-series=\"meetings\" data-point="), 3u);
  EXPECT_EQ(Count(Chart(fr, "trend"), "data-series=\"attendance\" data-point="), 2u);
  EXPECT_EQ(Count(Chart(fr, "attendance"), "data-series=\"attendance\" data-point="), 2u);
  EXPECT_EQ(Count(Chart(fr, "arrears"), "data-series=\"loans_in_arrears\" data-point="), 3u);
  EXPECT_THAT(fr, HasSubstr("Rapport des cercles"));
  EXPECT_THAT(fr, HasSubstr("Suspendu"));
  EXPECT_THAT(fr, HasSubstr("87,5"));
  EXPECT_THAT(fr, HasSubstr("6 286,91"));
  EXPECT_THAT(fr, HasSubstr("Les &lt;Bâtisseuses&gt;"));
  EXPECT_THAT(fr, Not(HasSubstr("<Bâtisseuses>")));
  EXPECT_THAT(fr, HasSubstr(".series-meetings,"));  // coloured like the other reports' series
  const std::string en = CirclesHtml({report, &arrears}, Lang::kEn);
  EXPECT_THAT(en, HasSubstr("Circles report"));
  EXPECT_THAT(en, HasSubstr("Attendance rate by circle"));
  EXPECT_THAT(en, Not(HasSubstr("Suspendu")));
}

TEST(ReportCirclesTest, WithoutLendingTheArrearsAreLeftOutAndSaidSo) {
  const mv1::GetCirclesReportResponse report = CirclesReport();
  const std::string html = CirclesHtml({report, nullptr}, Lang::kFr);
  EXPECT_EQ(Chart(html, "arrears"), "");
  EXPECT_THAT(html, HasSubstr("Le service de prêt n&#39;a pas pu être joint"));
  std::ostringstream table;
  PrintCirclesTable({report, nullptr}, Lang::kEn, table);
  EXPECT_THAT(table.str(), HasSubstr("Lending could not be reached"));
  EXPECT_THAT(table.str(), Not(HasSubstr("Loans in arrears")));
  EXPECT_THAT(table.str(), HasSubstr("87.5%"));
  absl::StatusOr<std::vector<CsvRecord>> csv = ParseCsv(CirclesCsv({report, nullptr}, Lang::kEn));
  ASSERT_TRUE(csv.ok()) << csv.status();
  ASSERT_EQ(csv->size(), 4u);  // the header and a row per circle
  EXPECT_EQ((*csv)[1].fields[2], "circles/1");
  EXPECT_EQ((*csv)[1].fields[3], "CIRCLE_STATUS_ACTIVE");
  EXPECT_EQ((*csv)[1].fields[7], "0.875");
  EXPECT_EQ((*csv)[3].fields[7], "");
  EXPECT_EQ((*csv)[2].fields[1], "Les <Bâtisseuses>");
}

}  // namespace
}  // namespace cercles::cerclesctl
