// Which circles may this principal see? The one rule, for every service:
//
//   admin          every circle;
//   advisor        the circles assigned to them (the service supplies the
//                  lookup: membership from its own tables, lending from its
//                  projection of membership's events);
//   service        every circle to read (the sibling services of this
//                  deployment), none to manage;
//   peer fund      none of the fund's scoped data (peers read only what the
//                  federation API publishes);
//   anonymous      none.
//
// Whatever belongs to a circle follows it: its members, meetings, loans and
// their repayments and journal lines. A person is seen through their current
// circle, and by every staff member while they are in no circle (to be enrolled,
// trained and placed) or in a circle no advisor holds yet. An advisor's
// unfiltered list holds only rows of their circles (and of such people); what
// belongs to no circle and no person (fund settings, capital contributions, the
// trial balance's totals) is the fund's, read by all its staff.
#ifndef CERCLES_COMMON_AUTH_SCOPE_H_
#define CERCLES_COMMON_AUTH_SCOPE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/auth.h"

namespace cercles::auth {

// Reading may be wider than changing (services read every circle, change none).
enum class CircleAccess { kRead, kManage };

// All circles, these circles (by id; possibly none of them, as for an advisor
// not yet assigned any), or nothing scoped at all (peers, anonymous, services
// asking to change).
class CircleScope {
 public:
  static CircleScope All();
  static CircleScope Nothing();
  static CircleScope Only(std::vector<int64_t> circle_ids);  // sorted and deduplicated here

  bool all() const { return kind_ == Kind::kAll; }
  // Neither a circle nor a person in no circle.
  bool nothing() const { return kind_ == Kind::kNothing; }
  bool Contains(int64_t circle_id) const;
  // "circles/{id}"; false for anything else.
  bool ContainsName(absl::string_view circle_name) const;
  // Sorted, unique; empty when all() (ask all() first).
  const std::vector<int64_t>& circle_ids() const { return circle_ids_; }
  // "circles/{id}" of circle_ids(), same order.
  std::vector<std::string> CircleNames() const;

 private:
  enum class Kind { kAll, kCircles, kNothing };
  explicit CircleScope(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::vector<int64_t> circle_ids_;
};

// The ids of the circles assigned to the advisor `who` as the calling service
// knows them. Asked only for advisors. An error (e.g. PERMISSION_DENIED when the
// service knows no advisor of that principal) is returned as is.
using AssignedCircles = std::function<absl::StatusOr<std::vector<int64_t>>(const Principal& who)>;

// The rule above.
absl::StatusOr<CircleScope> CircleScopeOf(const Principal& who, CircleAccess access,
                                          const AssignedCircles& assigned_circles);

// OK when the scope holds circle `circle_id`; otherwise PERMISSION_DENIED naming
// the principal, the circle and the rule (for an advisor: "staff:dora is not the
// advisor of circles/7: ...").
absl::Status CheckCircleInScope(const CircleScope& scope, const Principal& who, int64_t circle_id,
                                CircleAccess access);

// Where a person is, as far as who may see them: in no circle, or in a circle
// (which may have no advisor assigned yet).
struct PersonPlace {
  std::optional<int64_t> circle;  // nullopt: in no circle
  bool circle_has_advisor = true;
};

// May a principal with this scope see a person at `place`? A person in no
// circle, or in a circle no advisor holds yet, is seen by every scope but
// Nothing() (the fund's staff enrol, train, place and follow them); a member
// of an assigned circle, by the scopes that hold their circle.
bool PersonInScope(const CircleScope& scope, const PersonPlace& place);

// PERMISSION_DENIED naming the person and their circle unless PersonInScope.
absl::Status CheckPersonInScope(const CircleScope& scope, const Principal& who,
                                const std::string& person_name, const PersonPlace& place);

// "circles/{id}" → id, nullopt for anything else.
std::optional<int64_t> CircleIdOfName(absl::string_view circle_name);

}  // namespace cercles::auth

#endif  // CERCLES_COMMON_AUTH_SCOPE_H_
