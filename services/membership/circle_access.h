// Who may read or manage a circle: admins every circle; an advisor the circles
// assigned to them (advisors.principal_name is the name of their staff token);
// services may read. The one place this rule lives for every circle-scoped RPC
// (circles, members, meetings).
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/storage/database.h"

namespace cercles::membership {

enum class CircleAccess { kRead, kManage };

// NOT_FOUND when the circle does not exist; PERMISSION_DENIED (naming the circle
// and the rule) when the principal may not act on it.
absl::Status CheckCircleAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t circle_id, CircleAccess access);

// The advisor record of a staff principal, if any.
absl::StatusOr<std::optional<int64_t>> AdvisorIdOf(storage::Transaction& tx,
                                                   const auth::Principal& who);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_
