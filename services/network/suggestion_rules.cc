#include "services/network/suggestion_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"
#include "services/network/directory_rules.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr int kMinActiveMembers = 4;

absl::StatusOr<std::string> Preference(const std::string& value, const std::string& field) {
  if (value.empty()) return std::string();
  return api::CleanText(value, field, api::OneLine(1, 64));
}

// The circle's values of one characteristic kind, as keys.
std::set<std::string> ValuesOf(const v1::NetworkCircle& circle, mv1::CharacteristicKind kind) {
  std::set<std::string> values;
  for (const auto& c : circle.characteristics()) {
    if (c.kind() == kind) values.insert(TextKey(c.value()));
  }
  return values;
}

bool NeedsMembers(const v1::NetworkCircle& circle) {
  return circle.status() == mv1::CIRCLE_STATUS_FORMING ||
         circle.status() == mv1::CIRCLE_STATUS_UNDER_STRENGTH;
}

}  // namespace

absl::StatusOr<Preferences> ValidateSuggestRequest(const v1::SuggestCirclesRequest& request,
                                                   const std::string& default_fund) {
  Preferences p;
  p.fund_id = request.fund_id().empty() ? default_fund : request.fund_id();
  CERCLES_RETURN_IF_ERROR(CheckFundId(p.fund_id, "fund_id"));
  CERCLES_ASSIGN_OR_RETURN(p.region, Preference(request.region(), "region"));
  CERCLES_ASSIGN_OR_RETURN(p.sector, Preference(request.sector(), "sector"));
  CERCLES_ASSIGN_OR_RETURN(p.language, Preference(request.language(), "language"));
  CERCLES_ASSIGN_OR_RETURN(p.gender, Preference(request.gender(), "gender"));
  if (request.affinities_size() > kMaxAffinities) {
    return absl::InvalidArgumentError(
        absl::StrCat("affinities may hold at most ", kMaxAffinities, " entries"));
  }
  for (int i = 0; i < request.affinities_size(); ++i) {
    CERCLES_ASSIGN_OR_RETURN(
        std::string affinity,
        api::CleanText(request.affinities(i), absl::StrCat("affinities[", i, "]"),
                       api::OneLine(1, 64)));
    p.affinities.push_back(std::move(affinity));
  }
  if (p.region.empty() && p.sector.empty() && p.language.empty() && p.gender.empty() &&
      p.affinities.empty()) {
    return absl::InvalidArgumentError(
        "give at least one preference: region, sector, language, gender or affinities");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxSuggestions) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be 0 (meaning ",
                                                   kDefaultSuggestions, ") to ", kMaxSuggestions));
  }
  p.limit = request.page_size() == 0 ? kDefaultSuggestions : request.page_size();
  return p;
}

std::optional<v1::CircleSuggestion> ScoreCircle(const v1::NetworkCircle& circle,
                                                const Preferences& p) {
  if (!circle.accepting_members() || circle.open_seats() <= 0) return std::nullopt;
  v1::CircleSuggestion s;
  int score = 0;
  auto match = [&](mv1::CharacteristicKind kind, const std::string& wanted, int points,
                   const std::string& label, bool exclusive) -> bool {
    if (wanted.empty()) return true;
    const std::set<std::string> values = ValuesOf(circle, kind);
    if (values.count(TextKey(wanted)) > 0) {
      score += points;
      s.add_reasons(absl::StrCat(label, ": ", wanted));
      return true;
    }
    // A circle that states another language or gender is not for this person.
    return !(exclusive && !values.empty());
  };
  if (!match(mv1::CHARACTERISTIC_KIND_LANGUAGE, p.language, kLanguageScore, "works in", true) ||
      !match(mv1::CHARACTERISTIC_KIND_GENDER, p.gender, kGenderScore, "gender", true)) {
    return std::nullopt;
  }
  match(mv1::CHARACTERISTIC_KIND_REGION, p.region, kRegionScore, "same region", false);
  match(mv1::CHARACTERISTIC_KIND_SECTOR, p.sector, kSectorScore, "same sector", false);
  for (const std::string& affinity : p.affinities) {
    match(mv1::CHARACTERISTIC_KIND_AFFINITY, affinity, kAffinityScore, "shared affinity", false);
  }
  if (score == 0) return std::nullopt;
  if (p.gender.empty()) {
    for (const auto& c : circle.characteristics()) {
      if (c.kind() == mv1::CHARACTERISTIC_KIND_GENDER) {
        s.add_reasons(absl::StrCat("gender: ", c.value(), " (check it fits)"));
      }
    }
  }
  if (NeedsMembers(circle)) {
    score += kNeedsMembersScore;
    const int missing = std::max(0, kMinActiveMembers - circle.member_count());
    s.add_reasons(circle.status() == mv1::CIRCLE_STATUS_FORMING
                      ? absl::StrCat("forming: ", missing, " more to become active")
                      : absl::StrCat("under strength: ", missing, " more to be active again"));
  }
  s.add_reasons(
      absl::StrCat(circle.open_seats(), circle.open_seats() == 1 ? " seat" : " seats", " left"));
  s.set_score(score);
  *s.mutable_circle() = circle;
  return s;
}

std::vector<v1::CircleSuggestion> RankSuggestions(const std::vector<v1::NetworkCircle>& candidates,
                                                  const Preferences& preferences) {
  std::vector<v1::CircleSuggestion> ranked;
  for (const v1::NetworkCircle& circle : candidates) {
    if (std::optional<v1::CircleSuggestion> s = ScoreCircle(circle, preferences)) {
      ranked.push_back(*std::move(s));
    }
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const v1::CircleSuggestion& a, const v1::CircleSuggestion& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              const bool an = NeedsMembers(a.circle()), bn = NeedsMembers(b.circle());
              if (an != bn) return an;
              if (a.circle().open_seats() != b.circle().open_seats()) {
                return a.circle().open_seats() > b.circle().open_seats();
              }
              return a.circle().name() < b.circle().name();
            });
  if (static_cast<int>(ranked.size()) > preferences.limit) ranked.resize(preferences.limit);
  return ranked;
}

std::vector<std::pair<cercles::membership::v1::CharacteristicKind, std::string>>
WantedCharacteristics(const Preferences& preferences) {
  namespace mv1 = cercles::membership::v1;
  std::vector<std::pair<mv1::CharacteristicKind, std::string>> wanted;
  auto want = [&](mv1::CharacteristicKind kind, const std::string& value) {
    if (!value.empty()) wanted.emplace_back(kind, TextKey(value));
  };
  want(mv1::CHARACTERISTIC_KIND_REGION, preferences.region);
  want(mv1::CHARACTERISTIC_KIND_SECTOR, preferences.sector);
  want(mv1::CHARACTERISTIC_KIND_LANGUAGE, preferences.language);
  want(mv1::CHARACTERISTIC_KIND_GENDER, preferences.gender);
  for (const std::string& a : preferences.affinities) want(mv1::CHARACTERISTIC_KIND_AFFINITY, a);
  return wanted;
}

}  // namespace cercles::network
