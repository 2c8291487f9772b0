// The membership domain's rules about circles: pure functions over the protobuf
// messages, no gRPC and no SQL, so they are tested alone.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.pb.h"

namespace cercles::membership {

using cercles::membership::v1::Characteristic;
using cercles::membership::v1::Circle;

inline constexpr int kMinCircleMembers = 4;  // the seed: circles of 4 to 7
inline constexpr int kMaxCircleMembers = 7;
inline constexpr int kMaxCharacteristics = 16;
inline constexpr size_t kMaxDisplayNameLength = 120;
inline constexpr size_t kMaxCharacteristicValueLength = 64;

// "circles/42" (parsed by api::ParseName, as every name is).
std::string CircleName(int64_t id);

// Checks a characteristic and returns it normalised (value trimmed; custom kind
// lower-cased). `field` is e.g. "circle.characteristics[2]".
absl::StatusOr<Characteristic> NormaliseCharacteristic(const Characteristic& c,
                                                       const std::string& field);

// Checks what a client may set when creating a circle and returns the draft to
// store: trimmed display name, normalised characteristics, status FORMING, no
// members. Output-only fields sent by the client are ignored, as AIP-203 says.
absl::StatusOr<Circle> DraftNewCircle(const Circle& requested);

// Checks a characteristics filter (as in ListCirclesRequest.characteristics).
absl::StatusOr<std::vector<Characteristic>> NormaliseFilter(
    const google::protobuf::RepeatedPtrField<Characteristic>& filter, const std::string& field);

using cercles::membership::v1::Advisor;
using cercles::membership::v1::CircleStatus;

// "people/7", "advisors/3".
std::string PersonName(int64_t id);
std::string AdvisorName(int64_t id);

// A reason (for joining, leaving, suspending...): 1 to 500 characters.
absl::StatusOr<std::string> NormaliseReason(const std::string& reason, const std::string& field);

// Whether a circle in this status takes in members (forming, active, under strength).
bool AcceptsMembers(CircleStatus status);
// Whether a circle in this status still counts as "the" circle of its members
// (every status but DISSOLVED and MERGED): a person is in at most one such circle.
bool HoldsItsMembers(CircleStatus status);

// Adding one member to a circle in `status` with `member_count` members.
absl::Status CheckCanAddMember(CircleStatus status, int member_count, const std::string& circle);
// Removing a member: only a circle that holds its members has any (see HoldsItsMembers).
absl::Status CheckCanRemoveMember(CircleStatus status, const std::string& circle);
// A dissolved or merged circle no longer changes (names, characteristics,
// advisor, members).
absl::Status CheckCircleStillChanges(CircleStatus status, const std::string& circle);
// Why the status changed after the member count changed (for the history).
std::string CountChangeReason(CircleStatus after);

// The status after the member count changed: an ACTIVE circle below 4 becomes
// UNDER_STRENGTH; an UNDER_STRENGTH one back at 4 becomes ACTIVE; others keep theirs.
CircleStatus StatusAfterCountChange(CircleStatus status, int new_count);

// FORMING → ACTIVE with 4..7 members, all trained unless require_training is off.
absl::Status CheckActivation(CircleStatus status, int member_count,
                             const std::vector<std::string>& untrained_members,
                             bool require_training, const std::string& circle);
absl::Status CheckSuspend(CircleStatus status, const std::string& circle);
// SUSPENDED → ACTIVE, or UNDER_STRENGTH when below 4 members.
absl::StatusOr<CircleStatus> ResumedStatus(CircleStatus status, int member_count,
                                           const std::string& circle);
absl::Status CheckDissolve(CircleStatus status, const std::string& circle);

// A merge: 2 to 4 distinct source circles that hold their members, and a result
// of 4..7 distinct members. The result is ACTIVE if any source was active (or
// under strength), FORMING otherwise.
absl::StatusOr<CircleStatus> MergedStatus(const std::vector<CircleStatus>& sources,
                                          const std::vector<std::string>& source_names,
                                          int distinct_members);

// Checks an advisor to create (display name, e-mail, principal name).
absl::StatusOr<Advisor> DraftAdvisor(const Advisor& requested);

// The time a change takes effect: `now` unless the request carries an effective
// time (imports of past records): only admins, not in the future, not before
// `not_before` (the circle's last recorded change; absl::InfinitePast() for new).
absl::StatusOr<absl::Time> EffectiveTime(bool has_effective_time, absl::Time effective_time,
                                         bool caller_is_admin, absl::Time now,
                                         absl::Time not_before);

// "circles/3" in a message about a person's other circle, etc.
std::string StatusName(CircleStatus status);

// Checks the display name and characteristics a request gives for a new circle
// (MergeCircles, each circle of AcceptCircleProposal) as DraftNewCircle does, and
// names the request's field: "" + "display_name ..." or "circles[2]." + "display_name ...".
absl::StatusOr<Circle> DraftRequestedCircle(
    const std::string& display_name,
    const google::protobuf::RepeatedPtrField<Characteristic>& characteristics,
    const std::string& field_prefix);

// What the circle rules need to know about a person (loaded by LoadPersonFacts in
// people_store.h, inside the caller's transaction).
struct PersonFacts {
  bool exists = false;
  bool active = false;       // not withdrawn from the fund (nor erased)
  bool erased = false;       // erased (PrivacyService.ErasePerson)
  bool trained = false;      // completed at least one training
  std::string display_name;  // "Given Family", for messages and minutes
};

// A person about to join a circle, as loaded in the write's transaction.
struct JoiningPerson {
  int64_t person_id = 0;
  PersonFacts facts;
  std::optional<int64_t> holding_circle;  // the circle they are in now, if any
};

// A person joins a circle when they exist, are active, are trained (unless
// require_training is off) and hold no other circle: a person is in at most one
// circle at a time.
absl::Status CheckPersonMayJoin(const JoiningPerson& person, bool require_training);

// One source circle of a merge, as loaded (locked) in the merge's transaction.
struct MergeSource {
  int64_t id = 0;
  CircleStatus status = cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  std::optional<int64_t> advisor_id;
  std::vector<int64_t> members;  // current members
  std::vector<Characteristic> characteristics;
};

// What a merge writes: the new circle to insert, then each (source, person) leaves
// its source and each distinct person joins the new circle, first seen first.
struct MergePlan {
  Circle draft;                    // with status, status_reason and characteristics
  std::optional<int64_t> advisor;  // the first source's advisor
  std::vector<std::pair<int64_t, int64_t>> leaving;  // (source, person)
  std::vector<std::pair<int64_t, int64_t>> joining;  // (source, person), each person once
};

// Decides a merge of `sources` into one circle drafted as `requested` (see
// DraftRequestedCircle). Refuses what MergedStatus refuses, and an active result
// with untrained members when require_training is on (`untrained`: the sources'
// members who completed no training). With no characteristics requested, the
// result takes the union of the sources', first seen first, at most kMaxCharacteristics.
absl::StatusOr<MergePlan> PlanMerge(const Circle& requested,
                                    const std::vector<MergeSource>& sources,
                                    const std::set<int64_t>& untrained, bool require_training);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_
