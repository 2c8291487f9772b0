#include "common/service/process.h"

#include <signal.h>

#include <cstdlib>
#include <utility>

#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/storage/schema.h"
#include "common/storage/statement_stats.h"
#include "common/util/build_info.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "common/util/process.h"
#include "common/util/status_macros.h"

namespace cercles::service {

ServiceProcess::ServiceProcess(int argc, char** argv, const std::string& name, const char* usage,
                               Migrate migrate)
    : migrate_([migrate = std::move(migrate)](storage::Database& db) {
        // Every service keeps its own access log of personal reads.
        CERCLES_RETURN_IF_ERROR(migrate(db));
        return MigrateAccessLog(db);
      }) {
  util::SetServerProcessDefaults();
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv, usage);
  mode_ = server::ProcessModeFromFlags();
  if (mode_.migrate_only || !mode_.backup_to.empty()) std::exit(RunMaintenance(name));
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
  const struct {
    const char* name;
    const char* help;
    bool counter;  // a total since start, else a gauge of now
    double (*read)(const storage::PoolStats&);
  } pool_figures[] = {
      {"cercles_db_pool_max_connections", "Connections the database pool may open.", false,
       [](const storage::PoolStats& p) { return static_cast<double>(p.max_connections); }},
      {"cercles_db_pool_in_use_connections", "Pooled connections lent to a transaction now.", false,
       [](const storage::PoolStats& p) { return static_cast<double>(p.in_use); }},
      {"cercles_db_pool_idle_connections", "Open connections idle in the pool now.", false,
       [](const storage::PoolStats& p) { return static_cast<double>(p.idle); }},
      {"cercles_db_pool_waiting", "Callers waiting for a pooled connection now.", false,
       [](const storage::PoolStats& p) { return static_cast<double>(p.waiting); }},
      {"cercles_db_pool_waits_total", "Acquisitions that waited for a pooled connection.", true,
       [](const storage::PoolStats& p) { return static_cast<double>(p.waits); }},
      {"cercles_db_pool_wait_seconds_total",
       "Total time spent waiting for a pooled connection, in seconds.", true,
       [](const storage::PoolStats& p) { return p.wait_seconds; }},
  };
  for (const auto& figure : pool_figures) {
    auto read = [database, read = figure.read] { return read(storage::PoolStatsOf(*database)); };
    if (figure.counter) {
      runner_->metrics()->AddCallbackCounter(figure.name, figure.help, read);
    } else {
      runner_->metrics()->AddCallbackGauge(figure.name, figure.help, read);
    }
  }
  runner_->metrics()
      ->GetGauge("cercles_build_info", "Version and git revision of this binary (always 1).",
                 {{"version", build_info::Version()}, {"revision", build_info::Revision()}})
      ->Set(1);
}

int ServiceProcess::RunMaintenance(const std::string& name) {
  const std::string binary = "cercles-" + name;
  if (mode_.migrate_only && !mode_.backup_to.empty()) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--migrate_only (CERCLES_MIGRATE_ONLY) and --backup_to (CERCLES_BACKUP_TO) are two runs"));
  }
  const std::string url = server::DatabaseUrlFlag();
  config::ExitIfError(config::RequireNonEmpty("database_url", url));
  if (!mode_.backup_to.empty()) {
    const absl::Status backed_up = storage::BackupSqlite(url, mode_.backup_to);
    if (!backed_up.ok()) {
      log::Error("backup failed", {{"error", std::string(backed_up.message())}});
      return EXIT_FAILURE;
    }
    log::Info("backup written", {{"service", binary}, {"to", mode_.backup_to}});
    return EXIT_SUCCESS;
  }
  auto db = storage::Database::Open(url);
  config::ExitIfError(db.status());
  if (absl::Status migrated = migrate_(**db); !migrated.ok()) {
    log::Error("migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  log::Info("migrated", {{"service", binary},
                         {"database", (*db)->Describe()},
                         {"version", build_info::Version()},
                         {"revision", build_info::Revision()}});
  return EXIT_SUCCESS;
}

absl::Status ServiceProcess::WaitForSchema() {
  sigset_t termination;
  sigemptyset(&termination);
  sigaddset(&termination, SIGTERM);
  sigaddset(&termination, SIGINT);
  absl::Time next_log = absl::InfinitePast();
  for (;;) {
    absl::Status schema = storage::CheckSchema(*db_, migrate_);
    // UNAVAILABLE: migrations pending, or the database away for a moment.
    if (!absl::IsUnavailable(schema)) return schema;
    if (absl::Now() >= next_log) {
      log::Info("waiting for the schema", {{"status", std::string(schema.message())}});
      next_log = absl::Now() + absl::Seconds(10);
    }
    timespec second{1, 0};
    if (sigtimedwait(&termination, nullptr, &second) > 0) {
      return absl::CancelledError("stopped while waiting for the schema");
    }
  }
}

int ServiceProcess::Run(const std::function<absl::Status()>& start,
                        const std::function<void()>& stop) {
  // From the first call on: a row written before the migration created its
  // table is written again at the next flush.
  access_log_ = std::make_unique<AccessLogWriter>(*db_, SystemClock::Default());
  server::InstallPersonalReadLog(access_log_.get());
  config::ExitIfError(runner_->Start());
  absl::Status schema = mode_.wait_for_schema ? WaitForSchema() : migrate_(*db_);
  if (mode_.wait_for_schema && absl::IsCancelled(schema)) {
    log::Info(schema.message());
    runner_->Shutdown();
    StopAccessLog();
    return EXIT_SUCCESS;
  }
  if (!schema.ok()) {
    log::Error(mode_.wait_for_schema ? "schema check failed" : "migration failed",
               {{"error", std::string(schema.message())}});
    if (stop) stop();
    runner_->Shutdown();
    StopAccessLog();
    return EXIT_FAILURE;
  }
  if (absl::Status started = start(); !started.ok()) {
    log::Error("start failed", {{"error", std::string(started.message())}});
    if (stop) stop();
    runner_->Shutdown();
    StopAccessLog();
    return EXIT_FAILURE;
  }
  runner_->SetServing(true);
  runner_->WaitForTermination(stop);
  StopAccessLog();
  return EXIT_SUCCESS;
}

void ServiceProcess::StopAccessLog() {
  server::InstallPersonalReadLog(nullptr);
  access_log_->Stop();
  log::Info("access log stopped", {{"written", std::to_string(access_log_->written())},
                                   {"dropped", std::to_string(access_log_->dropped())}});
}

}  // namespace cercles::service
