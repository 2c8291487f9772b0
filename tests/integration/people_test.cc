// People and trainings end to end, through the real membership process on each
// storage engine: create/get/update with a mask, every ListPeople filter and
// pagination, each bad input with its code (and that nothing changed), the
// events with their personal data minimised, and who may call. The CSV import
// and the cerclesctl verbs are in people_test_cli.cc, the same program; the
// fixture is people_fixture.h.
#include "tests/integration/people_fixture.h"

namespace cercles::testing::people_fixture {
namespace {

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

INSTANTIATE_TEST_SUITE_P(Engines, PeopleTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing::people_fixture
