#include "tools/cerclesctl/report_circles.h"

#include <map>
#include <optional>
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
namespace mv1 = cercles::membership::v1;

// A circle's arrears from lending's circle row (none: no loan, all zero).
struct Arrears {
  int64_t loans = 0;  // active loans past due (every bucket but CURRENT)
  int64_t outstanding = 0;
  int64_t at_risk = 0;  // PAR30 principal
  std::string currency = "CAD";
};

std::map<std::string, Arrears> ArrearsByCircle(const CirclesReportData& data) {
  std::map<std::string, Arrears> by_circle;
  if (data.arrears == nullptr) return by_circle;
  for (const lv1::PortfolioFigures& f : data.arrears->by_circle()) {
    Arrears& a = by_circle[f.group()];
    a.loans = f.active_loans() - (f.loans_per_bucket_size() > 0 ? f.loans_per_bucket(0) : 0);
    a.outstanding = f.outstanding_principal().minor_units();
    a.at_risk = f.par30_principal().minor_units();
    if (!f.outstanding_principal().currency_code().empty()) {
      a.currency = f.outstanding_principal().currency_code();
    }
  }
  return by_circle;
}

std::string StatusShown(mv1::CircleStatus status, Lang lang) {
  return Tr(lang, absl::StrCat("status.", mv1::CircleStatus_Name(status)));
}

// "2026-03" for the month starting on `start` (the axis and the tables).
std::string MonthShown(const cercles::common::v1::Date& start) {
  return api::FormatDate(start).substr(0, 7);
}

std::vector<std::string> Header(Lang lang, bool with_arrears) {
  std::vector<std::string> header = {Tr(lang, "col.circle"),
                                     Tr(lang, "col.status"),
                                     Tr(lang, "col.advisor"),
                                     Tr(lang, "col.members"),
                                     Tr(lang, "col.meetings"),
                                     Tr(lang, "col.attendance"),
                                     Tr(lang, "col.days_since_meeting")};
  if (with_arrears) {
    header.insert(header.end(), {Tr(lang, "col.loans_in_arrears"), Tr(lang, "col.outstanding"),
                                 Tr(lang, "col.at_risk")});
  }
  return header;
}

std::vector<std::string> Shown(const mv1::CircleReportRow& row, const Arrears* arrears, Lang lang) {
  std::vector<std::string> cells = {
      row.display_name(),
      StatusShown(row.status(), lang),
      row.advisor().empty() ? "—" : row.advisor(),
      FormatCount(lang, row.member_count()),
      FormatCount(lang, row.meetings_held()),
      FormatPercent(lang, OptionalFigure(row.has_attendance_rate_bps(), row.attendance_rate_bps())),
      row.has_days_since_last_meeting() ? FormatCount(lang, row.days_since_last_meeting()) : "—"};
  if (arrears != nullptr) {
    cells.insert(cells.end(), {FormatCount(lang, arrears->loans),
                               FormatMoney(lang, arrears->outstanding, arrears->currency),
                               FormatMoney(lang, arrears->at_risk, arrears->currency)});
  }
  return cells;
}

// Every circle's cells, with its arrears when lending's figures are there.
std::vector<std::vector<std::string>> CircleRows(const CirclesReportData& data, Lang lang) {
  const std::map<std::string, Arrears> arrears = ArrearsByCircle(data);
  const Arrears none;
  std::vector<std::vector<std::string>> rows;
  for (const mv1::CircleReportRow& row : data.circles.circles()) {
    auto it = arrears.find(row.circle());
    const Arrears* a =
        data.arrears == nullptr ? nullptr : (it == arrears.end() ? &none : &it->second);
    rows.push_back(Shown(row, a, lang));
  }
  return rows;
}

std::vector<std::string> MonthHeader(Lang lang) {
  return {Tr(lang, "col.month"), Tr(lang, "col.meetings"), Tr(lang, "col.attendance")};
}

std::vector<std::vector<std::string>> MonthRows(const CirclesReportData& data, Lang lang) {
  std::vector<std::vector<std::string>> rows;
  for (const mv1::CirclesReportMonth& m : data.circles.months()) {
    rows.push_back({MonthShown(m.month_start()), FormatCount(lang, m.meetings_held()),
                    FormatPercent(lang, OptionalFigure(m.has_attendance_rate_bps(),
                                                       m.attendance_rate_bps()))});
  }
  return rows;
}

std::vector<std::string> StatusHeader(Lang lang) {
  return {Tr(lang, "col.status"), Tr(lang, "col.circles")};
}

std::vector<std::vector<std::string>> StatusRows(const CirclesReportData& data, Lang lang) {
  std::vector<std::vector<std::string>> rows;
  for (const mv1::CirclesInStatus& s : data.circles.by_status()) {
    rows.push_back({StatusShown(s.status(), lang), FormatCount(lang, s.circle_count())});
  }
  return rows;
}

std::string Subtitle(const CirclesReportData& data, Lang lang) {
  return absl::Substitute(Tr(lang, "circles.subtitle"),
                          FormatLongDate(lang, data.circles.from_date()),
                          FormatLongDate(lang, data.circles.to_date()));
}

// The note under the title when rows were cut or lending's figures are missing.
std::vector<std::string> Notes(const CirclesReportData& data, Lang lang) {
  std::vector<std::string> notes;
  if (data.circles.total_circle_count() > data.circles.circles_size()) {
    notes.push_back(absl::Substitute(Tr(lang, "circles.capped"), data.circles.circles_size(),
                                     data.circles.total_circle_count()));
  }
  if (data.arrears == nullptr) notes.push_back(Tr(lang, "circles.no_lending"));
  return notes;
}

}  // namespace

void PrintCirclesTable(const CirclesReportData& data, Lang lang, std::ostream& out) {
  out << Tr(lang, "circles.title") << " — " << Subtitle(data, lang) << "\n";
  for (const std::string& note : Notes(data, lang)) out << note << "\n";
  for (const auto& [header, rows] :
       std::vector<std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>>{
           {StatusHeader(lang), StatusRows(data, lang)},
           {Header(lang, data.arrears != nullptr), CircleRows(data, lang)},
           {MonthHeader(lang), MonthRows(data, lang)}}) {
    out << "\n";
    Table table(header);
    for (const std::vector<std::string>& row : rows) table.AddRow(row);
    table.Print(out);
  }
}

std::string CirclesCsv(const CirclesReportData& data, Lang lang) {
  std::vector<std::string> header = Header(lang, true);
  header.insert(header.begin() + 1, Tr(lang, "col.circle_id"));
  header.insert(header.begin(), Tr(lang, "col.as_of"));
  header.push_back(Tr(lang, "col.currency"));
  std::string out = CsvLine(header);
  const std::map<std::string, Arrears> arrears = ArrearsByCircle(data);
  for (const mv1::CircleReportRow& row : data.circles.circles()) {
    std::vector<std::string> cells = {
        api::FormatDate(data.circles.to_date()),
        row.display_name(),
        row.circle(),
        mv1::CircleStatus_Name(row.status()),
        row.advisor(),
        absl::StrCat(row.member_count()),
        absl::StrCat(row.meetings_held()),
        DecimalFraction(OptionalFigure(row.has_attendance_rate_bps(), row.attendance_rate_bps())),
        row.has_days_since_last_meeting() ? absl::StrCat(row.days_since_last_meeting()) : ""};
    if (data.arrears == nullptr) {
      cells.insert(cells.end(), {"", "", "", ""});
    } else {
      auto it = arrears.find(row.circle());
      const Arrears a = it == arrears.end() ? Arrears() : it->second;
      cells.insert(cells.end(), {absl::StrCat(a.loans), absl::StrCat(a.outstanding),
                                 absl::StrCat(a.at_risk), a.currency});
    }
    out += CsvLine(cells);
  }
  return out;
}

std::string CirclesHtml(const CirclesReportData& data, Lang lang) {
  std::vector<std::string> subtitles = {Subtitle(data, lang)};
  for (const std::string& note : Notes(data, lang)) subtitles.push_back(note);
  std::string out = HtmlPageStart(lang, Tr(lang, "circles.title"), subtitles);
  const std::string no_data = Tr(lang, "chart.no_data");

  std::vector<std::string> statuses;
  ChartSeries circles{"circles", Tr(lang, "col.circles"), {}, {}};
  for (const mv1::CirclesInStatus& s : data.circles.by_status()) {
    statuses.push_back(StatusShown(s.status(), lang));
    circles.values.push_back(s.circle_count());
    circles.value_labels.push_back(FormatCount(lang, s.circle_count()));
  }
  std::vector<std::string> months;
  ChartSeries meetings{"meetings", Tr(lang, "col.meetings"), {}, {}};
  ChartSeries month_rate{"attendance", Tr(lang, "col.attendance"), {}, {}};
  for (const mv1::CirclesReportMonth& m : data.circles.months()) {
    months.push_back(MonthShown(m.month_start()));
    meetings.values.push_back(m.meetings_held());
    meetings.value_labels.push_back(FormatCount(lang, m.meetings_held()));
    const std::optional<int32_t> rate =
        OptionalFigure(m.has_attendance_rate_bps(), m.attendance_rate_bps());
    month_rate.values.push_back(rate);
    month_rate.value_labels.push_back(FormatPercent(lang, rate));
  }
  std::vector<std::string> names;
  ChartSeries attendance{"attendance", Tr(lang, "col.attendance"), {}, {}};
  ChartSeries in_arrears{"loans_in_arrears", Tr(lang, "col.loans_in_arrears"), {}, {}};
  const std::map<std::string, Arrears> arrears = ArrearsByCircle(data);
  for (const mv1::CircleReportRow& row : data.circles.circles()) {
    names.push_back(row.display_name());
    const std::optional<int32_t> rate =
        OptionalFigure(row.has_attendance_rate_bps(), row.attendance_rate_bps());
    attendance.values.push_back(rate);
    attendance.value_labels.push_back(FormatPercent(lang, rate));
    auto it = arrears.find(row.circle());
    const int64_t loans = it == arrears.end() ? 0 : it->second.loans;
    in_arrears.values.push_back(loans);
    in_arrears.value_labels.push_back(FormatCount(lang, loans));
  }
  absl::StrAppend(
      &out, "<div class=\"charts\">",
      HorizontalBarChart("status", Tr(lang, "chart.circles_by_status"), statuses, circles, no_data),
      TrendChart("trend", Tr(lang, "chart.meetings_trend"), months, meetings, month_rate, no_data),
      HorizontalBarChart("attendance", Tr(lang, "chart.attendance_by_circle"), names, attendance,
                         no_data));
  if (data.arrears != nullptr) {
    absl::StrAppend(&out, HorizontalBarChart("arrears", Tr(lang, "chart.arrears_by_circle"), names,
                                             in_arrears, no_data));
  }
  absl::StrAppend(&out, "</div><h2>", HtmlEscape(Tr(lang, "section.status")), "</h2>",
                  HtmlTable(StatusHeader(lang), StatusRows(data, lang)), "<h2>",
                  HtmlEscape(Tr(lang, "section.circles")), "</h2>",
                  HtmlTable(Header(lang, data.arrears != nullptr), CircleRows(data, lang)), "<h2>",
                  HtmlEscape(Tr(lang, "section.months")), "</h2>",
                  HtmlTable(MonthHeader(lang), MonthRows(data, lang)), "<p class=\"note\">",
                  HtmlEscape(Tr(lang, "footer.generated.circles")), "</p>", HtmlPageEnd());
  return out;
}

}  // namespace cercles::cerclesctl
