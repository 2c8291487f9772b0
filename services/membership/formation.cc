#include "services/membership/formation.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {
namespace {

std::string ValueOf(const Graduate& g, const std::string& kind) {
  auto it = g.attributes.find(kind);
  return it == g.attributes.end() ? "" : it->second;
}

std::string Describe(const std::map<std::string, std::string>& values) {
  std::vector<std::string> parts;
  for (const auto& [kind, value] : values) {
    parts.push_back(absl::StrCat(kind, "=", value.empty() ? "(none)" : value));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::vector<int> CircleSizes(int n) {
  if (n < kMinCircleMembers) return {};
  const int k = (n + kMaxCircleMembers - 1) / kMaxCircleMembers;
  std::vector<int> sizes(static_cast<size_t>(k), n / k);
  for (int i = 0; i < n % k; ++i) ++sizes[static_cast<size_t>(i)];
  return sizes;
}

FormationProposal ProposeCircles(const std::vector<Graduate>& graduates,
                                 const std::vector<std::string>& hard_kinds,
                                 const std::vector<std::string>& soft_kinds) {
  // Split by the hard values; std::map keeps the splits in a stable order.
  std::map<std::vector<std::string>, std::vector<const Graduate*>> splits;
  for (const Graduate& g : graduates) {
    std::vector<std::string> key;
    for (const std::string& kind : hard_kinds) key.push_back(ValueOf(g, kind));
    splits[key].push_back(&g);
  }
  FormationProposal proposal;
  for (auto& [key, people] : splits) {
    std::map<std::string, std::string> hard;
    for (size_t i = 0; i < hard_kinds.size(); ++i) hard[hard_kinds[i]] = key[i];
    // Neighbours in this order share the most soft attributes.
    std::sort(people.begin(), people.end(), [&](const Graduate* a, const Graduate* b) {
      for (const std::string& kind : soft_kinds) {
        const std::string va = ValueOf(*a, kind), vb = ValueOf(*b, kind);
        if (va != vb) return va < vb;
      }
      return a->person_id < b->person_id;
    });
    const std::vector<int> sizes = CircleSizes(static_cast<int>(people.size()));
    if (sizes.empty()) {
      for (const Graduate* g : people) {
        proposal.unplaced.push_back(g->person_id);
        proposal.unplaced_reason[g->person_id] = absl::StrCat(
            "only ", people.size(), " graduate(s) share ",
            hard.empty() ? "the cohort" : Describe(hard), ": a circle needs ", kMinCircleMembers);
      }
      continue;
    }
    size_t next = 0;
    for (int size : sizes) {
      ProposedGroup group;
      group.shared_hard = hard;
      std::map<std::string, std::map<std::string, int>> counts;
      for (int i = 0; i < size; ++i, ++next) {
        const Graduate* g = people[next];
        group.person_ids.push_back(g->person_id);
        for (const std::string& kind : soft_kinds) ++counts[kind][ValueOf(*g, kind)];
      }
      std::sort(group.person_ids.begin(), group.person_ids.end());
      std::vector<std::string> soft_parts;
      for (const std::string& kind : soft_kinds) {
        std::pair<std::string, int> best{"", 0};
        for (const auto& [value, count] : counts[kind]) {
          if (count > best.second) best = {value, count};
        }
        group.soft_majority[kind] = best;
        soft_parts.push_back(absl::StrCat(best.second, " of ", size, " share ", kind, "=",
                                          best.first.empty() ? "(none)" : best.first));
      }
      group.explanation = absl::StrCat(
          size, " people", hard.empty() ? "" : absl::StrCat(" who all share ", Describe(hard)),
          soft_parts.empty() ? "" : absl::StrCat("; ", absl::StrJoin(soft_parts, "; ")));
      proposal.groups.push_back(std::move(group));
    }
  }
  std::sort(proposal.unplaced.begin(), proposal.unplaced.end());
  return proposal;
}

}  // namespace cercles::membership
