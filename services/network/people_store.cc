#include "services/network/people_store.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/storage/sql.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"
#include "services/network/graph_store.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

// "%term%" for LIKE, with LIKE's own characters escaped by '\'.
std::string LikePattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

v1::ContactPath ContactPathFor(const std::string& fund_id, const std::string& circle,
                               const storage::Row& row) {
  v1::ContactPath path;
  path.set_fund_id(fund_id);
  if (!row.IsNull(7) && !row.IsNull(8)) {
    path.set_advisor(absl::StrCat("advisors/", row.Int(7)));
    path.set_advisor_display_name(row.Text(8));
    path.set_advisor_email(row.Text(9));
    path.set_instructions(absl::StrCat("Ask ", row.Text(8), " (", row.Text(9), "), advisor of ",
                                       circle, ", to introduce you."));
  } else if (!circle.empty()) {
    path.set_instructions(absl::StrCat("Ask the staff of fund ", fund_id, ": ", circle,
                                       " has no advisor recorded yet."));
  } else {
    path.set_instructions(absl::StrCat("Ask the staff of fund ", fund_id, " to introduce you."));
  }
  return path;
}

}  // namespace

absl::Status PeopleStore::Upsert(storage::Transaction& tx, const std::string& fund_id,
                                 const mv1::Person& person, int64_t sequence) const {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(person.name(), "people", "person.name"));
  const bool shares = person.consents().share_with_network();
  std::string display_name;
  if (shares) {
    display_name = std::string(
        absl::StripAsciiWhitespace(absl::StrCat(person.given_name(), " ", person.family_name())));
  }
  storage::Value circle = storage::Null{};
  if (!person.current_circle().empty()) {
    CERCLES_ASSIGN_OR_RETURN(int64_t circle_id, api::ParseName(person.current_circle(), "circles",
                                                               "person.current_circle"));
    circle = circle_id;
  }
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO network_people (fund_id, person_id, display_name, sector, language, "
              "status, circle_id, expertise_opt_in, share_with_network, share_with_other_funds, "
              "share_with_partners, source_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (fund_id, person_id) DO UPDATE SET display_name = "
              "excluded.display_name, sector = excluded.sector, language = excluded.language, "
              "status = excluded.status, circle_id = excluded.circle_id, expertise_opt_in = "
              "excluded.expertise_opt_in, share_with_network = excluded.share_with_network, "
              "share_with_other_funds = excluded.share_with_other_funds, share_with_partners = "
              "excluded.share_with_partners, source_sequence = excluded.source_sequence",
              {fund_id, id, display_name, shares ? person.business().sector() : std::string(),
               static_cast<int64_t>(person.language()), static_cast<int64_t>(person.status()),
               circle, static_cast<int64_t>(person.expertise_opt_in()), int64_t{shares},
               static_cast<int64_t>(person.consents().share_with_other_funds()),
               static_cast<int64_t>(person.consents().share_with_partners()), sequence})
          .status());
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_expertise WHERE fund_id = ? AND person_id = ?", {fund_id, id})
          .status());
  if (!person.expertise_opt_in()) return absl::OkStatus();  // never kept without consent
  for (int i = 0; i < person.expertise_size(); ++i) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO network_expertise (fund_id, person_id, position, value, value_key) "
                "VALUES (?, ?, ?, ?, ?)",
                {fund_id, id, int64_t{i}, person.expertise(i), TextKey(person.expertise(i))})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::DirectoryPerson>> PeopleStore::DirectoryEntry(
    storage::Transaction& tx, const std::string& fund_id, int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT display_name, sector, language, status, circle_id, expertise_opt_in, "
               "share_with_network, share_with_other_funds, share_with_partners FROM "
               "network_people WHERE fund_id = ? AND person_id = ?",
               {fund_id, person_id}));
  if (rows.empty()) return std::nullopt;
  const storage::Row& row = rows[0];
  v1::DirectoryPerson entry;
  entry.set_person(absl::StrCat("people/", person_id));
  entry.set_display_name(row.Text(0));
  entry.set_sector(row.Text(1));
  entry.set_language(static_cast<cercles::membership::v1::Language>(row.Int(2)));
  entry.set_status(static_cast<cercles::membership::v1::PersonStatus>(row.Int(3)));
  if (!row.IsNull(4)) entry.set_circle(absl::StrCat("circles/", row.Int(4)));
  entry.set_expertise_opt_in(row.Int(5) != 0);
  entry.set_share_with_network(row.Int(6) != 0);
  entry.set_share_with_other_funds(row.Int(7) != 0);
  entry.set_share_with_partners(row.Int(8) != 0);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows expertise,
      tx.Query("SELECT value FROM network_expertise WHERE fund_id = ? AND person_id = ? ORDER BY "
               "position",
               {fund_id, person_id}));
  for (const storage::Row& e : expertise) entry.add_expertise(e.Text(0));
  return entry;
}

absl::Status PeopleStore::JoinCircle(storage::Transaction& tx, const std::string& fund_id,
                                     int64_t person_id, int64_t circle_id, int64_t sequence) const {
  return tx
      .Exec(
          "INSERT INTO network_people (fund_id, person_id, display_name, sector, language, "
          "status, circle_id, expertise_opt_in, share_with_network, share_with_other_funds, "
          "source_sequence) VALUES (?, ?, '', '', 0, ?, ?, 0, 0, 0, ?) "
          "ON CONFLICT (fund_id, person_id) DO UPDATE SET circle_id = excluded.circle_id",
          {fund_id, person_id, static_cast<int64_t>(mv1::PERSON_STATUS_ACTIVE), circle_id,
           sequence})
      .status();
}

absl::Status PeopleStore::LeaveCircle(storage::Transaction& tx, const std::string& fund_id,
                                      int64_t person_id, int64_t circle_id) const {
  return tx
      .Exec(
          "UPDATE network_people SET circle_id = NULL WHERE fund_id = ? AND person_id = ? AND "
          "circle_id = ?",
          {fund_id, person_id, circle_id})
      .status();
}

absl::Status PeopleStore::MoveMembers(storage::Transaction& tx, const std::string& fund_id,
                                      int64_t from, std::optional<int64_t> to) const {
  return tx
      .Exec("UPDATE network_people SET circle_id = ? WHERE fund_id = ? AND circle_id = ?",
            {to.has_value() ? storage::Value(*to) : storage::Value(storage::Null{}), fund_id, from})
      .status();
}

absl::Status PeopleStore::UpsertAdvisor(storage::Transaction& tx, const std::string& fund_id,
                                        const mv1::Advisor& advisor) const {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(advisor.name(), "advisors", "advisor.name"));
  return tx
      .Exec(
          "INSERT INTO network_advisors (fund_id, advisor_id, display_name, email, "
          "principal_name) VALUES (?, ?, ?, ?, ?) ON CONFLICT (fund_id, advisor_id) DO UPDATE "
          "SET display_name = excluded.display_name, email = excluded.email, principal_name = "
          "excluded.principal_name",
          {fund_id, id, advisor.display_name(), advisor.email(), advisor.principal_name()})
      .status();
}

absl::StatusOr<std::vector<int64_t>> PeopleStore::AdvisorCircles(
    storage::Transaction& tx, const std::string& fund_id, const std::string& principal) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT c.circle_id FROM network_circles c JOIN network_advisors a ON a.fund_id = "
               "c.fund_id AND a.advisor_id = c.advisor_id WHERE c.fund_id = ? AND "
               "a.principal_name = ?",
               {fund_id, principal}));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const storage::Row& row : rows) ids.push_back(row.Int(0));
  return ids;
}

absl::StatusOr<std::optional<PersonFacts>> PeopleStore::Facts(storage::Transaction& tx,
                                                              const std::string& fund_id,
                                                              int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT p.status, p.circle_id, c.advisor_id, p.share_with_partners FROM "
               "network_people p LEFT JOIN "
               "network_circles c ON c.fund_id = p.fund_id AND c.circle_id = p.circle_id WHERE "
               "p.fund_id = ? AND p.person_id = ?",
               {fund_id, person_id}));
  if (rows.empty()) return std::optional<PersonFacts>();
  PersonFacts facts;
  facts.active = rows[0].Int(0) == mv1::PERSON_STATUS_ACTIVE;
  if (!rows[0].IsNull(1)) facts.circle_id = rows[0].Int(1);
  facts.circle_has_advisor = !rows[0].IsNull(2);
  facts.shares_with_partners = rows[0].Int(3) != 0;
  return std::optional<PersonFacts>(facts);
}

absl::StatusOr<auth::CircleScope> PeopleStore::ReadScope(storage::Transaction& tx,
                                                         const std::string& fund_id,
                                                         const auth::Principal& who) const {
  return auth::CircleScopeOf(who, auth::CircleAccess::kRead, [&](const auth::Principal& advisor) {
    return AdvisorCircles(tx, fund_id, advisor.name);
  });
}

absl::StatusOr<auth::PersonPlace> PeopleStore::Place(storage::Transaction& tx,
                                                     const std::string& fund_id,
                                                     int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(std::optional<PersonFacts> facts, Facts(tx, fund_id, person_id));
  auth::PersonPlace place;
  if (facts.has_value()) place = {facts->circle_id, facts->circle_has_advisor};
  return place;
}

absl::StatusOr<std::vector<v1::ExpertiseMatch>> PeopleStore::SearchExpertise(
    storage::Transaction& tx, const ExpertiseQuery& query,
    const std::optional<PersonPosition>& after, int limit) const {
  std::string sql =
      "SELECT p.fund_id, p.person_id, p.display_name, p.sector, p.language, p.circle_id, "
      "c.node, c.advisor_id, a.display_name, a.email FROM network_people p "
      "LEFT JOIN network_circles c ON c.fund_id = p.fund_id AND c.circle_id = p.circle_id "
      "LEFT JOIN network_advisors a ON a.fund_id = c.fund_id AND a.advisor_id = c.advisor_id "
      "WHERE p.expertise_opt_in = 1 AND p.status = ? AND EXISTS (SELECT 1 FROM network_expertise "
      "e WHERE e.fund_id = p.fund_id AND e.person_id = p.person_id AND e.value_key LIKE ? "
      "ESCAPE '\\')";
  std::vector<storage::Value> params = {static_cast<int64_t>(mv1::PERSON_STATUS_ACTIVE),
                                        LikePattern(query.term_key)};
  if (!query.fund_id.empty()) {
    sql += " AND p.fund_id = ?";
    params.emplace_back(query.fund_id);
  }
  if (!query.region_key.empty()) {
    sql += " AND c.region_key = ?";
    params.emplace_back(query.region_key);
  }
  if (query.language != mv1::LANGUAGE_UNSPECIFIED) {
    sql += " AND p.language = ?";
    params.emplace_back(static_cast<int64_t>(query.language));
  }
  if (after.has_value()) {
    sql += " AND (p.fund_id > ? OR (p.fund_id = ? AND p.person_id > ?))";
    params.insert(params.end(), {after->fund_id, after->fund_id, after->person_id});
  }
  sql += " ORDER BY p.fund_id, p.person_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));

  std::vector<v1::ExpertiseMatch> matches;
  std::map<std::pair<std::string, int64_t>, size_t> index;
  std::vector<storage::Value> ids;
  for (const storage::Row& row : rows) {
    v1::ExpertiseMatch& m = matches.emplace_back();
    const std::string fund = row.Text(0);
    m.set_person(NetworkPersonName(fund, row.Int(1)));
    m.set_display_name(row.Text(2));
    m.set_sector(row.Text(3));
    m.set_language(static_cast<mv1::Language>(row.Int(4)));
    if (!row.IsNull(5)) m.set_circle(NetworkCircleName({fund, row.Int(5)}));
    *m.mutable_contact_path() = ContactPathFor(fund, m.circle(), row);
    index[{fund, row.Int(1)}] = matches.size() - 1;
    ids.emplace_back(row.Int(1));
  }
  if (ids.empty()) return matches;
  storage::Sql expertise(
      "SELECT fund_id, person_id, value, value_key FROM network_expertise WHERE person_id IN ");
  expertise.List(ids).Add(" ORDER BY fund_id, person_id, position");
  CERCLES_ASSIGN_OR_RETURN(storage::Rows entries, expertise.Query(tx));
  for (const storage::Row& e : entries) {
    auto it = index.find({e.Text(0), e.Int(1)});
    if (it == index.end()) continue;  // same id in another fund
    v1::ExpertiseMatch& m = matches[it->second];
    m.add_expertise(e.Text(2));
    if (absl::StrContains(e.Text(3), query.term_key)) m.add_matched(e.Text(2));
  }
  return matches;
}

}  // namespace cercles::network
