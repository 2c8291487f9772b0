#include "services/network/outcome_store.h"

#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/storage/sql.h"
#include "common/util/status.h"
#include "services/network/loan_store.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

// NULL for counts the outcome did not give, else the count.
storage::Value JobValue(bool given, int32_t count) {
  if (!given) return storage::Null{};
  return static_cast<int64_t>(count);
}

std::optional<OutcomeJobs> JobsAt(const storage::Row& row, size_t first) {
  if (row.IsNull(first)) return std::nullopt;
  return OutcomeJobs{row.Int(first), row.Int(first + 1)};
}

}  // namespace

absl::Status OutcomeStore::Record(storage::Transaction& tx, const std::string& fund_id,
                                  const mv1::MeetingRecorded& meeting, int64_t sequence) const {
  if (meeting.outcomes().empty()) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      api::ParseNestedName(meeting.meeting(), "circles/{id}/meetings/{id}", "meeting"));
  const std::string day = api::FormatDate(meeting.meeting_date());
  for (const mv1::OutcomeRecorded& recorded : meeting.outcomes()) {
    CERCLES_ASSIGN_OR_RETURN(int64_t person,
                             api::ParseName(recorded.person(), "people", "outcomes.person"));
    const mv1::BusinessOutcome& o = recorded.outcome();
    const bool created = o.has_jobs_created(), kept = o.has_jobs_kept();
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO network_business_outcomes (fund_id, meeting_id, person_id, "
                "circle_id, meeting_day, event, jobs_created_full_time, jobs_created_part_time, "
                "jobs_kept_full_time, jobs_kept_part_time, source_sequence) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fund_id, meeting_id, person_id) DO NOTHING",
                {fund_id, ids[1], person, ids[0], day, static_cast<int64_t>(o.event()),
                 JobValue(created, o.jobs_created().full_time()),
                 JobValue(created, o.jobs_created().part_time()),
                 JobValue(kept, o.jobs_kept().full_time()),
                 JobValue(kept, o.jobs_kept().part_time()), sequence})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OutcomeRow>> OutcomeStore::Rows(storage::Transaction& tx,
                                                           const std::string& fund_id) const {
  storage::Sql sql(
      "SELECT o.fund_id, COALESCE(c.region, ''), o.person_id, o.meeting_day, o.meeting_id, "
      "o.event, o.jobs_created_full_time, o.jobs_created_part_time, o.jobs_kept_full_time, "
      "o.jobs_kept_part_time FROM network_business_outcomes o LEFT JOIN network_circles c ON "
      "c.fund_id = o.fund_id AND c.circle_id = o.circle_id");
  if (!fund_id.empty()) sql.Add(" WHERE o.fund_id = ?", {fund_id});
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  std::vector<OutcomeRow> outcomes;
  outcomes.reserve(rows.size());
  for (const storage::Row& row : rows) {
    OutcomeRow& o = outcomes.emplace_back();
    o.fund_id = row.Text(0);
    o.region = row.Text(1);
    o.person_id = row.Int(2);
    o.meeting_day = row.Text(3);
    o.meeting_id = row.Int(4);
    o.event = static_cast<int>(row.Int(5));
    o.jobs_created = JobsAt(row, 6);
    o.jobs_kept = JobsAt(row, 8);
  }
  return outcomes;
}

absl::StatusOr<std::vector<RegionFigures>> OutcomeStore::Figures(storage::Transaction& tx,
                                                                 const std::string& fund_id) const {
  CERCLES_ASSIGN_OR_RETURN(std::vector<OutcomeRow> outcomes, Rows(tx, fund_id));
  return OutcomeFigures(std::move(outcomes));
}

absl::StatusOr<v1::GetImpactReportResponse> ReadImpactReport(storage::Database& db,
                                                             const ImpactRange& range,
                                                             const std::string& fund_id) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<ImpactLoan> loans, LoanStore().ImpactLoans(*tx, fund_id));
  CERCLES_ASSIGN_OR_RETURN(std::vector<OutcomeRow> outcomes, OutcomeStore().Rows(*tx, fund_id));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return BuildImpactReport(range, loans, outcomes);
}

}  // namespace cercles::network
