#include "services/membership/business_history_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/meeting_rules.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::BusinessOutcome;
using cercles::membership::v1::JobCounts;

// NULL for counts the outcome did not give, else the count.
storage::Value JobValue(bool given, int32_t count) {
  if (!given) return storage::Null{};
  return static_cast<int64_t>(count);
}

// The JobCounts in columns `first` and `first + 1`, when given.
void ReadJobs(const storage::Row& row, size_t first, JobCounts* jobs) {
  jobs->set_full_time(static_cast<int32_t>(row.Int(first)));
  jobs->set_part_time(static_cast<int32_t>(row.Int(first + 1)));
}

}  // namespace

BusinessOutcome OutcomeFromRow(const storage::Row& row, size_t first) {
  BusinessOutcome outcome;
  outcome.set_stage(static_cast<v1::BusinessStage>(row.Int(first)));
  outcome.set_event(static_cast<v1::BusinessEvent>(row.Int(first + 1)));
  if (!row.IsNull(first + 2)) ReadJobs(row, first + 2, outcome.mutable_jobs_created());
  if (!row.IsNull(first + 4)) ReadJobs(row, first + 4, outcome.mutable_jobs_kept());
  outcome.set_revenue_band(static_cast<v1::RevenueBand>(row.Int(first + 6)));
  return outcome;
}

absl::Status BusinessHistoryStore::Insert(storage::Transaction& tx, int64_t meeting_id,
                                          int64_t person_id, absl::CivilDay day,
                                          const BusinessOutcome& outcome) const {
  const bool created = outcome.has_jobs_created(), kept = outcome.has_jobs_kept();
  return tx
      .Exec(absl::StrCat("INSERT INTO business_history (meeting_id, person_id, meeting_day, ",
                         kOutcomeColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {meeting_id, person_id, FormatDay(day), static_cast<int64_t>(outcome.stage()),
             static_cast<int64_t>(outcome.event()),
             JobValue(created, outcome.jobs_created().full_time()),
             JobValue(created, outcome.jobs_created().part_time()),
             JobValue(kept, outcome.jobs_kept().full_time()),
             JobValue(kept, outcome.jobs_kept().part_time()),
             static_cast<int64_t>(outcome.revenue_band())})
      .status();
}

absl::StatusOr<bool> BusinessHistoryStore::IsLatest(storage::Transaction& tx, int64_t person_id,
                                                    absl::CivilDay day, int64_t meeting_id) const {
  const std::string text = FormatDay(day);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT COUNT(*) FROM business_history WHERE person_id = ? AND (meeting_day > ? OR "
               "(meeting_day = ? AND meeting_id > ?))",
               {person_id, text, text, meeting_id}));
  return rows.empty() || rows[0].Int(0) == 0;
}

absl::StatusOr<std::vector<v1::BusinessHistoryEntry>> BusinessHistoryStore::List(
    storage::Transaction& tx, int64_t person_id, const std::optional<MeetingListPosition>& after,
    int limit) const {
  std::string sql = absl::StrCat(
      "SELECT h.meeting_id, m.circle_id, h.meeting_day, m.record_principal, m.create_time_us, ",
      "h.", absl::StrReplaceAll(kOutcomeColumns, {{", ", ", h."}}),
      " FROM business_history h JOIN meetings m ON m.id = h.meeting_id WHERE h.person_id = ?");
  std::vector<storage::Value> params = {person_id};
  if (after.has_value()) {
    AppendAfterPosition(*after, "h.meeting_day", "h.meeting_id", &sql, &params);
  }
  sql += " ORDER BY h.meeting_day DESC, h.meeting_id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<v1::BusinessHistoryEntry> entries;
  entries.reserve(rows.size());
  for (const storage::Row& row : rows) {
    v1::BusinessHistoryEntry& entry = entries.emplace_back();
    entry.set_meeting(MeetingName(row.Int(1), row.Int(0)));
    *entry.mutable_meeting_date() =
        api::ParseDate(row.Text(2)).value_or(cercles::common::v1::Date());
    entry.set_record_principal(row.Text(3));
    SetTimestampMicros(row.Int(4), entry.mutable_create_time());
    *entry.mutable_outcome() = OutcomeFromRow(row, 5);
  }
  return entries;
}

}  // namespace cercles::membership
