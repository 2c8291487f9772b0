// Forming circles from a training cohort: a deterministic, explainable partition
// of the graduates into circles of 4 to 7.
//
// People who share every "hard" attribute are kept together (a women-only circle,
// a French-speaking circle): graduates are first split by the tuple of their hard
// values. Inside each split, circles are as even in size as 4..7 allows, and
// people are ordered by their "soft" attributes (sector, region...) before being
// dealt into circles, so that neighbours in that order — who share the most —
// land in the same circle. A split of fewer than 4 cannot form a circle; its
// people are reported unplaced with the reason. Same input, same output.
#ifndef CERCLES_SERVICES_MEMBERSHIP_FORMATION_H_
#define CERCLES_SERVICES_MEMBERSHIP_FORMATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cercles/membership/v1/membership.pb.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

// The attributes a proposal may group on.
const std::vector<std::string>& FormationAttributes();

// Checks the attribute kinds a ProposeCircles request names in `field`
// ("hard_attributes"): each a FormationAttributes() kind, none twice across
// the fields checked with the same `seen`.
absl::StatusOr<std::vector<std::string>> CheckFormationAttributes(
    const google::protobuf::RepeatedPtrField<std::string>& requested, const std::string& field,
    std::set<std::string>* seen);

// The characteristic a shared attribute value suggests for a proposed circle
// (none for an empty value).
std::optional<v1::Characteristic> SuggestCharacteristic(const std::string& kind,
                                                        const std::string& value);

struct Graduate {
  int64_t person_id = 0;
  // kind → value, e.g. {"language": "fr", "gender": "woman", "sector": "food"}.
  std::map<std::string, std::string> attributes;
};

struct ProposedGroup {
  std::vector<int64_t> person_ids;                 // ascending
  std::map<std::string, std::string> shared_hard;  // the values everyone shares
  // For each soft kind: the most common value and how many share it.
  std::map<std::string, std::pair<std::string, int>> soft_majority;
  std::string explanation;  // one sentence for the fund's review
};

struct FormationProposal {
  std::vector<ProposedGroup> groups;
  std::vector<int64_t> unplaced;                   // ascending
  std::map<int64_t, std::string> unplaced_reason;  // person → why
};

FormationProposal ProposeCircles(const std::vector<Graduate>& graduates,
                                 const std::vector<std::string>& hard_kinds,
                                 const std::vector<std::string>& soft_kinds);

// Sizes of `n` people in the fewest circles of at most 7, as even as possible
// (each at least 4 when n >= 4). Empty when n < 4.
std::vector<int> CircleSizes(int n);

// One circle of an accepted proposal, as the request asks for it.
struct PlannedCircle {
  v1::Circle draft;             // see DraftRequestedCircle
  std::vector<int64_t> people;  // 4 to 7, in the request's order
  std::optional<int64_t> advisor;
};

// Checks an AcceptCircleProposal request: 1 to 50 circles, each a valid draft of
// 4 to 7 people, no person twice in the whole proposal, an advisor named only by
// an admin. Field names in refusals are the request's ("circles[1].people[3]").
absl::StatusOr<std::vector<PlannedCircle>> PlanAcceptedProposal(
    const v1::AcceptCircleProposalRequest& request, bool caller_is_admin);

// Whether one planned circle forms: its advisor (if named) exists and every
// person may join (CheckPersonMayJoin). Returns the names of its people who
// completed no training, for CheckActivation when the circle is activated.
absl::StatusOr<std::vector<std::string>> CheckPlannedCircleForms(
    const PlannedCircle& circle, bool advisor_exists, const std::vector<JoiningPerson>& people,
    bool require_training);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_FORMATION_H_
