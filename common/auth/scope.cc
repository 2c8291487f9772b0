#include "common/auth/scope.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"

namespace cercles::auth {
namespace {

constexpr absl::string_view kCirclePrefix = "circles/";

// PERMISSION_DENIED_SCOPE on `resource` (a circle's or a person's name).
absl::Status ScopeDenied(std::string message, std::string resource) {
  return api::WithErrorInfo(absl::PermissionDeniedError(message),
                            api::reason::kPermissionDeniedScope,
                            {{"resource", std::move(resource)}});
}

}  // namespace

CircleScope CircleScope::All() { return CircleScope(Kind::kAll); }

CircleScope CircleScope::Nothing() { return CircleScope(Kind::kNothing); }

CircleScope CircleScope::Only(std::vector<int64_t> circle_ids) {
  CircleScope scope(Kind::kCircles);
  std::sort(circle_ids.begin(), circle_ids.end());
  circle_ids.erase(std::unique(circle_ids.begin(), circle_ids.end()), circle_ids.end());
  scope.circle_ids_ = std::move(circle_ids);
  return scope;
}

bool CircleScope::Contains(int64_t circle_id) const {
  switch (kind_) {
    case Kind::kAll:
      return true;
    case Kind::kNothing:
      return false;
    case Kind::kCircles:
      return std::binary_search(circle_ids_.begin(), circle_ids_.end(), circle_id);
  }
  return false;
}

bool CircleScope::ContainsName(absl::string_view circle_name) const {
  std::optional<int64_t> id = CircleIdOfName(circle_name);
  return id.has_value() && Contains(*id);
}

std::vector<std::string> CircleScope::CircleNames() const {
  std::vector<std::string> names;
  names.reserve(circle_ids_.size());
  for (int64_t id : circle_ids_) names.push_back(absl::StrCat(kCirclePrefix, id));
  return names;
}

absl::StatusOr<CircleScope> CircleScopeOf(const Principal& who, CircleAccess access,
                                          const AssignedCircles& assigned_circles) {
  if (who.kind == Principal::Kind::kAnonymous) return CircleScope::Nothing();
  switch (who.role) {
    case cercles::common::v1::ROLE_ADMIN:
      return CircleScope::All();
    case cercles::common::v1::ROLE_ADVISOR: {
      absl::StatusOr<std::vector<int64_t>> ids = assigned_circles(who);
      if (!ids.ok()) return ids.status();
      return CircleScope::Only(*std::move(ids));
    }
    case cercles::common::v1::ROLE_SERVICE:
      return access == CircleAccess::kRead ? CircleScope::All() : CircleScope::Nothing();
    default:  // peer funds, and any role added later until it is decided here
      return CircleScope::Nothing();
  }
}

absl::Status CheckCircleInScope(const CircleScope& scope, const Principal& who, int64_t circle_id,
                                CircleAccess access) {
  if (scope.Contains(circle_id)) return absl::OkStatus();
  if (who.role == cercles::common::v1::ROLE_ADVISOR) {
    return ScopeDenied(
        absl::StrCat(who.ToString(), " is not the advisor of ", kCirclePrefix, circle_id,
                     ": an advisor sees and acts only on the circles assigned to them (an "
                     "admin assigns them)"),
        absl::StrCat(kCirclePrefix, circle_id));
  }
  return ScopeDenied(
      absl::StrCat(who.ToString(), " may not ", access == CircleAccess::kRead ? "read" : "manage",
                   " ", kCirclePrefix, circle_id),
      absl::StrCat(kCirclePrefix, circle_id));
}

bool PersonInScope(const CircleScope& scope, const PersonPlace& place) {
  if (scope.nothing()) return false;
  return !place.circle.has_value() || !place.circle_has_advisor || scope.Contains(*place.circle);
}

absl::Status CheckPersonInScope(const CircleScope& scope, const Principal& who,
                                const std::string& person_name, const PersonPlace& place) {
  if (PersonInScope(scope, place)) return absl::OkStatus();
  if (!place.circle.has_value()) {
    return ScopeDenied(absl::StrCat(who.ToString(), " may not see ", person_name), person_name);
  }
  return ScopeDenied(absl::StrCat(who.ToString(), " may not see ", person_name, ": a member of ",
                                  kCirclePrefix, *place.circle,
                                  ", which is not assigned to them (an advisor sees the members of "
                                  "their circles and the people in no circle)"),
                     person_name);
}

std::optional<int64_t> CircleIdOfName(absl::string_view circle_name) {
  int64_t id = 0;
  if (circle_name.size() > 40 || !absl::StartsWith(circle_name, kCirclePrefix) ||
      !absl::SimpleAtoi(circle_name.substr(kCirclePrefix.size()), &id) || id <= 0 ||
      circle_name != absl::StrCat(kCirclePrefix, id)) {
    return std::nullopt;
  }
  return id;
}

}  // namespace cercles::auth
