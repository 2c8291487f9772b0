#include "services/membership/consent_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/consent_rules.h"
#include "services/membership/people_store.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;

// The person row's column of each purpose, in AllConsentPurposes() order.
struct PurposeColumn {
  ConsentPurpose purpose;
  const char* column;
};
constexpr PurposeColumn kPurposeColumns[] = {
    {v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, "share_with_network"},
    {v1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS, "share_with_other_funds"},
    {v1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS, "share_with_partners"},
    {v1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL, "reminders_by_email"},
    {v1::CONSENT_PURPOSE_CIRCLE_SEES_FOLLOW_UPS, "circle_sees_follow_ups"},
    {v1::CONSENT_PURPOSE_CREDIT_REPORTING, "credit_reporting"},
};

constexpr char kChangeColumns[] =
    "id, person_id, purpose, given, wording_version, channel, actor, effective_time_us";

ConsentChange ChangeFromRow(const storage::Row& row) {
  ConsentChange change;
  change.set_name(ConsentChangeName(row.Int(1), row.Int(0)));
  change.set_purpose(static_cast<ConsentPurpose>(row.Int(2)));
  change.set_action(row.Int(3) != 0 ? v1::CONSENT_ACTION_GIVE : v1::CONSENT_ACTION_WITHDRAW);
  change.set_wording_version(row.Text(4));
  change.set_channel(static_cast<v1::ConsentChannel>(row.Int(5)));
  change.set_actor(row.Text(6));
  SetTimestampMicros(row.Int(7), change.mutable_effective_time());
  return change;
}

absl::StatusOr<std::vector<ConsentChange>> History(storage::Transaction& tx, int64_t person_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kChangeColumns,
                            " FROM consent_changes WHERE person_id = ? ORDER BY id"),
               {person_id}));
  std::vector<ConsentChange> history;
  history.reserve(rows.size());
  for (const storage::Row& row : rows) history.push_back(ChangeFromRow(row));
  return history;
}

}  // namespace

std::string ConsentColumns(absl::string_view alias) {
  std::vector<std::string> columns;
  for (const PurposeColumn& c : kPurposeColumns)
    columns.push_back(absl::StrCat(alias, ".", c.column));
  return absl::StrJoin(columns, ", ");
}

v1::Consents ConsentsFromRow(const storage::Row& row, size_t first) {
  v1::Consents consents;
  for (const PurposeColumn& c : kPurposeColumns) {
    SetConsent(&consents, c.purpose, row.Int(first++) != 0);
  }
  return consents;
}

std::string ConsentChangeName(int64_t person_id, int64_t change_id) {
  return absl::StrCat("people/", person_id, "/consentChanges/", change_id);
}

int64_t ConsentChangeId(absl::string_view name) {
  // As PersonCorrectionId: the resource-name parser, so that a name of another
  // collection is not one (its doc's "0 when not one").
  absl::StatusOr<std::vector<int64_t>> ids =
      api::ParseNestedName(name, "people/{id}/consentChanges/{id}", "name");
  return ids.ok() ? ids->back() : 0;
}

absl::StatusOr<RecordedConsents> ConsentStore::Record(storage::Transaction& tx, int64_t person_id,
                                                      const std::vector<ConsentChange>& changes,
                                                      const std::string& actor,
                                                      absl::Time now) const {
  CERCLES_ASSIGN_OR_RETURN(std::vector<ConsentChange> history, History(tx, person_id));
  RecordedConsents recorded;
  recorded.before = CurrentConsents(history);
  const int64_t now_us = ToMicros(now);
  for (const ConsentChange& change : changes) {
    CERCLES_ASSIGN_OR_RETURN(
        const int64_t id,
        storage::InsertReturningId(
            tx,
            "INSERT INTO consent_changes (person_id, purpose, given, wording_version, channel, "
            "actor, effective_time_us) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {person_id, static_cast<int64_t>(change.purpose()),
             int64_t{change.action() == v1::CONSENT_ACTION_GIVE}, change.wording_version(),
             static_cast<int64_t>(change.channel()), actor, now_us},
            "consent change"));
    ConsentChange& stored = recorded.changes.emplace_back(change);
    stored.set_name(ConsentChangeName(person_id, id));
    stored.set_actor(actor);
    SetTimestampMicros(now_us, stored.mutable_effective_time());
    history.push_back(stored);
  }
  recorded.after = CurrentConsents(history);
  std::vector<std::string> assignments;
  std::vector<storage::Value> params;
  for (const PurposeColumn& c : kPurposeColumns) {
    assignments.push_back(absl::StrCat(c.column, " = ?"));
    params.emplace_back(int64_t{ConsentGiven(recorded.after, c.purpose)});
  }
  params.emplace_back(person_id);
  CERCLES_RETURN_IF_ERROR(
      tx.Exec(absl::StrCat("UPDATE people SET ", absl::StrJoin(assignments, ", "), " WHERE id = ?"),
              params)
          .status());
  return recorded;
}

absl::StatusOr<v1::Consents> ConsentStore::Current(storage::Transaction& tx,
                                                   int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(std::vector<ConsentChange> history, History(tx, person_id));
  return CurrentConsents(history);
}

absl::StatusOr<std::vector<ConsentChange>> ConsentStore::List(storage::Transaction& tx,
                                                              int64_t person_id,
                                                              ConsentPurpose purpose,
                                                              int64_t before_id, int limit) const {
  std::string sql =
      absl::StrCat("SELECT ", kChangeColumns, " FROM consent_changes WHERE person_id = ?");
  std::vector<storage::Value> params = {person_id};
  if (purpose != v1::CONSENT_PURPOSE_UNSPECIFIED) {
    sql += " AND purpose = ?";
    params.emplace_back(static_cast<int64_t>(purpose));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      QueryHistoryPage(tx, std::move(sql), std::move(params), before_id, limit));
  std::vector<ConsentChange> changes;
  changes.reserve(rows.size());
  for (const storage::Row& row : rows) changes.push_back(ChangeFromRow(row));
  return changes;
}

}  // namespace cercles::membership
