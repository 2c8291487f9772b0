// What the circle rules need to know about a person, read by the people area's
// store (people_store.cc) inside the caller's transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PERSON_FACTS_H_
#define CERCLES_SERVICES_MEMBERSHIP_PERSON_FACTS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/storage/database.h"

namespace cercles::membership {

struct PersonFacts {
  bool exists = false;
  bool active = false;       // not withdrawn from the fund
  bool trained = false;      // completed at least one training
  std::string display_name;  // "Given Family", for messages and minutes
};

// NOT_FOUND is not an error here: exists=false says it.
absl::StatusOr<PersonFacts> LoadPersonFacts(storage::Transaction& tx, int64_t person_id);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PERSON_FACTS_H_
