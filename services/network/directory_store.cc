#include "services/network/directory_store.h"

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/events/watch.h"
#include "common/util/clock.h"
#include "common/util/status.h"

std::vector<cercles::storage::Migration> NetworkMigrations();

namespace cercles::network {

using cercles::network::v1::NetworkCircle;

absl::Status MigrateNetwork(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(db.Migrate("event_cursors", {events::CursorMigration(1)}));
  return db.Migrate("network", NetworkMigrations());
}

namespace {

// The circles whose public summary an event of membership carries; empty for
// events the directory does not use.
absl::StatusOr<std::vector<cercles::membership::v1::Circle>> CirclesOf(
    const cercles::common::v1::Event& event) {
  namespace mv1 = cercles::membership::v1;
  std::vector<mv1::Circle> circles;
  auto unpack = [&](google::protobuf::Message* payload) -> absl::Status {
    if (!event.payload().UnpackTo(payload)) {
      return absl::DataLossError(
          absl::StrCat("event ", event.sequence(), " (", event.type(), "): unreadable payload"));
    }
    return absl::OkStatus();
  };
  const std::string& type = event.type();
  if (type == "cercles.membership.v1.CircleCreated") {
    mv1::CircleCreated e;
    CERCLES_RETURN_IF_ERROR(unpack(&e));
    circles.push_back(e.circle());
  } else if (type == "cercles.membership.v1.CircleUpdated") {
    mv1::CircleUpdated e;
    CERCLES_RETURN_IF_ERROR(unpack(&e));
    circles.push_back(e.circle());
  } else if (type == "cercles.membership.v1.CircleMemberAdded") {
    mv1::CircleMemberAdded e;
    CERCLES_RETURN_IF_ERROR(unpack(&e));
    circles.push_back(e.circle());
  } else if (type == "cercles.membership.v1.CircleMemberRemoved") {
    mv1::CircleMemberRemoved e;
    CERCLES_RETURN_IF_ERROR(unpack(&e));
    circles.push_back(e.circle());
  } else if (type == "cercles.membership.v1.CirclesMerged") {
    mv1::CirclesMerged e;
    CERCLES_RETURN_IF_ERROR(unpack(&e));
    circles.push_back(e.circle());
    circles.insert(circles.end(), e.merged().begin(), e.merged().end());
  }
  return circles;
}

}  // namespace

absl::Status DirectoryStore::ApplyMembershipEvent(storage::Transaction& tx,
                                                  const cercles::common::v1::Event& event) const {
  CERCLES_ASSIGN_OR_RETURN(std::vector<cercles::membership::v1::Circle> circles, CirclesOf(event));
  for (const auto& circle : circles) {
    CircleKey key;
    CERCLES_ASSIGN_OR_RETURN(NetworkCircle summary,
                             SummaryFromMembership(circle, event.fund_id(), &key));
    CERCLES_RETURN_IF_ERROR(Upsert(tx, key, summary, event.sequence()));
  }
  return absl::OkStatus();
}

absl::Status DirectoryStore::Upsert(storage::Transaction& tx, const CircleKey& key,
                                    const NetworkCircle& summary, int64_t sequence) const {
  std::string bytes;
  summary.SerializeToString(&bytes);
  const int64_t update_us =
      summary.update_time().seconds() * 1000000 + summary.update_time().nanos() / 1000;
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_circle_characteristics WHERE fund_id = ? AND circle_id = ?",
              {key.fund_id, key.circle_id})
          .status());
  CERCLES_RETURN_IF_ERROR(tx.Exec("DELETE FROM network_circles WHERE fund_id = ? AND circle_id = ?",
                                  {key.fund_id, key.circle_id})
                              .status());
  CERCLES_RETURN_IF_ERROR(
      tx.Exec(
            "INSERT INTO network_circles (fund_id, circle_id, display_name, status, member_count, "
            "update_time_us, source_sequence, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {key.fund_id, key.circle_id, summary.display_name(),
             static_cast<int64_t>(summary.status()), static_cast<int64_t>(summary.member_count()),
             update_us, sequence, storage::Blob{std::move(bytes)}})
          .status());
  for (const auto& c : summary.characteristics()) {
    // Duplicates cannot come from membership (it refuses them); OR IGNORE-free SQL
    // keeps both engines happy, so skip them here instead.
    CERCLES_ASSIGN_OR_RETURN(
        storage::Rows existing,
        tx.Query("SELECT 1 FROM network_circle_characteristics WHERE fund_id = ? AND circle_id = ? "
                 "AND kind = ? AND custom_kind = ? AND value = ?",
                 {key.fund_id, key.circle_id, static_cast<int64_t>(c.kind()), c.custom_kind(),
                  c.value()}));
    if (!existing.empty()) continue;
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO network_circle_characteristics (fund_id, circle_id, kind, "
                "custom_kind, value) VALUES (?, ?, ?, ?, ?)",
                {key.fund_id, key.circle_id, static_cast<int64_t>(c.kind()), c.custom_kind(),
                 c.value()})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<NetworkCircle>> DirectoryStore::Get(storage::Transaction& tx,
                                                                 const CircleKey& key) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT summary FROM network_circles WHERE fund_id = ? AND circle_id = ?",
               {key.fund_id, key.circle_id}));
  if (rows.empty()) return std::optional<NetworkCircle>();
  NetworkCircle circle;
  if (!circle.ParseFromString(rows[0].Bytes(0))) {
    return absl::DataLossError(
        absl::StrCat("stored summary of ", NetworkCircleName(key), " is unreadable"));
  }
  return std::optional<NetworkCircle>(std::move(circle));
}

absl::StatusOr<std::vector<NetworkCircle>> DirectoryStore::List(
    storage::Transaction& tx, const cercles::network::v1::ListNetworkCirclesRequest& filter,
    const std::optional<CircleKey>& after, int limit) const {
  std::string sql = "SELECT n.summary FROM network_circles n WHERE 1 = 1";
  std::vector<storage::Value> params;
  if (after.has_value()) {
    sql += " AND (n.fund_id > ? OR (n.fund_id = ? AND n.circle_id > ?))";
    params.insert(params.end(), {after->fund_id, after->fund_id, after->circle_id});
  }
  if (!filter.fund_id().empty()) {
    sql += " AND n.fund_id = ?";
    params.emplace_back(filter.fund_id());
  }
  if (filter.status() != cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED) {
    sql += " AND n.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status()));
  }
  for (const auto& c : filter.characteristics()) {
    sql +=
        " AND EXISTS (SELECT 1 FROM network_circle_characteristics f WHERE f.fund_id = n.fund_id "
        "AND f.circle_id = n.circle_id AND f.kind = ? AND f.custom_kind = ? AND f.value = ?)";
    params.emplace_back(static_cast<int64_t>(c.kind()));
    params.emplace_back(c.custom_kind());
    params.emplace_back(c.value());
  }
  sql += " ORDER BY n.fund_id, n.circle_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<NetworkCircle> circles;
  circles.reserve(rows.size());
  for (const storage::Row& row : rows) {
    if (!circles.emplace_back().ParseFromString(row.Bytes(0))) {
      return absl::DataLossError("a stored directory summary is unreadable");
    }
  }
  return circles;
}

}  // namespace cercles::network
