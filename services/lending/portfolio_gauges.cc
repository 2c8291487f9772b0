#include "services/lending/portfolio_gauges.h"

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/lending/journal_store.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/portfolio_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

// Stable label values: the buckets' bounds are a fund setting and may change,
// their places do not.
constexpr std::array<const char*, kBucketCount> kBucketNames = {"current", "first", "second",
                                                                "third", "beyond"};

}  // namespace

PortfolioGauges::PortfolioGauges(storage::Database* db, const Clock* clock,
                                 observability::Registry* metrics)
    : db_(db), clock_(clock) {
  active_loans_ = metrics->GetGauge("cercles_portfolio_active_loans",
                                    "Active loans of the fund, at the last portfolio refresh");
  outstanding_ = metrics->GetGauge(
      "cercles_portfolio_outstanding_principal_minor_units",
      "Principal still owed on active loans, in minor units of the fund's currency");
  at_risk_30_ = metrics->GetGauge(
      "cercles_portfolio_at_risk_30_principal_minor_units",
      "PAR30: outstanding principal of active loans more than 30 days past due, in minor units");
  at_risk_30_ratio_ =
      metrics->GetGauge("cercles_portfolio_at_risk_30_ratio",
                        "PAR30 as a share of the outstanding principal (0 when none is)");
  repayment_rate_ = metrics->GetGauge(
      "cercles_portfolio_repayment_rate_ratio",
      "Share paid of everything that fell due on active, repaid and written-off loans");
  for (int i = 0; i < kBucketCount; ++i) {
    per_bucket_[i] =
        metrics->GetGauge("cercles_portfolio_active_loans_by_arrears",
                          "Active loans per arrears bucket (current, then the fund's three "
                          "bounds and beyond: GetPortfolioReport's bucket_labels)",
                          {{"bucket", kBucketNames[i]}});
  }
  written_off_loans_ =
      metrics->GetGauge("cercles_portfolio_written_off_loans", "Loans written off, in all");
  refreshed_at_ = metrics->GetGauge(
      "cercles_portfolio_refreshed_timestamp_seconds",
      "When the portfolio gauges were last computed (Unix time; 0 before the first time)");
  refresh_seconds_ = metrics->GetGauge("cercles_portfolio_refresh_duration_seconds",
                                       "How long the last portfolio computation took");
  failures_ = metrics->GetCounter("cercles_portfolio_refresh_failures_total",
                                  "Portfolio computations that failed (the gauges kept their "
                                  "last values)");
}

absl::Status PortfolioGauges::Refresh() {
  const absl::Time started = absl::Now();
  const absl::CivilDay today = Today(clock_->Now());
  CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(*tx));
  const JournalStore journal(settings.currency);
  CERCLES_ASSIGN_OR_RETURN(std::vector<PortfolioLoan> loans,
                           LoadPortfolio(*tx, auth::CircleScope::All(), journal, today));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  CERCLES_ASSIGN_OR_RETURN(PortfolioReport report,
                           BuildPortfolioReport(loans, today, settings.arrears_buckets));
  const PortfolioFigures& fund = report.fund;
  active_loans_->Set(fund.active_loans);
  outstanding_->Set(static_cast<double>(fund.outstanding_principal_cents));
  at_risk_30_->Set(static_cast<double>(fund.par30_principal_cents));
  at_risk_30_ratio_->Set(fund.par30_bps / 10000.0);
  repayment_rate_->Set(fund.repayment_rate_bps / 10000.0);
  for (int i = 0; i < kBucketCount; ++i) per_bucket_[i]->Set(fund.loans_per_bucket[i]);
  written_off_loans_->Set(fund.written_off_loans);
  refreshed_at_->Set(absl::ToDoubleSeconds(clock_->Now() - absl::UnixEpoch()));
  refresh_seconds_->Set(absl::ToDoubleSeconds(absl::Now() - started));
  return absl::OkStatus();
}

void PortfolioGauges::RefreshAndLog() {
  if (absl::Status status = Refresh(); !status.ok()) {
    failures_->Increment();
    log::Warning("cannot compute the portfolio gauges", {{"error", std::string(status.message())}});
  }
}

void PortfolioGauges::Start(absl::Duration every) {
  periodic_.Start(
      every, [this] { RefreshAndLog(); }, util::Periodic::First::kAtOnce);
}

}  // namespace cercles::lending
