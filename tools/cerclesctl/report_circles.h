// The circles report as `cerclesctl report circles` writes it (issue 15, item
// 5): membership's GetCirclesReport joined with lending's arrears per circle
// (GetPortfolioReport's circle rows as of the range's last day), as a table,
// CSV or one self-contained HTML page, like the other reports
// (report_portfolio.h). Without the lending figures (lending could not be
// reached) every part but the arrears is written, and the page says so.
// Pure: no call, no file.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_CIRCLES_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_CIRCLES_H_

#include <ostream>
#include <string>

#include "cercles/lending/v1/books.pb.h"
#include "cercles/membership/v1/reports.pb.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {

// The two APIs' answers; `arrears` null when lending's is missing.
struct CirclesReportData {
  const cercles::membership::v1::GetCirclesReportResponse& circles;
  const cercles::lending::v1::GetPortfolioReportResponse* arrears = nullptr;
};

// The circles by status, one row per circle, then the months.
void PrintCirclesTable(const CirclesReportData& data, Lang lang, std::ostream& out);

// One row per circle, one header row in the chosen language; rates as decimal
// fractions with '.', amounts in minor units, statuses as the API's names.
// The arrears columns are empty without the lending figures.
std::string CirclesCsv(const CirclesReportData& data, Lang lang);

// The whole page. Charts: "status" (a "circles" bar per status), "trend" (a
// "meetings" bar and an "attendance" point per month), "attendance" (an
// "attendance" bar per circle with a rate) and, with the lending figures,
// "arrears" (a "loans_in_arrears" bar per circle).
std::string CirclesHtml(const CirclesReportData& data, Lang lang);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_CIRCLES_H_
