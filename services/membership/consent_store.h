// SQL of consents (migration component "membership_people"): each person's
// append-only history of ConsentChange rows, and the current state kept in
// the person's row beside it. Record is the one way a person's consents
// change: CreatePerson, UpdatePerson and RecordConsent all go through it, in
// the caller's transaction (the caller holds PeopleStore::Lock).
#ifndef CERCLES_SERVICES_MEMBERSHIP_CONSENT_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_CONSENT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

// What Record wrote: the rows as recorded (name, actor, time set) and the
// person's current state before and after them.
struct RecordedConsents {
  std::vector<cercles::membership::v1::ConsentChange> changes;
  cercles::membership::v1::Consents before;
  cercles::membership::v1::Consents after;
};

class ConsentStore {
 public:
  // Appends `changes` (normalised) to person `person_id`'s history, recomputes
  // the current state from the whole history (CurrentConsents) and stores it in
  // the person's row.
  absl::StatusOr<RecordedConsents> Record(
      storage::Transaction& tx, int64_t person_id,
      const std::vector<cercles::membership::v1::ConsentChange>& changes, const std::string& actor,
      absl::Time now) const;
  // The person's current state, computed from their history: the one answer to
  // "is this purpose given" for whatever reads membership's store.
  absl::StatusOr<cercles::membership::v1::Consents> Current(storage::Transaction& tx,
                                                            int64_t person_id) const;
  // The person's changes with id < before_id (0: no bound), of `purpose` only
  // unless unspecified, newest first, at most `limit`.
  absl::StatusOr<std::vector<cercles::membership::v1::ConsentChange>> List(
      storage::Transaction& tx, int64_t person_id, cercles::membership::v1::ConsentPurpose purpose,
      int64_t before_id, int limit) const;
};

// The person row's columns of the current state, "<alias>.share_with_network, ...",
// in the order ConsentsFromRow reads them.
std::string ConsentColumns(absl::string_view alias);
// The current state from the columns of ConsentColumns starting at `first`.
cercles::membership::v1::Consents ConsentsFromRow(const storage::Row& row, size_t first);

// "people/{person_id}/consentChanges/{change_id}", and the change id back (0 when not one).
std::string ConsentChangeName(int64_t person_id, int64_t change_id);
int64_t ConsentChangeId(absl::string_view name);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CONSENT_STORE_H_
