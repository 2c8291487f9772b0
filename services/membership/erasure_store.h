// SQL of a person's erasure beyond the people row (PeopleStore::Update writes
// that): the free text kept about the person in other tables, and the record
// of the erasure. Runs inside the erasure's transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_ERASURE_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_ERASURE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

class ErasureStore {
 public:
  // The tables an erasure overwrites rows of (for Database::ReclaimDeleted),
  // the outbox and the stored answers included.
  static const std::vector<std::string>& Tables();

  // Clears the reasons of the person's corrections and of their circle joins
  // and departures, the notes of their attendance and their meeting
  // follow-ups' text, and records the erasure (once: a second erasure keeps
  // the first record).
  absl::Status Erase(storage::Transaction& tx, int64_t person_id,
                     cercles::membership::v1::ErasureReason reason, const std::string& actor,
                     absl::Time now) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_ERASURE_STORE_H_
