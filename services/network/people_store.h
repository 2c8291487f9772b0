// SQL for what the network knows of a fund's people and advisors, from
// membership's events (people arrive minimised): names and business only when
// the person shares them with the network, expertise only when opted in, never
// contact details. The expertise search reads it.
#ifndef CERCLES_SERVICES_NETWORK_PEOPLE_STORE_H_
#define CERCLES_SERVICES_NETWORK_PEOPLE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "cercles/network/v1/privacy.pb.h"
#include "common/auth/scope.h"
#include "common/storage/database.h"

namespace cercles::network {

inline constexpr size_t kMinExpertiseTermLength = 2;
inline constexpr size_t kMaxExpertiseTermLength = 64;

struct ExpertiseQuery {
  std::string term_key;  // lower-cased words to find in an expertise
  std::string fund_id;   // empty: all funds
  std::string region_key;
  cercles::membership::v1::Language language = cercles::membership::v1::LANGUAGE_UNSPECIFIED;
};

struct PersonPosition {
  std::string fund_id;
  int64_t person_id = 0;
};

struct PersonFacts {
  bool active = false;
  std::optional<int64_t> circle_id;
  bool circle_has_advisor = false;    // the directory knows an advisor of circle_id
  bool shares_with_partners = false;  // Consents.share_with_partners, as the events last said
};

class PeopleStore {
 public:
  // Records a person as an event carries them (keeping only what they share).
  absl::Status Upsert(storage::Transaction& tx, const std::string& fund_id,
                      const cercles::membership::v1::Person& person, int64_t sequence) const;
  // The person joined `circle_id` (a person not yet known is recorded with
  // nothing shared until their own event arrives).
  absl::Status JoinCircle(storage::Transaction& tx, const std::string& fund_id, int64_t person_id,
                          int64_t circle_id, int64_t sequence) const;
  // The person left `circle_id` (no change if they are elsewhere by now).
  absl::Status LeaveCircle(storage::Transaction& tx, const std::string& fund_id, int64_t person_id,
                           int64_t circle_id) const;
  // Everyone in `from` is now in `to` (nullopt: in no circle).
  absl::Status MoveMembers(storage::Transaction& tx, const std::string& fund_id, int64_t from,
                           std::optional<int64_t> to) const;
  // The circles of fund `fund_id` whose advisor's staff token is `principal`
  // (an advisor's scope, common/auth/scope.h).
  absl::StatusOr<std::vector<int64_t>> AdvisorCircles(storage::Transaction& tx,
                                                      const std::string& fund_id,
                                                      const std::string& principal) const;
  absl::Status UpsertAdvisor(storage::Transaction& tx, const std::string& fund_id,
                             const cercles::membership::v1::Advisor& advisor) const;

  // The person as network keeps them (their access request); nullopt when unknown.
  absl::StatusOr<std::optional<v1::DirectoryPerson>> DirectoryEntry(storage::Transaction& tx,
                                                                    const std::string& fund_id,
                                                                    int64_t person_id) const;
  absl::StatusOr<std::optional<PersonFacts>> Facts(storage::Transaction& tx,
                                                   const std::string& fund_id,
                                                   int64_t person_id) const;
  // The circles of fund `fund_id` that `who` may read (auth::CircleScopeOf, an
  // advisor's being AdvisorCircles).
  absl::StatusOr<auth::CircleScope> ReadScope(storage::Transaction& tx, const std::string& fund_id,
                                              const auth::Principal& who) const;
  // Where the person is for auth::PersonInScope (in no circle when unknown here).
  absl::StatusOr<auth::PersonPlace> Place(storage::Transaction& tx, const std::string& fund_id,
                                          int64_t person_id) const;

  // People who opted in with an expertise containing the term, after `after`
  // in (fund, person) order, at most `limit`.
  absl::StatusOr<std::vector<v1::ExpertiseMatch>> SearchExpertise(
      storage::Transaction& tx, const ExpertiseQuery& query,
      const std::optional<PersonPosition>& after, int limit) const;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PEOPLE_STORE_H_
