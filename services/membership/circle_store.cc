#include "services/membership/circle_store.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

using cercles::membership::v1::Advisor;
using cercles::membership::v1::Circle;
using cercles::membership::v1::CircleHistoryEntry;

namespace {

constexpr char kCircleColumns[] =
    "c.id, c.display_name, c.status, c.member_count, c.create_time_us, c.update_time_us, "
    "c.advisor_id, c.status_reason";

Circle CircleFromRow(const storage::Row& row, const std::string& fund_id) {
  Circle c;
  c.set_name(CircleName(row.Int(0)));
  c.set_display_name(row.Text(1));
  c.set_status(static_cast<v1::CircleStatus>(row.Int(2)));
  c.set_member_count(static_cast<int32_t>(row.Int(3)));
  c.set_fund_id(fund_id);
  SetTimestampMicros(row.Int(4), c.mutable_create_time());
  SetTimestampMicros(row.Int(5), c.mutable_update_time());
  if (!row.IsNull(6)) c.set_advisor(AdvisorName(row.Int(6)));
  c.set_status_reason(row.Text(7));
  return c;
}

absl::Status InsertCharacteristics(
    storage::Transaction& tx, int64_t id,
    const google::protobuf::RepeatedPtrField<v1::Characteristic>& cs) {
  for (int i = 0; i < cs.size(); ++i) {
    const auto& c = cs[i];
    CERCLES_RETURN_IF_ERROR(
        tx.Exec(
              "INSERT INTO circle_characteristics (circle_id, position, kind, custom_kind, value) "
              "VALUES (?, ?, ?, ?, ?)",
              {id, static_cast<int64_t>(i), static_cast<int64_t>(c.kind()), c.custom_kind(),
               c.value()})
            .status());
  }
  return absl::OkStatus();
}

absl::Status RecordStatus(storage::Transaction& tx, int64_t id, v1::CircleStatus status,
                          const std::string& reason, const std::string& actor, int64_t now_us) {
  return tx
      .Exec(
          "INSERT INTO circle_status_history (circle_id, change_time_us, status, reason, actor) "
          "VALUES (?, ?, ?, ?, ?)",
          {id, now_us, static_cast<int64_t>(status), reason, actor})
      .status();
}

MemberRow MemberFromRow(const storage::Row& row) {
  MemberRow m;
  m.circle_id = row.Int(0);
  m.person_id = row.Int(1);
  m.join_time_us = row.Int(2);
  m.join_reason = row.Text(3);
  if (!row.IsNull(4)) m.leave_time_us = row.Int(4);
  m.leave_reason = row.Text(5);
  return m;
}

constexpr char kMemberColumns[] =
    "circle_id, person_id, join_time_us, join_reason, leave_time_us, leave_reason";

}  // namespace

absl::StatusOr<Circle> CircleStore::Insert(storage::Transaction& tx, const Circle& draft,
                                           std::optional<int64_t> advisor_id,
                                           const std::string& actor, absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  storage::Value advisor = storage::Null{};
  if (advisor_id.has_value()) advisor = *advisor_id;
  CERCLES_ASSIGN_OR_RETURN(
      const int64_t id,
      storage::InsertReturningId(
          tx,
          "INSERT INTO circles (display_name, status, member_count, create_time_us, "
          "update_time_us, advisor_id, status_reason) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {draft.display_name(), static_cast<int64_t>(draft.status()),
           static_cast<int64_t>(draft.member_count()), now_us, now_us, advisor,
           draft.status_reason()},
          "circle"));
  CERCLES_RETURN_IF_ERROR(InsertCharacteristics(tx, id, draft.characteristics()));
  CERCLES_RETURN_IF_ERROR(RecordStatus(
      tx, id, draft.status(), draft.status_reason().empty() ? "created" : draft.status_reason(),
      actor, now_us));
  CERCLES_ASSIGN_OR_RETURN(std::optional<Circle> stored, Get(tx, id));
  if (!stored.has_value()) return absl::InternalError("inserted circle not found");
  return *std::move(stored);
}

absl::Status CircleStore::LoadDetails(storage::Transaction& tx,
                                      std::vector<Circle*>& circles) const {
  if (circles.empty()) return absl::OkStatus();
  std::map<int64_t, Circle*> by_id;
  std::vector<storage::Value> params;
  for (Circle* c : circles) {
    int64_t id = api::ParseName(c->name(), "circles", "name").value_or(0);
    by_id[id] = c;
    params.emplace_back(id);
  }
  const std::string in = storage::Placeholders(params.size());
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("SELECT circle_id, kind, custom_kind, value FROM circle_characteristics "
                       "WHERE circle_id IN (",
                       in, ") ORDER BY circle_id, position"),
          params));
  for (const storage::Row& row : rows) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    auto* c = it->second->add_characteristics();
    c->set_kind(static_cast<v1::CharacteristicKind>(row.Int(1)));
    c->set_custom_kind(row.Text(2));
    c->set_value(row.Text(3));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows lineage,
      tx.Query(absl::StrCat("SELECT circle_id, source_circle_id FROM circle_lineage WHERE "
                            "circle_id IN (",
                            in, ") ORDER BY circle_id, source_circle_id"),
               params));
  for (const storage::Row& row : lineage) {
    auto it = by_id.find(row.Int(0));
    if (it != by_id.end()) it->second->add_merged_from(CircleName(row.Int(1)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Circle>> CircleStore::Get(storage::Transaction& tx, int64_t id) const {
  // One statement: the circle's row (part 0), its characteristics (part 1:
  // kind, custom_kind, value in the id, display_name and status_reason
  // columns) and the circles merged into it (part 2), each column of one type
  // across the parts, as PostgreSQL's UNION needs. The few detail rows are put
  // in order here rather than by an ORDER BY, which would make SQLite sort the
  // whole result in a temporary tree.
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kCircleColumns,
                            ", 0, 0 FROM circles c WHERE c.id = ? "
                            "UNION ALL SELECT d.kind, d.custom_kind, NULL, NULL, NULL, NULL, NULL, "
                            "d.value, 1, d.position FROM circle_characteristics d "
                            "WHERE d.circle_id = ? "
                            "UNION ALL SELECT l.source_circle_id, NULL, NULL, NULL, NULL, NULL, "
                            "NULL, NULL, 2, l.source_circle_id FROM circle_lineage l "
                            "WHERE l.circle_id = ?"),
               {id, id, id}));
  const storage::Row* circle_row = nullptr;
  std::vector<std::pair<int64_t, const storage::Row*>> characteristics;
  std::vector<int64_t> merged_from;
  for (const storage::Row& row : rows) {
    switch (row.Int(8)) {
      case 0:
        circle_row = &row;
        break;
      case 1:
        characteristics.emplace_back(row.Int(9), &row);
        break;
      default:
        merged_from.push_back(row.Int(9));
        break;
    }
  }
  if (circle_row == nullptr) return std::optional<Circle>();
  Circle circle = CircleFromRow(*circle_row, fund_id_);
  std::sort(characteristics.begin(), characteristics.end());
  for (const auto& [position, row] : characteristics) {
    auto* c = circle.add_characteristics();
    c->set_kind(static_cast<v1::CharacteristicKind>(row->Int(0)));
    c->set_custom_kind(row->Text(1));
    c->set_value(row->Text(7));
  }
  std::sort(merged_from.begin(), merged_from.end());
  for (int64_t source : merged_from) circle.add_merged_from(CircleName(source));
  return std::optional<Circle>(std::move(circle));
}

absl::StatusOr<std::vector<Circle>> CircleStore::List(storage::Transaction& tx,
                                                      const CircleFilter& filter, int64_t after_id,
                                                      int limit) const {
  std::string sql;
  std::vector<storage::Value> params;
  auto remaining = filter.characteristics.begin();
  if (remaining != filter.characteristics.end()) {
    // Walk the first characteristic's index in circle order rather than every
    // circle: a page of a rare characteristic reads its circles, not the table.
    sql =
        absl::StrCat("SELECT ", kCircleColumns,
                     " FROM circle_characteristics d JOIN circles c ON c.id = d.circle_id "
                     "WHERE d.kind = ? AND d.custom_kind = ? AND d.value = ? AND d.circle_id > ?");
    params = {static_cast<int64_t>(remaining->kind()), remaining->custom_kind(), remaining->value(),
              after_id};
    ++remaining;
  } else {
    sql = absl::StrCat("SELECT ", kCircleColumns, " FROM circles c WHERE c.id > ?");
    params = {after_id};
  }
  if (filter.status != v1::CIRCLE_STATUS_UNSPECIFIED) {
    sql += " AND c.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status));
  }
  if (filter.advisor_id.has_value()) {
    sql += " AND c.advisor_id = ?";
    params.emplace_back(*filter.advisor_id);
  }
  if (filter.has_room) {
    sql += " AND c.member_count < ? AND c.status IN (?, ?, ?)";
    params.emplace_back(static_cast<int64_t>(kMaxCircleMembers));
    params.emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_FORMING));
    params.emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_ACTIVE));
    params.emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_UNDER_STRENGTH));
  }
  for (; remaining != filter.characteristics.end(); ++remaining) {
    sql +=
        " AND EXISTS (SELECT 1 FROM circle_characteristics f WHERE f.circle_id = c.id AND "
        "f.kind = ? AND f.custom_kind = ? AND f.value = ?)";
    params.emplace_back(static_cast<int64_t>(remaining->kind()));
    params.emplace_back(remaining->custom_kind());
    params.emplace_back(remaining->value());
  }
  sql +=
      filter.characteristics.empty() ? " ORDER BY c.id LIMIT ?" : " ORDER BY d.circle_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Circle> circles;
  circles.reserve(rows.size());
  for (const storage::Row& row : rows) circles.push_back(CircleFromRow(row, fund_id_));
  std::vector<Circle*> pointers;
  for (Circle& c : circles) pointers.push_back(&c);
  CERCLES_RETURN_IF_ERROR(LoadDetails(tx, pointers));
  return circles;
}

absl::StatusOr<CircleState> CircleStore::LockState(storage::Transaction& tx, int64_t id) const {
  const char* lock = tx.engine() == storage::Engine::kPostgres ? " FOR UPDATE" : "";
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          absl::StrCat("SELECT id, status, member_count, advisor_id, update_time_us FROM circles "
                       "WHERE id = ?",
                       lock),
          {id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("circle \"", CircleName(id), "\" does not exist"));
  }
  CircleState s;
  s.id = rows[0].Int(0);
  s.status = static_cast<v1::CircleStatus>(rows[0].Int(1));
  s.member_count = static_cast<int>(rows[0].Int(2));
  if (!rows[0].IsNull(3)) s.advisor_id = rows[0].Int(3);
  s.update_time_us = rows[0].Int(4);
  return s;
}

absl::StatusOr<std::vector<int64_t>> CircleStore::CurrentMembers(storage::Transaction& tx,
                                                                 int64_t circle_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT person_id FROM circle_members WHERE circle_id = ? AND leave_time_us IS NULL "
               "ORDER BY join_time_us, person_id",
               {circle_id}));
  std::vector<int64_t> ids;
  for (const auto& row : rows) ids.push_back(row.Int(0));
  return ids;
}

absl::StatusOr<std::optional<HeldCircle>> CircleStore::HoldingCircleOf(storage::Transaction& tx,
                                                                       int64_t person_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT m.circle_id, c.advisor_id FROM circle_members m JOIN circles c ON c.id = "
               "m.circle_id WHERE m.person_id = ? AND m.leave_time_us IS NULL AND c.status NOT "
               "IN (?, ?) ORDER BY m.circle_id LIMIT 1",
               {person_id, static_cast<int64_t>(v1::CIRCLE_STATUS_DISSOLVED),
                static_cast<int64_t>(v1::CIRCLE_STATUS_MERGED)}));
  if (rows.empty()) return std::optional<HeldCircle>();
  HeldCircle held;
  held.circle_id = rows[0].Int(0);
  if (!rows[0].IsNull(1)) held.advisor_id = rows[0].Int(1);
  return std::optional<HeldCircle>(held);
}

absl::StatusOr<MemberRow> CircleStore::AddMember(storage::Transaction& tx, int64_t circle_id,
                                                 int64_t person_id, const std::string& reason,
                                                 absl::Time now) const {
  MemberRow m;
  m.circle_id = circle_id;
  m.person_id = person_id;
  m.join_time_us = ToMicros(now);
  m.join_reason = reason;
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO circle_members (circle_id, person_id, join_time_us, join_reason) "
              "VALUES (?, ?, ?, ?)",
              {circle_id, person_id, m.join_time_us, reason})
          .status());
  return m;
}

absl::StatusOr<MemberRow> CircleStore::RemoveMember(storage::Transaction& tx, int64_t circle_id,
                                                    int64_t person_id, const std::string& reason,
                                                    absl::Time now) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kMemberColumns,
                            " FROM circle_members WHERE circle_id = ? AND person_id = ? AND "
                            "leave_time_us IS NULL"),
               {circle_id, person_id}));
  if (rows.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(PersonName(person_id), " is not a current member of ", CircleName(circle_id)));
  }
  MemberRow m = MemberFromRow(rows[0]);
  m.leave_time_us = std::max(ToMicros(now), m.join_time_us);
  m.leave_reason = reason;
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("UPDATE circle_members SET leave_time_us = ?, leave_reason = ? WHERE circle_id = ? "
              "AND person_id = ? AND join_time_us = ?",
              {*m.leave_time_us, reason, circle_id, person_id, m.join_time_us})
          .status());
  return m;
}

absl::Status CircleStore::SetCountAndStatus(storage::Transaction& tx, const CircleState& before,
                                            int new_count, v1::CircleStatus status,
                                            const std::string& reason, const std::string& actor,
                                            absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  if (status != before.status) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("UPDATE circles SET member_count = ?, status = ?, status_reason = ?, "
                "update_time_us = ? WHERE id = ?",
                {static_cast<int64_t>(new_count), static_cast<int64_t>(status), reason, now_us,
                 before.id})
            .status());
    return RecordStatus(tx, before.id, status, reason, actor, now_us);
  }
  return tx
      .Exec("UPDATE circles SET member_count = ?, update_time_us = ? WHERE id = ?",
            {static_cast<int64_t>(new_count), now_us, before.id})
      .status();
}

absl::Status CircleStore::UpdateFields(storage::Transaction& tx, int64_t id,
                                       const std::string* display_name,
                                       const std::vector<v1::Characteristic>* characteristics,
                                       absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  if (display_name != nullptr) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("UPDATE circles SET display_name = ? WHERE id = ?", {*display_name, id}).status());
  }
  if (characteristics != nullptr) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM circle_characteristics WHERE circle_id = ?", {id}).status());
    google::protobuf::RepeatedPtrField<v1::Characteristic> repeated(characteristics->begin(),
                                                                    characteristics->end());
    CERCLES_RETURN_IF_ERROR(InsertCharacteristics(tx, id, repeated));
  }
  return tx.Exec("UPDATE circles SET update_time_us = ? WHERE id = ?", {now_us, id}).status();
}

absl::Status CircleStore::SetAdvisor(storage::Transaction& tx, int64_t id, int64_t advisor_id,
                                     absl::Time now) const {
  return tx
      .Exec("UPDATE circles SET advisor_id = ?, update_time_us = ? WHERE id = ?",
            {advisor_id, ToMicros(now), id})
      .status();
}

absl::Status CircleStore::AddLineage(storage::Transaction& tx, int64_t circle_id, int64_t source_id,
                                     absl::Time now) const {
  return tx
      .Exec(
          "INSERT INTO circle_lineage (circle_id, source_circle_id, kind, create_time_us) "
          "VALUES (?, ?, 1, ?)",
          {circle_id, source_id, ToMicros(now)})
      .status();
}

absl::StatusOr<std::vector<MemberRow>> CircleStore::ListMembers(storage::Transaction& tx,
                                                                int64_t circle_id,
                                                                bool include_former) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kMemberColumns, " FROM circle_members WHERE circle_id = ?",
                            include_former ? "" : " AND leave_time_us IS NULL",
                            " ORDER BY join_time_us, person_id"),
               {circle_id}));
  std::vector<MemberRow> members;
  for (const auto& row : rows) members.push_back(MemberFromRow(row));
  return members;
}

absl::StatusOr<std::vector<MemberRow>> CircleStore::StaysOf(storage::Transaction& tx,
                                                            int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kMemberColumns,
                            " FROM circle_members WHERE person_id = ? ORDER BY join_time_us, "
                            "circle_id"),
               {person_id}));
  std::vector<MemberRow> stays;
  for (const auto& row : rows) stays.push_back(MemberFromRow(row));
  return stays;
}

absl::StatusOr<std::vector<CircleHistoryEntry>> CircleStore::History(storage::Transaction& tx,
                                                                     int64_t circle_id) const {
  CERCLES_ASSIGN_OR_RETURN(std::vector<MemberRow> members, ListMembers(tx, circle_id, true));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows statuses,
      tx.Query("SELECT change_time_us, status, reason FROM circle_status_history WHERE circle_id = "
               "? ORDER BY change_time_us",
               {circle_id}));
  std::vector<std::pair<int64_t, CircleHistoryEntry>> entries;
  for (const auto& row : statuses) {
    CircleHistoryEntry e;
    e.set_kind(v1::CIRCLE_HISTORY_KIND_STATUS_CHANGED);
    e.set_status(static_cast<v1::CircleStatus>(row.Int(1)));
    e.set_reason(row.Text(2));
    SetTimestampMicros(row.Int(0), e.mutable_time());
    entries.emplace_back(row.Int(0), std::move(e));
  }
  for (const auto& m : members) {
    CircleHistoryEntry joined;
    joined.set_kind(v1::CIRCLE_HISTORY_KIND_MEMBER_JOINED);
    joined.set_person(PersonName(m.person_id));
    joined.set_reason(m.join_reason);
    SetTimestampMicros(m.join_time_us, joined.mutable_time());
    entries.emplace_back(m.join_time_us, std::move(joined));
    if (m.leave_time_us.has_value()) {
      CircleHistoryEntry left;
      left.set_kind(v1::CIRCLE_HISTORY_KIND_MEMBER_LEFT);
      left.set_person(PersonName(m.person_id));
      left.set_reason(m.leave_reason);
      SetTimestampMicros(*m.leave_time_us, left.mutable_time());
      entries.emplace_back(*m.leave_time_us, std::move(left));
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CircleHistoryEntry> out;
  out.reserve(entries.size());
  for (auto& [time, entry] : entries) out.push_back(std::move(entry));
  return out;
}

absl::StatusOr<Advisor> CircleStore::InsertAdvisor(storage::Transaction& tx, const Advisor& draft,
                                                   absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  absl::StatusOr<int64_t> id = storage::InsertReturningId(
      tx,
      "INSERT INTO advisors (display_name, email, principal_name, active, create_time_us, "
      "update_time_us) VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
      {draft.display_name(), draft.email(), draft.principal_name(), now_us, now_us}, "advisor");
  if (absl::IsAlreadyExists(id.status())) {
    return absl::AlreadyExistsError(
        absl::StrCat("an advisor is already bound to principal \"", draft.principal_name(), "\""));
  }
  if (!id.ok()) return id.status();
  Advisor out = draft;
  out.set_name(AdvisorName(*id));
  SetTimestampMicros(now_us, out.mutable_create_time());
  return out;
}

absl::StatusOr<bool> CircleStore::AdvisorExists(storage::Transaction& tx, int64_t id) const {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query("SELECT 1 FROM advisors WHERE id = ? AND active = 1", {id}));
  return !rows.empty();
}

absl::StatusOr<std::vector<Advisor>> CircleStore::ListAdvisors(storage::Transaction& tx,
                                                               int64_t after_id, int limit) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id, display_name, email, principal_name, create_time_us FROM advisors "
               "WHERE id > ? ORDER BY id LIMIT ?",
               {after_id, static_cast<int64_t>(limit)}));
  std::vector<Advisor> advisors;
  for (const auto& row : rows) {
    Advisor& a = advisors.emplace_back();
    a.set_name(AdvisorName(row.Int(0)));
    a.set_display_name(row.Text(1));
    a.set_email(row.Text(2));
    a.set_principal_name(row.Text(3));
    SetTimestampMicros(row.Int(4), a.mutable_create_time());
  }
  return advisors;
}

v1::CircleMember MemberMessage(const MemberRow& row) {
  v1::CircleMember m;
  m.set_person(PersonName(row.person_id));
  m.set_circle(CircleName(row.circle_id));
  SetTimestampMicros(row.join_time_us, m.mutable_join_time());
  m.set_join_reason(row.join_reason);
  if (row.leave_time_us.has_value()) {
    SetTimestampMicros(*row.leave_time_us, m.mutable_leave_time());
    m.set_leave_reason(row.leave_reason);
  }
  return m;
}

}  // namespace cercles::membership
