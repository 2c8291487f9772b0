// The people and training stores on in-memory SQLite with the whole membership
// schema: round trips, every ListPeople filter, pagination, enrolments, and
// LoadPersonFacts (what the circle rules read of a person).
#include "services/membership/people_store.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/circle_rules.h"
#include "services/membership/consent_rules.h"
#include "services/membership/consent_store.h"
#include "services/membership/context.h"
#include "services/membership/people_rules.h"
#include "services/membership/training_rules.h"
#include "services/membership/training_store.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1714521600);  // 2024-05-01

Person MakePerson(const std::string& given, const std::string& family,
                  const std::string& sector = "") {
  Person p;
  p.set_given_name(given);
  p.set_family_name(family);
  p.set_language(v1::LANGUAGE_FR);
  if (!sector.empty()) p.mutable_business()->set_sector(sector);
  auto normalised = NormalisePerson(p, absl::CivilDay(2024, 5, 1));
  EXPECT_TRUE(normalised.ok()) << normalised.status();
  return *normalised;
}

std::vector<std::string> Names(const std::vector<Person>& people) {
  std::vector<std::string> names;
  for (const Person& p : people) names.push_back(p.given_name());
  return names;
}

class PeopleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::Open("sqlite::memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(MigrateMembership(*db_).ok());
  }

  // Runs fn in a committed write transaction.
  template <typename Fn>
  void Write(Fn fn) {
    auto tx = db_->Begin(storage::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status();
    fn(**tx);
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  int64_t AddPerson(const Person& p) {
    int64_t id = 0;
    Write([&](storage::Transaction& tx) {
      auto stored = people_.Insert(tx, p, kNow);
      ASSERT_TRUE(stored.ok()) << stored.status();
      id = *api::ParseName(stored->name(), "people", "name");
      // As CreatePerson does: the consents asked for, through their one write.
      auto consents =
          consents_.Record(tx, id, PersonRecordConsentChanges({}, p.consents()), "staff:t", kNow);
      ASSERT_TRUE(consents.ok()) << consents.status();
    });
    return id;
  }

  // Circles are written by the circles code; only the columns read here matter.
  int64_t AddCircle(const std::string& name) {
    int64_t id = 0;
    Write([&](storage::Transaction& tx) {
      auto rows = tx.Query(
          "INSERT INTO circles (display_name, status, member_count, create_time_us, "
          "update_time_us) VALUES (?, ?, 0, 1, 1) RETURNING id",
          {name, static_cast<int64_t>(v1::CIRCLE_STATUS_FORMING)});
      ASSERT_TRUE(rows.ok()) << rows.status();
      id = (*rows)[0].Int(0);
    });
    return id;
  }

  // A stay in a circle; a former member's stay has a leave time.
  void Join(int64_t circle, int64_t person, bool left = false) {
    Write([&](storage::Transaction& tx) {
      ASSERT_TRUE(tx.Exec(absl::StrCat("INSERT INTO circle_members (circle_id, person_id, "
                                       "join_time_us, join_reason, leave_time_us) VALUES (?, ?, "
                                       "1, 'founder', ",
                                       left ? "5" : "NULL", ")"),
                          {circle, person})
                      .ok());
    });
  }

  void SetCircleStatus(int64_t circle, v1::CircleStatus status) {
    Write([&](storage::Transaction& tx) {
      ASSERT_TRUE(tx.Exec("UPDATE circles SET status = ? WHERE id = ?",
                          {static_cast<int64_t>(status), circle})
                      .ok());
    });
  }

  int64_t AddTraining(const std::string& name) {
    Training t;
    t.set_display_name(name);
    *t.mutable_start_date() = MakeDate(2024, 1, 9);
    *t.mutable_end_date() = MakeDate(2024, 3, 5);
    int64_t id = 0;
    Write([&](storage::Transaction& tx) {
      auto stored = trainings_.Insert(tx, *DraftNewTraining(t), kNow);
      ASSERT_TRUE(stored.ok()) << stored.status();
      id = *api::ParseName(stored->name(), "trainings", "name");
    });
    return id;
  }

  std::vector<Person> List(const PeopleFilter& filter, int64_t after = 0, int limit = 100) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto people = people_.List(**tx, filter, after, limit);
    EXPECT_TRUE(people.ok()) << people.status();
    return people.ok() ? *people : std::vector<Person>();
  }

  std::optional<Person> Get(int64_t id) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    auto person = people_.Get(**tx, id);
    EXPECT_TRUE(person.ok()) << person.status();
    return person.ok() ? *person : std::nullopt;
  }

  PersonFacts Facts(int64_t id) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    auto facts = LoadPersonFacts(**tx, id);
    EXPECT_TRUE(facts.ok()) << facts.status();
    return facts.ok() ? *facts : PersonFacts();
  }

  std::unique_ptr<storage::Database> db_;
  PeopleStore people_;
  ConsentStore consents_;
  TrainingStore trainings_;
};

TEST_F(PeopleStoreTest, EveryFieldRoundTrips) {
  Person p;
  p.set_given_name("Émilie");
  p.set_family_name("Tremblay");
  p.set_language(v1::LANGUAGE_EN);
  p.mutable_contact()->set_email("emilie@example.org");
  p.mutable_contact()->set_phone("+1 514 555 0100");
  p.mutable_contact()->set_postal_address("12 rue Ontario\nMontréal");
  *p.mutable_birth_date() = MakeDate(1988, 2, 29);
  p.set_gender("femme");
  p.mutable_business()->set_name("Confitures");
  p.mutable_business()->set_sector("Food");
  p.mutable_business()->set_stage(v1::BUSINESS_STAGE_GROWING);
  *p.mutable_business()->mutable_start_date() = MakeDate(2020, 1, 1);
  p.add_expertise("comptabilité");
  p.add_expertise("vente");
  p.set_expertise_opt_in(true);
  p.mutable_consents()->set_share_with_other_funds(true);
  p.mutable_consents()->set_reminders_by_email(true);  // Consents.reminders_by_email
  p.set_status(v1::PERSON_STATUS_WITHDRAWN);
  Person draft = *NormalisePerson(p, absl::CivilDay(2024, 5, 1));
  const int64_t id = AddPerson(draft);
  std::optional<Person> stored = Get(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->name(), absl::StrCat("people/", id));
  EXPECT_EQ(stored->create_time().seconds(), 1714521600);
  EXPECT_EQ(stored->current_circle(), "");
  Person compared = *stored;
  compared.clear_name();
  compared.clear_create_time();
  compared.clear_update_time();
  EXPECT_TRUE(MessageDifferencer::Equals(compared, draft)) << compared.DebugString() << "\nvs\n"
                                                           << draft.DebugString();
  EXPECT_FALSE(Get(id + 1).has_value());
}

TEST_F(PeopleStoreTest, UpdateReplacesFieldsAndExpertise) {
  Person p = MakePerson("Ana", "Lima", "crafts");
  p.add_expertise("a");
  p.add_expertise("b");
  const int64_t id = AddPerson(p);
  p.clear_expertise();
  p.add_expertise("c");
  p.clear_business();
  p.set_family_name("Souza");
  Write([&](storage::Transaction& tx) {
    auto updated = people_.Update(tx, id, p, kNow + absl::Hours(1));
    ASSERT_TRUE(updated.ok()) << updated.status();
    EXPECT_EQ(updated->update_time().seconds(), 1714521600 + 3600);
    EXPECT_EQ(updated->create_time().seconds(), 1714521600);
  });
  std::optional<Person> stored = Get(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->family_name(), "Souza");
  EXPECT_FALSE(stored->has_business());
  EXPECT_THAT(stored->expertise(), ElementsAre("c"));
  Write([&](storage::Transaction& tx) {
    EXPECT_THAT(people_.Update(tx, id + 5, p, kNow).status(),
                StatusIs(absl::StatusCode::kNotFound));
  });
}

TEST_F(PeopleStoreTest, NamePrefixIgnoresCaseAndAccentsOnEitherName) {
  AddPerson(MakePerson("Émilie", "Tremblay"));
  AddPerson(MakePerson("Marc", "Émond"));
  AddPerson(MakePerson("Ana", "Lima"));
  AddPerson(MakePerson("100%", "Sure"));
  PeopleFilter filter;
  filter.name_prefix = SearchKey("EM");
  EXPECT_THAT(Names(List(filter)), ElementsAre("Émilie", "Marc"));
  filter.name_prefix = SearchKey("trem");
  EXPECT_THAT(Names(List(filter)), ElementsAre("Émilie"));
  filter.name_prefix = "mil";  // a prefix, not a substring
  EXPECT_TRUE(List(filter).empty());
  filter.name_prefix = "%";  // no wildcard
  EXPECT_TRUE(List(filter).empty());
  filter.name_prefix = "100%";
  EXPECT_THAT(Names(List(filter)), ElementsAre("100%"));
  filter.name_prefix = "_";
  EXPECT_TRUE(List(filter).empty());
}

TEST_F(PeopleStoreTest, StatusAndSectorFilters) {
  AddPerson(MakePerson("Ana", "Lima", "Food"));
  Person withdrawn = MakePerson("Bea", "Roy", "food");
  withdrawn.set_status(v1::PERSON_STATUS_WITHDRAWN);
  AddPerson(withdrawn);
  AddPerson(MakePerson("Carl", "Roy", "crafts"));
  AddPerson(MakePerson("Dina", "Roy"));
  PeopleFilter filter;
  filter.sector = SearchKey("FOOD");
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana", "Bea"));
  filter.status = v1::PERSON_STATUS_ACTIVE;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana"));
  filter.sector.clear();
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana", "Carl", "Dina"));
  filter.status = v1::PERSON_STATUS_WITHDRAWN;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Bea"));
}

TEST_F(PeopleStoreTest, CircleFilterAndCurrentCircleSeeOnlyCurrentMembersOfLiveCircles) {
  const int64_t ana = AddPerson(MakePerson("Ana", "Lima"));
  const int64_t bea = AddPerson(MakePerson("Bea", "Roy"));
  const int64_t carl = AddPerson(MakePerson("Carl", "Roy"));
  const int64_t dina = AddPerson(MakePerson("Dina", "Roy"));
  const int64_t first = AddCircle("Cercle 1");
  const int64_t second = AddCircle("Cercle 2");
  const int64_t dissolved = AddCircle("Cercle 3");
  Join(first, ana);
  Join(first, bea, /*left=*/true);  // left: a former member
  Join(second, bea);
  Join(dissolved, carl);
  SetCircleStatus(dissolved, v1::CIRCLE_STATUS_DISSOLVED);
  (void)dina;

  PeopleFilter filter;
  filter.circle_id = first;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana"));
  filter.circle_id = second;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Bea"));
  filter.circle_id = dissolved;
  EXPECT_TRUE(List(filter).empty());
  filter.circle_id = 999;
  EXPECT_TRUE(List(filter).empty());

  EXPECT_EQ(Get(ana)->current_circle(), CircleName(first));
  EXPECT_EQ(Get(bea)->current_circle(), CircleName(second));
  EXPECT_EQ(Get(carl)->current_circle(), "");
  EXPECT_EQ(Get(dina)->current_circle(), "");
}

TEST_F(PeopleStoreTest, CohortFilterAndTrainingsCompleted) {
  const int64_t ana = AddPerson(MakePerson("Ana", "Lima"));
  const int64_t bea = AddPerson(MakePerson("Bea", "Roy"));
  AddPerson(MakePerson("Carl", "Roy"));
  const int64_t spring = AddTraining("Printemps");
  const int64_t autumn = AddTraining("Automne");
  Write([&](storage::Transaction& tx) {
    ASSERT_TRUE(trainings_.Enrol(tx, spring, ana, kNow).ok());
    ASSERT_TRUE(trainings_.Enrol(tx, spring, bea, kNow).ok());
    ASSERT_TRUE(trainings_.Enrol(tx, autumn, ana, kNow).ok());
    ASSERT_TRUE(trainings_.Complete(tx, spring, ana, MakeDate(2024, 3, 5), kNow).ok());
    ASSERT_TRUE(trainings_.Complete(tx, autumn, ana, MakeDate(2024, 4, 5), kNow).ok());
  });
  PeopleFilter filter;
  filter.training_id = spring;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana", "Bea"));
  filter.training_id = autumn;
  EXPECT_THAT(Names(List(filter)), ElementsAre("Ana"));
  filter.name_prefix = "bea";
  EXPECT_TRUE(List(filter).empty());
  EXPECT_EQ(Get(ana)->trainings_completed(), 2);
  EXPECT_EQ(Get(bea)->trainings_completed(), 0);
}

TEST_F(PeopleStoreTest, PagesInIdOrder) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(AddPerson(MakePerson(absl::StrCat("P", i), "X")));
  PeopleFilter all;
  std::vector<std::string> seen;
  int64_t after = 0;
  while (true) {
    std::vector<Person> page = List(all, after, 3);
    if (page.empty()) break;
    for (const Person& p : page) seen.push_back(p.given_name());
    after = *api::ParseName(page.back().name(), "people", "name");
  }
  EXPECT_THAT(seen, ElementsAre("P0", "P1", "P2", "P3", "P4", "P5", "P6"));
  EXPECT_EQ(List(all, ids[5], 100).size(), 1u);
}

TEST_F(PeopleStoreTest, LoadPersonFactsTellsExistenceActivityAndTraining) {
  EXPECT_FALSE(Facts(42).exists);
  const int64_t ana = AddPerson(MakePerson("Ana", "Lima"));
  PersonFacts facts = Facts(ana);
  EXPECT_TRUE(facts.exists);
  EXPECT_TRUE(facts.active);
  EXPECT_FALSE(facts.trained);
  EXPECT_EQ(facts.display_name, "Ana Lima");

  const int64_t training = AddTraining("Printemps");
  Write([&](storage::Transaction& tx) {
    ASSERT_TRUE(trainings_.Enrol(tx, training, ana, kNow).ok());
  });
  EXPECT_FALSE(Facts(ana).trained);  // enrolled is not trained
  Write([&](storage::Transaction& tx) {
    ASSERT_TRUE(trainings_.Complete(tx, training, ana, MakeDate(2024, 3, 5), kNow).ok());
  });
  EXPECT_TRUE(Facts(ana).trained);

  Person withdrawn = MakePerson("Bea", "Roy");
  withdrawn.set_status(v1::PERSON_STATUS_WITHDRAWN);
  facts = Facts(AddPerson(withdrawn));
  EXPECT_TRUE(facts.exists);
  EXPECT_FALSE(facts.active);
}

TEST_F(PeopleStoreTest, TrainingsCountTheirEnrolmentsAndPage) {
  const int64_t ana = AddPerson(MakePerson("Ana", "Lima"));
  const int64_t bea = AddPerson(MakePerson("Bea", "Roy"));
  const int64_t spring = AddTraining("Printemps");
  const int64_t autumn = AddTraining("Automne");
  Write([&](storage::Transaction& tx) {
    ASSERT_TRUE(trainings_.Enrol(tx, spring, ana, kNow).ok());
    ASSERT_TRUE(trainings_.Enrol(tx, spring, bea, kNow).ok());
    ASSERT_TRUE(trainings_.Enrol(tx, autumn, bea, kNow).ok());
    auto completed = trainings_.Complete(tx, spring, bea, MakeDate(2024, 3, 5), kNow);
    ASSERT_TRUE(completed.ok());
    EXPECT_EQ(completed->name(), EnrolmentName(spring, bea));
    EXPECT_EQ(completed->person_display_name(), "Bea Roy");
    EXPECT_EQ(api::FormatDate(completed->completion_date()), "2024-03-05");
    EXPECT_EQ(*trainings_.CompletedCount(tx, bea), 1);
  });
  {
    // A second enrolment of the same pair is refused by the key (the service
    // checks first and answers with a message of its own).
    auto write = db_->Begin(storage::TxMode::kWrite);
    ASSERT_TRUE(write.ok());
    EXPECT_THAT(trainings_.Enrol(**write, spring, ana, kNow).status(),
                StatusIs(absl::StatusCode::kAlreadyExists));
  }
  auto tx = db_->Begin(storage::TxMode::kRead);
  auto training = trainings_.Get(**tx, spring);
  ASSERT_TRUE(training.ok() && training->has_value());
  EXPECT_EQ((*training)->enrolled_count(), 2);
  EXPECT_EQ((*training)->completed_count(), 1);
  EXPECT_EQ(api::FormatDate((*training)->start_date()), "2024-01-09");
  EXPECT_FALSE(trainings_.Get(**tx, 99)->has_value());
  auto listed = trainings_.List(**tx, spring, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].display_name(), "Automne");

  auto by_training = trainings_.ListEnrolments(**tx, {spring, 0}, {}, 10);
  ASSERT_TRUE(by_training.ok());
  ASSERT_EQ(by_training->size(), 2u);
  EXPECT_EQ((*by_training)[0].person(), PersonName(ana));
  EXPECT_FALSE((*by_training)[0].has_completion_date());
  EXPECT_TRUE((*by_training)[1].has_completion_date());
  auto by_person = trainings_.ListEnrolments(**tx, {0, bea}, {}, 10);
  ASSERT_TRUE(by_person.ok());
  ASSERT_EQ(by_person->size(), 2u);
  EXPECT_EQ((*by_person)[1].training(), TrainingName(autumn));
  // Pages continue after a (training, person) position.
  auto second_page = trainings_.ListEnrolments(**tx, {0, bea}, {spring, bea}, 10);
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->size(), 1u);
  EXPECT_EQ((*second_page)[0].training(), TrainingName(autumn));
  auto limited = trainings_.ListEnrolments(**tx, {spring, 0}, {}, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

}  // namespace
}  // namespace cercles::membership
