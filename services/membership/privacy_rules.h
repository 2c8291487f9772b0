// The membership domain's privacy rules: the privacy officer's contact and the
// register of confidentiality incidents (what a valid entry is, how long it is
// kept). Pure functions over the protobuf messages (no gRPC, no SQL).
#ifndef CERCLES_SERVICES_MEMBERSHIP_PRIVACY_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_PRIVACY_RULES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/privacy.pb.h"

namespace cercles::membership {

using cercles::membership::v1::Incident;
using cercles::membership::v1::PrivacyContact;

inline constexpr size_t kMaxContactNameLength = 120;
inline constexpr size_t kMaxIncidentText = 4000;
inline constexpr size_t kMaxNotificationReason = 2000;
inline constexpr int kMaxAffectedPeople = 1000;
inline constexpr int32_t kMaxAffectedCount = 10000000;

// The contact checked (every broken rule reported under "contact.<field>") and
// normalised: trimmed, single spaces in the phone, output-only fields cleared.
absl::StatusOr<PrivacyContact> NormalisePrivacyContact(const PrivacyContact& requested);

// The incident checked (every broken rule reported under "incident.<field>")
// and normalised: trimmed text, output-only fields and revision cleared, the
// affected people as given. `today` bounds the dates (UTC day). `stored`, for an
// update, is the latest revision: discover_date may not change.
absl::StatusOr<Incident> NormaliseIncident(const Incident& requested, absl::CivilDay today,
                                           const Incident* stored = nullptr);

// The ids of incident.affected_people (already checked by NormaliseIncident).
std::vector<int64_t> AffectedPersonIds(const Incident& incident);

// The day the retention purge takes an incident discovered on `discovered`,
// under a schedule keeping incidents `months` (RetentionSchedule's
// incidents_months): api::RetentionEnd, the purge's own rule.
absl::CivilDay IncidentRetainUntil(absl::CivilDay discovered, int32_t months);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PRIVACY_RULES_H_
