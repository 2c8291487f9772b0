// People and trainings end to end, through the real membership process on each
// storage engine: create/get/update with a mask, every ListPeople filter and
// pagination, each bad input with its code (and that nothing changed), the
// events with their personal data minimised, who may call, and the CSV import
// through the real cerclesctl binary.
#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

cercles::common::v1::Date D(int y, int m, int d) {
  cercles::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

mv1::Person MakePerson(const std::string& given, const std::string& family,
                       const std::string& sector = "food") {
  mv1::Person p;
  p.set_given_name(given);
  p.set_family_name(family);
  p.set_language(mv1::LANGUAGE_FR);
  p.mutable_contact()->set_email(absl::StrCat(given, "@example.org"));
  p.mutable_contact()->set_phone("+1 514 555 0100");
  *p.mutable_birth_date() = D(1985, 6, 15);
  p.set_gender("femme");
  if (!sector.empty()) {
    p.mutable_business()->set_name(absl::StrCat(given, " inc."));
    p.mutable_business()->set_sector(sector);
    p.mutable_business()->set_stage(mv1::BUSINESS_STAGE_STARTING);
  }
  p.add_expertise("comptabilité");
  return p;
}

class PeopleTest : public MembershipSuiteTest {
 protected:
  const std::string& admin() const { return TestCredentials().admin_token; }
  const std::string& advisor() const { return TestCredentials().advisor_token; }

  grpc::Status Create(const std::string& request_id, const mv1::Person& person,
                      mv1::Person* out = nullptr, bool* replayed = nullptr) {
    mv1::CreatePersonRequest request;
    request.set_request_id(request_id);
    *request.mutable_person() = person;
    mv1::CreatePersonResponse response;
    auto context = Context(advisor());
    grpc::Status status = people_->CreatePerson(context.get(), request, &response);
    if (out != nullptr) *out = response.person();
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  mv1::Person MustCreate(const mv1::Person& person) {
    mv1::Person out;
    grpc::Status status = Create(absl::StrCat("create-", ++ids_), person, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  grpc::Status Get(const std::string& name, mv1::Person* out) {
    mv1::GetPersonRequest request;
    request.set_name(name);
    mv1::GetPersonResponse response;
    grpc::Status status = people_->GetPerson(Context(admin()).get(), request, &response);
    *out = response.person();
    return status;
  }

  grpc::Status Update(const mv1::Person& person, const std::vector<std::string>& paths,
                      mv1::Person* out = nullptr) {
    mv1::UpdatePersonRequest request;
    request.set_request_id(absl::StrCat("update-", ++ids_));
    *request.mutable_person() = person;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    mv1::UpdatePersonResponse response;
    grpc::Status status = people_->UpdatePerson(Context(advisor()).get(), request, &response);
    if (out != nullptr) *out = response.person();
    return status;
  }

  // Given names of every person the listing returns, following pages of `page_size`.
  std::vector<std::string> ListNames(mv1::ListPeopleRequest request, int page_size = 500,
                                     int* pages = nullptr) {
    std::vector<std::string> names;
    request.set_page_size(page_size);
    int n = 0;
    do {
      mv1::ListPeopleResponse response;
      grpc::Status status = people_->ListPeople(Context(admin()).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ++n;
      for (const auto& p : response.people()) names.push_back(p.given_name());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    if (pages != nullptr) *pages = n;
    return names;
  }

  int CountPeople() { return static_cast<int>(ListNames(mv1::ListPeopleRequest()).size()); }

  mv1::Training MustCreateTraining(const std::string& name, cercles::common::v1::Date start,
                                   cercles::common::v1::Date end) {
    mv1::CreateTrainingRequest request;
    request.set_request_id(absl::StrCat("training-", ++ids_));
    request.mutable_training()->set_display_name(name);
    *request.mutable_training()->mutable_start_date() = start;
    *request.mutable_training()->mutable_end_date() = end;
    mv1::CreateTrainingResponse response;
    grpc::Status status = trainings_->CreateTraining(Context(admin()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.training();
  }

  grpc::Status Enrol(const std::string& training, const std::string& person) {
    mv1::EnrolPersonRequest request;
    request.set_request_id(absl::StrCat("enrol-", ++ids_));
    request.set_training(training);
    request.set_person(person);
    mv1::EnrolPersonResponse response;
    return trainings_->EnrolPerson(Context(advisor()).get(), request, &response);
  }

  grpc::Status Complete(const std::string& training, const std::string& person,
                        cercles::common::v1::Date date) {
    mv1::CompleteTrainingRequest request;
    request.set_request_id(absl::StrCat("complete-", ++ids_));
    request.set_training(training);
    request.set_person(person);
    *request.mutable_completion_date() = date;
    mv1::CompleteTrainingResponse response;
    return trainings_->CompleteTraining(Context(advisor()).get(), request, &response);
  }

  // Every event of membership's outbox, read through WatchEvents as an admin.
  std::vector<cercles::common::v1::Event> Events() {
    auto context = Context(admin(), absl::Seconds(1));
    auto reader = circles_->WatchEvents(context.get(), mv1::WatchEventsRequest());
    mv1::WatchEventsResponse response;
    std::vector<cercles::common::v1::Event> events;
    while (reader->Read(&response)) events.push_back(response.event());
    return events;
  }

  std::string CircleOf(const std::string& display_name) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat("circle-", ++ids_));
    request.mutable_circle()->set_display_name(display_name);
    mv1::CreateCircleResponse response;
    grpc::Status status = circles_->CreateCircle(Context(admin()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.circle().name();
  }

  // Memberships are the circles code's; the test writes them straight into the
  // database so that it depends only on the schema.
  void Sql(const std::string& sql, const std::vector<storage::Value>& params) {
    auto db = storage::Database::Open(suite_->DatabaseUrl("membership"));
    ASSERT_TRUE(db.ok()) << db.status();
    absl::Status status = storage::RunInTransaction(
        **db, storage::TxMode::kWrite,
        [&](storage::Transaction& tx) { return tx.Exec(sql, params).status(); });
    ASSERT_TRUE(status.ok()) << status;
  }
  void Join(const std::string& circle, const std::string& person, bool left = false) {
    const int64_t circle_id = std::stoll(circle.substr(circle.find('/') + 1));
    const int64_t person_id = std::stoll(person.substr(person.find('/') + 1));
    Sql(absl::StrCat("INSERT INTO circle_members (circle_id, person_id, join_time_us, "
                     "join_reason, leave_time_us) VALUES (?, ?, 1, 'founder', ",
                     left ? "2" : "NULL", ")"),
        {circle_id, person_id});
  }

  // Runs the real cerclesctl against membership as the admin.
  CtlResult Ctl(const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, "membership", admin(), args, work_dir());
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(work_dir(), "/", name);
    std::ofstream(path) << content;
    return path;
  }

  int ids_ = 0;
};

TEST_P(PeopleTest, CreateGetAndUpdateOnlyTheMaskedPaths) {
  mv1::Person created;
  bool replayed = true;
  ASSERT_TRUE(Create("person-1", MakePerson("Émilie", "Tremblay"), &created, &replayed).ok());
  EXPECT_FALSE(replayed);
  EXPECT_EQ(created.name(), "people/1");
  EXPECT_EQ(created.status(), mv1::PERSON_STATUS_ACTIVE);
  EXPECT_EQ(created.contact().email(), "Émilie@example.org");

  mv1::Person got;
  ASSERT_TRUE(Get(created.name(), &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());

  // A retry answers the first answer and says so; the same id for another person is refused.
  mv1::Person again;
  ASSERT_TRUE(Create("person-1", MakePerson("Émilie", "Tremblay"), &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), created.SerializeAsString());
  grpc::Status conflict = Create("person-1", MakePerson("Marc", "Roy"));
  EXPECT_THAT(conflict, StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(CountPeople(), 1);

  mv1::Person patch;
  patch.set_name(created.name());
  patch.set_family_name("Gagnon");
  patch.set_given_name("not in the mask");
  patch.mutable_contact()->set_email("emilie.gagnon@example.org");
  mv1::Person updated;
  ASSERT_TRUE(Update(patch, {"family_name", "contact.email"}, &updated).ok());
  EXPECT_EQ(updated.family_name(), "Gagnon");
  EXPECT_EQ(updated.given_name(), "Émilie");
  EXPECT_EQ(updated.contact().email(), "emilie.gagnon@example.org");
  EXPECT_EQ(updated.contact().phone(), "+1 514 555 0100");
  EXPECT_EQ(updated.business().sector(), "food");
  EXPECT_EQ(updated.create_time().seconds(), created.create_time().seconds());
  ASSERT_TRUE(Get(created.name(), &got).ok());
  EXPECT_EQ(got.SerializeAsString(), updated.SerializeAsString());

  // Clearing: a message path absent from the patch, and withdrawing.
  patch.Clear();
  patch.set_name(created.name());
  patch.set_status(mv1::PERSON_STATUS_WITHDRAWN);
  ASSERT_TRUE(Update(patch, {"birth_date", "business", "status"}, &updated).ok());
  EXPECT_FALSE(updated.has_birth_date());
  EXPECT_FALSE(updated.has_business());
  EXPECT_EQ(updated.status(), mv1::PERSON_STATUS_WITHDRAWN);
  EXPECT_EQ(updated.gender(), "femme");
}

TEST_P(PeopleTest, ListFiltersByEachCriterionAndPaginates) {
  const mv1::Person ana = MustCreate(MakePerson("Ana", "Émond", "food"));
  const mv1::Person bea = MustCreate(MakePerson("Béatrice", "Lima", "Crafts"));
  const mv1::Person carl = MustCreate(MakePerson("Carl", "Roy", "food"));
  const mv1::Person dina = MustCreate(MakePerson("Dina", "Embry", ""));
  mv1::Person withdrawn = MakePerson("Eve", "Roy", "crafts");
  withdrawn.set_status(mv1::PERSON_STATUS_WITHDRAWN);
  const mv1::Person eve = MustCreate(withdrawn);

  mv1::ListPeopleRequest request;
  EXPECT_THAT(ListNames(request), ElementsAre("Ana", "Béatrice", "Carl", "Dina", "Eve"));

  request.set_name_prefix("EM");  // family names Émond and Embry, ignoring case and accents
  EXPECT_THAT(ListNames(request), ElementsAre("Ana", "Dina"));
  request.set_name_prefix("bea");  // given name Béatrice
  EXPECT_THAT(ListNames(request), ElementsAre("Béatrice"));
  request.Clear();

  request.set_status(mv1::PERSON_STATUS_WITHDRAWN);
  EXPECT_THAT(ListNames(request), ElementsAre("Eve"));
  request.set_status(mv1::PERSON_STATUS_ACTIVE);
  EXPECT_THAT(ListNames(request), ElementsAre("Ana", "Béatrice", "Carl", "Dina"));
  request.Clear();

  request.set_sector("CRAFTS");
  EXPECT_THAT(ListNames(request), ElementsAre("Béatrice", "Eve"));
  request.Clear();

  // circle: current members of a live circle only.
  const std::string circle = CircleOf("Les Entreprenantes");
  const std::string other = CircleOf("Cercle Verdun");
  Join(circle, ana.name());
  Join(circle, bea.name(), /*left=*/true);
  Join(other, bea.name());
  Join(other, carl.name());
  request.set_circle(circle);
  EXPECT_THAT(ListNames(request), ElementsAre("Ana"));
  request.set_circle(other);
  EXPECT_THAT(ListNames(request), ElementsAre("Béatrice", "Carl"));
  mv1::Person got;
  ASSERT_TRUE(Get(bea.name(), &got).ok());
  EXPECT_EQ(got.current_circle(), other);
  Sql("UPDATE circles SET status = ? WHERE id = ?",
      {int64_t{mv1::CIRCLE_STATUS_DISSOLVED}, std::stoll(other.substr(8))});
  EXPECT_THAT(ListNames(request), IsEmpty());
  ASSERT_TRUE(Get(bea.name(), &got).ok());
  EXPECT_EQ(got.current_circle(), "");
  request.Clear();

  // cohort: enrolled in the training.
  const mv1::Training spring = MustCreateTraining("Printemps", D(2024, 3, 5), D(2024, 5, 7));
  ASSERT_TRUE(Enrol(spring.name(), dina.name()).ok());
  ASSERT_TRUE(Enrol(spring.name(), carl.name()).ok());
  ASSERT_TRUE(Complete(spring.name(), carl.name(), D(2024, 5, 7)).ok());
  request.set_cohort(spring.name());
  EXPECT_THAT(ListNames(request), ElementsAre("Carl", "Dina"));
  ASSERT_TRUE(Get(carl.name(), &got).ok());
  EXPECT_EQ(got.trainings_completed(), 1);
  // Filters combine.
  request.set_name_prefix("d");
  EXPECT_THAT(ListNames(request), ElementsAre("Dina"));
  request.Clear();

  // Pagination: pages of 2 return everyone once, in creation order.
  int pages = 0;
  EXPECT_THAT(ListNames(request, 2, &pages), ElementsAre("Ana", "Béatrice", "Carl", "Dina", "Eve"));
  EXPECT_EQ(pages, 3);
  (void)eve;

  mv1::ListEnrolmentsRequest enrolments;
  enrolments.set_training(spring.name());
  enrolments.set_page_size(1);
  mv1::ListEnrolmentsResponse listed;
  ASSERT_TRUE(trainings_->ListEnrolments(Context(admin()).get(), enrolments, &listed).ok());
  ASSERT_EQ(listed.enrolments_size(), 1);
  EXPECT_EQ(listed.enrolments(0).person(), carl.name());
  EXPECT_TRUE(listed.enrolments(0).has_completion_date());
  enrolments.set_page_token(listed.next_page_token());
  ASSERT_TRUE(trainings_->ListEnrolments(Context(admin()).get(), enrolments, &listed).ok());
  ASSERT_EQ(listed.enrolments_size(), 1);
  EXPECT_EQ(listed.enrolments(0).person(), dina.name());
  EXPECT_EQ(listed.next_page_token(), "");
}

TEST_P(PeopleTest, EachBadInputHasItsCodeAndChangesNothing) {
  const mv1::Person ana = MustCreate(MakePerson("Ana", "Lima"));
  mv1::Person gone = MakePerson("Bob", "Roy");
  gone.set_status(mv1::PERSON_STATUS_WITHDRAWN);
  const mv1::Person bob = MustCreate(gone);
  const mv1::Person cleo = MustCreate(MakePerson("Cléo", "Roy"));
  const mv1::Training training = MustCreateTraining("Automne", D(2024, 9, 3), D(2024, 10, 29));
  ASSERT_TRUE(Enrol(training.name(), cleo.name()).ok());
  const std::string circle = CircleOf("Les Entreprenantes");
  Join(circle, cleo.name());
  const size_t events_before = Events().size();
  mv1::Person ana_before, cleo_before;
  ASSERT_TRUE(Get(ana.name(), &ana_before).ok());
  ASSERT_TRUE(Get(cleo.name(), &cleo_before).ok());

  struct Case {
    std::string what;
    std::function<grpc::Status()> call;
    grpc::StatusCode code;
    std::string message;
  };
  auto create = [&](std::function<void(mv1::Person&)> mutate) {
    return [this, mutate] {
      mv1::Person p = MakePerson("Zoé", "Bad");
      mutate(p);
      return Create(absl::StrCat("bad-", ++ids_), p);
    };
  };
  auto update = [&](std::vector<std::string> paths, std::function<void(mv1::Person&)> mutate,
                    std::string name = "") {
    return [this, paths, mutate, name, &ana] {
      mv1::Person p;
      p.set_name(name.empty() ? ana.name() : name);
      mutate(p);
      return Update(p, paths);
    };
  };
  const auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
  std::vector<Case> cases = {
      {"empty given name", create([](auto& p) { p.set_given_name(""); }), kInvalid,
       "person.given_name must be 1 to 100"},
      {"long family name", create([](auto& p) { p.set_family_name(std::string(101, 'x')); }),
       kInvalid, "person.family_name must be 1 to 100"},
      {"no language", create([](auto& p) { p.clear_language(); }), kInvalid,
       "person.language is required"},
      {"email", create([](auto& p) { p.mutable_contact()->set_email("nope"); }), kInvalid,
       "person.contact.email must look like"},
      {"phone", create([](auto& p) { p.mutable_contact()->set_phone("555-CALL"); }), kInvalid,
       "person.contact.phone must be digits"},
      {"birth date not a day", create([](auto& p) { *p.mutable_birth_date() = D(1990, 2, 30); }),
       kInvalid, "person.birth_date must be a real calendar day"},
      {"birth date in the future", create([](auto& p) { *p.mutable_birth_date() = D(2999, 1, 1); }),
       kInvalid, "person.birth_date must be in the past"},
      {"gender", create([](auto& p) { p.set_gender(std::string(65, 'g')); }), kInvalid,
       "person.gender must be at most 64"},
      {"sector", create([](auto& p) { p.mutable_business()->set_sector(""); }), kInvalid,
       "person.business.sector must be 1 to 64"},
      {"start date",
       create([](auto& p) { *p.mutable_business()->mutable_start_date() = D(2023, 13, 1); }),
       kInvalid, "person.business.start_date must be a real calendar day"},
      {"expertise count", create([](auto& p) {
         for (int i = 0; i < 20; ++i) p.add_expertise(absl::StrCat("e", i));
       }),
       kInvalid, "person.expertise may hold at most 20"},
      {"expertise length", create([](auto& p) { p.add_expertise(std::string(65, 'e')); }), kInvalid,
       "person.expertise[1] must be 1 to 64"},
      {"request id", [this] { return Create("", MakePerson("Zoé", "Bad")); }, kInvalid,
       "request_id"},
      {"get by a bad name",
       [this] {
         mv1::Person p;
         return Get("person/1", &p);
       },
       kInvalid, "name must be"},
      {"get unknown",
       [this] {
         mv1::Person p;
         return Get("people/999", &p);
       },
       grpc::StatusCode::NOT_FOUND, "people/999"},
      {"update unknown path", update({"nickname"}, [](auto&) {}), kInvalid,
       "update_mask path \"nickname\" is not a field of Person"},
      {"update output-only path", update({"given_name", "current_circle"}, [](auto&) {}), kInvalid,
       "update_mask path \"current_circle\" is output only"},
      {"update without a mask", update({}, [](auto&) {}), kInvalid, "update_mask is required"},
      {"update to an invalid value",
       update({"contact.email"}, [](auto& p) { p.mutable_contact()->set_email("x@"); }), kInvalid,
       "person.contact.email"},
      {"update unknown person",
       update(
           {"gender"}, [](auto&) {}, "people/999"),
       grpc::StatusCode::NOT_FOUND, "people/999"},
      {"withdraw a circle member",
       update(
           {"status"}, [](auto& p) { p.set_status(mv1::PERSON_STATUS_WITHDRAWN); }, cleo.name()),
       grpc::StatusCode::FAILED_PRECONDITION, "record their departure"},
      {"list with a bad token",
       [this] {
         mv1::ListPeopleRequest request;
         request.set_page_token("garbage");
         mv1::ListPeopleResponse response;
         return people_->ListPeople(Context(admin()).get(), request, &response);
       },
       kInvalid, "page_token"},
      {"list with a bad circle",
       [this] {
         mv1::ListPeopleRequest request;
         request.set_circle("circle/1");
         mv1::ListPeopleResponse response;
         return people_->ListPeople(Context(admin()).get(), request, &response);
       },
       kInvalid, "circle must be"},
      {"list with a bad cohort",
       [this] {
         mv1::ListPeopleRequest request;
         request.set_cohort("circles/1");
         mv1::ListPeopleResponse response;
         return people_->ListPeople(Context(admin()).get(), request, &response);
       },
       kInvalid, "cohort must be"},
      {"training ends before it starts",
       [this] {
         mv1::CreateTrainingRequest request;
         request.set_request_id("bad-training");
         request.mutable_training()->set_display_name("À l'envers");
         *request.mutable_training()->mutable_start_date() = D(2024, 9, 3);
         *request.mutable_training()->mutable_end_date() = D(2024, 9, 2);
         mv1::CreateTrainingResponse response;
         return trainings_->CreateTraining(Context(admin()).get(), request, &response);
       },
       kInvalid, "training.end_date must be on or after"},
      {"training without dates",
       [this] {
         mv1::CreateTrainingRequest request;
         request.set_request_id("bad-training-2");
         request.mutable_training()->set_display_name("Sans dates");
         mv1::CreateTrainingResponse response;
         return trainings_->CreateTraining(Context(admin()).get(), request, &response);
       },
       kInvalid, "training.start_date is required"},
      {"enrol in an unknown training", [&] { return Enrol("trainings/99", ana.name()); },
       grpc::StatusCode::NOT_FOUND, "trainings/99"},
      {"enrol an unknown person", [&] { return Enrol(training.name(), "people/99"); },
       grpc::StatusCode::NOT_FOUND, "people/99"},
      {"enrol a withdrawn person", [&] { return Enrol(training.name(), bob.name()); },
       grpc::StatusCode::FAILED_PRECONDITION, "withdrawn"},
      {"enrol twice", [&] { return Enrol(training.name(), cleo.name()); },
       grpc::StatusCode::ALREADY_EXISTS, "already enrolled"},
      {"complete without enrolment",
       [&] { return Complete(training.name(), ana.name(), D(2024, 10, 29)); },
       grpc::StatusCode::FAILED_PRECONDITION, "is not enrolled"},
      {"complete before the start",
       [&] { return Complete(training.name(), cleo.name(), D(2024, 9, 2)); }, kInvalid,
       "completion_date must not be before"},
      {"complete in the future",
       [&] { return Complete(training.name(), cleo.name(), D(2999, 1, 1)); }, kInvalid,
       "completion_date must not be in the future"},
      {"complete on no day", [&] { return Complete(training.name(), cleo.name(), D(2024, 9, 31)); },
       kInvalid, "completion_date must be a real calendar day"},
      {"list enrolments of nobody",
       [this] {
         mv1::ListEnrolmentsResponse response;
         return trainings_->ListEnrolments(Context(admin()).get(), mv1::ListEnrolmentsRequest(),
                                           &response);
       },
       kInvalid, "training or person is required"},
  };
  for (const Case& c : cases) {
    grpc::Status status = c.call();
    EXPECT_THAT(status, StatusIs(c.code, HasSubstr(c.message)))
        << c.what << ": " << status.error_message();
  }

  // Every rule broken at once: all reported in one answer.
  mv1::Person many = MakePerson("", "Bad");
  many.mutable_contact()->set_email("nope");
  *many.mutable_birth_date() = D(2023, 2, 29);
  grpc::Status status = Create("bad-many", many);
  EXPECT_THAT(status.error_message(),
              AllOf(HasSubstr("person.given_name"), HasSubstr("; person.contact.email"),
                    HasSubstr("; person.birth_date")));

  // Nothing changed.
  EXPECT_EQ(CountPeople(), 3);
  EXPECT_EQ(Events().size(), events_before);
  mv1::Person after;
  ASSERT_TRUE(Get(ana.name(), &after).ok());
  EXPECT_EQ(after.SerializeAsString(), ana_before.SerializeAsString());
  ASSERT_TRUE(Get(cleo.name(), &after).ok());
  EXPECT_EQ(after.SerializeAsString(), cleo_before.SerializeAsString());
  mv1::ListTrainingsResponse trainings;
  ASSERT_TRUE(
      trainings_->ListTrainings(Context(admin()).get(), mv1::ListTrainingsRequest(), &trainings)
          .ok());
  ASSERT_EQ(trainings.trainings_size(), 1);
  EXPECT_EQ(trainings.trainings(0).enrolled_count(), 1);
  EXPECT_EQ(trainings.trainings(0).completed_count(), 0);
}

TEST_P(PeopleTest, EventsCarryTheMinimisedPerson) {
  mv1::Person shared = MakePerson("Émilie", "Tremblay");
  shared.set_expertise_opt_in(true);
  const mv1::Person emilie = MustCreate(shared);
  const mv1::Person marc = MustCreate(MakePerson("Marc", "Roy"));  // expertise not shared
  mv1::Person patch;
  patch.set_name(marc.name());
  patch.mutable_contact()->set_phone("+1 438 555 0199");
  ASSERT_TRUE(Update(patch, {"contact.phone"}).ok());
  const mv1::Training training = MustCreateTraining("Printemps", D(2024, 3, 5), D(2024, 5, 7));
  ASSERT_TRUE(Enrol(training.name(), emilie.name()).ok());
  ASSERT_TRUE(Complete(training.name(), emilie.name(), D(2024, 5, 7)).ok());

  std::vector<std::string> types;
  int checked = 0;
  for (const auto& event : Events()) {
    types.push_back(event.type());
    EXPECT_THAT(event.payload().value(), Not(HasSubstr("@example.org")));
    EXPECT_THAT(event.payload().value(), Not(HasSubstr("555 01")));
    EXPECT_THAT(event.payload().value(), Not(HasSubstr("femme")));
    if (event.type() == "cercles.membership.v1.PersonCreated") {
      mv1::PersonCreated created;
      ASSERT_TRUE(event.payload().UnpackTo(&created));
      EXPECT_EQ(event.subject(), created.person().name());
      EXPECT_FALSE(created.person().has_contact());
      EXPECT_FALSE(created.person().has_birth_date());
      EXPECT_EQ(created.person().gender(), "");
      EXPECT_EQ(created.person().business().sector(), "food");
      EXPECT_EQ(created.person().expertise_size(),
                created.person().name() == emilie.name() ? 1 : 0);
      ++checked;
    }
    if (event.type() == "cercles.membership.v1.PersonUpdated") {
      mv1::PersonUpdated updated;
      ASSERT_TRUE(event.payload().UnpackTo(&updated));
      EXPECT_EQ(updated.person().name(), marc.name());
      EXPECT_FALSE(updated.person().has_contact());
      EXPECT_THAT(updated.update_mask().paths(), ElementsAre("contact.phone"));
      ++checked;
    }
    if (event.type() == "cercles.membership.v1.TrainingCompleted") {
      mv1::TrainingCompleted completed;
      ASSERT_TRUE(event.payload().UnpackTo(&completed));
      EXPECT_EQ(completed.enrolment().person(), emilie.name());
      EXPECT_EQ(completed.trainings_completed(), 1);
      ++checked;
    }
  }
  EXPECT_THAT(
      types,
      ElementsAre("cercles.membership.v1.PersonCreated", "cercles.membership.v1.PersonCreated",
                  "cercles.membership.v1.PersonUpdated", "cercles.membership.v1.TrainingCreated",
                  "cercles.membership.v1.PersonEnrolled",
                  "cercles.membership.v1.TrainingCompleted"));
  EXPECT_EQ(checked, 4);

  // An update that changes nothing emits nothing.
  ASSERT_TRUE(Update(patch, {"contact.phone"}).ok());
  EXPECT_EQ(Events().size(), types.size());
}

TEST_P(PeopleTest, ServicesReadMinimisedPeopleAndOnlyStaffWrite) {
  const mv1::Person emilie = MustCreate(MakePerson("Émilie", "Tremblay"));
  auto as_lending = mv1::PeopleService::NewStub(suite_->CertChannel("membership", "lending"));
  mv1::GetPersonRequest get;
  get.set_name(emilie.name());
  mv1::GetPersonResponse got;
  grpc::ClientContext read;
  grpc::Status status = as_lending->GetPerson(&read, get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.person().given_name(), "Émilie");
  EXPECT_FALSE(got.person().has_contact());
  EXPECT_FALSE(got.person().has_birth_date());
  EXPECT_EQ(got.person().expertise_size(), 0);  // not opted in

  mv1::CreatePersonRequest create;
  create.set_request_id("from-a-service");
  *create.mutable_person() = MakePerson("Marc", "Roy");
  mv1::CreatePersonResponse created;
  grpc::ClientContext write;
  EXPECT_THAT(as_lending->CreatePerson(&write, create, &created),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // Without credentials, every RPC of both services refuses.
  auto channel = suite_->StaffChannel("membership");
  int calls = 0;
  ASSERT_NE(mv1::Person::descriptor(), nullptr);  // links the descriptors in
  ASSERT_NE(mv1::Training::descriptor(), nullptr);
  for (const char* name :
       {"cercles.membership.v1.PeopleService", "cercles.membership.v1.TrainingService"}) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string path =
          absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
      status = CallWithEmptyRequest(channel.get(), path);
      EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED)) << path;
      ++calls;
    }
  }
  EXPECT_EQ(calls, 14);  // 8 of people (consents and corrections included), 6 of trainings
}

TEST_P(PeopleTest, CsvImportChecksEveryRowFirstAndIsIdempotent) {
  const mv1::Training done = MustCreateTraining("Hiver", D(2024, 1, 9), D(2024, 3, 5));
  // Columns in any order (the header names them); a quoted field holds a comma.
  const std::vector<std::string> header = {"language",
                                           "family_name",
                                           "given_name",
                                           "email",
                                           "phone",
                                           "birth_date",
                                           "gender",
                                           "business_name",
                                           "sector",
                                           "stage",
                                           "expertise",
                                           "expertise_opt_in",
                                           "share_with_network",
                                           "share_with_other_funds",
                                           "training"};
  auto line = [&](std::map<std::string, std::string> values) {
    std::vector<std::string> fields;
    for (const std::string& column : header) fields.push_back(values[column]);
    return absl::StrCat(absl::StrJoin(fields, ","), "\n");
  };
  const std::string good_rows = absl::StrCat(absl::StrJoin(header, ","), "\n",
                                             line({{"language", "fr"},
                                                   {"family_name", "Tremblay"},
                                                   {"given_name", "Émilie"},
                                                   {"email", "emilie@example.org"},
                                                   {"phone", "+1 514 555 0100"},
                                                   {"birth_date", "1985-06-15"},
                                                   {"gender", "femme"},
                                                   {"business_name", "\"Confitures, etc.\""},
                                                   {"sector", "food"},
                                                   {"stage", "starting"},
                                                   {"expertise", "comptabilité; vente"},
                                                   {"expertise_opt_in", "oui"},
                                                   {"share_with_network", "yes"},
                                                   {"share_with_other_funds", "no"},
                                                   {"training", done.name()}}),  // line 2
                                             line({{"language", "EN"},
                                                   {"family_name", "Lima"},
                                                   {"given_name", "Ana"},
                                                   {"email", "ana@example.org"}}));  // line 3
  const std::string bad_rows = absl::StrCat(
      line({{"language", "fr"},
            {"family_name", "Roy"},
            {"given_name", "Marc"},
            {"email", "marc@"},
            {"birth_date", "1990-02-30"}}),                                           // line 4
      line({{"language", "de"}, {"family_name", "Gagnon"}, {"given_name", "Lise"}}),  // 5
      line({{"language", "fr"},
            {"family_name", "Côté"},
            {"given_name", "Paul"},
            {"training", "trainings/999"}}),  // line 6
      line({{"language", "fr"},
            {"given_name", "Zoé"},
            {"sector", "crafts"},
            {"stage", "soon"},
            {"expertise_opt_in", "maybe"}}));  // line 7
  const std::string mixed = WriteFile("people.csv", good_rows + bad_rows);

  // Dry run: every error of every row, with its line, and nothing written.
  CtlResult dry = Ctl({"import", "people", mixed, "--dry-run"});
  EXPECT_EQ(dry.code, 1) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":4: email: must look like")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":4: birth_date: must be a real calendar day")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":5: language: must be one of fr|en")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":6: training: trainings/999 does not exist")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":7: stage: must be one of")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":7: expertise_opt_in: must be true or false")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":7: family_name: must be 1 to 100")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":3:")));
  EXPECT_THAT(dry.err, Not(HasSubstr("\r")));  // no progress bar off a terminal
  EXPECT_THAT(dry.out, HasSubstr("6 rows checked: 2 valid, 4 failed; nothing written (dry run)"));
  EXPECT_EQ(CountPeople(), 0);

  // A clean file passes the dry run.
  const std::string clean = WriteFile("clean.csv", good_rows);
  CtlResult clean_dry = Ctl({"import", "people", clean, "--dry-run"});
  EXPECT_EQ(clean_dry.code, 0) << clean_dry.err;
  EXPECT_EQ(CountPeople(), 0);

  // The real import writes the good rows, none of the bad ones.
  CtlResult first = Ctl({"import", "people", mixed});
  EXPECT_EQ(first.code, 1) << first.err;
  EXPECT_THAT(first.out, HasSubstr("6 rows: 2 created, 0 already there, 4 failed"));
  mv1::ListPeopleRequest all;
  EXPECT_THAT(ListNames(all), ElementsAre("Émilie", "Ana"));
  mv1::Person emilie;
  ASSERT_TRUE(Get("people/1", &emilie).ok());
  EXPECT_EQ(emilie.business().name(), "Confitures, etc.");
  EXPECT_THAT(emilie.expertise(), ElementsAre("comptabilité", "vente"));
  EXPECT_TRUE(emilie.expertise_opt_in());
  EXPECT_TRUE(emilie.consents().share_with_network());
  EXPECT_FALSE(emilie.consents().share_with_other_funds());
  EXPECT_EQ(emilie.trainings_completed(), 1);
  const size_t events = Events().size();

  // Running it again changes nothing; so does the clean file with the same rows.
  CtlResult second = Ctl({"import", "people", mixed});
  EXPECT_EQ(second.code, 1);
  EXPECT_THAT(second.out, HasSubstr("6 rows: 0 created, 2 already there, 4 failed"));
  CtlResult third = Ctl({"--output", "json", "import", "people", clean});
  EXPECT_EQ(third.code, 0) << third.err;
  EXPECT_THAT(third.out, AllOf(HasSubstr("\"created\":0"), HasSubstr("\"alreadyThere\":2")));
  EXPECT_EQ(CountPeople(), 2);
  EXPECT_EQ(Events().size(), events);

  // Spreadsheet exports: a byte-order mark, CRLF, a quoted value over two lines.
  const std::string exported =
      WriteFile("exported.csv",
                "\xEF\xBB\xBFgiven_name,family_name,language,postal_address\r\n"
                "Léa,Roy,fr,\"12 rue Ontario\r\nMontréal\"\r\n"
                "Max,,fr,\r\n");
  CtlResult spreadsheet = Ctl({"import", "people", exported, "--dry-run"});
  EXPECT_EQ(spreadsheet.code, 1);
  EXPECT_THAT(spreadsheet.err,
              HasSubstr(absl::StrCat(exported, ":4: family_name: must be 1 to 100")));
  EXPECT_THAT(spreadsheet.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(spreadsheet.out, HasSubstr("2 rows checked: 1 valid, 1 failed"));

  // Header mistakes stop before any row.
  const std::string bad_header = WriteFile("header.csv", "given_name,surname\nAna,Lima\n");
  CtlResult broken = Ctl({"import", "people", bad_header});
  EXPECT_EQ(broken.code, 1);
  EXPECT_THAT(broken.err,
              HasSubstr(absl::StrCat(bad_header, ":1: column \"surname\" is not one of")));
  EXPECT_THAT(broken.err, HasSubstr("column \"family_name\" is required"));
}

TEST_P(PeopleTest, CerclesctlVerbsForPeopleAndTrainings) {
  CtlResult created =
      Ctl({"people", "create", "--given-name", "Émilie", "--family-name", "Tremblay", "--language",
           "fr", "--email", "emilie@example.org", "--sector", "food", "--expertise", "vente",
           "--expertise", "comptabilité"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_THAT(created.out, AllOf(HasSubstr("people/1"), HasSubstr("emilie@example.org")));
  CtlResult updated = Ctl(
      {"people", "update", "people/1", "--phone", "+1 514 555 0100", "--birth-date", "1985-06-15"});
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_THAT(updated.out, AllOf(HasSubstr("+1 514 555 0100"), HasSubstr("1985-06-15")));
  CtlResult bad = Ctl({"people", "update", "1", "--email", "nope"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: person.contact.email"));
  CtlResult listed = Ctl({"people", "list", "--name-prefix", "emi", "--sector", "food"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("people/1"), HasSubstr("Tremblay")));

  CtlResult training = Ctl({"trainings", "create", "--display-name", "Printemps", "--start-date",
                            "2024-03-05", "--end-date", "2024-05-07"});
  ASSERT_EQ(training.code, 0) << training.err;
  EXPECT_THAT(training.out, HasSubstr("trainings/1"));
  ASSERT_EQ(Ctl({"trainings", "enrol", "trainings/1", "people/1"}).code, 0);
  CtlResult completed =
      Ctl({"trainings", "complete", "trainings/1", "people/1", "--date", "2024-05-07"});
  ASSERT_EQ(completed.code, 0) << completed.err;
  EXPECT_THAT(completed.out, HasSubstr("2024-05-07"));
  CtlResult enrolments = Ctl({"--output", "json", "trainings", "enrolments", "--person", "1"});
  ASSERT_EQ(enrolments.code, 0) << enrolments.err;
  EXPECT_THAT(enrolments.out, HasSubstr("\"completionDate\""));
  CtlResult got = Ctl({"people", "get", "1"});
  EXPECT_THAT(got.out, HasSubstr("trainings completed"));
  CtlResult cohort = Ctl({"people", "list", "--cohort", "trainings/1"});
  EXPECT_THAT(cohort.out, HasSubstr("Émilie"));
  CtlResult trainings = Ctl({"trainings", "list"});
  EXPECT_THAT(trainings.out, AllOf(HasSubstr("Printemps"), HasSubstr("2024-03-05")));
}

INSTANTIATE_TEST_SUITE_P(Engines, PeopleTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
