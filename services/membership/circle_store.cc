#include "services/membership/circle_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

using cercles::membership::v1::Circle;

absl::StatusOr<Circle> CircleStore::Insert(storage::Transaction& tx, const Circle& draft,
                                           absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO circles (display_name, status, member_count, create_time_us, "
               "update_time_us) VALUES (?, ?, ?, ?, ?) RETURNING id",
               {draft.display_name(), static_cast<int64_t>(draft.status()),
                static_cast<int64_t>(draft.member_count()), now_us, now_us}));
  if (rows.size() != 1) return absl::InternalError("circle insert returned no id");
  const int64_t id = rows[0].Int(0);
  for (int i = 0; i < draft.characteristics_size(); ++i) {
    const auto& c = draft.characteristics(i);
    CERCLES_RETURN_IF_ERROR(
        tx.Exec(
              "INSERT INTO circle_characteristics (circle_id, position, kind, custom_kind, value) "
              "VALUES (?, ?, ?, ?, ?)",
              {id, static_cast<int64_t>(i), static_cast<int64_t>(c.kind()), c.custom_kind(),
               c.value()})
            .status());
  }
  Circle stored = draft;
  stored.set_name(CircleName(id));
  stored.set_fund_id(fund_id_);
  SetTimestampMicros(now_us, stored.mutable_create_time());
  SetTimestampMicros(now_us, stored.mutable_update_time());
  return stored;
}

namespace {

constexpr char kCircleColumns[] =
    "c.id, c.display_name, c.status, c.member_count, c.create_time_us, c.update_time_us";

Circle CircleFromRow(const storage::Row& row, const std::string& fund_id) {
  Circle c;
  c.set_name(CircleName(row.Int(0)));
  c.set_display_name(row.Text(1));
  c.set_status(static_cast<v1::CircleStatus>(row.Int(2)));
  c.set_member_count(static_cast<int32_t>(row.Int(3)));
  c.set_fund_id(fund_id);
  SetTimestampMicros(row.Int(4), c.mutable_create_time());
  SetTimestampMicros(row.Int(5), c.mutable_update_time());
  return c;
}

}  // namespace

absl::Status CircleStore::LoadCharacteristics(storage::Transaction& tx,
                                              std::vector<Circle*>& circles) const {
  if (circles.empty()) return absl::OkStatus();
  std::map<int64_t, Circle*> by_id;
  std::string placeholders;
  std::vector<storage::Value> params;
  for (Circle* c : circles) {
    int64_t id = ParseCircleName(c->name(), "name").value_or(0);
    by_id[id] = c;
    absl::StrAppend(&placeholders, placeholders.empty() ? "?" : ", ?");
    params.emplace_back(id);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("SELECT circle_id, kind, custom_kind, value FROM circle_characteristics "
                       "WHERE circle_id IN (",
                       placeholders, ") ORDER BY circle_id, position"),
          params));
  for (const storage::Row& row : rows) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    auto* c = it->second->add_characteristics();
    c->set_kind(static_cast<v1::CharacteristicKind>(row.Int(1)));
    c->set_custom_kind(row.Text(2));
    c->set_value(row.Text(3));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Circle>> CircleStore::Get(storage::Transaction& tx, int64_t id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kCircleColumns, " FROM circles c WHERE c.id = ?"), {id}));
  if (rows.empty()) return std::optional<Circle>();
  Circle circle = CircleFromRow(rows[0], fund_id_);
  std::vector<Circle*> one = {&circle};
  CERCLES_RETURN_IF_ERROR(LoadCharacteristics(tx, one));
  return std::optional<Circle>(std::move(circle));
}

absl::StatusOr<std::vector<Circle>> CircleStore::List(storage::Transaction& tx,
                                                      const CircleFilter& filter, int64_t after_id,
                                                      int limit) const {
  std::string sql = absl::StrCat("SELECT ", kCircleColumns, " FROM circles c WHERE c.id > ?");
  std::vector<storage::Value> params = {after_id};
  if (filter.status != v1::CIRCLE_STATUS_UNSPECIFIED) {
    sql += " AND c.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status));
  }
  for (const auto& c : filter.characteristics) {
    sql +=
        " AND EXISTS (SELECT 1 FROM circle_characteristics f WHERE f.circle_id = c.id AND "
        "f.kind = ? AND f.custom_kind = ? AND f.value = ?)";
    params.emplace_back(static_cast<int64_t>(c.kind()));
    params.emplace_back(c.custom_kind());
    params.emplace_back(c.value());
  }
  sql += " ORDER BY c.id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Circle> circles;
  circles.reserve(rows.size());
  for (const storage::Row& row : rows) circles.push_back(CircleFromRow(row, fund_id_));
  std::vector<Circle*> pointers;
  for (Circle& c : circles) pointers.push_back(&c);
  CERCLES_RETURN_IF_ERROR(LoadCharacteristics(tx, pointers));
  return circles;
}

}  // namespace cercles::membership
