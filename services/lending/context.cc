#include "services/lending/context.h"

#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/service/erasure.h"
#include "common/util/status.h"

std::vector<cercles::storage::Migration> LendingMigrations();

namespace cercles::lending {

absl::Status MigrateLending(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(db.Migrate("outbox", events::OutboxMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("idempotency", {idempotency::IdempotencyMigration(1)}));
  CERCLES_RETURN_IF_ERROR(db.Migrate("lending", LendingMigrations()));
  return db.Migrate("retention_purge", {service::PurgeJournalMigration(1)});
}

}  // namespace cercles::lending
