#include "services/membership/erasure_store.h"

#include "common/util/clock.h"
#include "common/util/status.h"

namespace cercles::membership {

const std::vector<std::string>& ErasureStore::Tables() {
  static const auto* tables = new std::vector<std::string>{"people",
                                                           "person_expertise",
                                                           "person_corrections",
                                                           "circle_members",
                                                           "meeting_attendance",
                                                           "meeting_follow_ups",
                                                           "access_requests",
                                                           "outbox",
                                                           "idempotency_keys"};
  return *tables;
}

absl::Status ErasureStore::Erase(storage::Transaction& tx, int64_t person_id,
                                 cercles::membership::v1::ErasureReason reason,
                                 const std::string& actor, absl::Time now) const {
  const std::vector<storage::Value> person = {person_id};
  for (const char* sql : {
           "UPDATE person_corrections SET reason = '' WHERE person_id = ?",
           "UPDATE circle_members SET join_reason = '', leave_reason = CASE WHEN leave_reason IS "
           "NULL THEN NULL ELSE '' END WHERE person_id = ?",
           "UPDATE meeting_attendance SET note = '' WHERE person_id = ?",
           "UPDATE meeting_follow_ups SET progress = '', difficulties = '', help_details = '' "
           "WHERE person_id = ?",
       }) {
    CERCLES_RETURN_IF_ERROR(tx.Exec(sql, person).status());
  }
  CERCLES_ASSIGN_OR_RETURN(storage::Rows recorded,
                           tx.Query("SELECT 1 FROM person_erasures WHERE person_id = ?", person));
  if (!recorded.empty()) return absl::OkStatus();
  return tx
      .Exec(
          "INSERT INTO person_erasures (person_id, reason, actor, erase_time_us) "
          "VALUES (?, ?, ?, ?)",
          {person_id, static_cast<int64_t>(reason), actor, ToMicros(now)})
      .status();
}

}  // namespace cercles::membership
