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
#include "common/storage/database.h"

namespace cercles::service {

class ServiceProcess {
 public:
  // Sets the server process defaults (util::SetServerProcessDefaults: SIGPIPE
  // ignored, deadlock detection off outside debug builds), blocks SIGTERM/SIGINT
  // (Run waits for them), parses the flags with their
  // CERCLES_* environment twins, reads `name`'s config, prepares the server
  // (tokens, TLS) and opens the database. A bad flag or an unreachable
  // database stops the process here with a message naming it (exit code 2).
  ServiceProcess(int argc, char** argv, const std::string& name, const char* usage);
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  const server::ServiceConfig& config() const { return config_; }
  const std::string& fund_id() const { return config_.fund_id; }
  server::ServerRunner& runner() { return *runner_; }
  storage::Database& db() { return *db_; }

  // Listens (health NOT_SERVING, so probes see a live process and not a refused
  // connection), runs `start` (migrations, background work), reports SERVING
  // and waits for SIGTERM; then drains: health NOT_SERVING, `stop`, the
  // server's shutdown within the grace period. Returns main's exit code. In
  // every case the server has stopped calling the services before Run
  // returns, so the parts main built after this process may be destroyed in
  // any order; a failed `start` stops the server at once (EXIT_FAILURE).
  int Run(const std::function<absl::Status()>& start, const std::function<void()>& stop);

 private:
  server::ServiceConfig config_;
  // The database outlives the runner: its statement figures are read by the
  // runner's /metrics until that stops.
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<server::ServerRunner> runner_;
};

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_PROCESS_H_
