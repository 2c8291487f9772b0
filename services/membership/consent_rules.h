// The membership domain's consent rules (Quebec's Law 25: consent per
// purpose, with history): what a valid ConsentChange is, which Consents field a
// purpose is, the current state a history adds up to (every purpose off until
// given), and the changes a person's record asks for. Pure functions over the
// protobuf messages (no gRPC, no SQL), tested alone. Every place that decides
// whether a purpose is given asks ConsentGiven on the current state.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CONSENT_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_CONSENT_RULES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/people.pb.h"

namespace cercles::membership {

using cercles::membership::v1::ConsentChange;
using cercles::membership::v1::ConsentPurpose;
using cercles::membership::v1::Consents;

inline constexpr size_t kMaxWordingVersionLength = 64;
// The wording version of the changes CreatePerson and UpdatePerson record
// (they carry no wording of their own).
inline constexpr absl::string_view kPersonRecordWording = "person-record";

// Every purpose a person may consent to (each known ConsentPurpose but the
// unspecified one), in number order.
const std::vector<ConsentPurpose>& AllConsentPurposes();

// Whether `purpose` is given in the current state `consents` (false for the
// unspecified purpose and any unknown number).
bool ConsentGiven(const Consents& consents, ConsentPurpose purpose);
// Sets `purpose` in `consents` (nothing for an unknown purpose).
void SetConsent(Consents* consents, ConsentPurpose purpose, bool given);

// The current state a history adds up to: for each purpose its latest change
// (`history` oldest first); a purpose never given is false.
Consents CurrentConsents(const std::vector<ConsentChange>& history);

// RecordConsent's change checked (every broken rule reported under
// "change.<field>") and normalised: the wording trimmed, output-only fields
// cleared.
absl::StatusOr<ConsentChange> NormaliseConsentChange(const ConsentChange& requested);

// The changes that take a person's consents from `before` to `after` as
// CreatePerson and UpdatePerson record them: one per purpose that differs, in
// purpose order, channel CONSENT_CHANNEL_PERSON_RECORD, wording
// kPersonRecordWording.
std::vector<ConsentChange> PersonRecordConsentChanges(const Consents& before,
                                                      const Consents& after);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CONSENT_RULES_H_
