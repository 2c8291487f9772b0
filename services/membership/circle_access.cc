#include "services/membership/circle_access.h"

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace cercles::membership {

absl::StatusOr<std::optional<int64_t>> AdvisorIdOf(storage::Transaction& tx,
                                                   const auth::Principal& who) {
  if (who.kind != auth::Principal::Kind::kStaff) return std::optional<int64_t>();
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id FROM advisors WHERE principal_name = ? AND active = 1", {who.name}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

absl::Status CheckCircleAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t circle_id, CircleAccess access) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query("SELECT advisor_id FROM circles WHERE id = ?", {circle_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("circle \"circles/", circle_id, "\" does not exist"));
  }
  if (who.role == cercles::common::v1::ROLE_ADMIN) return absl::OkStatus();
  if (who.role == cercles::common::v1::ROLE_SERVICE && access == CircleAccess::kRead) {
    return absl::OkStatus();
  }
  if (who.role == cercles::common::v1::ROLE_ADVISOR) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> advisor, AdvisorIdOf(tx, who));
    if (advisor.has_value() && !rows[0].IsNull(0) && rows[0].Int(0) == *advisor) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(absl::StrCat(
        who.ToString(), " is not the advisor of circles/", circle_id,
        ": an advisor manages only the circles assigned to them (an admin assigns them)"));
  }
  return absl::PermissionDeniedError(absl::StrCat(who.ToString(), " may not ",
                                                  access == CircleAccess::kRead ? "read" : "manage",
                                                  " circles/", circle_id));
}

}  // namespace cercles::membership
