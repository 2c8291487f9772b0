// cercles-membership: wiring only. The logic lives in membership_lib.
#include <memory>

#include "absl/flags/flag.h"
#include "common/config/config.h"
#include "common/server/server_flags.h"
#include "common/service/context.h"
#include "common/service/process.h"
#include "common/util/log.h"
#include "services/membership/context.h"
#include "services/membership/reminder_mailer.h"
#include "services/membership/smtp_sender.h"

ABSL_FLAG(bool, require_training, true,
          "A person joins a circle only after completing a training (false: the fund waives it)");
ABSL_FLAG(std::string, lending_address, "",
          "host:port of this fund's lending service, whose reminder events membership emails "
          "(with --smtp_url); empty: reminders are not followed, no email");
ABSL_FLAG(std::string, lending_server_name, "lending",
          "TLS name expected in lending's certificate");
ABSL_FLAG(std::string, smtp_url, "",
          "SMTP server of the reminder emails, smtp://host:port (STARTTLS when offered) or "
          "smtps://host:port, with user:password@ if it asks; empty: no email (lending still "
          "records the reminders and lists them)");
ABSL_FLAG(std::string, smtp_from, "", "Sender address of the reminder emails (with --smtp_url)");
ABSL_FLAG(int64_t, reminder_email_retry_ms, 60000,
          "Milliseconds between two rounds of sending the reminder emails not yet sent (those "
          "the SMTP server refused are sent again); 100 to 3600000");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  service::ServiceProcess process(argc, argv, "membership",
                                  "cercles-membership: people, trainings and circles of one fund",
                                  membership::MigrateMembership);
  const std::string smtp_url = absl::GetFlag(FLAGS_smtp_url);
  const std::string lending_address = absl::GetFlag(FLAGS_lending_address);
  const int64_t retry_ms = absl::GetFlag(FLAGS_reminder_email_retry_ms);
  std::unique_ptr<membership::SmtpSender> sender;
  if (!smtp_url.empty() && !lending_address.empty()) {
    config::ExitIfError(config::RequireHostPort("lending_address", lending_address));
    if (retry_ms < 100 || retry_ms > 3'600'000) {
      config::ExitIfError(absl::InvalidArgumentError(
          "--reminder_email_retry_ms (CERCLES_REMINDER_EMAIL_RETRY_MS) must be from 100 to "
          "3600000"));
    }
    auto created =
        membership::SmtpSender::Create(smtp_url, absl::GetFlag(FLAGS_smtp_from), absl::Seconds(30));
    config::ExitIfError(created.status());
    sender = *std::move(created);
  }
  service::ServiceRuntime runtime(process.db(), process.runner(), process.fund_id());
  membership::MembershipContext context{runtime.context(), {}};
  context.settings.require_training = absl::GetFlag(FLAGS_require_training);
  membership::MembershipServices services(context);
  services.RegisterWith(process.runner());
  // Reminder emails: lending's reminder events, followed only when email is on.
  std::unique_ptr<membership::ReminderMailer> mailer;
  std::unique_ptr<events::EventSubscriber> lending_events;
  if (sender != nullptr) {
    auto channel = server::ChannelToService(process.config().server, lending_address,
                                            absl::GetFlag(FLAGS_lending_server_name),
                                            process.runner().metrics());
    config::ExitIfError(channel.status());
    mailer = std::make_unique<membership::ReminderMailer>(
        &process.db(), process.fund_id(), context.clock, sender.get(), process.runner().metrics());
    lending_events = membership::NewLendingSubscriber(*channel, &process.db(), mailer.get(),
                                                      process.runner().metrics());
  }
  const int exit_code = process.Run(
      [&]() -> absl::Status {
        if (lending_events != nullptr) {
          lending_events->Start();
          mailer->Start(absl::Milliseconds(retry_ms));
        }
        log::Info("ready", {{"database", process.db().Describe()},
                            {"fund_id", process.fund_id()},
                            {"reminder_emails", sender != nullptr ? "on" : "off"}});
        if (sender == nullptr && !smtp_url.empty()) {
          log::Warning("--smtp_url is set but --lending_address is not: no reminder email", {});
        }
        return absl::OkStatus();
      },
      [&] {
        if (mailer != nullptr) mailer->Stop();
        runtime.Stop();
        if (lending_events != nullptr) lending_events->Stop();
      });
  runtime.LogStats();
  return exit_code;
}
