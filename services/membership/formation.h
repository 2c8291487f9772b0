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
#include <string>
#include <vector>

namespace cercles::membership {

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

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_FORMATION_H_
