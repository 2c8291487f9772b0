#include "tools/cerclesctl/report_portfolio.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "common/api/date.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/report_svg.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = cercles::lending::v1;

std::string GroupShown(const std::string& group, Lang lang) {
  return group == "fund" ? Tr(lang, "portfolio.fund") : group;
}

std::string BucketShown(const std::string& label, Lang lang) {
  return label == "CURRENT" ? Tr(lang, "portfolio.current") : label;
}

std::vector<std::string> Header(const lv1::GetPortfolioReportResponse& report, Lang lang) {
  std::vector<std::string> header = {Tr(lang, "col.group"),       Tr(lang, "col.active_loans"),
                                     Tr(lang, "col.outstanding"), Tr(lang, "col.at_risk"),
                                     Tr(lang, "col.par30"),       Tr(lang, "col.repayment")};
  for (const std::string& label : report.bucket_labels()) {
    header.push_back(label == "CURRENT" ? BucketShown(label, lang)
                                        : absl::Substitute(Tr(lang, "col.bucket"), label));
  }
  header.insert(header.end(), {Tr(lang, "col.loans_repaid"), Tr(lang, "col.loans_written_off"),
                               Tr(lang, "col.written_off_principal")});
  return header;
}

std::vector<std::string> Shown(const lv1::PortfolioFigures& f, Lang lang) {
  const std::string& currency = f.outstanding_principal().currency_code();
  std::vector<std::string> row = {
      GroupShown(f.group(), lang),
      FormatCount(lang, f.active_loans()),
      FormatMoney(lang, f.outstanding_principal().minor_units(), currency),
      FormatMoney(lang, f.par30_principal().minor_units(), currency),
      FormatPercent(lang, f.par30_bps()),
      FormatPercent(lang, f.repayment_rate_bps())};
  for (int32_t count : f.loans_per_bucket()) row.push_back(FormatCount(lang, count));
  row.insert(row.end(),
             {FormatCount(lang, f.closed_repaid_loans()), FormatCount(lang, f.written_off_loans()),
              FormatMoney(lang, f.written_off_principal().minor_units(), currency)});
  return row;
}

// The fund, then circles, then advisors.
std::vector<const lv1::PortfolioFigures*> Groups(const lv1::GetPortfolioReportResponse& report) {
  std::vector<const lv1::PortfolioFigures*> groups = {&report.fund()};
  for (const auto& f : report.by_circle()) groups.push_back(&f);
  for (const auto& f : report.by_advisor()) groups.push_back(&f);
  return groups;
}

}  // namespace

void PrintPortfolioTable(const lv1::GetPortfolioReportResponse& report, Lang lang,
                         std::ostream& out) {
  out << Tr(lang, "portfolio.title") << " — "
      << absl::Substitute(Tr(lang, "portfolio.as_of"), FormatLongDate(lang, report.as_of()))
      << "\n";
  Table table(Header(report, lang));
  for (const lv1::PortfolioFigures* f : Groups(report)) table.AddRow(Shown(*f, lang));
  table.Print(out);
}

std::string PortfolioCsv(const lv1::GetPortfolioReportResponse& report, Lang lang) {
  std::vector<std::string> header = Header(report, lang);
  header.insert(header.begin() + 1, Tr(lang, "col.currency"));
  header.insert(header.begin(), Tr(lang, "col.as_of"));
  std::string out = CsvLine(header);
  for (const lv1::PortfolioFigures* f : Groups(report)) {
    std::vector<std::string> row = {api::FormatDate(report.as_of()),
                                    f->group(),
                                    f->outstanding_principal().currency_code(),
                                    absl::StrCat(f->active_loans()),
                                    absl::StrCat(f->outstanding_principal().minor_units()),
                                    absl::StrCat(f->par30_principal().minor_units()),
                                    DecimalFraction(f->par30_bps()),
                                    DecimalFraction(f->repayment_rate_bps())};
    for (int32_t count : f->loans_per_bucket()) row.push_back(absl::StrCat(count));
    row.insert(row.end(),
               {absl::StrCat(f->closed_repaid_loans()), absl::StrCat(f->written_off_loans()),
                absl::StrCat(f->written_off_principal().minor_units())});
    out += CsvLine(row);
  }
  return out;
}

std::string PortfolioHtml(const lv1::GetPortfolioReportResponse& report, Lang lang) {
  std::string out = HtmlPageStart(
      lang, Tr(lang, "portfolio.title"),
      {absl::Substitute(Tr(lang, "portfolio.as_of"), FormatLongDate(lang, report.as_of()))});
  std::vector<std::string> buckets;
  ChartSeries loans{"loans", Tr(lang, "col.active_loans"), {}, {}};
  for (int i = 0; i < report.bucket_labels_size(); ++i) {
    buckets.push_back(BucketShown(report.bucket_labels(i), lang));
    const int32_t count =
        i < report.fund().loans_per_bucket_size() ? report.fund().loans_per_bucket(i) : 0;
    loans.values.push_back(count);
    loans.value_labels.push_back(FormatCount(lang, count));
  }
  std::vector<std::string> circles;
  ChartSeries outstanding{"outstanding", Tr(lang, "col.outstanding"), {}, {}};
  for (const lv1::PortfolioFigures& f : report.by_circle()) {
    circles.push_back(f.group());
    outstanding.values.push_back(f.outstanding_principal().minor_units());
    outstanding.value_labels.push_back(FormatMoney(lang, f.outstanding_principal().minor_units(),
                                                   f.outstanding_principal().currency_code()));
  }
  const std::string no_data = Tr(lang, "chart.no_data");
  std::vector<std::vector<std::string>> rows;
  for (const lv1::PortfolioFigures* f : Groups(report)) rows.push_back(Shown(*f, lang));
  absl::StrAppend(
      &out, "<div class=\"charts\">",
      HorizontalBarChart("buckets", Tr(lang, "chart.buckets"), buckets, loans, no_data),
      HorizontalBarChart("circles", Tr(lang, "chart.circles"), circles, outstanding, no_data),
      "</div><h2>", HtmlEscape(Tr(lang, "section.groups")), "</h2>",
      HtmlTable(Header(report, lang), rows), "<p class=\"note\">",
      HtmlEscape(Tr(lang, "footer.generated.lending")), "</p>", HtmlPageEnd());
  return out;
}

}  // namespace cercles::cerclesctl
