// cercles-lending: wiring only. The logic lives in lending_lib.
#include "absl/flags/flag.h"
#include "common/config/config.h"
#include "common/server/server_flags.h"
#include "common/service/context.h"
#include "common/service/erasure.h"
#include "common/service/process.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/lending/context.h"
#include "services/lending/lending_service.h"
#include "services/lending/membership_client.h"
#include "services/lending/membership_events.h"
#include "services/lending/person_erasure.h"
#include "services/lending/portfolio_gauges.h"
#include "services/lending/reminder_job.h"

ABSL_FLAG(std::string, membership_address, "", "host:port of this fund's membership service");
ABSL_FLAG(std::string, membership_server_name, "membership",
          "TLS name expected in membership's certificate");
ABSL_FLAG(int64_t, membership_deadline_ms, 1000, "Deadline of each call to membership");
ABSL_FLAG(int64_t, portfolio_metrics_interval_s, 60,
          "Seconds between two computations of the portfolio gauges (cercles_portfolio_*, "
          "the dashboard's loans at risk); 0 turns them off");
ABSL_FLAG(int64_t, reminders_interval_s, 3600,
          "Seconds between two runs of the reminders job (the reminders of instalments due "
          "today, each recorded and announced once); 0 turns the job off (RunReminders still "
          "runs it on demand)");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  service::ServiceProcess process(argc, argv, "lending",
                                  "cercles-lending: loans, guarantees and the journal",
                                  [](storage::Database& db) -> absl::Status {
                                    CERCLES_RETURN_IF_ERROR(lending::MigrateLending(db));
                                    return lending::MigrateMembershipEvents(db);
                                  });
  const std::string membership_address = absl::GetFlag(FLAGS_membership_address);
  config::ExitIfError(config::RequireHostPort("membership_address", membership_address));
  const int64_t deadline_ms = absl::GetFlag(FLAGS_membership_deadline_ms);
  if (deadline_ms < 1 || deadline_ms > 60000) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--membership_deadline_ms (CERCLES_MEMBERSHIP_DEADLINE_MS) must be from 1 to 60000"));
  }
  auto channel = server::ChannelToService(process.config().server, membership_address,
                                          absl::GetFlag(FLAGS_membership_server_name),
                                          process.runner().metrics());
  config::ExitIfError(channel.status());
  lending::MembershipClient membership(*channel, absl::Milliseconds(deadline_ms));
  const int64_t portfolio_interval_s = absl::GetFlag(FLAGS_portfolio_metrics_interval_s);
  if (portfolio_interval_s < 0 || portfolio_interval_s > 86400) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--portfolio_metrics_interval_s (CERCLES_PORTFOLIO_METRICS_INTERVAL_S) must be from 0 to "
        "86400"));
  }

  const int64_t reminders_interval_s = absl::GetFlag(FLAGS_reminders_interval_s);
  if (reminders_interval_s < 0 || reminders_interval_s > 86400) {
    config::ExitIfError(absl::InvalidArgumentError(
        "--reminders_interval_s (CERCLES_REMINDERS_INTERVAL_S) must be from 0 to 86400"));
  }

  service::ServiceRuntime runtime(process.db(), process.runner(), process.fund_id());
  lending::LendingContext context{runtime.context(), &membership};
  lending::LendingService service(context);
  lending::FinancingService financing(context);
  process.runner().AddService(&service, lending::v1::LendingService::service_full_name());
  process.runner().AddService(&financing, lending::v1::FinancingService::service_full_name());
  // Membership's events keep lending's advisors, circles and loans' circles current.
  lending::MembershipEventApplier applier(process.fund_id(), context.clock);
  auto subscriber = lending::NewMembershipSubscriber(*channel, &process.db(), &applier,
                                                     process.runner().metrics());
  int64_t erasures_reclaimed = 0;  // on the subscriber's thread only
  subscriber->set_on_applied([&](int64_t) {
    runtime.notifier().Notify();  // loan events to stream
    if (applier.erasures_applied() == erasures_reclaimed) return;
    erasures_reclaimed = applier.erasures_applied();
    service::ReclaimAfterErasure(process.db(), lending::PersonErasureTables());
  });
  lending::PortfolioGauges portfolio(&process.db(), context.clock, process.runner().metrics());
  lending::ReminderJob reminders(context, process.runner().metrics());
  const int exit_code = process.Run(
      [&]() -> absl::Status {
        subscriber->Start();
        if (portfolio_interval_s > 0) portfolio.Start(absl::Seconds(portfolio_interval_s));
        if (reminders_interval_s > 0) reminders.Start(absl::Seconds(reminders_interval_s));
        log::Info("ready",
                  {{"database", process.db().Describe()}, {"membership", membership_address}});
        return absl::OkStatus();
      },
      [&] {
        portfolio.Stop();
        reminders.Stop();
        runtime.Stop();
        subscriber->Stop();
      });
  runtime.LogStats();
  return exit_code;
}
