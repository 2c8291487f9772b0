#include "services/membership/privacy_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/membership/privacy_rules.h"
#include "services/membership/retention_store.h"

namespace cercles::membership {
namespace {

absl::StatusOr<v1::Incident> ParseIncident(const std::string& bytes) {
  v1::Incident incident;
  if (!incident.ParseFromString(bytes)) return absl::InternalError("unreadable incident revision");
  return incident;
}

absl::Status WriteRevision(storage::Transaction& tx, int64_t id, const v1::Incident& incident,
                           const std::string& principal, absl::Time now) {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO incident_revisions (incident_id, revision, incident, "
              "update_principal, update_time_us) VALUES (?, ?, ?, ?, ?)",
              {id, static_cast<int64_t>(incident.revision()),
               storage::Blob{incident.SerializeAsString()}, principal, ToMicros(now)})
          .status());
  return tx
      .Exec("UPDATE incidents SET latest_revision = ? WHERE id = ?",
            {static_cast<int64_t>(incident.revision()), id})
      .status();
}

// Sets each incident's retain_until from the schedule in force (computed at
// every answer: a change of incidents_months moves it for every incident).
absl::Status StampRetainUntil(storage::Transaction& tx, std::vector<v1::Incident*> incidents) {
  CERCLES_ASSIGN_OR_RETURN(v1::RetentionSchedule schedule, RetentionStore().GetSchedule(tx));
  for (v1::Incident* incident : incidents) {
    CERCLES_ASSIGN_OR_RETURN(absl::CivilDay discovered,
                             api::DayFromDate(incident->discover_date(), "discover_date"));
    *incident->mutable_retain_until() =
        api::DateFromDay(IncidentRetainUntil(discovered, schedule.incidents_months()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> ReadSettingRow(storage::Transaction& tx, absl::string_view table,
                                    absl::string_view column, google::protobuf::Message* setting) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", column, " FROM ", table, " WHERE id = 1"), {}));
  if (rows.empty()) return false;
  if (!setting->ParseFromString(rows[0].Bytes(0))) {
    return absl::InternalError(absl::StrCat("unreadable ", table, " row"));
  }
  return true;
}

absl::Status WriteSettingRow(storage::Transaction& tx, absl::string_view table,
                             absl::string_view column, const google::protobuf::Message& setting,
                             absl::Time now) {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec(absl::StrCat("DELETE FROM ", table, " WHERE id = 1"), {}).status());
  return tx
      .Exec(absl::StrCat("INSERT INTO ", table, " (id, ", column,
                         ", update_time_us) VALUES (1, ?, ?)"),
            {storage::Blob{setting.SerializeAsString()}, ToMicros(now)})
      .status();
}

absl::StatusOr<std::optional<v1::PrivacyContact>> PrivacyStore::GetContact(
    storage::Transaction& tx) const {
  v1::PrivacyContact contact;
  CERCLES_ASSIGN_OR_RETURN(bool found, ReadSettingRow(tx, "privacy_contact", "contact", &contact));
  if (!found) return std::nullopt;
  return contact;
}

absl::StatusOr<v1::PrivacyContact> PrivacyStore::PutContact(storage::Transaction& tx,
                                                            v1::PrivacyContact contact,
                                                            const std::string& principal,
                                                            absl::Time now) const {
  contact.set_update_principal(principal);
  SetTimestamp(now, contact.mutable_update_time());
  CERCLES_RETURN_IF_ERROR(WriteSettingRow(tx, "privacy_contact", "contact", contact, now));
  return contact;
}

absl::StatusOr<v1::Incident> PrivacyStore::InsertIncident(storage::Transaction& tx,
                                                          v1::Incident incident,
                                                          const std::string& principal,
                                                          absl::Time now) const {
  CERCLES_RETURN_IF_ERROR(StampRetainUntil(tx, {&incident}));
  CERCLES_ASSIGN_OR_RETURN(
      int64_t id,
      storage::InsertReturningId(
          tx,
          "INSERT INTO incidents (latest_revision, discover_day, retain_until_day, create_time_us) "
          "VALUES (0, ?, ?, ?) RETURNING id",
          {api::FormatDate(incident.discover_date()), api::FormatDate(incident.retain_until()),
           ToMicros(now)},
          "incident"));
  incident.set_name(absl::StrCat("incidents/", id));
  incident.set_revision(1);
  incident.set_update_principal(principal);
  SetTimestamp(now, incident.mutable_create_time());
  SetTimestamp(now, incident.mutable_update_time());
  CERCLES_RETURN_IF_ERROR(WriteRevision(tx, id, incident, principal, now));
  return incident;
}

absl::StatusOr<v1::Incident> PrivacyStore::AppendRevision(storage::Transaction& tx, int64_t id,
                                                          const v1::Incident& stored,
                                                          v1::Incident incident,
                                                          const std::string& principal,
                                                          absl::Time now) const {
  incident.set_name(stored.name());
  incident.set_revision(stored.revision() + 1);
  incident.set_update_principal(principal);
  *incident.mutable_create_time() = stored.create_time();
  CERCLES_RETURN_IF_ERROR(StampRetainUntil(tx, {&incident}));
  SetTimestamp(now, incident.mutable_update_time());
  CERCLES_RETURN_IF_ERROR(WriteRevision(tx, id, incident, principal, now));
  return incident;
}

absl::StatusOr<std::optional<v1::Incident>> PrivacyStore::GetIncident(storage::Transaction& tx,
                                                                      int64_t id,
                                                                      int32_t revision) const {
  int64_t wanted = revision;
  if (wanted == 0) {
    CERCLES_ASSIGN_OR_RETURN(storage::Rows latest,
                             tx.Query("SELECT latest_revision FROM incidents WHERE id = ?", {id}));
    if (latest.empty()) return std::nullopt;
    wanted = latest[0].Int(0);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT incident FROM incident_revisions WHERE incident_id = ? AND revision = ?",
               {id, wanted}));
  if (rows.empty()) return std::nullopt;
  CERCLES_ASSIGN_OR_RETURN(v1::Incident incident, ParseIncident(rows[0].Bytes(0)));
  CERCLES_RETURN_IF_ERROR(StampRetainUntil(tx, {&incident}));
  return incident;
}

absl::StatusOr<std::vector<v1::Incident>> PrivacyStore::ListIncidents(storage::Transaction& tx,
                                                                      int64_t after_id,
                                                                      int limit) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT r.incident FROM incidents i JOIN incident_revisions r ON r.incident_id = "
               "i.id AND r.revision = i.latest_revision WHERE i.id > ? ORDER BY i.id LIMIT ?",
               {after_id, static_cast<int64_t>(limit)}));
  std::vector<v1::Incident> out;
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(v1::Incident incident, ParseIncident(row.Bytes(0)));
    out.push_back(std::move(incident));
  }
  std::vector<v1::Incident*> stamped;
  for (v1::Incident& incident : out) stamped.push_back(&incident);
  CERCLES_RETURN_IF_ERROR(StampRetainUntil(tx, stamped));
  return out;
}

}  // namespace cercles::membership
