// The fund's portfolio as Prometheus gauges, for the dashboard's "loans at
// risk" panel and alerts: the fund line of the portfolio report (portfolio.h:
// PAR30, outstanding principal, repayment rate, active loans per arrears
// bucket) as of today, computed off the scrape path by a background refresh
// (the report reads every loan's position) and exported as last computed, with
// the time of that computation so a stale figure can be seen and alerted on.
//
// Every replica computes the same figures from the same database: dashboards
// take max() over the replicas, never sum().
#ifndef CERCLES_SERVICES_LENDING_PORTFOLIO_GAUGES_H_
#define CERCLES_SERVICES_LENDING_PORTFOLIO_GAUGES_H_

#include <array>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/periodic.h"
#include "services/lending/portfolio.h"

namespace cercles::lending {

class PortfolioGauges {
 public:
  // Registers the gauges on `metrics` (all 0 until the first refresh).
  PortfolioGauges(storage::Database* db, const Clock* clock, observability::Registry* metrics);

  // Computes the fund's portfolio as of today (UTC) and sets the gauges; on a
  // failure the gauges keep their last values and the failure is counted.
  absl::Status Refresh();

  // Refreshes at once, then every `every`, on a background thread until Stop
  // (the start of the service does not wait for it). A failed refresh is
  // logged and counted, never fatal.
  void Start(absl::Duration every);
  void Stop() { periodic_.Stop(); }

 private:
  void RefreshAndLog();

  storage::Database* db_;
  const Clock* clock_;
  observability::Gauge* active_loans_;
  observability::Gauge* outstanding_;
  observability::Gauge* at_risk_30_;
  observability::Gauge* at_risk_30_ratio_;
  observability::Gauge* repayment_rate_;
  std::array<observability::Gauge*, kBucketCount> per_bucket_{};
  observability::Gauge* written_off_loans_;
  observability::Gauge* refreshed_at_;
  observability::Gauge* refresh_seconds_;
  observability::Counter* failures_;
  util::Periodic periodic_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_PORTFOLIO_GAUGES_H_
