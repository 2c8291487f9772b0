// A circle's whole life through the real membership process: members, the 4 to 7
// rule, activation, under strength, suspension, dissolution, merges, advisors,
// history; each rule broken on purpose gets its code and changes nothing.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;

class CirclesTest : public EngineSuiteTest {
 protected:
  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto channel = suite_->StaffChannel("membership");
    circles_ = mv1::MembershipService::NewStub(channel);
    people_ = mv1::PeopleService::NewStub(channel);
    trainings_ = mv1::TrainingService::NewStub(channel);
    bob_advisor_ = CreateAdvisor("bob");
    CreateAdvisor("dora");

    mv1::CreateTrainingRequest training;
    training.set_request_id("training-1");
    training.mutable_training()->set_display_name("Cohorte automne");
    auto* start = training.mutable_training()->mutable_start_date();
    start->set_year(2026), start->set_month(9), start->set_day(1);
    auto* end = training.mutable_training()->mutable_end_date();
    end->set_year(2026), end->set_month(10), end->set_day(30);
    mv1::CreateTrainingResponse created;
    grpc::Status status = trainings_->CreateTraining(Admin().get(), training, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    training_ = created.training().name();
  }

  std::string CreateAdvisor(const std::string& token_name) {
    mv1::CreateAdvisorRequest request;
    request.set_request_id("advisor-" + token_name);
    request.mutable_advisor()->set_display_name(token_name);
    request.mutable_advisor()->set_email(token_name + "@fonds.example");
    request.mutable_advisor()->set_principal_name(token_name);
    mv1::CreateAdvisorResponse response;
    grpc::Status status = circles_->CreateAdvisor(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.advisor().name();
  }

  // A person, trained unless said otherwise.
  std::string Person(const std::string& given, bool trained = true,
                     mv1::Language language = mv1::LANGUAGE_FR, const std::string& sector = "") {
    cercles::common::v1::Date completed;
    completed.set_year(2026), completed.set_month(10), completed.set_day(30);
    return CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token, training_,
                                  completed, NewPerson{given, language, sector, trained});
  }

  mv1::Circle Create(const std::string& display_name) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat("circle-", ++counter_));
    request.mutable_circle()->set_display_name(display_name);
    mv1::CreateCircleResponse response;
    grpc::Status status = circles_->CreateCircle(Bob().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.circle();
  }

  grpc::Status Add(const std::string& circle, const std::string& person, mv1::Circle* out = nullptr,
                   const std::string& request_id = "") {
    mv1::AddCircleMemberRequest request;
    request.set_request_id(request_id.empty() ? absl::StrCat("add-", circle, "-", person)
                                              : request_id);
    for (char& c : *request.mutable_request_id()) c = c == '/' ? '.' : c;
    request.set_circle(circle);
    request.set_person(person);
    request.set_reason("founder");
    mv1::AddCircleMemberResponse response;
    grpc::Status status = circles_->AddCircleMember(Bob().get(), request, &response);
    if (out != nullptr) *out = response.circle();
    return status;
  }

  grpc::Status Remove(const std::string& circle, const std::string& person,
                      mv1::Circle* out = nullptr) {
    mv1::RemoveCircleMemberRequest request;
    request.set_request_id(absl::StrCat("remove-", ++counter_));
    request.set_circle(circle);
    request.set_person(person);
    request.set_reason("moved away");
    mv1::RemoveCircleMemberResponse response;
    grpc::Status status = circles_->RemoveCircleMember(Bob().get(), request, &response);
    if (out != nullptr) *out = response.circle();
    return status;
  }

  grpc::Status Activate(const std::string& circle, mv1::Circle* out = nullptr) {
    mv1::ActivateCircleRequest request;
    request.set_request_id(absl::StrCat("activate-", ++counter_));
    request.set_name(circle);
    mv1::ActivateCircleResponse response;
    grpc::Status status = circles_->ActivateCircle(Bob().get(), request, &response);
    if (out != nullptr) *out = response.circle();
    return status;
  }

  mv1::Circle Get(const std::string& circle) {
    mv1::GetCircleRequest request;
    request.set_name(circle);
    mv1::GetCircleResponse response;
    EXPECT_TRUE(circles_->GetCircle(Admin().get(), request, &response).ok());
    return response.circle();
  }

  std::vector<std::string> Members(const std::string& circle) {
    mv1::ListCircleMembersRequest request;
    request.set_circle(circle);
    mv1::ListCircleMembersResponse response;
    EXPECT_TRUE(circles_->ListCircleMembers(Admin().get(), request, &response).ok());
    std::vector<std::string> people;
    for (const auto& m : response.members()) people.push_back(m.person());
    return people;
  }

  std::unique_ptr<mv1::MembershipService::Stub> circles_;
  std::unique_ptr<mv1::PeopleService::Stub> people_;
  std::unique_ptr<mv1::TrainingService::Stub> trainings_;
  std::string training_;
  std::string bob_advisor_;
  int counter_ = 0;
};

TEST_P(CirclesTest, FourToSevenTrainedMembersOneCircleEachAndUnderStrength) {
  mv1::Circle circle = Create("Les Pionnières");
  EXPECT_EQ(circle.advisor(), bob_advisor_);  // an advisor's new circle is theirs
  std::vector<std::string> people;
  for (int i = 0; i < 8; ++i) people.push_back(Person(absl::StrCat("P", i)));
  const std::string untrained = Person("Untrained", /*trained=*/false);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Add(circle.name(), people[i]).ok());
  grpc::Status three = Activate(circle.name());
  EXPECT_THAT(three, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("has 3 members")));
  EXPECT_EQ(Get(circle.name()).status(), mv1::CIRCLE_STATUS_FORMING);  // nothing changed

  grpc::Status not_trained = Add(circle.name(), untrained);
  EXPECT_THAT(not_trained, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                                    HasSubstr("has not completed a training")));

  ASSERT_TRUE(Add(circle.name(), people[3]).ok());
  mv1::Circle active;
  ASSERT_TRUE(Activate(circle.name(), &active).ok());
  EXPECT_EQ(active.status(), mv1::CIRCLE_STATUS_ACTIVE);
  for (int i = 4; i < 7; ++i) ASSERT_TRUE(Add(circle.name(), people[i]).ok());
  EXPECT_EQ(Get(circle.name()).member_count(), 7);

  grpc::Status eighth = Add(circle.name(), people[7]);
  EXPECT_THAT(eighth, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("at most 7")));
  EXPECT_EQ(Members(circle.name()).size(), 7u);

  // One circle at a time.
  mv1::Circle other = Create("Verdun Numérique");
  grpc::Status second = Add(other.name(), people[0]);
  EXPECT_THAT(second, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               HasSubstr("already belongs to " + circle.name())));
  EXPECT_EQ(Get(other.name()).member_count(), 0);

  grpc::Status unknown = Add(other.name(), "people/99999");
  EXPECT_THAT(unknown, StatusIs(grpc::StatusCode::NOT_FOUND));
  grpc::Status malformed = Add(other.name(), "person-1");
  EXPECT_THAT(malformed, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person must be")));

  // Down to 3: under strength, and lending refuses the circle's guarantee.
  mv1::Circle after;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Remove(circle.name(), people[i], &after).ok());
  EXPECT_EQ(after.status(), mv1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_EQ(after.member_count(), 3);
  auto lending = cercles::lending::v1::LendingService::NewStub(suite_->StaffChannel("lending"));
  cercles::lending::v1::GetCircleEligibilityRequest eligibility;
  eligibility.set_circle(circle.name());
  cercles::lending::v1::GetCircleEligibilityResponse answer;
  ASSERT_TRUE(lending->GetCircleEligibility(Admin().get(), eligibility, &answer).ok());
  EXPECT_FALSE(answer.eligibility().may_guarantee());
  EXPECT_THAT(answer.eligibility().reasons(0), HasSubstr("below 4"));

  // Back to 4: active again; a former member may rejoin.
  mv1::Circle back;
  ASSERT_TRUE(Add(circle.name(), people[0], &back, "rejoin-0").ok());
  EXPECT_EQ(back.status(), mv1::CIRCLE_STATUS_ACTIVE);

  // The history tells it all, oldest first.
  mv1::ListCircleHistoryRequest history;
  history.set_circle(circle.name());
  history.set_page_size(500);
  mv1::ListCircleHistoryResponse entries;
  ASSERT_TRUE(circles_->ListCircleHistory(Bob().get(), history, &entries).ok());
  std::vector<mv1::CircleStatus> statuses;
  int joins = 0, departures = 0;
  for (const auto& e : entries.entries()) {
    if (e.kind() == mv1::CIRCLE_HISTORY_KIND_STATUS_CHANGED) statuses.push_back(e.status());
    joins += e.kind() == mv1::CIRCLE_HISTORY_KIND_MEMBER_JOINED;
    departures += e.kind() == mv1::CIRCLE_HISTORY_KIND_MEMBER_LEFT;
  }
  EXPECT_THAT(statuses,
              ::testing::ElementsAre(mv1::CIRCLE_STATUS_FORMING, mv1::CIRCLE_STATUS_ACTIVE,
                                     mv1::CIRCLE_STATUS_UNDER_STRENGTH, mv1::CIRCLE_STATUS_ACTIVE));
  EXPECT_EQ(joins, 8);
  EXPECT_EQ(departures, 4);
}

TEST_P(CirclesTest, AdvisorsManageOnlyTheirCircles) {
  mv1::Circle circle = Create("Cercle de Bob");
  const std::string person = Person("Amina");
  mv1::AddCircleMemberRequest add;
  add.set_request_id("dora-add");
  add.set_circle(circle.name());
  add.set_person(person);
  add.set_reason("founder");
  mv1::AddCircleMemberResponse added;
  grpc::Status status = circles_->AddCircleMember(Dora().get(), add, &added);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                               HasSubstr("not the advisor of " + circle.name())));
  EXPECT_TRUE(Members(circle.name()).empty());

  mv1::GetCircleRequest get;
  get.set_name(circle.name());
  mv1::GetCircleResponse got;
  EXPECT_THAT(circles_->GetCircle(Dora().get(), get, &got),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  mv1::ListCirclesRequest list;
  mv1::ListCirclesResponse listed;
  ASSERT_TRUE(circles_->ListCircles(Dora().get(), list, &listed).ok());
  EXPECT_EQ(listed.circles_size(), 0);
  ASSERT_TRUE(circles_->ListCircles(Bob().get(), list, &listed).ok());
  EXPECT_EQ(listed.circles_size(), 1);

  // An admin hands the circle over to Dora.
  mv1::ListAdvisorsResponse advisors;
  ASSERT_TRUE(circles_->ListAdvisors(Admin().get(), mv1::ListAdvisorsRequest(), &advisors).ok());
  ASSERT_EQ(advisors.advisors_size(), 2);
  mv1::AssignCircleAdvisorRequest assign;
  assign.set_request_id("assign-dora");
  assign.set_circle(circle.name());
  assign.set_advisor(advisors.advisors(1).name());
  mv1::AssignCircleAdvisorResponse assigned;
  status = circles_->AssignCircleAdvisor(Bob().get(), assign, &assigned);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));  // admins only
  ASSERT_TRUE(circles_->AssignCircleAdvisor(Admin().get(), assign, &assigned).ok());
  add.set_request_id("dora-add-2");
  EXPECT_TRUE(circles_->AddCircleMember(Dora().get(), add, &added).ok());
}

TEST_P(CirclesTest, MergeTwoUnderStrengthCirclesIntoOneActiveCircle) {
  mv1::Circle a = Create("Cercle A");
  mv1::Circle b = Create("Cercle B");
  std::vector<std::string> people;
  for (int i = 0; i < 7; ++i) people.push_back(Person(absl::StrCat("M", i)));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Add(a.name(), people[i]).ok());
  ASSERT_TRUE(Activate(a.name()).ok());
  ASSERT_TRUE(Remove(a.name(), people[3]).ok());                           // A: 3, under strength
  for (int i = 4; i < 7; ++i) ASSERT_TRUE(Add(b.name(), people[i]).ok());  // B: 3, forming

  mv1::MergeCirclesRequest merge;
  merge.set_request_id("merge-ab");
  merge.add_circles(a.name());
  merge.add_circles(b.name());
  merge.set_display_name("Cercle AB");
  mv1::MergeCirclesResponse merged;
  grpc::Status status = circles_->MergeCircles(Bob().get(), merge, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(merged.circle().status(), mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(merged.circle().member_count(), 6);
  EXPECT_THAT(merged.circle().merged_from(), ::testing::ElementsAre(a.name(), b.name()));
  EXPECT_EQ(Get(a.name()).status(), mv1::CIRCLE_STATUS_MERGED);
  EXPECT_EQ(Get(b.name()).status(), mv1::CIRCLE_STATUS_MERGED);
  EXPECT_EQ(Members(merged.circle().name()).size(), 6u);
  EXPECT_TRUE(Members(a.name()).empty());

  // A merge that would exceed 7 is refused and changes nothing.
  mv1::Circle c = Create("Cercle C");
  std::vector<std::string> more;
  for (int i = 0; i < 2; ++i) more.push_back(Person(absl::StrCat("N", i)));
  for (const auto& p : more) ASSERT_TRUE(Add(c.name(), p).ok());
  merge.set_request_id("merge-too-big");
  merge.clear_circles();
  merge.add_circles(merged.circle().name());
  merge.add_circles(c.name());
  status = circles_->MergeCircles(Bob().get(), merge, &merged);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("8 members")));
  EXPECT_EQ(Get(c.name()).status(), mv1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(Get(c.name()).member_count(), 2);

  // The network directory follows through the event stream.
  auto network = cercles::network::v1::NetworkService::NewStub(suite_->StaffChannel("network"));
  cercles::network::v1::GetNetworkCircleRequest get;
  get.set_name(absl::StrCat("funds/fund-test/", a.name()));
  EXPECT_TRUE(Eventually(
      [&] {
        cercles::network::v1::GetNetworkCircleResponse got;
        return network->GetNetworkCircle(Admin().get(), get, &got).ok() &&
               got.circle().status() == mv1::CIRCLE_STATUS_MERGED;
      },
      absl::Seconds(10)));
}

TEST_P(CirclesTest, SuspendResumeDissolveAndUpdate) {
  mv1::Circle circle = Create("Cercle S");
  std::vector<std::string> people;
  for (int i = 0; i < 4; ++i) people.push_back(Person(absl::StrCat("S", i)));
  for (const auto& p : people) ASSERT_TRUE(Add(circle.name(), p).ok());
  ASSERT_TRUE(Activate(circle.name()).ok());

  mv1::SuspendCircleRequest suspend;
  suspend.set_request_id("suspend-1");
  suspend.set_name(circle.name());
  mv1::SuspendCircleResponse suspended;
  grpc::Status status = circles_->SuspendCircle(Bob().get(), suspend, &suspended);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));  // reason required
  suspend.set_reason("summer break");
  ASSERT_TRUE(circles_->SuspendCircle(Bob().get(), suspend, &suspended).ok());
  EXPECT_EQ(suspended.circle().status(), mv1::CIRCLE_STATUS_SUSPENDED);
  EXPECT_EQ(suspended.circle().status_reason(), "summer break");
  EXPECT_THAT(Add(circle.name(), Person("Late")), StatusIs(grpc::StatusCode::FAILED_PRECONDITION));

  mv1::ResumeCircleRequest resume;
  resume.set_request_id("resume-1");
  resume.set_name(circle.name());
  resume.set_reason("back in September");
  mv1::ResumeCircleResponse resumed;
  ASSERT_TRUE(circles_->ResumeCircle(Bob().get(), resume, &resumed).ok());
  EXPECT_EQ(resumed.circle().status(), mv1::CIRCLE_STATUS_ACTIVE);

  mv1::UpdateCircleRequest update;
  update.set_request_id("update-1");
  update.mutable_circle()->set_name(circle.name());
  update.mutable_circle()->set_display_name("Cercle Soleil");
  update.mutable_circle()->set_status(mv1::CIRCLE_STATUS_DISSOLVED);  // not in the mask: ignored
  update.mutable_update_mask()->add_paths("display_name");
  mv1::UpdateCircleResponse updated;
  ASSERT_TRUE(circles_->UpdateCircle(Bob().get(), update, &updated).ok());
  EXPECT_EQ(updated.circle().display_name(), "Cercle Soleil");
  EXPECT_EQ(updated.circle().status(), mv1::CIRCLE_STATUS_ACTIVE);
  update.set_request_id("update-2");
  update.mutable_update_mask()->add_paths("status");
  status = circles_->UpdateCircle(Bob().get(), update, &updated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("\"status\"")));

  mv1::DissolveCircleRequest dissolve;
  dissolve.set_request_id("dissolve-1");
  dissolve.set_name(circle.name());
  dissolve.set_reason("members moved on");
  mv1::DissolveCircleResponse dissolved;
  ASSERT_TRUE(circles_->DissolveCircle(Bob().get(), dissolve, &dissolved).ok());
  EXPECT_EQ(dissolved.circle().status(), mv1::CIRCLE_STATUS_DISSOLVED);
  EXPECT_EQ(dissolved.circle().member_count(), 0);
  EXPECT_TRUE(Members(circle.name()).empty());
  // Its former members are free to join another circle.
  mv1::Circle next = Create("Cercle Suivant");
  EXPECT_TRUE(Add(next.name(), people[0]).ok());
}

TEST_P(CirclesTest, CirclesFormedFromACohortProposalKeepLanguagesTogether) {
  // 5 French speakers (3 in food, 2 in crafts), 4 English speakers, 1 untrained.
  for (int i = 0; i < 5; ++i) {
    Person(absl::StrCat("Fr", i), true, mv1::LANGUAGE_FR, i < 3 ? "food" : "crafts");
  }
  for (int i = 0; i < 4; ++i) Person(absl::StrCat("En", i), true, mv1::LANGUAGE_EN, "services");
  const std::string untrained = Person("NotYet", /*trained=*/false, mv1::LANGUAGE_EN, "services");

  mv1::ProposeCirclesRequest propose;
  propose.set_training(training_);
  propose.add_hard_attributes("language");
  propose.add_soft_attributes("sector");
  mv1::ProposeCirclesResponse proposal;
  grpc::Status status = circles_->ProposeCircles(Bob().get(), propose, &proposal);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(proposal.circles_size(), 2);
  EXPECT_EQ(proposal.circles(0).people_size(), 4);  // "en" sorts before "fr"
  EXPECT_EQ(proposal.circles(1).people_size(), 5);
  EXPECT_THAT(proposal.circles(1).explanation(), HasSubstr("share language=fr"));
  EXPECT_THAT(proposal.circles(1).explanation(), HasSubstr("3 of 5 share sector=food"));
  EXPECT_TRUE(proposal.unplaced().empty());  // the untrained person is not a graduate

  // The same input gives the same proposal.
  mv1::ProposeCirclesResponse again;
  ASSERT_TRUE(circles_->ProposeCircles(Bob().get(), propose, &again).ok());
  EXPECT_EQ(proposal.SerializeAsString(), again.SerializeAsString());

  // The enums ask the same, alone or beside strings that agree; a mismatch is
  // refused.
  mv1::ProposeCirclesRequest by_enum;
  by_enum.set_training(training_);
  by_enum.add_hard_attribute_kinds(mv1::FORMATION_ATTRIBUTE_LANGUAGE);
  by_enum.add_soft_attribute_kinds(mv1::FORMATION_ATTRIBUTE_SECTOR);
  ASSERT_TRUE(circles_->ProposeCircles(Bob().get(), by_enum, &again).ok());
  EXPECT_EQ(proposal.SerializeAsString(), again.SerializeAsString());
  by_enum.add_hard_attributes("language");
  ASSERT_TRUE(circles_->ProposeCircles(Bob().get(), by_enum, &again).ok());
  EXPECT_EQ(proposal.SerializeAsString(), again.SerializeAsString());
  by_enum.add_soft_attributes("gender");
  status = circles_->ProposeCircles(Bob().get(), by_enum, &again);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("soft_attributes[0] \"gender\" and "
                                         "soft_attribute_kinds[0] FORMATION_ATTRIBUTE_SECTOR "
                                         "disagree")));
  by_enum.clear_soft_attributes();
  by_enum.add_soft_attribute_kinds(mv1::FORMATION_ATTRIBUTE_LANGUAGE);
  status = circles_->ProposeCircles(Bob().get(), by_enum, &again);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("soft_attribute_kinds[1] \"language\" is listed twice")));

  propose.add_soft_attributes("language");
  status = circles_->ProposeCircles(Bob().get(), propose, &again);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("listed twice")));

  // A person slipped in who is not trained: nothing is created.
  mv1::AcceptCircleProposalRequest accept;
  accept.set_request_id("accept-bad");
  *accept.mutable_circles() = proposal.circles();
  accept.mutable_circles(0)->add_people(untrained);
  accept.set_activate(true);
  mv1::AcceptCircleProposalResponse accepted;
  status = circles_->AcceptCircleProposal(Bob().get(), accept, &accepted);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  mv1::ListCirclesResponse listed;
  ASSERT_TRUE(circles_->ListCircles(Admin().get(), mv1::ListCirclesRequest(), &listed).ok());
  EXPECT_EQ(listed.circles_size(), 0);

  // A dry run checks everything and writes nothing.
  accept.set_request_id("accept-dry");
  *accept.mutable_circles() = proposal.circles();
  accept.set_validate_only(true);
  status = circles_->AcceptCircleProposal(Bob().get(), accept, &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(accepted.circles_size(), 2);
  ASSERT_TRUE(circles_->ListCircles(Admin().get(), mv1::ListCirclesRequest(), &listed).ok());
  EXPECT_EQ(listed.circles_size(), 0);
  // Only an admin picks another advisor.
  accept.mutable_circles(0)->set_advisor("advisors/2");
  status = circles_->AcceptCircleProposal(Bob().get(), accept, &accepted);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  accept.set_validate_only(false);

  accept.set_request_id("accept-1");
  *accept.mutable_circles() = proposal.circles();
  status = circles_->AcceptCircleProposal(Bob().get(), accept, &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(accepted.circles_size(), 2);
  for (const auto& circle : accepted.circles()) {
    EXPECT_EQ(circle.status(), mv1::CIRCLE_STATUS_ACTIVE);
    EXPECT_EQ(circle.advisor(), bob_advisor_);
  }
  EXPECT_EQ(accepted.circles(1).member_count(), 5);
  ASSERT_FALSE(accepted.circles(1).characteristics().empty());
  EXPECT_EQ(accepted.circles(1).characteristics(0).kind(), mv1::CHARACTERISTIC_KIND_LANGUAGE);

  // Everyone is placed now: nothing more to propose.
  propose.clear_soft_attributes();
  ASSERT_TRUE(circles_->ProposeCircles(Bob().get(), propose, &again).ok());
  EXPECT_EQ(again.circles_size(), 0);
}

TEST_P(CirclesTest, AnAdminImportsACirclesPastAndItsMeetingsFollow) {
  const absl::Time now = absl::Now();
  auto at = [&](int days_ago) {
    google::protobuf::Timestamp ts;
    SetTimestamp(now - absl::Hours(24 * days_ago), &ts);
    return ts;
  };
  mv1::CreateCircleRequest create;
  create.set_request_id("import-circle");
  create.mutable_circle()->set_display_name("Cercle d'autrefois");
  *create.mutable_effective_time() = at(120);
  mv1::CreateCircleResponse created;
  // Only an admin records the past.
  grpc::Status status = circles_->CreateCircle(Bob().get(), create, &created);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("effective_time")));
  create.set_request_id("import-circle-future");
  *create.mutable_effective_time() = at(-2);
  EXPECT_THAT(circles_->CreateCircle(Admin().get(), create, &created),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  create.set_request_id("import-circle-ok");
  *create.mutable_effective_time() = at(120);
  ASSERT_TRUE(circles_->CreateCircle(Admin().get(), create, &created).ok());
  EXPECT_EQ(created.circle().create_time().seconds(), at(120).seconds());
  const std::string circle = created.circle().name();

  std::vector<std::string> people;
  for (int i = 0; i < 4; ++i) {
    people.push_back(Person(absl::StrCat("Old", i)));
    mv1::AddCircleMemberRequest add;
    add.set_request_id(absl::StrCat("import-add-", i));
    add.set_circle(circle);
    add.set_person(people.back());
    add.set_reason("founder");
    *add.mutable_effective_time() = at(119);
    mv1::AddCircleMemberResponse added;
    status = circles_->AddCircleMember(Admin().get(), add, &added);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  mv1::ActivateCircleRequest activate;
  activate.set_request_id("import-activate-early");
  activate.set_name(circle);
  *activate.mutable_effective_time() = at(125);  // before its own creation
  mv1::ActivateCircleResponse activated;
  status = circles_->ActivateCircle(Admin().get(), activate, &activated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               HasSubstr("before the circle's last recorded change")));
  activate.set_request_id("import-activate");
  *activate.mutable_effective_time() = at(118);
  ASSERT_TRUE(circles_->ActivateCircle(Admin().get(), activate, &activated).ok());
  EXPECT_EQ(activated.circle().status(), mv1::CIRCLE_STATUS_ACTIVE);

  // A meeting 90 days ago had these four members.
  auto meetings = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
  mv1::RecordMeetingRequest record;
  record.set_request_id("import-meeting");
  record.set_parent(circle);
  const absl::CivilDay day = absl::ToCivilDay(now - absl::Hours(24 * 90), absl::UTCTimeZone());
  record.mutable_meeting()->mutable_meeting_date()->set_year(static_cast<int>(day.year()));
  record.mutable_meeting()->mutable_meeting_date()->set_month(day.month());
  record.mutable_meeting()->mutable_meeting_date()->set_day(day.day());
  for (const auto& p : people) {
    auto* a = record.mutable_meeting()->add_attendance();
    a->set_person(p);
    a->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  }
  mv1::RecordMeetingResponse recorded;
  status = meetings->RecordMeeting(Admin().get(), record, &recorded);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

INSTANTIATE_TEST_SUITE_P(Engines, CirclesTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
