#include "common/service/process.h"

#include <cstdlib>
#include <utility>

#include "common/config/config.h"
#include "common/storage/statement_stats.h"
#include "common/util/log.h"
#include "common/util/process.h"

namespace cercles::service {

ServiceProcess::ServiceProcess(int argc, char** argv, const std::string& name, const char* usage) {
  util::SetServerProcessDefaults();
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv, usage);
  auto service_config = server::ServiceConfigFromFlags(name);
  config::ExitIfError(service_config.status());
  config_ = *std::move(service_config);
  runner_ = std::make_unique<server::ServerRunner>(config_.server);
  config::ExitIfError(runner_->Init());
  auto db = storage::Database::Open(config_.database_url);
  config::ExitIfError(db.status());
  db_ = *std::move(db);
  const storage::Database* database = db_.get();
  const struct {
    const char* name;
    const char* help;
    int64_t storage::StatementStats::*count;
  } figures[] = {
      {"cercles_db_statements_prepared", "Statements parsed and kept prepared (since start).",
       &storage::StatementStats::prepared},
      {"cercles_db_statements_reused", "Runs of a statement kept prepared (cache hits).",
       &storage::StatementStats::reused},
      {"cercles_db_statements_evicted", "Prepared statements dropped to make room.",
       &storage::StatementStats::evicted},
      {"cercles_db_statements_uncached", "Runs parsed and dropped (DDL, schema changes).",
       &storage::StatementStats::uncached},
  };
  for (const auto& figure : figures) {
    runner_->metrics()->AddCallbackGauge(figure.name, figure.help, [database, figure] {
      return static_cast<double>(storage::StatementStatsOf(*database).*figure.count);
    });
  }
  observability::Registry* metrics = runner_->metrics();
  metrics->AddCallbackGauge(
      "cercles_db_pool_max_connections", "Connections the database pool may open.",
      [database] { return static_cast<double>(storage::PoolStatsOf(*database).max_connections); });
  metrics->AddCallbackGauge(
      "cercles_db_pool_in_use_connections", "Pooled connections lent to a transaction now.",
      [database] { return static_cast<double>(storage::PoolStatsOf(*database).in_use); });
  metrics->AddCallbackGauge(
      "cercles_db_pool_idle_connections", "Open connections idle in the pool now.",
      [database] { return static_cast<double>(storage::PoolStatsOf(*database).idle); });
  metrics->AddCallbackGauge(
      "cercles_db_pool_waiting", "Callers waiting for a pooled connection now.",
      [database] { return static_cast<double>(storage::PoolStatsOf(*database).waiting); });
  metrics->AddCallbackCounter(
      "cercles_db_pool_waits_total", "Acquisitions that waited for a pooled connection.",
      [database] { return static_cast<double>(storage::PoolStatsOf(*database).waits); });
  metrics->AddCallbackCounter("cercles_db_pool_wait_seconds_total",
                              "Total time spent waiting for a pooled connection, in seconds.",
                              [database] { return storage::PoolStatsOf(*database).wait_seconds; });
}

int ServiceProcess::Run(const std::function<absl::Status()>& start,
                        const std::function<void()>& stop) {
  config::ExitIfError(runner_->Start());
  if (absl::Status started = start(); !started.ok()) {
    log::Error("start failed", {{"error", std::string(started.message())}});
    if (stop) stop();
    runner_->Shutdown();
    return EXIT_FAILURE;
  }
  runner_->SetServing(true);
  runner_->WaitForTermination(stop);
  return EXIT_SUCCESS;
}

}  // namespace cercles::service
