// The erasure of a person's personal data (Law 25; PrivacyService.ErasePerson):
// what an erased person becomes, what earlier messages must lose, and who may
// be erased. Pure functions over the protobuf messages (no gRPC, no SQL).
//
// Why a pseudonym and not empty names: the circle's lists, meeting attendance
// and reports still show that someone was there (the 4-7 rule's history, the
// journal's borrowers); "Personne effacée 12" says so without saying who, and
// holds nothing the id does not already give.
#ifndef CERCLES_SERVICES_MEMBERSHIP_ERASURE_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_ERASURE_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/redaction/erasure.h"

namespace cercles::membership {

// The given name of every erased person; the family name is their id.
inline constexpr absl::string_view kErasedGivenName = "Personne effacée";

// The request's reason: INVALID_ARGUMENT naming `field` when unset or unknown.
absl::StatusOr<cercles::membership::v1::ErasureReason> CheckErasureReason(int value,
                                                                          absl::string_view field);

// OK when `stored` may be erased: FAILED_PRECONDITION while they are a current
// member of a circle (the circle stands on its members: record the departure
// first, as for a withdrawal). An erased person may be erased again (a no-op).
absl::Status CheckErasable(const cercles::membership::v1::Person& stored);

// `stored` (person `id`) as erased: the pseudonym names, status ERASED, every
// consent withdrawn; contact, birth date, gender, expertise (and its opt-in),
// the business's name and start date cleared. Kept: id, language, the
// business's sector and stage (aggregate statistics), times.
cercles::membership::v1::Person ErasedPerson(const cercles::membership::v1::Person& stored,
                                             int64_t id);

// What earlier messages about `stored` may hold outside the sensitive fields:
// the names (and the display name "Given Family"), the business name -> the
// erased values; every expertise entry -> removed.
redaction::PersonErasure ErasureOf(const cercles::membership::v1::Person& stored,
                                   const cercles::membership::v1::Person& erased, int64_t id);

// FAILED_PRECONDITION for a change to an erased person: "<name> is erased:
// <what> (an erased person's record is final)".
absl::Status ErasedPersonRefusal(absl::string_view name, absl::string_view what);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_ERASURE_RULES_H_
