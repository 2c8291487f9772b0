// cercles-membership-dataset: writes a large membership database for the
// "membership at scale" benchmark (scripts/bench-membership): by default 10,000
// circles and 60,000 people of a fund, deterministic for given flags, before
// the service starts on it.
//
//   cercles-membership-dataset --database_url sqlite:///tmp/m.db --circles 10000 --people 60000
//
// Why the stores and not the API. Through gRPC the data set is ~250,000 calls
// (people, enrolments, completions, circles, members, activations), each its own
// transaction with an fsync, an idempotency record and an outbox event: tens
// of minutes on this machine, for data whose loading is not what is measured.
// Raw SQL would be fastest but would copy the schema (derived columns such as
// people.given_key, the status history, member counts) and silently rot when a
// migration changes it. So the generator links membership_lib and writes through
// its stores (PeopleStore, TrainingStore, CircleStore: the SQL the service
// itself runs) after checking every record with the domain's own rules
// (NormalisePerson, DraftNewTraining, DraftNewCircle, DraftAdvisor,
// CheckActivation, StatusAfterCountChange, CheckSuspend), in large
// transactions (--batch circles each), with synchronous=NORMAL. What it leaves
// out: the outbox (no events: the benchmark starts membership alone) and the
// idempotency records (no request ids were ever sent).
//
// The data follows the domain: every circle has 4 to 7 founders who completed
// the same training cohort; 90 % active (4-7 members), 4 % under strength (4
// founders, one left), 3 % forming (2-4 members), 3 % suspended; a person is in
// at most one circle; every circle carries a sector, a language and a region,
// some a gender, an affinity, a savings practice. The rest of the people are
// graduates waiting for a circle, drop-outs, and the cohorts under way.
//
// --verify (on by default) reads the database back and checks those rules;
// the last line is a digest of the content, equal for equal flags.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/resource_name.h"
#include "common/config/config.h"
#include "common/storage/database.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"
#include "services/membership/circle_store.h"
#include "services/membership/context.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_store.h"
#include "services/membership/training_rules.h"
#include "services/membership/training_store.h"
#include "tools/demo/demo_plan.h"
#include "tools/demo/fund_vocabulary.h"

ABSL_FLAG(std::string, database_url, "",
          "sqlite:///abs/path.db of a database that does not exist yet (or is empty)");
ABSL_FLAG(int32_t, circles, 10000, "circles to write");
ABSL_FLAG(int32_t, people, 60000, "people to write (at least the founders of every circle)");
ABSL_FLAG(uint64_t, seed, 1, "generator seed");
ABSL_FLAG(std::string, as_of, "2026-01-15",
          "the data set's today (YYYY-MM-DD): every date and time is before it");
ABSL_FLAG(std::string, fund_id, "fund-bench", "fund of the circles");
ABSL_FLAG(int32_t, batch, 500, "circles (with their founders) per transaction");
ABSL_FLAG(bool, verify, true, "read the database back and check the domain rules");

namespace cercles::bench {
namespace {

namespace v1 = cercles::membership::v1;
using demo::Rng;

constexpr int kCohortSize = 30;
constexpr char kActor[] = "staff:dataset-generator";

enum class Fate { kActive, kUnderStrength, kForming, kSuspended };

struct CircleSpec {
  Fate fate = Fate::kActive;
  int founders = 0;
  int first_person = 0;  // founders are people first_person .. first_person + founders - 1
  v1::Circle circle;     // display name and characteristics
  demo::PersonTraits traits;
};

struct Dataset {
  absl::CivilDay as_of;
  int people = 0;
  int founders = 0;  // people 0 .. founders-1 found circles
  std::vector<CircleSpec> circles;
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> cohorts;  // start, end
  int first_cohort_under_way = 0;
  int advisors = 0;
};

v1::Characteristic MakeCharacteristic(v1::CharacteristicKind kind, const std::string& value) {
  v1::Characteristic c;
  c.set_kind(kind);
  c.set_value(value);
  return c;
}

absl::Time TimeOf(absl::CivilDay day, int seconds) {
  return absl::FromCivil(day, absl::UTCTimeZone()) + absl::Seconds(seconds);
}

absl::StatusOr<Dataset> PlanDataset(uint64_t seed, int circles, int people, absl::CivilDay as_of) {
  Dataset d;
  d.as_of = as_of;
  d.people = people;
  static const std::vector<std::string> kPrefixes = {
      "Cercle",         "Les Entreprenantes", "Les Audacieux", "Cercle Entraide",
      "Les Bâtisseurs", "Cercle Tremplin",    "Les Semeurs"};
  static const std::vector<std::string> kAffinities = {"youth",
                                                       "50-plus",
                                                       "newcomers",
                                                       "parents",
                                                       "haitian-community",
                                                       "maghreb-community",
                                                       "latin-american-community"};
  static const std::vector<std::string> kSavings = {"monthly", "weekly", "tontine"};
  int next_person = 0;
  for (int i = 0; i < circles; ++i) {
    Rng rng = Rng::For(seed, "dataset-circle", i);
    CircleSpec spec;
    const int fate_roll = rng.Below(100);
    spec.fate = fate_roll < 90   ? Fate::kActive
                : fate_roll < 94 ? Fate::kUnderStrength
                : fate_roll < 97 ? Fate::kForming
                                 : Fate::kSuspended;
    const int size_roll = rng.Below(100);
    const int size = size_roll < 25 ? 4 : size_roll < 55 ? 5 : size_roll < 80 ? 6 : 7;
    spec.founders = spec.fate == Fate::kUnderStrength ? 4
                    : spec.fate == Fate::kForming     ? rng.Between(2, 4)
                                                      : size;
    spec.first_person = next_person;
    next_person += spec.founders;

    const demo::Language language =
        rng.Percent(80) ? demo::Language::kFrench : demo::Language::kEnglish;
    const demo::Sector& sector = rng.Pick(demo::Sectors());
    const demo::Neighbourhood& where = rng.Pick(demo::Neighbourhoods());
    spec.traits.language = language;
    spec.traits.sector = sector.key;
    spec.traits.where = &where;
    v1::Circle& c = spec.circle;
    c.set_display_name(absl::StrCat(rng.Pick(kPrefixes), " ",
                                    rng.Pick(demo::BusinessQualifiers(demo::Language::kFrench)),
                                    " — ", where.display_name, " ", i + 1));
    *c.add_characteristics() = MakeCharacteristic(v1::CHARACTERISTIC_KIND_SECTOR, sector.key);
    *c.add_characteristics() = MakeCharacteristic(
        v1::CHARACTERISTIC_KIND_LANGUAGE, language == demo::Language::kFrench ? "fr" : "en");
    *c.add_characteristics() = MakeCharacteristic(v1::CHARACTERISTIC_KIND_REGION, where.key);
    if (rng.Percent(12)) {
      spec.traits.woman = true;
      *c.add_characteristics() = MakeCharacteristic(v1::CHARACTERISTIC_KIND_GENDER, "women");
    }
    if (rng.Percent(30)) {
      const std::string& affinity = rng.Pick(kAffinities);
      *c.add_characteristics() = MakeCharacteristic(v1::CHARACTERISTIC_KIND_AFFINITY, affinity);
      if (affinity == "youth") spec.traits.min_age = 20, spec.traits.max_age = 34;
      if (affinity == "50-plus") spec.traits.min_age = 50, spec.traits.max_age = 66;
      if (affinity == "newcomers") spec.traits.newcomer = true;
      if (language == demo::Language::kFrench) {
        if (affinity == "haitian-community") spec.traits.community = demo::FindCommunity("haitian");
        if (affinity == "maghreb-community") spec.traits.community = demo::FindCommunity("maghreb");
        if (affinity == "latin-american-community") {
          spec.traits.community = demo::FindCommunity("latin-american");
        }
      }
    }
    if (rng.Percent(40)) {
      *c.add_characteristics() =
          MakeCharacteristic(v1::CHARACTERISTIC_KIND_SAVINGS, rng.Pick(kSavings));
    }
    d.circles.push_back(std::move(spec));
  }
  d.founders = next_person;
  if (d.founders > people) {
    return absl::InvalidArgumentError(absl::StrCat("--people ", people, " is fewer than the ",
                                                   d.founders, " founders of ", circles,
                                                   " circles: raise --people"));
  }

  // Cohorts of kCohortSize, in person order, over the ten years before as_of;
  // the last 2 % are under way, unless they would hold founders (who must have
  // completed theirs).
  const int cohorts = (people + kCohortSize - 1) / kCohortSize;
  const int founder_cohorts = (d.founders + kCohortSize - 1) / kCohortSize;
  d.first_cohort_under_way = std::max(founder_cohorts, cohorts - std::max(1, cohorts / 50));
  for (int k = 0; k < cohorts; ++k) {
    absl::CivilDay start = k < d.first_cohort_under_way
                               ? as_of - 3650 + static_cast<int64_t>(k) * 3560 / cohorts
                               : as_of - 21;
    d.cohorts.emplace_back(start, start + 56);
  }
  d.advisors = std::max(1, circles / 150);
  return d;
}

class Writer {
 public:
  Writer(const Dataset& d, uint64_t seed, const std::string& fund_id)
      : d_(d), seed_(seed), circles_(fund_id), people_factory_(seed, d.as_of) {}

  absl::Status Write(storage::Database& db, int batch) {
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        db, storage::TxMode::kWrite,
        [&](storage::Transaction& tx) { return WriteAdvisorsAndTrainings(tx); }, 1));
    for (size_t begin = 0; begin < d_.circles.size(); begin += static_cast<size_t>(batch)) {
      const size_t end = std::min(d_.circles.size(), begin + static_cast<size_t>(batch));
      CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
          db, storage::TxMode::kWrite,
          [&](storage::Transaction& tx) -> absl::Status {
            for (size_t i = begin; i < end; ++i) {
              CERCLES_RETURN_IF_ERROR(WriteCircle(tx, static_cast<int>(i)));
            }
            return absl::OkStatus();
          },
          1));
    }
    const int others_batch = batch * 6;
    for (int begin = d_.founders; begin < d_.people; begin += others_batch) {
      const int end = std::min(d_.people, begin + others_batch);
      CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
          db, storage::TxMode::kWrite,
          [&](storage::Transaction& tx) -> absl::Status {
            for (int p = begin; p < end; ++p) {
              Rng rng = Rng::For(seed_, "dataset-other", p);
              demo::PersonTraits traits;
              traits.language =
                  rng.Percent(80) ? demo::Language::kFrench : demo::Language::kEnglish;
              // 90 % of graduates complete; cohorts under way have not ended.
              const bool completes = rng.Percent(90);
              CERCLES_RETURN_IF_ERROR(WritePerson(tx, p, traits, completes).status());
            }
            return absl::OkStatus();
          },
          1));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status WriteAdvisorsAndTrainings(storage::Transaction& tx) {
    static const std::vector<std::string> kNames = {
        "Isabelle Gagnon", "Karim Benali",       "Nathalie Pierre-Louis", "Marc-Olivier Roy",
        "Sophie Tremblay", "Jean-Robert Joseph", "María Rodríguez",       "Luc Bergeron"};
    for (int a = 0; a < d_.advisors; ++a) {
      v1::Advisor advisor;
      advisor.set_display_name(absl::StrCat(kNames[static_cast<size_t>(a) % kNames.size()],
                                            a < 8 ? "" : absl::StrCat(" ", a / 8 + 1)));
      advisor.set_principal_name(absl::StrCat("advisor-", a + 1));
      advisor.set_email(absl::StrCat("advisor-", a + 1, "@fund-bench.example.org"));
      CERCLES_ASSIGN_OR_RETURN(v1::Advisor draft, membership::DraftAdvisor(advisor));
      CERCLES_ASSIGN_OR_RETURN(v1::Advisor stored,
                               circles_.InsertAdvisor(tx, draft, TimeOf(d_.as_of - 4000, a)));
      CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(stored.name(), "advisors", "name"));
      advisor_ids_.push_back(id);
    }
    for (size_t k = 0; k < d_.cohorts.size(); ++k) {
      v1::Training t;
      t.set_display_name(absl::StrCat("Cohorte ", k + 1, " — Démarrer son entreprise"));
      *t.mutable_start_date() = demo::ToDate(d_.cohorts[k].first);
      *t.mutable_end_date() = demo::ToDate(d_.cohorts[k].second);
      CERCLES_ASSIGN_OR_RETURN(v1::Training draft, membership::DraftNewTraining(t));
      CERCLES_ASSIGN_OR_RETURN(
          v1::Training stored,
          trainings_.Insert(tx, draft, TimeOf(d_.cohorts[k].first - 30, static_cast<int>(k))));
      CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(stored.name(), "trainings", "name"));
      training_ids_.push_back(id);
    }
    return absl::OkStatus();
  }

  // Inserts person `index`, enrolled in its cohort and, when `completes` and
  // the cohort has ended, completed on its last day. Returns the person's id.
  absl::StatusOr<int64_t> WritePerson(storage::Transaction& tx, int index,
                                      const demo::PersonTraits& traits, bool completes) {
    const size_t cohort = static_cast<size_t>(index / kCohortSize);
    const auto& [start, end] = d_.cohorts[cohort];
    v1::Person requested = people_factory_.Make(index, traits);
    CERCLES_ASSIGN_OR_RETURN(v1::Person person, membership::NormalisePerson(requested, d_.as_of));
    const absl::Time registered = TimeOf(start - 14, index % 86400);
    CERCLES_ASSIGN_OR_RETURN(v1::Person stored, people_.Insert(tx, person, registered));
    CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(stored.name(), "people", "name"));
    const int64_t training = training_ids_[cohort];
    CERCLES_RETURN_IF_ERROR(
        trainings_.Enrol(tx, training, id, registered + absl::Hours(1)).status());
    if (completes && static_cast<int>(cohort) < d_.first_cohort_under_way) {
      CERCLES_RETURN_IF_ERROR(
          trainings_
              .Complete(tx, training, id, demo::ToDate(end), TimeOf(end, 72000 + index % 3600))
              .status());
    }
    return id;
  }

  absl::Status WriteCircle(storage::Transaction& tx, int i) {
    const CircleSpec& spec = d_.circles[static_cast<size_t>(i)];
    std::vector<int64_t> founders;
    for (int f = 0; f < spec.founders; ++f) {
      const int index = spec.first_person + f;
      demo::PersonTraits traits = spec.traits;
      Rng rng = Rng::For(seed_, "dataset-member-sector", index);
      if (rng.Percent(20)) traits.sector.clear();  // most share the circle's sector
      CERCLES_ASSIGN_OR_RETURN(int64_t id, WritePerson(tx, index, traits, true));
      founders.push_back(id);
    }
    // The circle forms two weeks after the founders' cohort ended.
    const absl::CivilDay cohort_end =
        d_.cohorts[static_cast<size_t>(spec.first_person / kCohortSize)].second;
    const absl::Time formed = TimeOf(cohort_end + 14, i % 86400);
    CERCLES_ASSIGN_OR_RETURN(v1::Circle draft, membership::DraftNewCircle(spec.circle));
    const int64_t advisor = advisor_ids_[static_cast<size_t>(i) % advisor_ids_.size()];
    CERCLES_ASSIGN_OR_RETURN(v1::Circle circle,
                             circles_.Insert(tx, draft, advisor, kActor, formed));
    CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(circle.name(), "circles", "name"));
    membership::CircleState state;
    state.id = id;
    state.status = v1::CIRCLE_STATUS_FORMING;
    state.advisor_id = advisor;
    for (int64_t person : founders) {
      CERCLES_RETURN_IF_ERROR(
          membership::CheckCanAddMember(state.status, state.member_count, circle.name()));
      CERCLES_RETURN_IF_ERROR(
          circles_.AddMember(tx, id, person, "membre fondateur", formed).status());
      ++state.member_count;
    }
    const int count = state.member_count;
    if (spec.fate == Fate::kForming) {
      return circles_.SetCountAndStatus(tx, state, count, state.status, "", kActor, formed);
    }
    CERCLES_RETURN_IF_ERROR(
        membership::CheckActivation(state.status, count, {}, true, circle.name()));
    const absl::Time activated = formed + absl::Hours(2);
    CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(tx, state, count, v1::CIRCLE_STATUS_ACTIVE,
                                                       "activated", kActor, activated));
    state.status = v1::CIRCLE_STATUS_ACTIVE;
    if (spec.fate == Fate::kUnderStrength) {
      const absl::Time left = std::min(activated + absl::Hours(24 * 60), TimeOf(d_.as_of, 0));
      CERCLES_RETURN_IF_ERROR(
          circles_.RemoveMember(tx, id, founders.back(), "a déménagé", left).status());
      const v1::CircleStatus after = membership::StatusAfterCountChange(state.status, count - 1);
      return circles_.SetCountAndStatus(tx, state, count - 1, after,
                                        "fewer than 4 members: no circle guarantee until back to 4",
                                        kActor, left);
    }
    if (spec.fate == Fate::kSuspended) {
      CERCLES_RETURN_IF_ERROR(membership::CheckSuspend(state.status, circle.name()));
      return circles_.SetCountAndStatus(
          tx, state, count, v1::CIRCLE_STATUS_SUSPENDED, "pause demandée par les membres", kActor,
          std::min(activated + absl::Hours(24 * 90), TimeOf(d_.as_of, 0)));
    }
    return absl::OkStatus();
  }

  const Dataset& d_;
  const uint64_t seed_;
  membership::CircleStore circles_;
  membership::PeopleStore people_;
  membership::TrainingStore trainings_;
  demo::PeopleFactory people_factory_;
  std::vector<int64_t> advisor_ids_;
  std::vector<int64_t> training_ids_;
};

// One number of a query.
absl::StatusOr<int64_t> Count(storage::Transaction& tx, const std::string& sql,
                              const std::vector<storage::Value>& params = {}) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  return rows.empty() ? 0 : rows[0].Int(0);
}

// Reads the database back and checks the domain rules; returns a digest of
// the content (what a re-generation must reproduce).
absl::StatusOr<std::string> Verify(storage::Database& db, const Dataset& d,
                                   const std::string& fund_id) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  struct Rule {
    const char* what;
    std::string sql;
    int64_t expected;
  };
  const std::vector<Rule> rules = {
      {"circles", "SELECT COUNT(*) FROM circles", static_cast<int64_t>(d.circles.size())},
      {"people", "SELECT COUNT(*) FROM people", d.people},
      {"member_count equals the current members",
       "SELECT COUNT(*) FROM circles c WHERE member_count <> (SELECT COUNT(*) FROM circle_members "
       "m WHERE m.circle_id = c.id AND m.leave_time_us IS NULL)",
       0},
      {"active and suspended circles have 4 to 7 members",
       "SELECT COUNT(*) FROM circles WHERE status IN (2, 4) AND member_count NOT BETWEEN 4 AND 7",
       0},
      {"under-strength circles have 1 to 3 members",
       "SELECT COUNT(*) FROM circles WHERE status = 3 AND member_count NOT BETWEEN 1 AND 3", 0},
      {"forming circles have at most 7 members",
       "SELECT COUNT(*) FROM circles WHERE status = 1 AND member_count > 7", 0},
      {"a person is in at most one circle",
       "SELECT COUNT(*) FROM (SELECT m.person_id FROM circle_members m JOIN circles c ON c.id = "
       "m.circle_id WHERE m.leave_time_us IS NULL AND c.status NOT IN (5, 6) GROUP BY m.person_id "
       "HAVING COUNT(*) > 1)",
       0},
      {"every current member completed a training",
       "SELECT COUNT(*) FROM circle_members m WHERE m.leave_time_us IS NULL AND NOT EXISTS "
       "(SELECT 1 FROM training_enrolments e WHERE e.person_id = m.person_id AND e.completed_on "
       "IS NOT NULL)",
       0},
      {"every circle has a sector, a language and a region",
       "SELECT COUNT(*) FROM circles c WHERE (SELECT COUNT(DISTINCT kind) FROM "
       "circle_characteristics f WHERE f.circle_id = c.id AND f.kind IN (1, 5, 6)) <> 3",
       0},
      {"every circle has an advisor", "SELECT COUNT(*) FROM circles WHERE advisor_id IS NULL", 0},
  };
  for (const Rule& rule : rules) {
    CERCLES_ASSIGN_OR_RETURN(int64_t value, Count(*tx, rule.sql));
    if (value != rule.expected) {
      return absl::InternalError(
          absl::StrCat("verify: ", rule.what, ": expected ", rule.expected, ", got ", value));
    }
  }
  // Through the stores, as the service reads: the first and last circle, one
  // page of a characteristic filter, one person.
  membership::CircleStore circles(fund_id);
  for (int64_t id : {int64_t{1}, static_cast<int64_t>(d.circles.size())}) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, circles.Get(*tx, id));
    if (!circle.has_value() || circle->characteristics_size() < 3) {
      return absl::InternalError(absl::StrCat("verify: circles/", id, " does not read back"));
    }
  }
  membership::CircleFilter filter;
  filter.characteristics.push_back(MakeCharacteristic(v1::CHARACTERISTIC_KIND_LANGUAGE, "fr"));
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Circle> page, circles.List(*tx, filter, 0, 50));
  if (page.empty()) return absl::InternalError("verify: no French-speaking circle listed");
  membership::PeopleStore people;
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, people.Get(*tx, 1));
  if (!person.has_value()) return absl::InternalError("verify: people/1 does not read back");

  // The digest: every circle with its status, members and characteristics,
  // every person's names and sector.
  std::string content;
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx->Query("SELECT c.id, c.display_name, c.status, c.member_count, c.advisor_id, "
                "c.create_time_us, (SELECT group_concat(kind || '=' || value, ',') FROM "
                "circle_characteristics f WHERE f.circle_id = c.id), (SELECT "
                "group_concat(person_id, ',') FROM circle_members m WHERE m.circle_id = c.id AND "
                "m.leave_time_us IS NULL) FROM circles c ORDER BY c.id"));
  for (const storage::Row& row : rows) {
    for (size_t col = 0; col < row.size(); ++col) absl::StrAppend(&content, row.Text(col), "|");
    content += "\n";
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows people_rows,
      tx->Query("SELECT id, given_name, family_name, email, sector, business_stage, birth_date "
                "FROM people ORDER BY id"));
  for (const storage::Row& row : people_rows) {
    for (size_t col = 0; col < row.size(); ++col) absl::StrAppend(&content, row.Text(col), "|");
    content += "\n";
  }
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return Sha256Hex(content).substr(0, 16);
}

int Run() {
  const std::string url = absl::GetFlag(FLAGS_database_url);
  const int circles = absl::GetFlag(FLAGS_circles);
  const int people = absl::GetFlag(FLAGS_people);
  const int batch = absl::GetFlag(FLAGS_batch);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const std::string fund_id = absl::GetFlag(FLAGS_fund_id);
  auto fail = [](const absl::Status& status) {
    std::fprintf(stderr, "cercles-membership-dataset: %s\n", std::string(status.message()).c_str());
    return EXIT_FAILURE;
  };
  if (!absl::StartsWith(url, "sqlite://")) {
    return fail(absl::InvalidArgumentError("--database_url must be sqlite:///path/to/new.db"));
  }
  if (circles < 1 || people < 1 || batch < 1) {
    return fail(absl::InvalidArgumentError("--circles, --people and --batch must be positive"));
  }
  absl::CivilDay as_of;
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &as_of)) {
    return fail(absl::InvalidArgumentError("--as_of must be a day YYYY-MM-DD"));
  }
  const std::string path = url.substr(std::string("sqlite://").size());
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored) && std::filesystem::file_size(path, ignored) > 0) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat(path, " already exists: the generator writes a new database")));
  }

  const absl::Time start = absl::Now();
  absl::StatusOr<Dataset> dataset = PlanDataset(seed, circles, people, as_of);
  if (!dataset.ok()) return fail(dataset.status());
  storage::OpenOptions options;
  options.durable_writes = false;  // a crash loses a file we would regenerate anyway
  options.max_connections = 2;
  {
    auto db = storage::Database::Open(url, options);
    if (!db.ok()) return fail(db.status());
    absl::Status status = membership::MigrateMembership(**db);
    if (!status.ok()) return fail(status);
    Writer writer(*dataset, seed, fund_id);
    status = writer.Write(**db, batch);
    if (!status.ok()) return fail(status);
  }  // closing the last connection checkpoints the WAL into the file
  const absl::Duration written = absl::Now() - start;

  int counts[4] = {0, 0, 0, 0};
  for (const CircleSpec& c : dataset->circles) ++counts[static_cast<int>(c.fate)];
  std::printf(
      "wrote %d circles (%d active, %d under strength, %d forming, %d suspended), %d people (%d "
      "founders), %zu trainings, %d advisors in %.1f s\n",
      circles, counts[0], counts[1], counts[2], counts[3], people, dataset->founders,
      dataset->cohorts.size(), dataset->advisors, absl::ToDoubleSeconds(written));
  if (absl::GetFlag(FLAGS_verify)) {
    auto db = storage::Database::Open(url, options);
    if (!db.ok()) return fail(db.status());
    absl::StatusOr<std::string> digest = Verify(**db, *dataset, fund_id);
    if (!digest.ok()) return fail(digest.status());
    std::printf("verified the domain rules; digest %s\n", digest->c_str());
  }
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace cercles::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "writes a large, valid membership database for scripts/bench-membership");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  return cercles::bench::Run();
}
