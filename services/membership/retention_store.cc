#include "services/membership/retention_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/membership/privacy_store.h"
#include "services/membership/retention_rules.h"

namespace cercles::membership {
namespace {

// The first instant after `day` (UTC), in microseconds: a time is on `day` or
// before when it is less.
int64_t EndOfDayMicros(absl::CivilDay day) {
  return ToMicros(absl::FromCivil(day + 1, absl::UTCTimeZone()));
}

std::vector<ExpiredRecord> IdsNamed(const storage::Rows& rows, const std::string& collection) {
  std::vector<ExpiredRecord> records;
  records.reserve(rows.size());
  for (const storage::Row& row : rows) {
    records.push_back({row.Int(0), absl::StrCat(collection, "/", row.Int(0))});
  }
  return records;
}

constexpr int64_t kErasedStatus = v1::PERSON_STATUS_ERASED;

}  // namespace

absl::StatusOr<v1::RetentionSchedule> RetentionStore::GetSchedule(storage::Transaction& tx) const {
  v1::RetentionSchedule schedule;
  CERCLES_ASSIGN_OR_RETURN(bool found,
                           ReadSettingRow(tx, "retention_schedule", "schedule", &schedule));
  if (!found) return DefaultRetentionSchedule();
  // Stored before closed loans had a period: their default.
  if (!schedule.has_closed_loans_months()) {
    schedule.set_closed_loans_months(DefaultRetentionSchedule().closed_loans_months());
  }
  return schedule;
}

absl::StatusOr<v1::RetentionSchedule> RetentionStore::PutSchedule(storage::Transaction& tx,
                                                                  v1::RetentionSchedule schedule,
                                                                  const std::string& principal,
                                                                  absl::Time now) const {
  schedule.set_update_principal(principal);
  SetTimestamp(now, schedule.mutable_update_time());
  CERCLES_RETURN_IF_ERROR(WriteSettingRow(tx, "retention_schedule", "schedule", schedule, now));
  return schedule;
}

absl::StatusOr<std::vector<ExpiredRecord>> RetentionStore::Expired(
    storage::Transaction& tx, v1::RetentionKind kind, absl::CivilDay latest_start) const {
  const int64_t before = EndOfDayMicros(latest_start);
  switch (kind) {
    case v1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE: {
      CERCLES_ASSIGN_OR_RETURN(
          storage::Rows rows,
          tx.Query("SELECT p.id FROM people p WHERE p.status <> ? AND p.update_time_us < ? "
                   "AND NOT EXISTS (SELECT 1 FROM circle_members m WHERE m.person_id = p.id) "
                   "AND NOT EXISTS (SELECT 1 FROM training_enrolments e WHERE e.person_id = p.id "
                   "AND (e.enrol_time_us >= ? OR COALESCE(e.complete_time_us, 0) >= ?)) "
                   "ORDER BY p.id",
                   {kErasedStatus, before, before, before}));
      return IdsNamed(rows, "people");
    }
    case v1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES: {
      CERCLES_ASSIGN_OR_RETURN(
          storage::Rows rows,
          tx.Query("SELECT p.id FROM people p JOIN (SELECT person_id, "
                   "COUNT(*) AS stays, COUNT(leave_time_us) AS departures, "
                   "MAX(leave_time_us) AS last_departure FROM circle_members GROUP BY person_id) s "
                   "ON s.person_id = p.id WHERE p.status <> ? AND s.stays = s.departures "
                   "AND s.last_departure < ? ORDER BY p.id",
                   {kErasedStatus, before}));
      return IdsNamed(rows, "people");
    }
    case v1::RETENTION_KIND_MEETING_NOTES: {
      CERCLES_ASSIGN_OR_RETURN(
          storage::Rows rows,
          tx.Query("SELECT g.id, g.circle_id FROM meetings g WHERE g.meeting_day <= ? AND "
                   "(g.minutes <> '' OR EXISTS (SELECT 1 FROM meeting_attendance a WHERE "
                   "a.meeting_id = g.id AND a.note <> '') OR EXISTS (SELECT 1 FROM "
                   "meeting_follow_ups f WHERE f.meeting_id = g.id AND (f.progress <> '' OR "
                   "f.difficulties <> '' OR f.help_details <> ''))) ORDER BY g.id",
                   {api::FormatDate(api::DateFromDay(latest_start))}));
      std::vector<ExpiredRecord> records;
      for (const storage::Row& row : rows) {
        records.push_back(
            {row.Int(0), absl::StrCat("circles/", row.Int(1), "/meetings/", row.Int(0))});
      }
      return records;
    }
    case v1::RETENTION_KIND_ACCESS_REQUESTS: {
      CERCLES_ASSIGN_OR_RETURN(
          storage::Rows rows,
          tx.Query("SELECT id, access_request FROM access_requests WHERE done = 1 ORDER BY id",
                   {}));
      std::vector<ExpiredRecord> records;
      for (const storage::Row& row : rows) {
        v1::AccessRequest request;
        if (!request.ParseFromString(row.Bytes(1))) {
          return absl::InternalError("unreadable access request");
        }
        if (ToMicros(FromTimestamp(request.completion().complete_time())) < before) {
          records.push_back({row.Int(0), absl::StrCat("accessRequests/", row.Int(0))});
        }
      }
      return records;
    }
    case v1::RETENTION_KIND_INCIDENTS: {
      CERCLES_ASSIGN_OR_RETURN(
          storage::Rows rows,
          tx.Query("SELECT id FROM incidents WHERE discover_day <= ? ORDER BY id",
                   {api::FormatDate(api::DateFromDay(latest_start))}));
      return IdsNamed(rows, "incidents");
    }
    default:
      return absl::InternalError(absl::StrCat("no retention query for kind ", kind));
  }
}

absl::StatusOr<absl::flat_hash_set<int64_t>> RetentionStore::PeopleWithOpenAccessRequests(
    storage::Transaction& tx) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT DISTINCT person_id FROM access_requests WHERE done = 0", {}));
  absl::flat_hash_set<int64_t> people;
  for (const storage::Row& row : rows) people.insert(row.Int(0));
  return people;
}

absl::Status RetentionStore::Purge(storage::Transaction& tx, v1::RetentionKind kind,
                                   int64_t id) const {
  std::vector<const char*> statements;
  switch (kind) {
    case v1::RETENTION_KIND_MEETING_NOTES:
      statements = {"UPDATE meetings SET minutes = '' WHERE id = ?",
                    "UPDATE meeting_attendance SET note = '' WHERE meeting_id = ?",
                    "UPDATE meeting_follow_ups SET progress = '', difficulties = '', "
                    "help_details = '' WHERE meeting_id = ?"};
      break;
    case v1::RETENTION_KIND_ACCESS_REQUESTS:
      statements = {"DELETE FROM access_requests WHERE id = ?"};
      break;
    case v1::RETENTION_KIND_INCIDENTS:
      statements = {"DELETE FROM incident_revisions WHERE incident_id = ?",
                    "DELETE FROM incidents WHERE id = ?"};
      break;
    default:
      return absl::InternalError(absl::StrCat("no retention purge for kind ", kind));
  }
  for (const char* sql : statements) CERCLES_RETURN_IF_ERROR(tx.Exec(sql, {id}).status());
  return absl::OkStatus();
}

const std::vector<std::string>& RetentionStore::Tables() {
  static const auto* const tables =
      new std::vector<std::string>{"meetings",        "meeting_attendance", "meeting_follow_ups",
                                   "access_requests", "incident_revisions", "incidents",
                                   "outbox",          "idempotency_keys"};
  return *tables;
}

}  // namespace cercles::membership
