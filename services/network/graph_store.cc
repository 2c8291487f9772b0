#include "services/network/graph_store.h"

#include <iterator>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cercles/network/v1/partners.pb.h"
#include "common/storage/sql.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace cercles::network {
namespace {

// The region as written, from the last segment of its node name.
std::string DecodeSegment(absl::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    int value = 0;
    if (segment[i] == '%' && i + 2 < segment.size() &&
        absl::SimpleHexAtoi(segment.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(segment[i]);
    }
  }
  return out;
}

std::string LastSegment(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// Writes both directions of the edge (outward from `from`, inward at `to`)
// with `weight`; where a direction exists, `update` says how it changes
// (an SQL SET list, `excluded` being the row not inserted).
absl::Status UpsertBothWays(storage::Transaction& tx, const char* update, const std::string& from,
                            v1::EdgeKind kind, const std::string& to, int64_t weight) {
  const std::string upsert = absl::StrCat(
      "INSERT INTO network_adjacency (node, kind, other, outward, weight) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (node, kind, other) DO UPDATE SET ",
      update);
  const auto k = static_cast<int64_t>(kind);
  CERCLES_RETURN_IF_ERROR(tx.Exec(upsert, {from, k, to, int64_t{1}, weight}).status());
  return tx.Exec(upsert, {to, k, from, int64_t{0}, weight}).status();
}

}  // namespace

absl::Status GraphStore::PutEdge(storage::Transaction& tx, const std::string& from,
                                 v1::EdgeKind kind, const std::string& to, int64_t weight) const {
  return UpsertBothWays(tx, "outward = excluded.outward, weight = excluded.weight", from, kind, to,
                        weight);
}

absl::Status GraphStore::RemoveEdge(storage::Transaction& tx, const std::string& from,
                                    v1::EdgeKind kind, const std::string& to) const {
  static constexpr char kDelete[] =
      "DELETE FROM network_adjacency WHERE node = ? AND kind = ? AND other = ?";
  const auto k = static_cast<int64_t>(kind);
  CERCLES_RETURN_IF_ERROR(tx.Exec(kDelete, {from, k, to}).status());
  return tx.Exec(kDelete, {to, k, from}).status();
}

absl::Status GraphStore::RemoveEdgesFrom(storage::Transaction& tx, const std::string& node,
                                         const std::vector<v1::EdgeKind>& kinds) const {
  if (kinds.empty()) return absl::OkStatus();
  storage::Sql sql(
      "SELECT kind, other FROM network_adjacency WHERE node = ? AND outward = 1 AND "
      "kind IN ",
      {node});
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.List(kinds).Query(tx));
  for (const storage::Row& row : rows) {
    CERCLES_RETURN_IF_ERROR(
        RemoveEdge(tx, node, static_cast<v1::EdgeKind>(row.Int(0)), row.Text(1)));
  }
  return absl::OkStatus();
}

absl::Status GraphStore::AddToEdge(storage::Transaction& tx, const std::string& from,
                                   v1::EdgeKind kind, const std::string& to, int64_t delta) const {
  CERCLES_RETURN_IF_ERROR(UpsertBothWays(tx, "weight = network_adjacency.weight + excluded.weight",
                                         from, kind, to, delta));
  const auto k = static_cast<int64_t>(kind);
  return tx
      .Exec(
          "DELETE FROM network_adjacency WHERE kind = ? AND weight <= 0 AND "
          "((node = ? AND other = ?) OR (node = ? AND other = ?))",
          {k, from, to, to, from})
      .status();
}

absl::StatusOr<std::vector<std::string>> GraphStore::Neighbours(
    storage::Transaction& tx, const std::vector<std::string>& frontier,
    const std::vector<v1::EdgeKind>& kinds, int limit) const {
  std::vector<std::string> out;
  if (frontier.empty() || kinds.empty() || limit <= 0) return out;
  // The first `limit` names over the whole frontier are among each node's own
  // first `limit`: one short index walk per node (network_adjacency_by_other),
  // so a hub with every circle on it costs `limit` rows, not all of them.
  std::set<std::string> merged;
  for (const std::string& node : frontier) {
    storage::Sql sql("SELECT DISTINCT other FROM network_adjacency WHERE node = ?", {node});
    sql.Add(" AND kind IN ").List(kinds).Add(" ORDER BY other LIMIT ?", {int64_t{limit}});
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
    for (const storage::Row& row : rows) merged.insert(row.Text(0));
    // Keep only the first `limit`: a later node's names past them cannot count.
    while (static_cast<int>(merged.size()) > limit) merged.erase(std::prev(merged.end()));
  }
  out.assign(merged.begin(), merged.end());
  return out;
}

absl::StatusOr<std::vector<NamedEdge>> GraphStore::EdgesAmong(
    storage::Transaction& tx, const std::vector<std::string>& nodes,
    const std::vector<v1::EdgeKind>& kinds) const {
  std::vector<NamedEdge> edges;
  if (nodes.size() < 2 || kinds.empty()) return edges;
  // Each node's own outward edges by network_adjacency_outward (migration
  // 0006), the far end kept here: asking the database for `other IN (nodes)`
  // too made it look up every pair (nodes × kinds × nodes, 30,000 probes for a
  // 100-node answer) where the nodes' edges are a few hundred rows; and a hub's
  // edges are all inward, so it costs nothing however many circles it has.
  const std::set<std::string> among(nodes.begin(), nodes.end());
  storage::Sql sql(
      "SELECT node, kind, other, weight FROM network_adjacency WHERE outward = 1 AND node IN ");
  sql.List(nodes).Add(" AND kind IN ").List(kinds);
  sql.Add(" ORDER BY node, kind, other");
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  for (const storage::Row& row : rows) {
    std::string other = row.Text(2);
    if (among.count(other) == 0) continue;
    edges.push_back({row.Text(0), static_cast<v1::EdgeKind>(row.Int(1)), std::move(other),
                     static_cast<int32_t>(row.Int(3))});
  }
  return edges;
}

absl::StatusOr<std::vector<v1::Node>> GraphStore::DescribeNodes(
    storage::Transaction& tx, const std::vector<WalkedNode>& walked, bool full) const {
  std::vector<std::string> circles;
  std::vector<int64_t> partner_ids;
  for (const WalkedNode& w : walked) {
    const v1::NodeKind kind = NodeKindOf(w.name);
    int64_t id = 0;
    if (kind == v1::NODE_KIND_CIRCLE) circles.push_back(w.name);
    if (kind == v1::NODE_KIND_PARTNER && absl::SimpleAtoi(LastSegment(w.name), &id)) {
      partner_ids.push_back(id);
    }
  }
  std::map<std::string, v1::NetworkCircle> summaries;
  if (!circles.empty()) {
    // The basic view reads columns; only the full view parses whole summaries.
    storage::Sql sql(full ? "SELECT node, summary"
                          : "SELECT node, display_name, status, member_count");
    sql.Add(" FROM network_circles WHERE node IN ").List(circles);
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
    for (const storage::Row& row : rows) {
      v1::NetworkCircle& summary = summaries[row.Text(0)];
      if (!full) {
        summary.set_display_name(row.Text(1));
        summary.set_status(static_cast<cercles::membership::v1::CircleStatus>(row.Int(2)));
        summary.set_member_count(static_cast<int32_t>(row.Int(3)));
      } else if (!summary.ParseFromString(row.Bytes(1))) {
        return absl::DataLossError(
            absl::StrCat("stored summary of ", row.Text(0), " is unreadable"));
      }
    }
  }
  std::map<int64_t, v1::Partner> partners;
  if (!partner_ids.empty()) {
    storage::Sql sql("SELECT partner_id, partner FROM network_partners WHERE partner_id IN ");
    CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.List(partner_ids).Query(tx));
    for (const storage::Row& row : rows) {
      if (!partners[row.Int(0)].ParseFromString(row.Bytes(1))) {
        return absl::DataLossError("a stored partner is unreadable");
      }
    }
  }
  std::vector<v1::Node> nodes;
  nodes.reserve(walked.size());
  for (const WalkedNode& w : walked) {
    v1::Node& node = nodes.emplace_back();
    node.set_name(w.name);
    node.set_kind(NodeKindOf(w.name));
    node.set_distance(w.distance);
    switch (node.kind()) {
      case v1::NODE_KIND_CIRCLE:
        if (auto it = summaries.find(w.name); it != summaries.end()) {
          node.set_display_name(it->second.display_name());
          node.set_circle_status(it->second.status());
          node.set_member_count(it->second.member_count());
          if (full) *node.mutable_circle() = it->second;
        }
        break;
      case v1::NODE_KIND_FUND:
        node.set_display_name(LastSegment(w.name));
        break;
      case v1::NODE_KIND_REGION:
        node.set_display_name(DecodeSegment(LastSegment(w.name)));
        break;
      case v1::NODE_KIND_PARTNER: {
        int64_t id = 0;
        if (absl::SimpleAtoi(LastSegment(w.name), &id)) {
          if (auto it = partners.find(id); it != partners.end()) {
            node.set_display_name(it->second.display_name());
            node.set_partner_kind(it->second.kind());
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return nodes;
}

absl::StatusOr<std::optional<v1::SisterLink>> GraphStore::GetSister(
    storage::Transaction& tx, const std::string& circle_a, const std::string& circle_b) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT note, declared_by, declare_time_us FROM network_sisters WHERE circle_a = ? "
               "AND circle_b = ?",
               {circle_a, circle_b}));
  if (rows.empty()) return std::optional<v1::SisterLink>();
  v1::SisterLink link;
  link.set_circle_a(circle_a);
  link.set_circle_b(circle_b);
  link.set_note(rows[0].Text(0));
  link.set_declared_by(rows[0].Text(1));
  SetTimestampMicros(rows[0].Int(2), link.mutable_declare_time());
  return std::optional<v1::SisterLink>(std::move(link));
}

absl::Status GraphStore::InsertSister(storage::Transaction& tx, const v1::SisterLink& link,
                                      int64_t declare_time_us) const {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO network_sisters (circle_a, circle_b, note, declared_by, "
              "declare_time_us) VALUES (?, ?, ?, ?, ?)",
              {link.circle_a(), link.circle_b(), link.note(), link.declared_by(), declare_time_us})
          .status());
  return PutEdge(tx, link.circle_a(), v1::EDGE_KIND_SISTER, link.circle_b(), 1);
}

absl::Status GraphStore::DeleteSister(storage::Transaction& tx, const v1::SisterLink& link) const {
  CERCLES_RETURN_IF_ERROR(tx.Exec("DELETE FROM network_sisters WHERE circle_a = ? AND circle_b = ?",
                                  {link.circle_a(), link.circle_b()})
                              .status());
  return RemoveEdge(tx, link.circle_a(), v1::EDGE_KIND_SISTER, link.circle_b());
}

}  // namespace cercles::network
