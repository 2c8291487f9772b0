#include "services/membership/training_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/people_rules.h"
#include "services/membership/training_rules.h"

namespace cercles::membership {
namespace {

constexpr char kTrainingColumns[] =
    "t.id, t.display_name, t.start_date, t.end_date, t.create_time_us, t.update_time_us, "
    "(SELECT COUNT(*) FROM training_enrolments e WHERE e.training_id = t.id), "
    "(SELECT COUNT(*) FROM training_enrolments e WHERE e.training_id = t.id AND "
    "e.completed_on IS NOT NULL)";

constexpr char kEnrolmentColumns[] =
    "e.training_id, e.person_id, p.given_name, p.family_name, e.enrol_time_us, e.completed_on";

void SetDate(const std::string& text, cercles::common::v1::Date* out) {
  std::optional<cercles::common::v1::Date> date = api::ParseDate(text);
  if (date.has_value()) *out = *date;
}

Training TrainingFromRow(const storage::Row& row) {
  Training t;
  t.set_name(TrainingName(row.Int(0)));
  t.set_display_name(row.Text(1));
  SetDate(row.Text(2), t.mutable_start_date());
  SetDate(row.Text(3), t.mutable_end_date());
  SetTimestampMicros(row.Int(4), t.mutable_create_time());
  SetTimestampMicros(row.Int(5), t.mutable_update_time());
  t.set_enrolled_count(static_cast<int32_t>(row.Int(6)));
  t.set_completed_count(static_cast<int32_t>(row.Int(7)));
  return t;
}

Enrolment EnrolmentFromRow(const storage::Row& row) {
  Enrolment e;
  e.set_name(EnrolmentName(row.Int(0), row.Int(1)));
  e.set_training(TrainingName(row.Int(0)));
  e.set_person(PersonName(row.Int(1)));
  e.set_person_display_name(PersonDisplayName(row.Text(2), row.Text(3)));
  SetTimestampMicros(row.Int(4), e.mutable_enrol_time());
  if (!row.IsNull(5)) SetDate(row.Text(5), e.mutable_completion_date());
  return e;
}

}  // namespace

absl::StatusOr<Training> TrainingStore::Insert(storage::Transaction& tx, const Training& draft,
                                               absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  CERCLES_ASSIGN_OR_RETURN(
      const int64_t id,
      storage::InsertReturningId(
          tx,
          "INSERT INTO trainings (display_name, start_date, end_date, create_time_us, "
          "update_time_us) VALUES (?, ?, ?, ?, ?) RETURNING id",
          {draft.display_name(), api::FormatDate(draft.start_date()),
           api::FormatDate(draft.end_date()), now_us, now_us},
          "training"));
  Training stored = draft;
  stored.set_name(TrainingName(id));
  stored.set_enrolled_count(0);
  stored.set_completed_count(0);
  SetTimestampMicros(now_us, stored.mutable_create_time());
  SetTimestampMicros(now_us, stored.mutable_update_time());
  return stored;
}

absl::StatusOr<std::optional<Training>> TrainingStore::Get(storage::Transaction& tx,
                                                           int64_t id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kTrainingColumns, " FROM trainings t WHERE t.id = ?"),
               {id}));
  if (rows.empty()) return std::optional<Training>();
  return std::optional<Training>(TrainingFromRow(rows[0]));
}

absl::StatusOr<std::vector<Training>> TrainingStore::List(storage::Transaction& tx,
                                                          int64_t after_id, int limit) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kTrainingColumns,
                            " FROM trainings t WHERE t.id > ? ORDER BY t.id LIMIT ?"),
               {after_id, static_cast<int64_t>(limit)}));
  std::vector<Training> trainings;
  trainings.reserve(rows.size());
  for (const storage::Row& row : rows) trainings.push_back(TrainingFromRow(row));
  return trainings;
}

absl::StatusOr<std::optional<Enrolment>> TrainingStore::GetEnrolment(storage::Transaction& tx,
                                                                     int64_t training_id,
                                                                     int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kEnrolmentColumns,
                            " FROM training_enrolments e JOIN people p ON p.id = e.person_id "
                            "WHERE e.training_id = ? AND e.person_id = ?"),
               {training_id, person_id}));
  if (rows.empty()) return std::optional<Enrolment>();
  return std::optional<Enrolment>(EnrolmentFromRow(rows[0]));
}

absl::StatusOr<Enrolment> TrainingStore::Enrol(storage::Transaction& tx, int64_t training_id,
                                               int64_t person_id, absl::Time now) const {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO training_enrolments (training_id, person_id, enrol_time_us) "
              "VALUES (?, ?, ?)",
              {training_id, person_id, ToMicros(now)})
          .status());
  CERCLES_ASSIGN_OR_RETURN(std::optional<Enrolment> enrolment,
                           GetEnrolment(tx, training_id, person_id));
  if (!enrolment.has_value()) return absl::InternalError("new enrolment vanished");
  return *std::move(enrolment);
}

absl::StatusOr<Enrolment> TrainingStore::Complete(storage::Transaction& tx, int64_t training_id,
                                                  int64_t person_id,
                                                  const cercles::common::v1::Date& date,
                                                  absl::Time now) const {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("UPDATE training_enrolments SET completed_on = ?, complete_time_us = ? "
              "WHERE training_id = ? AND person_id = ?",
              {api::FormatDate(date), ToMicros(now), training_id, person_id})
          .status());
  CERCLES_ASSIGN_OR_RETURN(std::optional<Enrolment> enrolment,
                           GetEnrolment(tx, training_id, person_id));
  if (!enrolment.has_value()) return absl::InternalError("completed enrolment vanished");
  return *std::move(enrolment);
}

absl::StatusOr<std::vector<Enrolment>> TrainingStore::ListEnrolments(storage::Transaction& tx,
                                                                     const EnrolmentFilter& filter,
                                                                     const EnrolmentPosition& after,
                                                                     int limit) const {
  std::string sql = absl::StrCat(
      "SELECT ", kEnrolmentColumns,
      " FROM training_enrolments e JOIN people p ON p.id = e.person_id WHERE (e.training_id > ? "
      "OR (e.training_id = ? AND e.person_id > ?))");
  std::vector<storage::Value> params = {after.training_id, after.training_id, after.person_id};
  if (filter.training_id != 0) {
    sql += " AND e.training_id = ?";
    params.emplace_back(filter.training_id);
  }
  if (filter.person_id != 0) {
    sql += " AND e.person_id = ?";
    params.emplace_back(filter.person_id);
  }
  if (filter.visible_circles.has_value()) {
    absl::StrAppend(&sql, " AND ",
                    PersonVisibleCondition("e.person_id", *filter.visible_circles, &params));
  }
  sql += " ORDER BY e.training_id, e.person_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Enrolment> enrolments;
  enrolments.reserve(rows.size());
  for (const storage::Row& row : rows) enrolments.push_back(EnrolmentFromRow(row));
  return enrolments;
}

absl::StatusOr<int> TrainingStore::CompletedCount(storage::Transaction& tx,
                                                  int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT COUNT(*) FROM training_enrolments WHERE person_id = ? AND completed_on IS "
               "NOT NULL",
               {person_id}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

}  // namespace cercles::membership
