#include "tools/cerclesctl/report_svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cercles::cerclesctl {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 260;
constexpr int kLeft = 40, kRight = 20, kTop = 30, kBottom = 50;

std::string Open(absl::string_view name, absl::string_view title, int height = kHeight) {
  return absl::StrCat("<figure class=\"chart-box\"><figcaption>", HtmlEscape(title),
                      "</figcaption><svg class=\"chart\" data-chart=\"", HtmlEscape(name),
                      "\" role=\"img\" aria-label=\"", HtmlEscape(title), "\" viewBox=\"0 0 ",
                      kWidth, " ", height,
                      "\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
}

std::string Close(const std::vector<std::pair<std::string, std::string>>& legend) {
  std::string out = "</svg>";
  if (!legend.empty()) {
    out += "<div class=\"legend\">";
    for (const auto& [series, label] : legend) {
      absl::StrAppend(&out, "<span class=\"key key-", HtmlEscape(series), "\"></span>",
                      HtmlEscape(label), " ");
    }
    out += "</div>";
  }
  return out + "</figure>";
}

std::string Empty(absl::string_view name, absl::string_view title, absl::string_view text) {
  return absl::StrCat(Open(name, title, 80), "<text x=\"", kWidth / 2,
                      "\" y=\"45\" text-anchor=\"middle\" class=\"empty\">", HtmlEscape(text),
                      "</text>", Close({}));
}

// A figure of a table ("6 286,91 $", "$6,286.91", "-12", "12,5 %", "10 EUR",
// "—"), not a day ("1er octobre 2026"): kept on one line (the display formats
// group thousands with plain spaces).
bool IsFigure(absl::string_view cell) {
  if (cell == "—") return true;
  if (cell.size() > 4 && cell[cell.size() - 4] == ' ' &&
      std::all_of(cell.end() - 3, cell.end(), absl::ascii_isupper)) {
    cell.remove_suffix(4);  // a currency code
  }
  return std::any_of(cell.begin(), cell.end(), absl::ascii_isdigit) &&
         cell.find_first_not_of("0123456789 ,.$%-") == absl::string_view::npos;
}

// Roughly how wide `text` is drawn in the charts' 11 px labels (DejaVu Sans:
// about 6.5 px a character, counted in code points).
double TextWidth(absl::string_view text) {
  int chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return chars * 6.5;
}

double WidestText(const std::vector<std::string>& texts) {
  double widest = 0;
  for (const std::string& text : texts) widest = std::max(widest, TextWidth(text));
  return widest;
}

// `text` cut to about `width` px, ending with "…" when cut.
std::string Cut(const std::string& text, double width) {
  if (TextWidth(text) <= width) return text;
  std::string out;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && TextWidth(out) + 6.5 * 2 > width) break;
    out.push_back(c);
  }
  return out + "…";
}

// Every how many categories a label is written so that none overlaps the next.
size_t LabelEvery(const std::vector<std::string>& categories, double slot) {
  return std::max<size_t>(1, static_cast<size_t>(std::ceil((WidestText(categories) + 8) / slot)));
}

int64_t MaxOf(const ChartSeries& s) {
  int64_t max = 0;
  for (const auto& v : s.values) max = std::max(max, v.value_or(0));
  return max;
}

// The attributes every data point carries.
std::string PointAttributes(const ChartSeries& s, size_t i) {
  return absl::StrCat("class=\"point series-", HtmlEscape(s.name), "\" data-series=\"",
                      HtmlEscape(s.name), "\" data-point=\"", i, "\"");
}

std::string Tooltip(const std::string& category, const ChartSeries& s, size_t i) {
  return absl::StrCat("<title>", HtmlEscape(category), " — ", HtmlEscape(s.label), ": ",
                      HtmlEscape(s.value_labels[i]), "</title>");
}

std::string CategoryLabel(double x, const std::string& text, int y = kHeight - kBottom + 18) {
  return absl::StrCat("<text x=\"", x, "\" y=\"", y, "\" text-anchor=\"middle\" class=\"label\">",
                      HtmlEscape(text), "</text>");
}

std::string Axis() {
  return absl::StrCat("<line class=\"axis\" x1=\"", kLeft, "\" y1=\"", kHeight - kBottom,
                      "\" x2=\"", kWidth - kRight, "\" y2=\"", kHeight - kBottom, "\"/>");
}

// Screen: two charts a row from 1,000 px (a chart at most 760 px wide), wide
// tables scroll in their box.
// Print: A4 landscape (the figures tables are 14 to 16 columns), every table
// within the page's width.
constexpr char kStyle[] = R"css(
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#1d2733;margin:24px;font-size:13px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:2px solid #2a6f97}
p.sub{margin:0;color:#4a5866}.wide{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:11px}
th,td{border:1px solid #c9d3dd;padding:3px 5px;text-align:right}th{background:#e8eef4}
td:first-child,th:first-child{text-align:left}td:first-child,td.num{white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure.chart-box{flex:1 1 460px;margin:0;border:1px solid #c9d3dd;padding:6px}
figcaption{font-weight:bold;margin-bottom:4px}
svg.chart{display:block;max-width:760px}svg .axis,svg .grid{stroke:#8a99a8}
svg .grid{stroke-dasharray:3 3}svg .label{font-size:11px;fill:#1d2733}svg .empty{fill:#4a5866}
.series-loans,.key-loans{fill:#2a6f97;background:#2a6f97}svg .line{fill:none;stroke:#e07a1f;stroke-width:2}
.series-amount,.key-amount{fill:#e07a1f;background:#e07a1f}
.series-outstanding{fill:#2a6f97}
.series-circles,.series-meetings,.key-meetings{fill:#2a6f97;background:#2a6f97}
.series-attendance,.key-attendance{fill:#e07a1f;background:#e07a1f}.series-loans_in_arrears{fill:#b5442c}
.series-survival-1,.key-survival-1{fill:#8fbcdb;background:#8fbcdb}
.series-survival-3,.key-survival-3{fill:#2a6f97;background:#2a6f97}
.series-survival-5,.key-survival-5{fill:#123c55;background:#123c55}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.note{color:#4a5866;font-size:11px}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;font-size:10px}table{font-size:9px}.wide{overflow:visible}
th,td{padding:2px 4px}figure.chart-box{flex:1 1 45%;break-inside:avoid}
h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
)css";

}  // namespace

std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<div class=\"wide\"><table><thead><tr>";
  for (const std::string& h : header) absl::StrAppend(&out, "<th>", HtmlEscape(h), "</th>");
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const std::string& cell : row) {
      absl::StrAppend(&out, IsFigure(cell) ? "<td class=\"num\">" : "<td>", HtmlEscape(cell),
                      "</td>");
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string HtmlPageStart(Lang lang, absl::string_view title,
                          const std::vector<std::string>& subtitles) {
  std::string out =
      absl::StrCat("<!DOCTYPE html>\n<html lang=\"", LangCode(lang),
                   "\"><head><meta charset=\"utf-8\"><title>", HtmlEscape(title), "</title><style>",
                   kStyle, "</style></head><body><h1>", HtmlEscape(title), "</h1>");
  for (const std::string& line : subtitles) {
    absl::StrAppend(&out, "<p class=\"sub\">", HtmlEscape(line), "</p>");
  }
  return out;
}

std::string HtmlPageEnd() { return "</body></html>\n"; }

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string TrendChart(absl::string_view name, absl::string_view title,
                       const std::vector<std::string>& categories, const ChartSeries& bars,
                       const ChartSeries& line, absl::string_view empty_text) {
  if (categories.empty()) return Empty(name, title, empty_text);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double slot = plot_w / static_cast<double>(categories.size());
  const double bar_max = std::max<int64_t>(MaxOf(bars), 1);
  const double line_max = std::max<int64_t>(MaxOf(line), 1);
  const size_t every = LabelEvery(categories, slot);
  std::string out = Open(name, title) + Axis();
  std::string path;
  std::string points;
  for (size_t i = 0; i < categories.size(); ++i) {
    const double x = kLeft + slot * (static_cast<double>(i) + 0.5);
    if (bars.values[i].has_value()) {
      const double h = plot_h * static_cast<double>(*bars.values[i]) / bar_max;
      absl::StrAppend(&out, "<rect ", PointAttributes(bars, i), " x=\"", x - slot * 0.3, "\" y=\"",
                      kHeight - kBottom - h, "\" width=\"", slot * 0.6, "\" height=\"", h, "\">",
                      Tooltip(categories[i], bars, i), "</rect>");
    }
    if (line.values[i].has_value()) {
      const double y = kHeight - kBottom - plot_h * static_cast<double>(*line.values[i]) / line_max;
      absl::StrAppend(&path, path.empty() ? "M" : " L", x, " ", y);
      absl::StrAppend(&points, "<circle ", PointAttributes(line, i), " cx=\"", x, "\" cy=\"", y,
                      "\" r=\"4\">", Tooltip(categories[i], line, i), "</circle>");
    }
    if (i % every == 0) absl::StrAppend(&out, CategoryLabel(x, categories[i]));
  }
  if (!path.empty()) absl::StrAppend(&out, "<path class=\"line\" d=\"", path, "\"/>");
  out += points;
  return out + Close({{bars.name, bars.label}, {line.name, line.label}});
}

std::string GroupedBarChart(absl::string_view name, absl::string_view title,
                            const std::vector<std::string>& categories,
                            const std::vector<ChartSeries>& series, absl::string_view empty_text) {
  if (categories.empty() || series.empty()) return Empty(name, title, empty_text);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double slot = plot_w / static_cast<double>(categories.size());
  const double bar_w = slot * 0.8 / static_cast<double>(series.size());
  std::string out = Open(name, title) + Axis();
  for (int pct : {50, 100}) {
    const double y = kHeight - kBottom - plot_h * pct / 100.0;
    absl::StrAppend(&out, "<line class=\"grid\" x1=\"", kLeft, "\" y1=\"", y, "\" x2=\"",
                    kWidth - kRight, "\" y2=\"", y, "\"/><text class=\"label\" x=\"", kLeft - 4,
                    "\" y=\"", y + 4, "\" text-anchor=\"end\">", pct, "</text>");
  }
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t s = 0; s < series.size(); ++s) {
    legend.push_back({series[s].name, series[s].label});
    for (size_t i = 0; i < categories.size(); ++i) {
      if (!series[s].values[i].has_value()) continue;
      const double h = plot_h * static_cast<double>(*series[s].values[i]) / 10000.0;
      const double x =
          kLeft + slot * static_cast<double>(i) + slot * 0.1 + bar_w * static_cast<double>(s);
      absl::StrAppend(&out, "<rect ", PointAttributes(series[s], i), " x=\"", x, "\" y=\"",
                      kHeight - kBottom - h, "\" width=\"", bar_w, "\" height=\"", h, "\">",
                      Tooltip(categories[i], series[s], i), "</rect>");
    }
  }
  const size_t every = LabelEvery(categories, slot);
  for (size_t i = 0; i < categories.size(); i += every) {
    absl::StrAppend(&out,
                    CategoryLabel(kLeft + slot * (static_cast<double>(i) + 0.5), categories[i]));
  }
  return out + Close(legend);
}

std::string HorizontalBarChart(absl::string_view name, absl::string_view title,
                               const std::vector<std::string>& categories,
                               const ChartSeries& series, absl::string_view empty_text) {
  if (categories.empty()) return Empty(name, title, empty_text);
  // The names left of the bars and the values right of them take what they
  // need (the names at most half the width: a longer one is cut, its tooltip
  // keeps it whole).
  constexpr int kRow = 28;
  constexpr double kMaxLabelWidth = kWidth / 2.0;
  const double label_width = std::clamp(WidestText(categories) + 12, 60.0, kMaxLabelWidth);
  const int height = kTop + kRow * static_cast<int>(categories.size()) + 10;
  const double plot_w = kWidth - label_width - kRight - WidestText(series.value_labels) - 10;
  const double max = std::max<int64_t>(MaxOf(series), 1);
  std::string out = Open(name, title, height);
  for (size_t i = 0; i < categories.size(); ++i) {
    const int y = kTop + kRow * static_cast<int>(i);
    absl::StrAppend(&out, "<text class=\"label\" x=\"", label_width - 6, "\" y=\"", y + 17,
                    "\" text-anchor=\"end\">", HtmlEscape(Cut(categories[i], kMaxLabelWidth - 12)),
                    "</text>");
    if (!series.values[i].has_value()) continue;
    const double w = plot_w * static_cast<double>(*series.values[i]) / max;
    absl::StrAppend(&out, "<rect ", PointAttributes(series, i), " x=\"", label_width, "\" y=\"",
                    y + 4, "\" width=\"", w, "\" height=\"", kRow - 8, "\">",
                    Tooltip(categories[i], series, i), "</rect><text class=\"label\" x=\"",
                    label_width + w + 6, "\" y=\"", y + 17, "\">",
                    HtmlEscape(series.value_labels[i]), "</text>");
  }
  return out + Close({});
}

}  // namespace cercles::cerclesctl
