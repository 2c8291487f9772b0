#include "services/membership/context.h"

#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/service/erasure.h"
#include "common/util/status.h"
#include "services/membership/meeting_service.h"
#include "services/membership/membership_service.h"
#include "services/membership/people_service.h"
#include "services/membership/privacy_service.h"
#include "services/membership/training_service.h"

std::vector<cercles::storage::Migration> MembershipMigrations();
std::vector<cercles::storage::Migration> PeopleMigrations();
std::vector<cercles::storage::Migration> MeetingMigrations();
std::vector<cercles::storage::Migration> PrivacyMigrations();
std::vector<cercles::storage::Migration> ReminderMigrations();

namespace cercles::membership {

absl::Status MigrateMembership(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(db.Migrate("outbox", events::OutboxMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("idempotency", {idempotency::IdempotencyMigration(1)}));
  CERCLES_RETURN_IF_ERROR(db.Migrate("membership_people", PeopleMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("membership", MembershipMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("membership_meetings", MeetingMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("membership_privacy", PrivacyMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("retention_purge", {service::PurgeJournalMigration(1)}));
  // Reminder emails: the cursor of lending's events and what was sent.
  CERCLES_RETURN_IF_ERROR(db.Migrate("event_cursors", {events::CursorMigration(1)}));
  CERCLES_RETURN_IF_ERROR(db.Migrate("membership_reminders", ReminderMigrations()));
  return absl::OkStatus();
}

absl::Status Emit(storage::Transaction& tx, const MembershipContext& context,
                  const std::string& subject, const google::protobuf::Message& event,
                  absl::Time now) {
  return events::AppendEvent(tx, context.fund_id, subject, event, now).status();
}

MembershipServices::MembershipServices(const MembershipContext& context)
    : circles_(std::make_unique<MembershipService>(context)),
      people_(std::make_unique<PeopleService>(context)),
      trainings_(std::make_unique<TrainingService>(context)),
      meetings_(std::make_unique<MeetingService>(context)),
      privacy_(std::make_unique<PrivacyService>(context)) {}

MembershipServices::~MembershipServices() = default;

void MembershipServices::RegisterWith(server::ServerRunner& runner) {
  runner.AddService(circles_.get(), v1::MembershipService::service_full_name());
  runner.AddService(people_.get(), v1::PeopleService::service_full_name());
  runner.AddService(trainings_.get(), v1::TrainingService::service_full_name());
  runner.AddService(meetings_.get(), v1::MeetingService::service_full_name());
  runner.AddService(privacy_.get(), v1::PrivacyService::service_full_name());
}

}  // namespace cercles::membership
