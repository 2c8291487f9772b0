#include "services/membership/access_request_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/membership/access_request_rules.h"

namespace cercles::membership {
namespace {

absl::StatusOr<v1::AccessRequest> ParseAccessRequest(const std::string& bytes) {
  v1::AccessRequest request;
  if (!request.ParseFromString(bytes)) return absl::InternalError("unreadable access request");
  return request;
}

}  // namespace

absl::StatusOr<v1::AccessRequest> AccessRequestStore::Insert(storage::Transaction& tx,
                                                             v1::AccessRequest request,
                                                             const std::string& principal,
                                                             absl::Time now) const {
  request.set_recorded_by(principal);
  SetTimestamp(now, request.mutable_create_time());
  // The message is written once the id is known (its name holds it).
  CERCLES_ASSIGN_OR_RETURN(
      int64_t id, storage::InsertReturningId(
                      tx,
                      "INSERT INTO access_requests (person_id, due_day, done, access_request, "
                      "create_time_us) VALUES (?, ?, 0, ?, ?) RETURNING id",
                      {AccessRequestPersonId(request), api::FormatDate(request.due_date()),
                       storage::Blob{}, ToMicros(now)},
                      "access request"));
  request.set_name(absl::StrCat("accessRequests/", id));
  CERCLES_RETURN_IF_ERROR(tx.Exec("UPDATE access_requests SET access_request = ? WHERE id = ?",
                                  {storage::Blob{request.SerializeAsString()}, id})
                              .status());
  return request;
}

absl::StatusOr<std::optional<v1::AccessRequest>> AccessRequestStore::Get(storage::Transaction& tx,
                                                                         int64_t id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT access_request FROM access_requests WHERE id = ?", {id}));
  if (rows.empty()) return std::nullopt;
  return ParseAccessRequest(rows[0].Bytes(0));
}

absl::StatusOr<v1::AccessRequest> AccessRequestStore::Complete(
    storage::Transaction& tx, int64_t id, v1::AccessRequest stored,
    v1::AccessRequestCompletion completion, const std::string& principal, absl::Time now) const {
  completion.set_completed_by(principal);
  SetTimestamp(now, completion.mutable_complete_time());
  *stored.mutable_completion() = std::move(completion);
  stored.set_state(v1::ACCESS_REQUEST_STATE_DONE);
  stored.clear_overdue();
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("UPDATE access_requests SET done = 1, access_request = ? WHERE id = ?",
              {storage::Blob{stored.SerializeAsString()}, id})
          .status());
  return stored;
}

absl::Status AccessRequestStore::ErasePerson(storage::Transaction& tx,
                                             const redaction::PersonErasure& erasure) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id, access_request FROM access_requests WHERE person_id = ?",
               {erasure.person_id}));
  for (const auto& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(v1::AccessRequest request, ParseAccessRequest(row.Bytes(1)));
    if (!redaction::ErasePersonFrom(&request, erasure)) continue;
    CERCLES_RETURN_IF_ERROR(tx.Exec("UPDATE access_requests SET access_request = ? WHERE id = ?",
                                    {storage::Blob{request.SerializeAsString()}, row.Int(0)})
                                .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::AccessRequest>> AccessRequestStore::List(
    storage::Transaction& tx, const AccessRequestFilter& filter, int64_t after_id,
    int limit) const {
  std::string sql = "SELECT access_request FROM access_requests WHERE id > ?";
  std::vector<storage::Value> params = {after_id};
  if (filter.person_id != 0) {
    sql += " AND person_id = ?";
    params.push_back(filter.person_id);
  }
  if (filter.state != v1::ACCESS_REQUEST_STATE_UNSPECIFIED) {
    sql += " AND done = ?";
    params.push_back(int64_t{filter.state == v1::ACCESS_REQUEST_STATE_DONE ? 1 : 0});
  }
  if (filter.overdue_on.has_value()) {
    // "YYYY-MM-DD" sorts as the days do.
    sql += " AND done = 0 AND due_day < ?";
    params.push_back(api::FormatDate(api::DateFromDay(*filter.overdue_on)));
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<v1::AccessRequest> out;
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(v1::AccessRequest request, ParseAccessRequest(row.Bytes(0)));
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace cercles::membership
