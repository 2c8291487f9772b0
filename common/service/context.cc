#include "common/service/context.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/log.h"

namespace cercles::service {

ServiceRuntime::ServiceRuntime(storage::Database& db, server::ServerRunner& runner,
                               std::string fund_id, const Clock* clock)
    : committer_(db) {
  context_.db = &db;
  context_.authorizer = runner.authorizer();
  context_.handlers = runner.handlers();
  context_.notifier = &notifier_;
  context_.clock = clock;
  context_.fund_id = std::move(fund_id);
  context_.stopping = &stopping_;
  context_.committer = &committer_;
  RegisterCommitMetrics(runner.metrics());
}

void ServiceRuntime::RegisterCommitMetrics(observability::Registry* metrics) {
  // Read at each scrape; /metrics stops with the runner's drain (in
  // ServiceProcess::Run), before main destroys this runtime.
  using Stats = storage::GroupCommitter::Stats;
  const struct {
    const char* name;
    const char* help;
    int64_t Stats::*count;
  } totals[] = {
      {"cercles_group_commit_writes_total", "Writes answered by the group committer.",
       &Stats::writes},
      {"cercles_group_commit_transactions_total",
       "Group-commit transactions attempted (writes / transactions: the mean batch size).",
       &Stats::transactions},
      {"cercles_group_commit_retries_total", "Writes or batches run again after ABORTED.",
       &Stats::retries},
      {"cercles_group_commit_failures_total", "COMMITs that failed.", &Stats::commit_failures},
  };
  for (const auto& total : totals) {
    metrics->AddCallbackCounter(total.name, total.help, [this, total] {
      return static_cast<double>(committer_.stats().*total.count);
    });
  }
  metrics->AddCallbackGauge("cercles_group_commit_largest_batch",
                            "Largest batch of writes committed together since start.", [this] {
                              return static_cast<double>(committer_.stats().largest_batch);
                            });
  metrics->AddCallbackGauge("cercles_group_commit_queued", "Writes waiting for the next batch.",
                            [this] { return static_cast<double>(committer_.queued()); });
  metrics->AddCallbackCounter(
      "cercles_group_commit_commit_seconds_total",
      "Time spent committing batches (batches run one at a time), in seconds.",
      [this] { return absl::ToDoubleSeconds(committer_.stats().commit_time); });
}

void ServiceRuntime::LogStats() const {
  const storage::GroupCommitter::Stats commits = committer_.stats();
  log::Info("group commit", {{"writes", absl::StrCat(commits.writes)},
                             {"transactions", absl::StrCat(commits.transactions)},
                             {"largest_batch", absl::StrCat(commits.largest_batch)},
                             {"retries", absl::StrCat(commits.retries)},
                             {"commit_failures", absl::StrCat(commits.commit_failures)},
                             {"write_time", absl::FormatDuration(commits.write_time)},
                             {"commit_time", absl::FormatDuration(commits.commit_time)}});
}

}  // namespace cercles::service
