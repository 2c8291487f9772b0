// SQL of the fund settings (table fund_settings: one row "settings", the API
// message as JSON). Every function runs inside the caller's transaction.
#ifndef CERCLES_SERVICES_LENDING_SETTINGS_STORE_H_
#define CERCLES_SERVICES_LENDING_SETTINGS_STORE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage/database.h"
#include "services/lending/fund_settings.h"

namespace cercles::lending {

// Settings in force (fund_settings table; defaults when never changed).
absl::StatusOr<FundSettings> LoadSettings(storage::Transaction& tx);

// Stores the settings.
absl::Status SaveSettings(storage::Transaction& tx, const FundSettings& settings, absl::Time now);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_SETTINGS_STORE_H_
