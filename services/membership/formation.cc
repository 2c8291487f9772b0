#include "services/membership/formation.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
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

const std::vector<std::string>& FormationAttributes() {
  static const std::vector<std::string>* kinds =
      new std::vector<std::string>{"language", "gender", "sector"};
  return *kinds;
}

absl::StatusOr<std::vector<std::string>> CheckFormationAttributes(
    const google::protobuf::RepeatedPtrField<std::string>& requested, const std::string& field,
    std::set<std::string>* seen) {
  std::vector<std::string> out;
  const auto& allowed = FormationAttributes();
  for (int i = 0; i < requested.size(); ++i) {
    const std::string& kind = requested[i];
    if (std::find(allowed.begin(), allowed.end(), kind) == allowed.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "] ", api::Quoted(kind, 40),
                       " is not an attribute: language, gender or sector"));
    }
    if (!seen->insert(kind).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "] ", api::Quoted(kind), " is listed twice"));
    }
    out.push_back(kind);
  }
  return out;
}

std::optional<v1::Characteristic> SuggestCharacteristic(const std::string& kind,
                                                        const std::string& value) {
  if (value.empty()) return std::nullopt;
  v1::Characteristic c;
  c.set_kind(kind == "language" ? v1::CHARACTERISTIC_KIND_LANGUAGE
             : kind == "gender" ? v1::CHARACTERISTIC_KIND_GENDER
                                : v1::CHARACTERISTIC_KIND_SECTOR);
  c.set_value(value.substr(0, kMaxCharacteristicValueLength));
  return c;
}

absl::StatusOr<std::vector<PlannedCircle>> PlanAcceptedProposal(
    const v1::AcceptCircleProposalRequest& request, bool caller_is_admin) {
  if (request.circles().empty() || request.circles_size() > 50) {
    return absl::InvalidArgumentError("circles must hold 1 to 50 proposed circles");
  }
  std::vector<PlannedCircle> planned;
  std::set<int64_t> everyone;
  for (int i = 0; i < request.circles_size(); ++i) {
    const v1::ProposedCircle& proposed = request.circles(i);
    const std::string field = absl::StrCat("circles[", i, "]");
    absl::StatusOr<v1::Circle> draft = DraftRequestedCircle(
        proposed.display_name(), proposed.characteristics(), absl::StrCat(field, "."));
    if (!draft.ok()) return draft.status();
    if (proposed.people_size() < kMinCircleMembers || proposed.people_size() > kMaxCircleMembers) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".people must name ", kMinCircleMembers,
                                                     " to ", kMaxCircleMembers, " people, not ",
                                                     proposed.people_size()));
    }
    PlannedCircle circle{*std::move(draft), {}, std::nullopt};
    if (!proposed.advisor().empty()) {
      absl::StatusOr<int64_t> advisor =
          api::ParseName(proposed.advisor(), "advisors", field + ".advisor");
      if (!advisor.ok()) return advisor.status();
      if (!caller_is_admin) {
        return absl::PermissionDeniedError(
            absl::StrCat(field, ".advisor: only an admin assigns circles to advisors"));
      }
      circle.advisor = *advisor;
    }
    for (int j = 0; j < proposed.people_size(); ++j) {
      absl::StatusOr<int64_t> id =
          api::ParseName(proposed.people(j), "people", absl::StrCat(field, ".people[", j, "]"));
      if (!id.ok()) return id.status();
      if (!everyone.insert(*id).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".people[", j, "] ", proposed.people(j),
                         " appears twice in the proposal: a person is in one circle"));
      }
      circle.people.push_back(*id);
    }
    planned.push_back(std::move(circle));
  }
  return planned;
}

absl::StatusOr<std::vector<std::string>> CheckPlannedCircleForms(
    const PlannedCircle& circle, bool advisor_exists, const std::vector<JoiningPerson>& people,
    bool require_training) {
  if (circle.advisor.has_value() && !advisor_exists) {
    return absl::NotFoundError(
        absl::StrCat("advisor \"", AdvisorName(*circle.advisor), "\" does not exist"));
  }
  std::vector<std::string> untrained;
  for (const JoiningPerson& person : people) {
    absl::Status may_join = CheckPersonMayJoin(person, require_training);
    if (!may_join.ok()) return may_join;
    if (!person.facts.trained) untrained.push_back(PersonName(person.person_id));
  }
  return untrained;
}

}  // namespace cercles::membership
