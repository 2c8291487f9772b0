// SQL of the lending service. Its schema grows with the loan lifecycle; today it
// holds the outbox, idempotency keys and fund settings.
#ifndef CERCLES_SERVICES_LENDING_LENDING_STORE_H_
#define CERCLES_SERVICES_LENDING_LENDING_STORE_H_

#include "absl/status/status.h"
#include "common/storage/database.h"

namespace cercles::lending {

absl::Status MigrateLending(storage::Database& db);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LENDING_STORE_H_
