// cercles-membership: wiring only. The logic lives in membership_lib.
#include <atomic>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "common/config/config.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/service/context.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "services/membership/context.h"

ABSL_FLAG(bool, require_training, true,
          "A person joins a circle only after completing a training (false: the fund waives it)");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv,
                            "cercles-membership: people, trainings and circles of one fund");
  auto service_config = server::ServiceConfigFromFlags("membership");
  config::ExitIfError(service_config.status());
  const std::string& fund_id = service_config->fund_id;

  server::ServerRunner runner(service_config->server);
  config::ExitIfError(runner.Init());
  auto db = storage::Database::Open(service_config->database_url);
  config::ExitIfError(db.status());

  service::ServiceRuntime runtime(**db, *runner.authorizer(), fund_id);
  membership::MembershipContext context{runtime.context(), {}};
  context.settings.require_training = absl::GetFlag(FLAGS_require_training);
  membership::MembershipServices services(context);
  services.RegisterWith(runner);
  // Listen first so probes see NOT_SERVING (not a refused connection) while the
  // schema is migrated; only then report SERVING.
  config::ExitIfError(runner.Start());
  absl::Status migrated = membership::MigrateMembership(**db);
  if (!migrated.ok()) {
    log::Error("migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  log::Info("ready", {{"database", (*db)->Describe()}, {"fund_id", fund_id}});
  runner.SetServing(true);
  runner.WaitForTermination([&] { runtime.Stop(); });
  runtime.LogStats();
  return EXIT_SUCCESS;
}
