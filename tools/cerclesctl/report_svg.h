// The HTML of `cerclesctl report …`: the page (its head with the inline CSS,
// printable on A4), tables, and small inline SVG charts, drawn
// here (no library, no script), every mark carrying stable attributes a
// browser test counts: the <svg> has class "chart" and data-chart="NAME"; each
// data point has the attribute data-point (its index) and data-series="NAME".
// Every text is HTML-escaped.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_SVG_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_SVG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {

// & < > " ' as entities.
std::string HtmlEscape(absl::string_view text);

// The page up to its subtitles (one paragraph each), and its end.
std::string HtmlPageStart(Lang lang, absl::string_view title,
                          const std::vector<std::string>& subtitles);
std::string HtmlPageEnd();

// A table, every cell escaped, in a box that scrolls on a narrow screen; a
// figure ("6 286,91 $", "12,5 %", "—") is kept on one line.
std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

// One series of a chart: a value per category (nullopt: no point drawn, e.g.
// a cohort too young for an horizon), and how each value is written in its
// tooltip and label.
struct ChartSeries {
  std::string name;   // data-series, also the CSS class suffix
  std::string label;  // legend
  std::vector<std::optional<int64_t>> values;
  std::vector<std::string> value_labels;  // same length as values
};

// Vertical bars of `bars` (a point per category) with `line` drawn over them
// on its own scale (a point per category), categories along the bottom (every
// other one, or fewer, when their names would overlap).
std::string TrendChart(absl::string_view name, absl::string_view title,
                       const std::vector<std::string>& categories, const ChartSeries& bars,
                       const ChartSeries& line, absl::string_view empty_text);

// Grouped vertical bars (one group per category, one bar per series), values
// in basis points drawn on a 0 to 100 % scale.
std::string GroupedBarChart(absl::string_view name, absl::string_view title,
                            const std::vector<std::string>& categories,
                            const std::vector<ChartSeries>& series, absl::string_view empty_text);

// Horizontal bars, one per category, largest scale at the largest value; the
// names take the width they need up to half the chart (a longer one is cut
// with "…", its tooltip whole).
std::string HorizontalBarChart(absl::string_view name, absl::string_view title,
                               const std::vector<std::string>& categories,
                               const ChartSeries& series, absl::string_view empty_text);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_SVG_H_
