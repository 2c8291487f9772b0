// cercles-lending: wiring only. The logic lives in lending_lib.
#include <atomic>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/service/context.h"
#include "common/storage/database.h"
#include "common/storage/group_commit.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "services/lending/context.h"
#include "services/lending/lending_service.h"
#include "services/lending/membership_client.h"
#include "services/lending/membership_events.h"

ABSL_FLAG(std::string, membership_address, "", "host:port of this fund's membership service");
ABSL_FLAG(std::string, membership_server_name, "membership",
          "TLS name expected in membership's certificate");
ABSL_FLAG(int64_t, membership_deadline_ms, 1000, "Deadline of each call to membership");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv, "cercles-lending: loans, guarantees and the journal");
  auto service_config = server::ServiceConfigFromFlags("lending");
  config::ExitIfError(service_config.status());
  const std::string membership_address = absl::GetFlag(FLAGS_membership_address);
  config::ExitIfError(config::RequireHostPort("membership_address", membership_address));
  const int64_t deadline_ms = absl::GetFlag(FLAGS_membership_deadline_ms);
  if (deadline_ms < 1 || deadline_ms > 60000) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--membership_deadline_ms (CERCLES_MEMBERSHIP_DEADLINE_MS) must be from 1 to 60000"));
  }

  server::ServerRunner runner(service_config->server);
  config::ExitIfError(runner.Init());
  auto db = storage::Database::Open(service_config->database_url);
  config::ExitIfError(db.status());

  auto channel = server::ChannelToService(service_config->server, membership_address,
                                          absl::GetFlag(FLAGS_membership_server_name));
  config::ExitIfError(channel.status());
  lending::MembershipClient membership(*channel, absl::Milliseconds(deadline_ms));

  service::ServiceRuntime runtime(**db, *runner.authorizer(), service_config->fund_id);
  lending::LendingContext context{runtime.context(), &membership};
  lending::LendingService service(context);
  lending::FinancingService financing(context);
  runner.AddService(&service, lending::v1::LendingService::service_full_name());
  runner.AddService(&financing, lending::v1::FinancingService::service_full_name());
  config::ExitIfError(runner.Start());
  absl::Status migrated = lending::MigrateLending(**db);
  if (migrated.ok()) migrated = lending::MigrateMembershipEvents(**db);
  if (!migrated.ok()) {
    log::Error("migration failed", {{"error", std::string(migrated.message())}});
    return EXIT_FAILURE;
  }
  // Membership's events keep lending's advisors, circles and loans' circles current.
  lending::MembershipEventApplier applier(service_config->fund_id, context.clock);
  auto subscriber =
      lending::NewMembershipSubscriber(*channel, db->get(), &applier, runner.metrics());
  subscriber->set_on_applied(
      [&](int64_t) { runtime.notifier().Notify(); });  // loan events to stream
  subscriber->Start();
  log::Info("ready", {{"database", (*db)->Describe()}, {"membership", membership_address}});
  runner.SetServing(true);
  runner.WaitForTermination([&] {
    runtime.Stop();
    subscriber->Stop();
  });
  runtime.LogStats();
  return EXIT_SUCCESS;
}
