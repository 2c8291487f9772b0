// The rules of a person's access request (Law 25: access to, and a copy of,
// their personal data, answered within 30 days): what a valid request and a
// valid completion are, its due date, when it is overdue. Pure functions over
// the protobuf messages (no gRPC, no SQL).
#ifndef CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_RULES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/privacy.pb.h"

namespace cercles::membership {

using cercles::membership::v1::AccessRequest;
using cercles::membership::v1::AccessRequestCompletion;

// The law's deadline: an access request is answered within this many days of
// its receipt.
inline constexpr int kAccessRequestDays = 30;
inline constexpr size_t kMaxAccessRequestNote = 2000;
inline constexpr size_t kMaxAccessCompletionSummary = 2000;
inline constexpr size_t kSha256HexDigits = 64;

// The request checked (every broken rule reported under
// "access_request.<field>") and normalised: person as given, receive_date
// today when unset, trimmed note, due_date set, state OPEN, the other
// output-only fields cleared. `today` is the fund's day (UTC).
absl::StatusOr<AccessRequest> NormaliseAccessRequest(const AccessRequest& requested,
                                                     absl::CivilDay today);

// The completion checked (every broken rule under "completion.<field>") and
// normalised: a lower-case digest, a trimmed summary, output-only fields cleared.
absl::StatusOr<AccessRequestCompletion> NormaliseAccessCompletion(
    const AccessRequestCompletion& requested);

// The person id of a normalised request ("people/7" -> 7).
int64_t AccessRequestPersonId(const AccessRequest& request);

// The last day to answer a request received on `received`.
absl::CivilDay AccessRequestDueDay(absl::CivilDay received);

// Open and `today` is after its due date.
bool IsAccessRequestOverdue(const AccessRequest& request, absl::CivilDay today);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_RULES_H_
