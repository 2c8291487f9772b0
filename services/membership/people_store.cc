#include "services/membership/people_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/consent_store.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::Person;

// A person's current circle: a stay not ended, in a circle that still holds
// its members (see HoldsItsMembers: not dissolved, not merged). Takes the
// person id column and then the two excluded statuses as parameters.
constexpr char kCurrentCircleOf[] =
    "SELECT MIN(m.circle_id) FROM circle_members m JOIN circles c ON c.id = m.circle_id "
    "WHERE m.person_id = p.id AND m.leave_time_us IS NULL AND c.status NOT IN (?, ?)";

constexpr char kTrainingsCompletedOf[] =
    "SELECT COUNT(*) FROM training_enrolments e WHERE e.person_id = p.id AND "
    "e.completed_on IS NOT NULL";

std::string PersonColumns() {
  return absl::StrCat(
      "p.id, p.given_name, p.family_name, p.language, p.email, p.phone, p.postal_address, "
      "p.birth_date, p.gender, p.has_business, p.business_name, p.sector, p.business_stage, "
      "p.business_start_date, p.expertise_opt_in, p.status, p.create_time_us, p.update_time_us, (",
      kCurrentCircleOf, "), (", kTrainingsCompletedOf, "), ", ConsentColumns("p"));
}

// The parameters PersonColumns() takes, in order.
std::vector<storage::Value> PersonColumnParams() {
  return {static_cast<int64_t>(v1::CIRCLE_STATUS_DISSOLVED),
          static_cast<int64_t>(v1::CIRCLE_STATUS_MERGED)};
}

storage::Value DateValue(bool present, const cercles::common::v1::Date& date) {
  if (!present) return storage::Null{};
  return api::FormatDate(date);
}

void ReadDate(const storage::Row& row, size_t column, cercles::common::v1::Date* out) {
  std::optional<cercles::common::v1::Date> date = api::ParseDate(row.Text(column));
  if (date.has_value()) *out = *date;
}

Person PersonFromRow(const storage::Row& row) {
  Person p;
  p.set_name(PersonName(row.Int(0)));
  p.set_given_name(row.Text(1));
  p.set_family_name(row.Text(2));
  p.set_language(static_cast<v1::Language>(row.Int(3)));
  p.mutable_contact()->set_email(row.Text(4));
  p.mutable_contact()->set_phone(row.Text(5));
  p.mutable_contact()->set_postal_address(row.Text(6));
  if (!row.IsNull(7)) ReadDate(row, 7, p.mutable_birth_date());
  p.set_gender(row.Text(8));
  if (row.Int(9) != 0) {
    v1::Business* business = p.mutable_business();
    business->set_name(row.Text(10));
    business->set_sector(row.Text(11));
    business->set_stage(static_cast<v1::BusinessStage>(row.Int(12)));
    if (!row.IsNull(13)) ReadDate(row, 13, business->mutable_start_date());
  }
  p.set_expertise_opt_in(row.Int(14) != 0);
  p.set_status(static_cast<v1::PersonStatus>(row.Int(15)));
  SetTimestampMicros(row.Int(16), p.mutable_create_time());
  SetTimestampMicros(row.Int(17), p.mutable_update_time());
  if (!row.IsNull(18)) p.set_current_circle(CircleName(row.Int(18)));
  p.set_trainings_completed(static_cast<int32_t>(row.Int(19)));
  *p.mutable_consents() = ConsentsFromRow(row, 20);
  return p;
}

// The stored values of a person's own columns, in the order of kWritableColumns.
// The consents are not among them: they change only through ConsentStore::Record.
constexpr char kWritableColumns[] =
    "given_name, family_name, given_key, family_key, language, email, phone, postal_address, "
    "birth_date, gender, has_business, business_name, sector, sector_key, business_stage, "
    "business_start_date, expertise_opt_in, status";

std::vector<storage::Value> WritableValues(const Person& p) {
  const v1::Business& business = p.business();
  return {p.given_name(),
          p.family_name(),
          SearchKey(p.given_name()),
          SearchKey(p.family_name()),
          static_cast<int64_t>(p.language()),
          p.contact().email(),
          p.contact().phone(),
          p.contact().postal_address(),
          DateValue(p.has_birth_date(), p.birth_date()),
          p.gender(),
          static_cast<int64_t>(p.has_business()),
          business.name(),
          business.sector(),
          SearchKey(business.sector()),
          static_cast<int64_t>(business.stage()),
          DateValue(business.has_start_date(), business.start_date()),
          static_cast<int64_t>(p.expertise_opt_in()),
          static_cast<int64_t>(p.status())};
}

absl::Status WriteExpertise(storage::Transaction& tx, int64_t id, const Person& p) {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM person_expertise WHERE person_id = ?", {id}).status());
  for (int i = 0; i < p.expertise_size(); ++i) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO person_expertise (person_id, position, value) VALUES (?, ?, ?)",
                {id, static_cast<int64_t>(i), p.expertise(i)})
            .status());
  }
  return absl::OkStatus();
}

absl::Status LoadExpertise(storage::Transaction& tx, std::vector<Person>& people) {
  if (people.empty()) return absl::OkStatus();
  std::map<int64_t, Person*> by_id;
  std::vector<storage::Value> params;
  for (Person& p : people) {
    const int64_t id = api::ParseName(p.name(), "people", "name").value_or(0);
    by_id[id] = &p;
    params.emplace_back(id);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT person_id, value FROM person_expertise WHERE person_id IN (",
                            storage::Placeholders(params.size()), ") ORDER BY person_id, position"),
               params));
  for (const storage::Row& row : rows) {
    auto it = by_id.find(row.Int(0));
    if (it != by_id.end()) it->second->add_expertise(row.Text(1));
  }
  return absl::OkStatus();
}

// A LIKE pattern matching values that start with `prefix` (escape character '!').
std::string LikePrefix(const std::string& prefix) {
  return absl::StrCat(absl::StrReplaceAll(prefix, {{"!", "!!"}, {"%", "!%"}, {"_", "!_"}}), "%");
}

}  // namespace

absl::Status PeopleStore::Lock(storage::Transaction& tx, int64_t person_id) {
  return tx.LockExclusive(StableHash64(absl::StrCat("person:", person_id)));
}

absl::StatusOr<Person> PeopleStore::Insert(storage::Transaction& tx, const Person& draft,
                                           absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  std::vector<storage::Value> params = WritableValues(draft);
  params.emplace_back(now_us);
  params.emplace_back(now_us);
  CERCLES_ASSIGN_OR_RETURN(
      const int64_t id,
      storage::InsertReturningId(
          tx,
          // Every consent off (the columns without a default
          // of their own); ConsentStore::Record gives them.
          absl::StrCat("INSERT INTO people (", kWritableColumns,
                       ", create_time_us, update_time_us, "
                       "share_with_network, share_with_other_funds) VALUES (",
                       storage::Placeholders(params.size()), ", 0, 0) RETURNING id"),
          params, "person"));
  CERCLES_RETURN_IF_ERROR(WriteExpertise(tx, id, draft));
  Person stored = draft;
  stored.set_name(PersonName(id));
  stored.mutable_consents()->Clear();  // none until ConsentStore::Record
  stored.clear_current_circle();
  stored.set_trainings_completed(0);
  SetTimestampMicros(now_us, stored.mutable_create_time());
  SetTimestampMicros(now_us, stored.mutable_update_time());
  return stored;
}

absl::StatusOr<std::optional<Person>> PeopleStore::Get(storage::Transaction& tx, int64_t id) const {
  std::vector<storage::Value> params = PersonColumnParams();
  params.emplace_back(id);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", PersonColumns(), " FROM people p WHERE p.id = ?"), params));
  if (rows.empty()) return std::optional<Person>();
  std::vector<Person> people = {PersonFromRow(rows[0])};
  CERCLES_RETURN_IF_ERROR(LoadExpertise(tx, people));
  return std::optional<Person>(std::move(people[0]));
}

absl::StatusOr<Person> PeopleStore::Update(storage::Transaction& tx, int64_t id,
                                           const Person& person, absl::Time now) const {
  std::string assignments(kWritableColumns);
  assignments = absl::StrReplaceAll(assignments, {{",", " = ?,"}});
  absl::StrAppend(&assignments, " = ?, update_time_us = ?");
  std::vector<storage::Value> params = WritableValues(person);
  params.emplace_back(ToMicros(now));
  params.emplace_back(id);
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec(absl::StrCat("UPDATE people SET ", assignments, " WHERE id = ?"), params));
  if (changed != 1) return absl::NotFoundError(absl::StrCat(PersonName(id), " does not exist"));
  CERCLES_RETURN_IF_ERROR(WriteExpertise(tx, id, person));
  CERCLES_ASSIGN_OR_RETURN(std::optional<Person> stored, Get(tx, id));
  if (!stored.has_value()) return absl::InternalError("updated person vanished");
  return *std::move(stored);
}

absl::StatusOr<std::vector<Person>> PeopleStore::List(storage::Transaction& tx,
                                                      const PeopleFilter& filter, int64_t after_id,
                                                      int limit) const {
  std::string sql = absl::StrCat("SELECT ", PersonColumns(), " FROM people p WHERE p.id > ?");
  std::vector<storage::Value> params = PersonColumnParams();
  params.emplace_back(after_id);
  if (filter.status != v1::PERSON_STATUS_UNSPECIFIED) {
    sql += " AND p.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status));
  }
  if (!filter.name_prefix.empty()) {
    sql += " AND (p.given_key LIKE ? ESCAPE '!' OR p.family_key LIKE ? ESCAPE '!')";
    params.emplace_back(LikePrefix(filter.name_prefix));
    params.emplace_back(LikePrefix(filter.name_prefix));
  }
  if (!filter.sector.empty()) {
    sql += " AND p.has_business = 1 AND p.sector_key = ?";
    params.emplace_back(filter.sector);
  }
  if (filter.circle_id != 0) {
    sql +=
        " AND EXISTS (SELECT 1 FROM circle_members m JOIN circles c ON c.id = m.circle_id "
        "WHERE m.person_id = p.id AND m.circle_id = ? AND m.leave_time_us IS NULL AND "
        "c.status NOT IN (?, ?))";
    params.emplace_back(filter.circle_id);
    params.emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_DISSOLVED));
    params.emplace_back(static_cast<int64_t>(v1::CIRCLE_STATUS_MERGED));
  }
  if (filter.training_id != 0) {
    sql +=
        " AND EXISTS (SELECT 1 FROM training_enrolments e WHERE e.person_id = p.id AND "
        "e.training_id = ?)";
    params.emplace_back(filter.training_id);
  }
  if (filter.visible_circles.has_value()) {
    absl::StrAppend(&sql, " AND ",
                    PersonVisibleCondition("p.id", *filter.visible_circles, &params));
  }
  sql += " ORDER BY p.id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Person> people;
  people.reserve(rows.size());
  for (const storage::Row& row : rows) people.push_back(PersonFromRow(row));
  CERCLES_RETURN_IF_ERROR(LoadExpertise(tx, people));
  return people;
}

absl::StatusOr<storage::Rows> QueryHistoryPage(storage::Transaction& tx, std::string select,
                                               std::vector<storage::Value> params,
                                               int64_t before_id, int limit) {
  if (before_id > 0) {
    select += " AND id < ?";
    params.emplace_back(before_id);
  }
  select += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  return tx.Query(select, params);
}

absl::StatusOr<PersonFacts> LoadPersonFacts(storage::Transaction& tx, int64_t person_id) {
  CERCLES_RETURN_IF_ERROR(PeopleStore::Lock(tx, person_id));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT p.given_name, p.family_name, p.status, (",
                            kTrainingsCompletedOf, ") FROM people p WHERE p.id = ?"),
               {person_id}));
  PersonFacts facts;
  if (rows.empty()) return facts;
  facts.exists = true;
  facts.active = rows[0].Int(2) == v1::PERSON_STATUS_ACTIVE;
  facts.erased = rows[0].Int(2) == v1::PERSON_STATUS_ERASED;
  facts.trained = rows[0].Int(3) > 0;
  facts.display_name = PersonDisplayName(rows[0].Text(0), rows[0].Text(1));
  return facts;
}

}  // namespace cercles::membership
