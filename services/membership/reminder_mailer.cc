#include "services/membership/reminder_mailer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/membership/people_store.h"
#include "services/membership/reminder_email.h"

namespace cercles::membership {
namespace {

namespace lv1 = cercles::lending::v1;

constexpr int kBatch = 100;  // rows one round sends at most
// How long a replica holds a row it is sending: longer than an SMTP attempt
// (30 s), so two replicas never send one row at once; after a crash it lapses
// and the row is sent again (same Message-ID).
constexpr absl::Duration kLease = absl::Minutes(5);

// The reminder a row stands for (what the email says of it).
lv1::Reminder ReminderOf(const storage::Row& row) {
  lv1::Reminder r;
  r.set_loan(row.Text(1));
  r.set_instalment_number(static_cast<int32_t>(row.Int(2)));
  r.set_stage(row.Text(3) == "UPCOMING" ? lv1::REMINDER_STAGE_UPCOMING
                                        : lv1::REMINDER_STAGE_OVERDUE);
  r.set_days_late(static_cast<int32_t>(row.Int(5)));
  std::optional<cercles::common::v1::Date> due = api::ParseDate(row.Text(6));
  if (due.has_value()) *r.mutable_due_date() = *due;
  r.mutable_amount_due()->set_minor_units(row.Int(7));
  return r;
}

}  // namespace

ReminderMailer::ReminderMailer(storage::Database* db, std::string fund_id, const Clock* clock,
                               const SmtpSender* sender, observability::Registry* metrics)
    : db_(db), fund_id_(std::move(fund_id)), clock_(clock), sender_(sender) {
  sent_ = metrics->GetCounter("cercles_reminder_emails_sent_total",
                              "Reminder emails the SMTP server accepted");
  failures_ = metrics->GetCounter(
      "cercles_reminder_emails_failures_total",
      "Reminder emails the SMTP server did not accept (kept, sent again on the next round)");
}

absl::Status ReminderMailer::Apply(storage::Transaction& tx,
                                   const cercles::common::v1::Event& event) const {
  if (event.type() != "cercles.lending.v1.ReminderProduced") return absl::OkStatus();
  lv1::ReminderProduced produced;
  if (!event.payload().UnpackTo(&produced)) {
    return absl::DataLossError(absl::StrCat("event ", event.sequence(), ": unreadable payload"));
  }
  const lv1::Reminder& r = produced.reminder();
  absl::StatusOr<int64_t> person_id = api::ParseName(r.borrower(), "people", "borrower");
  if (!person_id.ok()) return absl::OkStatus();  // not one of ours to email
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, PeopleStore().Get(tx, *person_id));
  if (!person.has_value() || !person->consents().reminders_by_email() ||
      person->contact().email().empty()) {
    return absl::OkStatus();  // no consent, or nowhere to send it
  }
  return tx
      .Exec(
          "INSERT INTO reminder_emails (loan, instalment, stage, person_id, days_late, due_date, "
          "amount_minor_units, message_id, state, create_time_us) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENDING', ?) "
          "ON CONFLICT (loan, instalment, stage) DO NOTHING",
          {r.loan(), static_cast<int64_t>(r.instalment_number()), ReminderStageKey(r), *person_id,
           static_cast<int64_t>(r.days_late()), api::FormatDate(r.due_date()),
           r.amount_due().minor_units(), ReminderMessageId(fund_id_, r), ToMicros(clock_->Now())})
      .status();
}

absl::StatusOr<int> ReminderMailer::SendPending() {
  storage::Rows rows;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      *db_, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(
            rows, tx.Query(absl::StrCat("SELECT id, loan, instalment, stage, person_id, days_late, "
                                        "due_date, amount_minor_units, message_id FROM "
                                        "reminder_emails WHERE state = 'SENDING' ORDER BY id "
                                        "LIMIT ",
                                        kBatch)));
        return absl::OkStatus();
      }));
  int sent = 0;
  for (const storage::Row& row : rows) {
    const int64_t id = row.Int(0);
    int64_t claimed = 0;
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        *db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
          const int64_t now_us = ToMicros(clock_->Now());
          CERCLES_ASSIGN_OR_RETURN(
              claimed, tx.Exec("UPDATE reminder_emails SET lease_until_us = ? WHERE id = ? AND "
                               "state = 'SENDING' AND lease_until_us < ?",
                               {ToMicros(clock_->Now() + kLease), id, now_us}));
          return absl::OkStatus();
        }));
    if (claimed != 1) continue;  // another replica is sending it, or sent it
    std::optional<v1::Person> person;
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        *db_, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
          CERCLES_ASSIGN_OR_RETURN(person, PeopleStore().Get(tx, row.Int(4)));
          return absl::OkStatus();
        }));
    std::string state = "SENT";
    if (!person.has_value() || !person->consents().reminders_by_email() ||
        person->contact().email().empty()) {
      state = "SKIPPED";  // withdrawn since: nothing is sent
    } else {
      const lv1::Reminder reminder = ReminderOf(row);
      const std::string message =
          ReminderMessage(ReminderEmailText(reminder, *person), sender_->from(),
                          person->contact().email(), row.Text(8), clock_->Now());
      const absl::Status status = sender_->Send(person->contact().email(), message);
      if (!status.ok()) {
        failures_->Increment();
        CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
            *db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
              return tx
                  .Exec(
                      "UPDATE reminder_emails SET attempts = attempts + 1, lease_until_us = 0 "
                      "WHERE id = ?",
                      {id})
                  .status();
            }));
        // The reminder's row id and the SMTP step only: no address, no name.
        log::Warning(
            "cannot send a reminder email; it is kept and sent again later",
            {{"reminder_email", absl::StrCat(id)}, {"error", std::string(status.message())}});
        return sent;
      }
      sent_->Increment();
      ++sent;
    }
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        *db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
          return tx
              .Exec(
                  "UPDATE reminder_emails SET state = ?, attempts = attempts + 1, "
                  "sent_time_us = ? WHERE id = ?",
                  {state, ToMicros(clock_->Now()), id})
              .status();
        }));
  }
  return sent;
}

void ReminderMailer::Start(absl::Duration every) {
  periodic_.Start(
      every,
      [this] {
        absl::StatusOr<int> sent = SendPending();
        if (!sent.ok()) {
          log::Warning("cannot read or mark the reminder emails",
                       {{"error", std::string(sent.status().message())}});
        }
      },
      util::Periodic::First::kAtOnce);
}

std::unique_ptr<events::EventSubscriber> NewLendingSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db, const ReminderMailer* mailer,
    observability::Registry* metrics) {
  std::shared_ptr<lv1::LendingService::Stub> stub =
      lv1::LendingService::NewStub(std::move(channel));
  return std::make_unique<events::EventSubscriber>(
      "lending", db,
      [stub](grpc::ClientContext* context, int64_t after) -> std::unique_ptr<events::EventStream> {
        lv1::WatchEventsRequest request;
        request.set_after_sequence(after);
        using Reader = grpc::ClientReader<lv1::WatchEventsResponse>;
        return std::make_unique<events::ReaderEventStream<Reader, lv1::WatchEventsResponse>>(
            stub->WatchEvents(context, request));
      },
      [mailer](storage::Transaction& tx, const cercles::common::v1::Event& event) {
        return mailer->Apply(tx, event);
      },
      metrics);
}

}  // namespace cercles::membership
