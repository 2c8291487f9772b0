// The impact report (NetworkService.GetImpactReport) as `cerclesctl report
// impact` writes it: a table, CSV (RFC 4180, one header row in the chosen
// language, machine-readable numbers) or one self-contained HTML page (inline
// CSS and SVG, no script, printable on A4). Pure: no call, no file.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_IMPACT_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_IMPACT_H_

#include <ostream>
#include <string>

#include "cercles/network/v1/reports.pb.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {

// Aligned columns: the totals, then each period (then regions and cohorts).
// A report with include_peers also has the network's rows (fund column
// "Network (total)") and the line of the funds missing from them.
void PrintImpactTable(const cercles::network::v1::GetImpactReportResponse& report, Lang lang,
                      std::ostream& out);

// One row per period row, total row and cohort of the report, the first
// column saying which ("period", "total", "cohort"). Amounts in minor units,
// ratios as decimal fractions with '.' ("0.125"), empty when unset. With
// include_peers: "network-total", "network-period" and "network-cohort" rows
// (fund empty), and a "missing" row per missing fund, its reason
// ("unavailable", "refused", "not_callable", "invalid_answer", "error") in
// the region column.
std::string ImpactCsv(const cercles::network::v1::GetImpactReportResponse& report, Lang lang);

// The whole page. `fund` names the fund in the title (empty: every fund).
// Charts: "trend" (a "loans" bar and an "amount" point per period),
// "survival" (a point per cohort and horizon reached: series "survival-1",
// "survival-3", "survival-5") and "regions" (an "amount" bar per region).
std::string ImpactHtml(const cercles::network::v1::GetImpactReportResponse& report, Lang lang,
                       const std::string& fund);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_IMPACT_H_
