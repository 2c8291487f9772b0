#include "services/membership/formation_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/util/status.h"

namespace cercles::membership {

absl::StatusOr<Cohort> LoadCohort(storage::Transaction& tx, int64_t training_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows training,
      tx.Query("SELECT display_name FROM trainings WHERE id = ?", {training_id}));
  if (training.empty()) {
    return absl::NotFoundError(
        absl::StrCat("training \"trainings/", training_id, "\" does not exist"));
  }
  Cohort cohort;
  cohort.display_name = training[0].Text(0);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT p.id, p.language, p.gender, p.sector_key FROM training_enrolments e "
               "JOIN people p ON p.id = e.person_id "
               "WHERE e.training_id = ? AND e.completed_on IS NOT NULL AND p.status = ? "
               "AND NOT EXISTS (SELECT 1 FROM circle_members m JOIN circles c ON c.id = "
               "m.circle_id WHERE m.person_id = p.id AND m.leave_time_us IS NULL "
               "AND c.status NOT IN (?, ?)) ORDER BY p.id",
               {training_id, static_cast<int64_t>(v1::PERSON_STATUS_ACTIVE),
                static_cast<int64_t>(v1::CIRCLE_STATUS_DISSOLVED),
                static_cast<int64_t>(v1::CIRCLE_STATUS_MERGED)}));
  for (const storage::Row& row : rows) {
    Graduate g;
    g.person_id = row.Int(0);
    const int64_t language = row.Int(1);
    g.attributes["language"] = language == v1::LANGUAGE_FR   ? "fr"
                               : language == v1::LANGUAGE_EN ? "en"
                                                             : "";
    g.attributes["gender"] = absl::AsciiStrToLower(absl::StripAsciiWhitespace(row.Text(2)));
    g.attributes["sector"] = row.Text(3);
    cohort.free_graduates.push_back(std::move(g));
  }
  return cohort;
}

}  // namespace cercles::membership
