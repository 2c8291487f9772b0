// Membership's side of the one scope rule (common/auth/scope.h): which circles
// an advisor has is read from membership's own tables (circles.advisor_id of the
// advisor record bound to their staff token, advisors.principal_name). Every
// circle-, member-, meeting- and person-scoped RPC of membership asks here.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/auth/scope.h"
#include "common/storage/database.h"

namespace cercles::membership {

using CircleAccess = auth::CircleAccess;

// The circles `who` may read or manage (auth::CircleScopeOf with membership's
// lookup: an advisor without an advisor record has no circle).
absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who, CircleAccess access);

// NOT_FOUND when the circle does not exist; PERMISSION_DENIED (naming the circle
// and the rule) when the principal may not act on it.
absl::Status CheckCircleAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t circle_id, CircleAccess access);

// CheckCircleAccess for a circle the caller has just read (so known to exist):
// PERMISSION_DENIED as there, without reading the circle again.
absl::Status CheckCircleInScope(storage::Transaction& tx, const auth::Principal& who,
                                int64_t circle_id, CircleAccess access);

// PERMISSION_DENIED when `who` may not see (or change) person `person_id`: a
// member of a circle outside their scope. A person who does not exist passes
// (the caller answers NOT_FOUND as before).
absl::Status CheckPersonAccess(storage::Transaction& tx, const auth::Principal& who,
                               int64_t person_id, CircleAccess access);

// Where the person is: their current circle (a stay not ended in a circle that
// still holds its members: not dissolved, not merged) and whether an advisor
// holds it.
absl::StatusOr<auth::PersonPlace> PlaceOf(storage::Transaction& tx, int64_t person_id);

// For lists of people: nullopt when the scope sees every person, otherwise the
// circles whose members it sees (people in no circle are seen too).
std::optional<std::vector<int64_t>> VisibleCirclesOf(const auth::CircleScope& scope);

// The SQL condition "the person whose id is in `person_id_column` is in no
// circle, in a circle no advisor holds, or in one of `circles`" (PersonInScope),
// appending its parameters to `params`.
std::string PersonVisibleCondition(const std::string& person_id_column,
                                   const std::vector<int64_t>& circles,
                                   std::vector<storage::Value>* params);

// The advisor record of a staff principal, if any.
absl::StatusOr<std::optional<int64_t>> AdvisorIdOf(storage::Transaction& tx,
                                                   const auth::Principal& who);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_ACCESS_H_
