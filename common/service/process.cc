#include "common/service/process.h"

#include <cstdlib>
#include <utility>

#include "common/config/config.h"
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
