// What every service's main does around its own parts, written once: the start
// (signals, flags, config, server, database) and the order it stops in. A main
// builds a ServiceProcess, assembles its services on process.runner() and
// process.db(), and returns process.Run(start, stop).
#ifndef CERCLES_COMMON_SERVICE_PROCESS_H_
#define CERCLES_COMMON_SERVICE_PROCESS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/service/access_log.h"
#include "common/storage/database.h"

namespace cercles::service {

class ServiceProcess {
 public:
  // The service's migrations: calls db.Migrate for each of its components.
  using Migrate = std::function<absl::Status(storage::Database&)>;

  // Sets the server process defaults (util::SetServerProcessDefaults: SIGPIPE
  // ignored, deadlock detection off outside debug builds), blocks SIGTERM/SIGINT
  // (Run waits for them), parses the flags with their
  // CERCLES_* environment twins, reads `name`'s config, prepares the server
  // (tokens, TLS) and opens the database. A bad flag or an unreachable
  // database stops the process here with a message naming it (exit code 2).
  // The maintenance modes run here and exit, reading only --database_url:
  // --migrate_only applies `migrate` (exit 0, or 1 when a migration fails or
  // the schema is newer than the binary), --backup_to copies a SQLite
  // database (exit 0 or 1). /metrics carries cercles_build_info.
  ServiceProcess(int argc, char** argv, const std::string& name, const char* usage,
                 Migrate migrate);
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  const server::ServiceConfig& config() const { return config_; }
  const std::string& fund_id() const { return config_.fund_id; }
  server::ServerRunner& runner() { return *runner_; }
  storage::Database& db() { return *db_; }

  // Listens (health NOT_SERVING, so probes see a live process and not a refused
  // connection), migrates (or, with --wait_for_schema, waits until the migrate
  // job has: exit 1 on a schema newer than the binary, 0 on SIGTERM meanwhile),
  // runs `start` (background work), reports SERVING
  // and waits for SIGTERM; then drains: health NOT_SERVING, `stop`, the
  // server's shutdown within the grace period. Returns main's exit code. In
  // every case the server has stopped calling the services before Run
  // returns, so the parts main built after this process may be destroyed in
  // any order; a failed `start` stops the server at once (EXIT_FAILURE).
  int Run(const std::function<absl::Status()>& start, const std::function<void()>& stop);

 private:
  // --migrate_only or --backup_to: main's exit code.
  int RunMaintenance(const std::string& name);
  // --wait_for_schema: OK once the schema is current; CANCELLED on SIGTERM.
  absl::Status WaitForSchema();
  // After the server stopped calling the services: writes the access log's
  // queued rows (a clean shutdown loses none).
  void StopAccessLog();

  Migrate migrate_;
  server::ProcessMode mode_;
  server::ServiceConfig config_;
  // The database outlives the runner: its statement figures are read by the
  // runner's /metrics until that stops.
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<server::ServerRunner> runner_;
  // The access log of personal reads (common/service/access_log.h), installed
  // for server::Answer while the server runs.
  std::unique_ptr<AccessLogWriter> access_log_;
};

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_PROCESS_H_
