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
// trained and placed). What belongs to no circle and is not a person's (capital
// contributions, fund-wide totals) is for admins (and services) only in a list,
// and an advisor's unfiltered list holds only rows of their circles.
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

// May a principal with this scope see a person whose current circle is
// `current_circle` (nullopt: in no circle)? A person in no circle is seen by
// every scope but Nothing(); a member, by the scopes that hold their circle.
bool PersonInScope(const CircleScope& scope, std::optional<int64_t> current_circle);

// PERMISSION_DENIED naming the person and their circle unless PersonInScope.
absl::Status CheckPersonInScope(const CircleScope& scope, const Principal& who,
                                const std::string& person_name,
                                std::optional<int64_t> current_circle);

// "circles/{id}" → id, nullopt for anything else.
std::optional<int64_t> CircleIdOfName(absl::string_view circle_name);

}  // namespace cercles::auth

#endif  // CERCLES_COMMON_AUTH_SCOPE_H_
