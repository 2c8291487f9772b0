// The portfolio report (LendingService.GetPortfolioReport) as `cerclesctl
// report portfolio` writes it: a table, CSV or one self-contained HTML page,
// like the impact report (report_impact.h). Pure: no call, no file.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_PORTFOLIO_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_PORTFOLIO_H_

#include <ostream>
#include <string>

#include "cercles/lending/v1/books.pb.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {

// The fund's row, then each circle's and each advisor's.
void PrintPortfolioTable(const cercles::lending::v1::GetPortfolioReportResponse& report, Lang lang,
                         std::ostream& out);

// One row per group (fund, circles, advisors), one header row in the chosen
// language; amounts in minor units, ratios as decimal fractions with '.'.
std::string PortfolioCsv(const cercles::lending::v1::GetPortfolioReportResponse& report, Lang lang);

// The whole page. Charts: "buckets" (a "loans" bar per arrears bucket of the
// fund) and "circles" (an "outstanding" bar per circle).
std::string PortfolioHtml(const cercles::lending::v1::GetPortfolioReportResponse& report,
                          Lang lang);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_PORTFOLIO_H_
