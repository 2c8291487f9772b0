// The impact report across federated funds (issue 15, item 5): what a fund
// answers its peers (its own rows after the small-cell rule), whether a peer's
// answer can be added, and the network's rows that add the funds up. Counts
// and amounts are summed; every ratio is recomputed from the sums, never
// averaged. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_IMPACT_FEDERATION_RULES_H_
#define CERCLES_SERVICES_NETWORK_IMPACT_FEDERATION_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "cercles/network/v1/reports.pb.h"

namespace cercles::network {

// The small-cell rule: a row a peer receives counts at least this many
// entrepreneurs (regions) or businesses (cohorts), so that no figure
// describes one or two people a peer's staff could recognise.
inline constexpr int kImpactMinCell = 5;
// The region of the row that merges a fund's regions under kImpactMinCell.
inline constexpr char kOtherRegions[] = "(other regions)";

// Adds `row`'s counts and amounts to `sum` and recomputes `sum`'s ratios.
// Fails (nothing added) when an amount's currency differs from `sum`'s (an
// amount of 0 in no currency adds to any).
absl::Status AddImpactFigures(const v1::ImpactFigures& row, v1::ImpactFigures& sum);

// Sets repayment_rate_bps, write_off_bps and par30_bps from the row's own
// numerators and denominators (unset when a denominator is 0).
void RecomputeImpactRatios(v1::ImpactFigures& row);

// The people a region's range total stands for, at least: the most of its
// borrowers, businesses started and businesses kept.
int RowHeadcount(const v1::ImpactFigures& row);

// What this fund answers a peer: `report` (this fund's rows only) with the
// small-cell rule applied (reports.proto, GetImpactAggregatesResponse).
v1::GetImpactAggregatesResponse ImpactAggregatesFor(v1::GetImpactReportResponse report,
                                                    int min_cell = kImpactMinCell);

// OK when `answer` may be added to `report` as `fund_id`'s rows: the same
// range and grain, every row of `fund_id`, whole-fund periods matching the
// report's periods, amounts in `currency` (empty: any one currency).
absl::Status CheckPeerImpact(const std::string& fund_id, const v1::GetImpactReportResponse& report,
                             const v1::GetImpactAggregatesResponse& answer,
                             const std::string& currency);

// The currency of a report's amounts (the first non-empty one), or "".
std::string ImpactCurrency(const v1::GetImpactReportResponse& report);

// Fills network_periods, network_total and network_cohorts from the report's
// whole-fund rows (region empty) and cohorts, every fund that is there.
void AddNetworkRows(v1::GetImpactReportResponse& report);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_IMPACT_FEDERATION_RULES_H_
