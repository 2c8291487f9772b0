#include "services/network/federation_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/events/watch.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"
#include "services/network/federation_rules.h"

std::vector<cercles::storage::Migration> FederationMigrations();

namespace cercles::network {
namespace {

template <typename T>
absl::StatusOr<std::vector<T>> Parse(const storage::Rows& rows, size_t column, const char* what) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    if (!out.emplace_back().ParseFromString(row.Bytes(column))) {
      return absl::DataLossError(absl::StrCat("a stored ", what, " is unreadable"));
    }
  }
  return out;
}

template <typename T>
absl::StatusOr<std::optional<T>> ParseOne(const storage::Rows& rows, const char* what) {
  if (rows.empty()) return std::optional<T>();
  CERCLES_ASSIGN_OR_RETURN(std::vector<T> parsed, Parse<T>(rows, 0, what));
  return std::optional<T>(std::move(parsed[0]));
}

}  // namespace

absl::Status MigrateFederation(storage::Database& db) {
  return db.Migrate("federation", FederationMigrations());
}

absl::StatusOr<std::optional<v1::PeerFund>> FederationStore::GetPeer(
    storage::Transaction& tx, const std::string& fund_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT peer FROM federation_peers WHERE fund_id = ?", {fund_id}));
  return ParseOne<v1::PeerFund>(rows, "peer fund");
}

absl::StatusOr<std::optional<v1::PeerFund>> FederationStore::ActivePeerByCommonName(
    storage::Transaction& tx, const std::string& common_name) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT peer FROM federation_peers WHERE common_name = ? AND status = ? "
               "ORDER BY fund_id LIMIT 1",
               {common_name, static_cast<int64_t>(v1::PEER_FUND_STATUS_ACTIVE)}));
  return ParseOne<v1::PeerFund>(rows, "peer fund");
}

absl::Status FederationStore::PutPeer(storage::Transaction& tx, const v1::PeerFund& peer,
                                      absl::Time now) const {
  v1::PeerFund stored = peer;
  stored.clear_sync();  // computed on read
  return tx
      .Exec(
          "INSERT INTO federation_peers (fund_id, common_name, status, peer, update_time_us) "
          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (fund_id) DO UPDATE SET common_name = "
          "excluded.common_name, status = excluded.status, peer = excluded.peer, "
          "update_time_us = excluded.update_time_us",
          {stored.fund_id(), stored.certificate_common_name(),
           static_cast<int64_t>(stored.status()), storage::Blob{stored.SerializeAsString()},
           ToMicros(now)})
      .status();
}

absl::StatusOr<std::vector<v1::PeerFund>> FederationStore::ListPeers(
    storage::Transaction& tx, const std::string& after_fund_id, v1::PeerFundStatus status,
    int limit) const {
  std::string sql = "SELECT peer FROM federation_peers WHERE fund_id > ?";
  std::vector<storage::Value> params = {after_fund_id};
  if (status != v1::PEER_FUND_STATUS_UNSPECIFIED) {
    sql += " AND status = ?";
    params.emplace_back(static_cast<int64_t>(status));
  }
  sql += " ORDER BY fund_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  return Parse<v1::PeerFund>(rows, 0, "peer fund");
}

absl::Status FederationStore::FillSyncState(storage::Transaction& tx, v1::PeerFund* peer) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows cursor,
      tx.Query("SELECT sequence, update_time_us FROM event_cursors WHERE source = ?",
               {PeerCursorSource(peer->fund_id())}));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows circles,
      tx.Query("SELECT COUNT(*) FROM network_circles WHERE fund_id = ?", {peer->fund_id()}));
  v1::PeerSyncState* sync = peer->mutable_sync();
  sync->Clear();
  if (!cursor.empty()) {
    sync->set_sequence(cursor[0].Int(0));
    SetTimestampMicros(cursor[0].Int(1), sync->mutable_update_time());
  }
  sync->set_circles(circles.empty() ? 0 : static_cast<int32_t>(circles[0].Int(0)));
  return absl::OkStatus();
}

absl::Status FederationStore::PutFederationEdge(storage::Transaction& tx,
                                                const std::string& own_fund_id,
                                                const std::string& peer_fund_id) const {
  return graph_.PutEdge(tx, FundNodeName(own_fund_id), v1::EDGE_KIND_FEDERATION,
                        FundNodeName(peer_fund_id), 1);
}

absl::Status FederationStore::ForgetPeerDirectory(storage::Transaction& tx,
                                                  const std::string& own_fund_id,
                                                  const std::string& peer_fund_id) const {
  CERCLES_RETURN_IF_ERROR(graph_.RemoveEdge(tx, FundNodeName(own_fund_id), v1::EDGE_KIND_FEDERATION,
                                            FundNodeName(peer_fund_id)));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows nodes,
      tx.Query("SELECT node FROM network_circles WHERE fund_id = ?", {peer_fund_id}));
  // The edges a summary implies (DirectoryStore::Upsert); sister and referral
  // edges belong to staff decisions of this fund and are left to them.
  for (const storage::Row& row : nodes) {
    CERCLES_RETURN_IF_ERROR(graph_.RemoveEdgesFrom(
        tx, row.Text(0), {v1::EDGE_KIND_FUND, v1::EDGE_KIND_REGION, v1::EDGE_KIND_MERGED_FROM}));
  }
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_circle_characteristics WHERE fund_id = ?", {peer_fund_id})
          .status());
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_circles WHERE fund_id = ?", {peer_fund_id}).status());
  return tx.Exec("DELETE FROM event_cursors WHERE source = ?", {PeerCursorSource(peer_fund_id)})
      .status();
}

absl::StatusOr<std::vector<v1::WatchDirectoryResponse>> FederationStore::DirectoryChanges(
    storage::Transaction& tx, const std::string& fund_id, int64_t after_sequence,
    int max_sequences) const {
  // The sequences first, so that a batch never splits the circles of one
  // sequence (a merge changes several circles in one event).
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows sequences,
      tx.Query("SELECT DISTINCT source_sequence FROM network_circles WHERE fund_id = ? AND "
               "source_sequence > ? ORDER BY source_sequence LIMIT ?",
               {fund_id, after_sequence, static_cast<int64_t>(max_sequences)}));
  std::vector<v1::WatchDirectoryResponse> changes;
  if (sequences.empty()) return changes;
  const int64_t last = sequences.back().Int(0);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT source_sequence, summary FROM network_circles WHERE fund_id = ? AND "
               "source_sequence > ? AND source_sequence <= ? ORDER BY source_sequence, circle_id",
               {fund_id, after_sequence, last}));
  for (const storage::Row& row : rows) {
    if (changes.empty() || changes.back().sequence() != row.Int(0)) {
      changes.emplace_back().set_sequence(row.Int(0));
      changes.back().set_fund_id(fund_id);
    }
    if (!changes.back().add_circles()->ParseFromString(row.Bytes(1))) {
      return absl::DataLossError("a stored directory summary is unreadable");
    }
  }
  return changes;
}

absl::StatusOr<int64_t> FederationStore::DirectoryHead(storage::Transaction& tx,
                                                       const std::string& fund_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT COALESCE(MAX(source_sequence), 0) FROM network_circles WHERE fund_id = ?",
               {fund_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::StatusOr<v1::MemberTransfer> FederationStore::InsertTransfer(storage::Transaction& tx,
                                                                   v1::MemberTransfer transfer,
                                                                   absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  // An outgoing transfer names this fund's person, whose consent is followed.
  storage::Value person_id = storage::Null{};
  if (transfer.direction() == v1::TRANSFER_DIRECTION_OUTGOING) {
    CERCLES_ASSIGN_OR_RETURN(person_id, api::ParseName(transfer.person(), "people", "person"));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          "INSERT INTO federation_transfers (direction, peer_fund_id, status, transfer, "
          "create_time_us, update_time_us, person_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
          "RETURNING transfer_id",
          {static_cast<int64_t>(transfer.direction()), transfer.peer_fund_id(),
           static_cast<int64_t>(transfer.status()), storage::Blob{}, now_us, now_us, person_id}));
  if (rows.size() != 1) return absl::InternalError("transfer insert returned no id");
  const int64_t id = rows[0].Int(0);
  transfer.set_name(TransferName(id));
  SetTimestamp(now, transfer.mutable_create_time());
  CERCLES_RETURN_IF_ERROR(UpdateTransfer(tx, id, transfer, now));
  return transfer;
}

absl::Status FederationStore::UpdateTransfer(storage::Transaction& tx, int64_t transfer_id,
                                             const v1::MemberTransfer& transfer,
                                             absl::Time now) const {
  return tx
      .Exec(
          "UPDATE federation_transfers SET status = ?, transfer = ?, update_time_us = ? WHERE "
          "transfer_id = ?",
          {static_cast<int64_t>(transfer.status()), storage::Blob{transfer.SerializeAsString()},
           ToMicros(now), transfer_id})
      .status();
}

absl::StatusOr<std::vector<int64_t>> FederationStore::ConsentWithdrawnTransfers(
    storage::Transaction& tx, const std::string& own_fund_id, int limit) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT t.transfer_id FROM federation_transfers t JOIN network_people p ON "
               "p.fund_id = ? AND p.person_id = t.person_id WHERE t.direction = ? AND "
               "t.consent_withdrawn = 0 AND p.share_with_other_funds = 0 ORDER BY t.transfer_id "
               "LIMIT ?",
               {own_fund_id, static_cast<int64_t>(v1::TRANSFER_DIRECTION_OUTGOING),
                static_cast<int64_t>(limit)}));
  std::vector<int64_t> ids;
  for (const storage::Row& row : rows) ids.push_back(row.Int(0));
  return ids;
}

absl::Status FederationStore::MarkConsentWithdrawn(storage::Transaction& tx,
                                                   int64_t transfer_id) const {
  return tx
      .Exec("UPDATE federation_transfers SET consent_withdrawn = 1 WHERE transfer_id = ?",
            {transfer_id})
      .status();
}

absl::StatusOr<int> FederationStore::ClearCandidatesOf(storage::Transaction& tx, int64_t person_id,
                                                       absl::Time now) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT transfer_id, transfer FROM federation_transfers WHERE person_id = ? AND "
               "direction = ? ORDER BY transfer_id",
               {person_id, static_cast<int64_t>(v1::TRANSFER_DIRECTION_OUTGOING)}));
  int changed = 0;
  for (const storage::Row& row : rows) {
    v1::MemberTransfer transfer;
    if (!transfer.ParseFromString(row.Bytes(1))) {
      return absl::DataLossError("a stored member transfer is unreadable");
    }
    if (!transfer.has_candidate()) continue;
    transfer.clear_candidate();
    CERCLES_RETURN_IF_ERROR(UpdateTransfer(tx, row.Int(0), transfer, now));
    ++changed;
  }
  return changed;
}

redaction::PersonErasure TransferCandidateErasure(int64_t person_id,
                                                  std::vector<std::string> records) {
  redaction::PersonErasure erasure;
  erasure.person_id = person_id;
  erasure.records = std::move(records);
  erasure.cleared_types = {v1::TransferCandidate::descriptor()->full_name()};
  return erasure;
}

absl::StatusOr<std::optional<v1::MemberTransfer>> FederationStore::GetTransfer(
    storage::Transaction& tx, int64_t transfer_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT transfer FROM federation_transfers WHERE transfer_id = ?", {transfer_id}));
  return ParseOne<v1::MemberTransfer>(rows, "member transfer");
}

absl::StatusOr<std::vector<v1::MemberTransfer>> FederationStore::ListTransfers(
    storage::Transaction& tx, const TransferFilter& filter, int64_t after_id, int limit) const {
  std::string sql = "SELECT transfer FROM federation_transfers WHERE transfer_id > ?";
  std::vector<storage::Value> params = {after_id};
  if (filter.direction != v1::TRANSFER_DIRECTION_UNSPECIFIED) {
    sql += " AND direction = ?";
    params.emplace_back(static_cast<int64_t>(filter.direction));
  }
  if (filter.status != v1::TRANSFER_STATUS_UNSPECIFIED) {
    sql += " AND status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status));
  }
  if (!filter.peer_fund_id.empty()) {
    sql += " AND peer_fund_id = ?";
    params.emplace_back(filter.peer_fund_id);
  }
  sql += " ORDER BY transfer_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  return Parse<v1::MemberTransfer>(rows, 0, "member transfer");
}

}  // namespace cercles::network
