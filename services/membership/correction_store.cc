#include "services/membership/correction_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"
#include "services/membership/people_store.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;

constexpr char kCorrectionNamePattern[] = "people/{id}/corrections/{id}";
constexpr char kCorrectionColumns[] =
    "id, person_id, field_path, reason, requested_by_person, actor, correct_time_us";

v1::PersonCorrection MakeCorrection(int64_t person_id, int64_t id, const std::string& field,
                                    const CorrectionNote& note, int64_t time_us) {
  v1::PersonCorrection correction;
  correction.set_name(PersonCorrectionName(person_id, id));
  correction.set_person(PersonName(person_id));
  correction.set_field_path(field);
  correction.set_reason(note.reason);
  correction.set_requested_by_person(note.requested_by_person);
  correction.set_actor(note.actor);
  SetTimestampMicros(time_us, correction.mutable_correct_time());
  return correction;
}

v1::PersonCorrection CorrectionFromRow(const storage::Row& row) {
  return MakeCorrection(row.Int(1), row.Int(0), row.Text(2),
                        CorrectionNote{row.Text(3), row.Int(4) != 0, row.Text(5)}, row.Int(6));
}

}  // namespace

std::string PersonCorrectionName(int64_t person_id, int64_t correction_id) {
  return absl::StrCat("people/", person_id, "/corrections/", correction_id);
}

int64_t PersonCorrectionId(const std::string& name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      api::ParseNestedName(name, kCorrectionNamePattern, "name");
  return ids.ok() ? ids->back() : 0;
}

absl::StatusOr<std::vector<v1::PersonCorrection>> CorrectionStore::Record(
    storage::Transaction& tx, int64_t person_id, const std::vector<std::string>& fields,
    const CorrectionNote& note, absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  std::vector<v1::PersonCorrection> recorded;
  recorded.reserve(fields.size());
  for (const std::string& field : fields) {
    CERCLES_ASSIGN_OR_RETURN(
        const int64_t id,
        storage::InsertReturningId(
            tx,
            "INSERT INTO person_corrections (person_id, field_path, reason, requested_by_person, "
            "actor, correct_time_us) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            {person_id, field, note.reason, int64_t{note.requested_by_person}, note.actor, now_us},
            "person correction"));
    recorded.push_back(MakeCorrection(person_id, id, field, note, now_us));
  }
  return recorded;
}

absl::StatusOr<std::vector<v1::PersonCorrection>> CorrectionStore::List(
    storage::Transaction& tx, int64_t person_id, const std::vector<std::string>& fields,
    int64_t before_id, int limit) const {
  std::string sql =
      absl::StrCat("SELECT ", kCorrectionColumns, " FROM person_corrections WHERE person_id = ?");
  std::vector<storage::Value> params = {person_id};
  if (!fields.empty()) {
    sql += absl::StrCat(" AND field_path IN (",
                        absl::StrJoin(std::vector<std::string>(fields.size(), "?"), ", "), ")");
    for (const std::string& field : fields) params.emplace_back(field);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      QueryHistoryPage(tx, std::move(sql), std::move(params), before_id, limit));
  std::vector<v1::PersonCorrection> corrections;
  corrections.reserve(rows.size());
  for (const storage::Row& row : rows) corrections.push_back(CorrectionFromRow(row));
  return corrections;
}

}  // namespace cercles::membership
