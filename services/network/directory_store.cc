#include "services/network/directory_store.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/util/clock.h"
#include "common/util/status.h"

std::vector<cercles::storage::Migration> NetworkMigrations();

namespace cercles::network {

namespace mv1 = cercles::membership::v1;
using v1::NetworkCircle;

absl::Status MigrateNetwork(storage::Database& db) {
  CERCLES_RETURN_IF_ERROR(db.Migrate("event_cursors", {events::CursorMigration(1)}));
  CERCLES_RETURN_IF_ERROR(db.Migrate("outbox", events::OutboxMigrations()));
  CERCLES_RETURN_IF_ERROR(db.Migrate("idempotency", {idempotency::IdempotencyMigration(1)}));
  return db.Migrate("network", NetworkMigrations());
}

namespace {

absl::StatusOr<std::vector<NetworkCircle>> Summaries(const storage::Rows& rows) {
  std::vector<NetworkCircle> circles;
  circles.reserve(rows.size());
  for (const storage::Row& row : rows) {
    if (!circles.emplace_back().ParseFromString(row.Bytes(0))) {
      return absl::DataLossError("a stored directory summary is unreadable");
    }
  }
  return circles;
}

}  // namespace

absl::Status DirectoryStore::Upsert(storage::Transaction& tx, const CircleKey& key,
                                    const NetworkCircle& summary, int64_t sequence) const {
  std::string bytes;
  summary.SerializeToString(&bytes);
  const std::string node = NetworkCircleName(key);
  int64_t advisor_id = 0;
  const bool has_advisor = api::ParseName(summary.advisor(), "advisors", "advisor").ok();
  if (has_advisor) advisor_id = *api::ParseName(summary.advisor(), "advisors", "advisor");
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_circle_characteristics WHERE fund_id = ? AND circle_id = ?",
              {key.fund_id, key.circle_id})
          .status());
  CERCLES_RETURN_IF_ERROR(tx.Exec("DELETE FROM network_circles WHERE fund_id = ? AND circle_id = ?",
                                  {key.fund_id, key.circle_id})
                              .status());
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO network_circles (fund_id, circle_id, node, display_name, status, "
              "member_count, open_seats, region, region_key, advisor_id, update_time_us, "
              "source_sequence, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {key.fund_id, key.circle_id, node, summary.display_name(),
               static_cast<int64_t>(summary.status()), static_cast<int64_t>(summary.member_count()),
               static_cast<int64_t>(summary.open_seats()), summary.region(),
               TextKey(summary.region()),
               has_advisor ? storage::Value(advisor_id) : storage::Value(storage::Null{}),
               ToMicros(FromTimestamp(summary.update_time())), sequence,
               storage::Blob{std::move(bytes)}})
          .status());
  std::set<std::string> seen;
  for (const auto& c : summary.characteristics()) {
    // Membership refuses duplicates; skipping them here keeps the primary key
    // safe without engine-specific "OR IGNORE".
    if (!seen.insert(absl::StrCat(c.kind(), "\x1f", c.custom_kind(), "\x1f", c.value())).second) {
      continue;
    }
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO network_circle_characteristics (fund_id, circle_id, kind, "
                "custom_kind, value, value_key) VALUES (?, ?, ?, ?, ?, ?)",
                {key.fund_id, key.circle_id, static_cast<int64_t>(c.kind()), c.custom_kind(),
                 c.value(), TextKey(c.value())})
            .status());
  }
  // The edges a circle implies are rebuilt from its summary; sister and
  // referral edges are not the summary's and stay.
  CERCLES_RETURN_IF_ERROR(graph_.RemoveEdgesFrom(
      tx, node, {v1::EDGE_KIND_FUND, v1::EDGE_KIND_REGION, v1::EDGE_KIND_MERGED_FROM}));
  CERCLES_RETURN_IF_ERROR(
      graph_.PutEdge(tx, node, v1::EDGE_KIND_FUND, FundNodeName(key.fund_id), 1));
  for (const auto& c : summary.characteristics()) {
    if (c.kind() != mv1::CHARACTERISTIC_KIND_REGION) continue;
    CERCLES_RETURN_IF_ERROR(
        graph_.PutEdge(tx, node, v1::EDGE_KIND_REGION, RegionNodeName(key.fund_id, c.value()), 1));
  }
  for (const std::string& source : summary.merged_from()) {
    CERCLES_RETURN_IF_ERROR(graph_.PutEdge(tx, node, v1::EDGE_KIND_MERGED_FROM, source, 1));
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
  CERCLES_ASSIGN_OR_RETURN(std::vector<NetworkCircle> circles, Summaries(rows));
  return std::optional<NetworkCircle>(std::move(circles[0]));
}

absl::StatusOr<std::vector<NetworkCircle>> DirectoryStore::List(
    storage::Transaction& tx, const v1::ListNetworkCirclesRequest& filter,
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
  if (filter.status() != mv1::CIRCLE_STATUS_UNSPECIFIED) {
    sql += " AND n.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status()));
  }
  if (!filter.region().empty()) {
    sql += " AND n.region_key = ?";
    params.emplace_back(TextKey(filter.region()));
  }
  if (filter.has_room()) sql += " AND n.open_seats > 0";
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
  return Summaries(rows);
}

absl::StatusOr<std::vector<NetworkCircle>> DirectoryStore::CirclesWithRoomCarrying(
    storage::Transaction& tx, const std::string& fund_id,
    const std::vector<std::pair<mv1::CharacteristicKind, std::string>>& wanted) const {
  if (wanted.empty()) return std::vector<NetworkCircle>();
  std::string any;
  // The subquery is not correlated: it reads the characteristics index once,
  // then each circle is found by its key.
  std::vector<storage::Value> params = {fund_id, fund_id};
  for (const auto& [kind, key] : wanted) {
    absl::StrAppend(&any, any.empty() ? "" : " OR ", "(f.kind = ? AND f.value_key = ?)");
    params.emplace_back(static_cast<int64_t>(kind));
    params.emplace_back(key);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT n.summary FROM network_circles n WHERE n.fund_id = ? AND "
                            "n.open_seats > 0 AND n.circle_id IN (SELECT f.circle_id FROM "
                            "network_circle_characteristics f WHERE f.fund_id = ? AND (",
                            any, ")) ORDER BY n.circle_id"),
               params));
  return Summaries(rows);
}

}  // namespace cercles::network
