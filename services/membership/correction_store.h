// SQL of corrections (migration component "membership_people"): each person's
// append-only history of PersonCorrection rows, which field was corrected and
// why (never the old value). CorrectPerson appends them in the caller's
// transaction, beside the change of the person (the caller holds
// PeopleStore::Lock).
#ifndef CERCLES_SERVICES_MEMBERSHIP_CORRECTION_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_CORRECTION_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

// What one correction says beside its fields: why, whether the person asked,
// who made it.
struct CorrectionNote {
  std::string reason;  // normalised (NormaliseReason)
  bool requested_by_person = false;
  std::string actor;  // "staff:alice"
};

class CorrectionStore {
 public:
  // Appends one row per path of `fields` (personal field paths,
  // CorrectedFields) to person `person_id`'s history and returns them as
  // recorded, in the order of `fields`.
  absl::StatusOr<std::vector<cercles::membership::v1::PersonCorrection>> Record(
      storage::Transaction& tx, int64_t person_id, const std::vector<std::string>& fields,
      const CorrectionNote& note, absl::Time now) const;
  // The person's corrections with id < before_id (0: no bound), of the paths
  // `fields` only unless empty, newest first, at most `limit`.
  absl::StatusOr<std::vector<cercles::membership::v1::PersonCorrection>> List(
      storage::Transaction& tx, int64_t person_id, const std::vector<std::string>& fields,
      int64_t before_id, int limit) const;
};

// "people/{person_id}/corrections/{correction_id}", and the correction id back
// (0 when not one).
std::string PersonCorrectionName(int64_t person_id, int64_t correction_id);
int64_t PersonCorrectionId(const std::string& name);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CORRECTION_STORE_H_
