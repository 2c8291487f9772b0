// Membership emails lending's reminders (issue 12, item 7) to the borrowers who
// consented (Consents.reminders_by_email) and have an email address:
//
//   lending's outbox ── WatchEvents ──> EventSubscriber (durable cursor)
//     Apply: a ReminderProduced for a consenting borrower with an email
//            -> reminder_emails row, state SENDING, Message-ID from its key
//               (UNIQUE (loan, instalment, stage): recorded once)
//   ReminderMailer::SendPending (every --reminder_email_retry_ms, on its own
//   thread, never in the subscriber's transaction):
//     each SENDING row -> the email in the person's language -> SMTP -> SENT
//
// A crash between the SMTP server's "250 OK" and the row's SENT leaves it
// SENDING: it is sent again with the same Message-ID, so a borrower gets at most
// one duplicate, recognisable by its Message-ID. An SMTP failure leaves the row
// SENDING for the next round (never lost), is counted
// (cercles_reminder_emails_failures_total) and logged without personal data,
// and never holds up the subscriber: the events of lending go on being applied.
// Replicas share the rows: each claims a row (a lease) before sending it.
#ifndef CERCLES_SERVICES_MEMBERSHIP_REMINDER_MAILER_H_
#define CERCLES_SERVICES_MEMBERSHIP_REMINDER_MAILER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "common/events/watch.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/periodic.h"
#include "services/membership/smtp_sender.h"

namespace cercles::membership {

class ReminderMailer {
 public:
  // `sender` must outlive the mailer.
  ReminderMailer(storage::Database* db, std::string fund_id, const Clock* clock,
                 const SmtpSender* sender, observability::Registry* metrics);

  // Applies one lending event in the subscriber's transaction: a
  // ReminderProduced whose borrower consents and has an email is recorded
  // SENDING (once per key); any other event changes nothing.
  absl::Status Apply(storage::Transaction& tx, const cercles::common::v1::Event& event) const;

  // Sends the SENDING rows, oldest first, until one fails (the server is
  // likely down: the rest wait for the next round). How many it sent.
  absl::StatusOr<int> SendPending();

  // SendPending at once, then every `every`, until Stop.
  void Start(absl::Duration every);
  void Stop() { periodic_.Stop(); }

 private:
  storage::Database* db_;
  std::string fund_id_;
  const Clock* clock_;
  const SmtpSender* sender_;
  observability::Counter* sent_;
  observability::Counter* failures_;
  util::Periodic periodic_;
};

// A subscriber to lending's WatchEvents over `channel`, applying with `mailer`
// (which must outlive it). Start() it after the migrations.
std::unique_ptr<events::EventSubscriber> NewLendingSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db, const ReminderMailer* mailer,
    observability::Registry* metrics);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_REMINDER_MAILER_H_
