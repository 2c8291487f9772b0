// Rows of the privacy tables (migration component "membership_privacy"): the
// privacy officer's contact (one row, as every fund setting of privacy) and the incident register,
// where each revision of an incident is a row of its own (never overwritten).
#ifndef CERCLES_SERVICES_MEMBERSHIP_PRIVACY_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PRIVACY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

// A fund setting kept as one message in the one row (id 1) of `table`, whose
// columns are id, `column` and update_time_us: the privacy officer's contact,
// the retention schedule. False when the row is absent.
absl::StatusOr<bool> ReadSettingRow(storage::Transaction& tx, absl::string_view table,
                                    absl::string_view column, google::protobuf::Message* setting);
// Replaces that row with `setting`.
absl::Status WriteSettingRow(storage::Transaction& tx, absl::string_view table,
                             absl::string_view column, const google::protobuf::Message& setting,
                             absl::Time now);

class PrivacyStore {
 public:
  absl::StatusOr<std::optional<v1::PrivacyContact>> GetContact(storage::Transaction& tx) const;
  // Replaces the contact; stamps update_principal and update_time.
  absl::StatusOr<v1::PrivacyContact> PutContact(storage::Transaction& tx,
                                                v1::PrivacyContact contact,
                                                const std::string& principal, absl::Time now) const;

  // Records a new incident as revision 1 (name, revision, times, principal set).
  absl::StatusOr<v1::Incident> InsertIncident(storage::Transaction& tx, v1::Incident incident,
                                              const std::string& principal, absl::Time now) const;
  // Appends revision `stored.revision() + 1` of incident `id` (the caller
  // checked that `stored` is the latest).
  absl::StatusOr<v1::Incident> AppendRevision(storage::Transaction& tx, int64_t id,
                                              const v1::Incident& stored, v1::Incident incident,
                                              const std::string& principal, absl::Time now) const;
  // Revision `revision` of incident `id` (0: the latest); nullopt when absent.
  absl::StatusOr<std::optional<v1::Incident>> GetIncident(storage::Transaction& tx, int64_t id,
                                                          int32_t revision = 0) const;
  // The latest revision of incidents with id > after_id, by id, at most `limit`.
  absl::StatusOr<std::vector<v1::Incident>> ListIncidents(storage::Transaction& tx,
                                                          int64_t after_id, int limit) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PRIVACY_STORE_H_
