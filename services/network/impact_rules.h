// The impact report (issue 15, item 5): the request's range and periods, and
// every figure of GetImpactReportResponse computed from what network keeps of
// loans and business outcomes (definitions: proto/cercles/network/v1/reports.proto).
// No gRPC, no SQL: the stores hand in the rows.
#ifndef CERCLES_SERVICES_NETWORK_IMPACT_RULES_H_
#define CERCLES_SERVICES_NETWORK_IMPACT_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/network/v1/reports.pb.h"
#include "services/network/stats_rules.h"

namespace cercles::network {

// The longest range a report covers, in years (to_date before from_date + 30 years).
inline constexpr int kMaxImpactYears = 30;

// One disbursed loan as network keeps it, with the region of its circle.
struct ImpactLoan {
  std::string fund_id;
  std::string region;  // as written; empty for circles without one
  int64_t borrower_id = 0;
  absl::CivilDay disbursed;
  std::string currency;
  int64_t amount = 0;
  int state = 0;  // cercles.lending.v1.LoanState, as of today
  int64_t outstanding = 0;
  std::optional<absl::CivilDay> oldest_unpaid_due;
  int64_t written_off = 0;
};

// A checked request: the range, the grain (never unspecified) and the day the
// loans' states are read as of.
struct ImpactRange {
  absl::CivilDay from, to, as_of;
  v1::ReportGrain grain = v1::REPORT_GRAIN_YEAR;
  bool by_region = false;
};

// The range of a request, or INVALID_ARGUMENT naming the field and its rule
// (from_date and to_date required, real days, to_date on or after from_date
// and before from_date + kMaxImpactYears years, grain a known value).
absl::StatusOr<ImpactRange> CheckImpactRequest(const v1::GetImpactReportRequest& request,
                                               absl::CivilDay as_of);

struct Period {
  absl::CivilDay start, end;
};

// The range cut into calendar years or quarters, the first and last clipped to it.
std::vector<Period> ReportPeriods(absl::CivilDay from, absl::CivilDay to, v1::ReportGrain grain);

// The whole report. Outcomes of meetings after range.to are ignored; loans
// and outcomes may come in any order.
v1::GetImpactReportResponse BuildImpactReport(const ImpactRange& range,
                                              const std::vector<ImpactLoan>& loans,
                                              const std::vector<OutcomeRow>& outcomes);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_IMPACT_RULES_H_
