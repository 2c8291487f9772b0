// SQL for people. Every function runs inside the caller's transaction, so a
// change, its event and its idempotency record commit together. Also loads
// PersonFacts (circle_rules.h), what the circle rules read of a person.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PEOPLE_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PEOPLE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/storage/database.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

// What ListPeople filters on; every set member must hold.
struct PeopleFilter {
  std::string name_prefix;  // SearchKey form, matched on given or family name; "" any
  cercles::membership::v1::PersonStatus status =
      cercles::membership::v1::PERSON_STATUS_UNSPECIFIED;  // unspecified: any
  int64_t circle_id = 0;                                   // current members of this circle; 0 any
  int64_t training_id = 0;                                 // enrolled in this training; 0 any
  std::string sector;  // SearchKey form of business.sector; "" any
  // Set: only people in no circle or in one of these (an advisor's scope).
  std::optional<std::vector<int64_t>> visible_circles = std::nullopt;
};

class PeopleStore {
 public:
  // Serialises, until the transaction ends, every change that concerns this
  // person (updates, enrolments, completions, and circle changes through
  // LoadPersonFacts) across processes and replicas.
  static absl::Status Lock(storage::Transaction& tx, int64_t person_id);

  // Stores a normalised person (see NormalisePerson) with every consent off
  // (ConsentStore::Record gives them) and returns it with its name and times.
  absl::StatusOr<cercles::membership::v1::Person> Insert(
      storage::Transaction& tx, const cercles::membership::v1::Person& draft, absl::Time now) const;
  absl::StatusOr<std::optional<cercles::membership::v1::Person>> Get(storage::Transaction& tx,
                                                                     int64_t id) const;
  // Replaces what is stored of person `id` with `person` (normalised), its
  // consents excepted (ConsentStore::Record changes them), and returns the
  // person as stored.
  absl::StatusOr<cercles::membership::v1::Person> Update(
      storage::Transaction& tx, int64_t id, const cercles::membership::v1::Person& person,
      absl::Time now) const;
  // People with id > after_id matching the filter, in id order, at most limit.
  absl::StatusOr<std::vector<cercles::membership::v1::Person>> List(storage::Transaction& tx,
                                                                    const PeopleFilter& filter,
                                                                    int64_t after_id,
                                                                    int limit) const;
};

// A page of a person's history (consent changes, corrections): the rows of
// `select` ("SELECT ... FROM t WHERE ...", over a table with an `id` column)
// with id < before_id (0: no bound), newest first, at most `limit`.
absl::StatusOr<storage::Rows> QueryHistoryPage(storage::Transaction& tx, std::string select,
                                               std::vector<storage::Value> params,
                                               int64_t before_id, int limit);

// What the circle rules need to know about a person, read (and the person locked)
// inside the caller's transaction. NOT_FOUND is not an error here: exists=false says it.
absl::StatusOr<PersonFacts> LoadPersonFacts(storage::Transaction& tx, int64_t person_id);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PEOPLE_STORE_H_
