#include "services/membership/circle_access.h"

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"
#include "services/membership/circle_store.h"

namespace cercles::membership {
namespace {

// The circles assigned to the advisor record bound to the principal's token
// (none without one; see AdvisorIdOf), in one statement.
absl::StatusOr<std::vector<int64_t>> AssignedCircles(storage::Transaction& tx,
                                                     const auth::Principal& who) {
  if (who.kind != auth::Principal::Kind::kStaff) return std::vector<int64_t>();
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT c.id FROM advisors a JOIN circles c ON c.advisor_id = a.id "
               "WHERE a.principal_name = ? AND a.active = 1 ORDER BY c.id",
               {who.name}));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const storage::Row& row : rows) ids.push_back(row.Int(0));
  return ids;
}

}  // namespace

absl::StatusOr<std::optional<int64_t>> AdvisorIdOf(storage::Transaction& tx,
                                                   const auth::Principal& who) {
  if (who.kind != auth::Principal::Kind::kStaff) return std::optional<int64_t>();
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id FROM advisors WHERE principal_name = ? AND active = 1", {who.name}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who, CircleAccess access) {
  return auth::CircleScopeOf(
      who, access, [&tx](const auth::Principal& advisor) { return AssignedCircles(tx, advisor); });
}

absl::Status CheckCircleAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t circle_id, CircleAccess access) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query("SELECT 1 FROM circles WHERE id = ?", {circle_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("circle \"circles/", circle_id, "\" does not exist"));
  }
  return CheckCircleInScope(tx, who, circle_id, access);
}

absl::Status CheckCircleInScope(storage::Transaction& tx, const auth::Principal& who,
                                int64_t circle_id, CircleAccess access) {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who, access));
  return auth::CheckCircleInScope(scope, who, circle_id, access);
}

absl::StatusOr<auth::PersonPlace> PlaceOf(storage::Transaction& tx, int64_t person_id) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<HeldCircle> held,
                           CircleStore::HoldingCircleOf(tx, person_id));
  auth::PersonPlace place;
  if (!held.has_value()) return place;
  place.circle = held->circle_id;
  place.circle_has_advisor = held->advisor_id.has_value();
  return place;
}

absl::Status CheckPersonAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t person_id, CircleAccess access) {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who, access));
  if (scope.all()) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(auth::PersonPlace place, PlaceOf(tx, person_id));
  return auth::CheckPersonInScope(scope, who, PersonName(person_id), place);
}

std::optional<std::vector<int64_t>> VisibleCirclesOf(const auth::CircleScope& scope) {
  if (scope.all()) return std::nullopt;
  return scope.circle_ids();
}

std::string PersonVisibleCondition(const std::string& person_id_column,
                                   const std::vector<int64_t>& circles,
                                   std::vector<storage::Value>* params) {
  // A person is in at most one circle: visible when no current stay in a circle
  // an advisor holds lies outside the given circles.
  std::string sql = absl::StrCat(
      "NOT EXISTS (SELECT 1 FROM circle_members vm JOIN circles vc ON vc.id = vm.circle_id "
      "WHERE vm.person_id = ",
      person_id_column,
      " AND vm.leave_time_us IS NULL AND vc.status NOT IN (?, ?) AND vc.advisor_id IS NOT NULL");
  params->emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_DISSOLVED));
  params->emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_MERGED));
  if (!circles.empty()) {
    absl::StrAppend(&sql, " AND vm.circle_id NOT IN (", storage::Placeholders(circles.size()), ")");
    params->insert(params->end(), circles.begin(), circles.end());
  }
  sql += ")";
  return sql;
}

}  // namespace cercles::membership
