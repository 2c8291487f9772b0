// Circle suggestions for a newcomer: which circles qualify, how they rank and
// why. No gRPC, no SQL: the store hands in candidate summaries.
#ifndef CERCLES_SERVICES_NETWORK_SUGGESTION_RULES_H_
#define CERCLES_SERVICES_NETWORK_SUGGESTION_RULES_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/network/v1/network.pb.h"

namespace cercles::network {

inline constexpr int kRegionScore = 40;
inline constexpr int kSectorScore = 30;
inline constexpr int kLanguageScore = 20;
inline constexpr int kGenderScore = 15;
inline constexpr int kAffinityScore = 10;
inline constexpr int kNeedsMembersScore = 5;
inline constexpr int kMaxAffinities = 8;
inline constexpr int kDefaultSuggestions = 10;
inline constexpr int kMaxSuggestions = 50;

// The preferences, trimmed; the keys are lower-cased for matching.
struct Preferences {
  std::string fund_id;
  std::string region, sector, language, gender;
  std::vector<std::string> affinities;
  int limit = kDefaultSuggestions;
};

// INVALID_ARGUMENT for a malformed fund id or text, too many affinities, a
// page_size outside 0..50, or no preference at all. An empty fund_id becomes
// `default_fund`.
absl::StatusOr<Preferences> ValidateSuggestRequest(const v1::SuggestCirclesRequest& request,
                                                   const std::string& default_fund);

// The score and reasons of one circle, or nullopt when it does not qualify: no
// room, not accepting members, another stated language or gender, or nothing
// in common with the preferences.
std::optional<v1::CircleSuggestion> ScoreCircle(const v1::NetworkCircle& circle,
                                                const Preferences& preferences);

// The characteristics a candidate may carry to be considered: (kind, matching
// key) of each stated preference, in the order region, sector, language,
// gender, affinities.
std::vector<std::pair<cercles::membership::v1::CharacteristicKind, std::string>>
WantedCharacteristics(const Preferences& preferences);

// Scores every candidate and keeps the best `preferences.limit`: score, then
// circles that need members (forming or under strength), then fewest open
// seats to fill, then name.
std::vector<v1::CircleSuggestion> RankSuggestions(const std::vector<v1::NetworkCircle>& candidates,
                                                  const Preferences& preferences);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_SUGGESTION_RULES_H_
