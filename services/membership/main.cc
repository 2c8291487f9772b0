// cercles-membership: wiring only. The logic lives in membership_lib.
#include <atomic>
#include <cstdlib>

#include "common/config/config.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "services/membership/membership_service.h"

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv,
                            "cercles-membership: people, trainings and circles of one fund");
  auto options = server::ServerOptionsFromFlags("membership");
  config::ExitIfError(options.status());
  const std::string fund_id = server::FundIdFlag();
  config::ExitIfError(server::ValidateFundId(fund_id));
  config::ExitIfError(config::RequireNonEmpty("database_url", server::DatabaseUrlFlag()));

  server::ServerRunner runner(*options);
  config::ExitIfError(runner.Init());
  auto db = storage::Database::Open(server::DatabaseUrlFlag());
  config::ExitIfError(db.status());

  std::atomic<bool> stopping{false};
  events::EventNotifier notifier;
  membership::MembershipService service(db->get(), runner.authorizer(), &notifier,
                                        SystemClock::Default(), fund_id, &stopping);
  runner.AddService(&service, membership::v1::MembershipService::service_full_name());
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
  runner.WaitForTermination([&] { stopping = true; });
  return EXIT_SUCCESS;
}
