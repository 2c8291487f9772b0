#include "services/membership/context.h"

#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/util/status.h"
#include "services/membership/membership_service.h"

std::vector<cercles::storage::Migration> MembershipMigrations();

namespace cercles::membership {

absl::Status MigrateMembership(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(db.Migrate("outbox", {events::OutboxMigration(1)}));
  CERCLES_RETURN_IF_ERROR(db.Migrate("idempotency", {idempotency::IdempotencyMigration(1)}));
  return db.Migrate("membership", MembershipMigrations());
}

MembershipServices::MembershipServices(const MembershipContext& context)
    : circles_(std::make_unique<MembershipService>(context.db, context.authorizer, context.notifier,
                                                   context.clock, context.fund_id,
                                                   context.stopping)) {}

MembershipServices::~MembershipServices() = default;

void MembershipServices::RegisterWith(server::ServerRunner& runner) {
  runner.AddService(circles_.get(), v1::MembershipService::service_full_name());
}

}  // namespace cercles::membership
