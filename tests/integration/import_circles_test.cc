// `cerclesctl import circles` end to end, through the real cerclesctl binary
// and the real membership process on each storage engine: every row checked
// first (here and by the server) with its errors on their lines, a dry run
// that writes nothing, each row written all or nothing, and a second run of the
// same file that changes nothing.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class ImportCirclesTest : public MembershipSuiteTest {
 protected:
  void SetUp() override {
    MembershipSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;

    mv1::CreateAdvisorRequest advisor;
    advisor.set_request_id("advisor-bob");
    advisor.mutable_advisor()->set_display_name("Bob");
    advisor.mutable_advisor()->set_email("bob@fonds.example");
    advisor.mutable_advisor()->set_principal_name("bob");
    mv1::CreateAdvisorResponse advisor_created;
    grpc::Status status = circles_->CreateAdvisor(Admin().get(), advisor, &advisor_created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    advisor_ = advisor_created.advisor().name();

    mv1::CreateTrainingRequest training;
    training.set_request_id("training-1");
    training.mutable_training()->set_display_name("Cohorte hiver");
    auto* start = training.mutable_training()->mutable_start_date();
    start->set_year(2024), start->set_month(1), start->set_day(9);
    auto* end = training.mutable_training()->mutable_end_date();
    end->set_year(2024), end->set_month(3), end->set_day(5);
    mv1::CreateTrainingResponse created;
    status = trainings_->CreateTraining(Admin().get(), training, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    training_ = created.training().name();
  }

  // A person created through the API, enrolled in the training and, unless
  // said otherwise, having completed it.
  std::string Person(const std::string& given, bool trained = true) {
    cercles::common::v1::Date completed;
    completed.set_year(2024), completed.set_month(3), completed.set_day(5);
    return CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token, training_,
                                  completed, NewPerson{given, mv1::LANGUAGE_FR, "", trained});
  }

  // n trained people, "people/N" each.
  std::vector<std::string> People(const std::string& prefix, int n) {
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(Person(absl::StrCat(prefix, i)));
    return names;
  }

  std::string CurrentCircle(const std::string& person) {
    mv1::GetPersonRequest request;
    request.set_name(person);
    mv1::GetPersonResponse response;
    grpc::Status status = people_->GetPerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().current_circle();
  }

  // Every circle, by display name.
  std::map<std::string, mv1::Circle> Circles() {
    mv1::ListCirclesRequest request;
    request.set_page_size(500);
    mv1::ListCirclesResponse response;
    grpc::Status status = circles_->ListCircles(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, mv1::Circle> circles;
    for (const mv1::Circle& c : response.circles()) circles[c.display_name()] = c;
    EXPECT_EQ(circles.size(), static_cast<size_t>(response.circles_size()));
    return circles;
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

  // How many events membership's outbox holds, read through WatchEvents.
  size_t EventCount() {
    auto context = Context(TestCredentials().admin_token, absl::Seconds(1));
    auto reader = circles_->WatchEvents(context.get(), mv1::WatchEventsRequest());
    mv1::WatchEventsResponse response;
    size_t n = 0;
    while (reader->Read(&response)) ++n;
    return n;
  }

  // Runs the real cerclesctl against membership as the admin.
  CtlResult Ctl(const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, "membership", TestCredentials().admin_token, args, work_dir());
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(work_dir(), "/", name);
    std::ofstream(path) << content;
    return path;
  }

  std::string advisor_;
  std::string training_;
};

// "people/12" -> "12".
std::string Bare(const std::string& name) { return name.substr(name.find('/') + 1); }

TEST_P(ImportCirclesTest, ChecksEveryRowFirstWritesEachRowWholeAndIsIdempotent) {
  const std::vector<std::string> est = People("est", 4);
  const std::vector<std::string> ouest = People("ouest", 5);
  const std::vector<std::string> nord = People("nord", 3);
  const std::string untrained = Person("nord-untrained", /*trained=*/false);
  const std::vector<std::string> sud = People("sud", 3);
  const std::vector<std::string> centre = People("centre", 3);
  const std::vector<std::string> malforme = People("malforme", 4);

  // Columns in any order; members as "people/N" or a bare N.
  const std::string header = "members,display_name,characteristics,activate,advisor\n";
  const std::string good_rows =
      absl::StrCat(est[0], "; ", Bare(est[1]), ";", est[2], ";", Bare(est[3]),
                   ",Cercle Est,sector=food;language=fr,oui,", advisor_, "\n",      // line 2
                   absl::StrJoin(ouest, ";"), ",\"Cercle Ouest, quartier\",,,\n");  // line 3
  const std::string bad_rows = absl::StrCat(
      absl::StrJoin(nord, ";"), ";", untrained, ",Cercle Nord,,yes,\n",  // line 4: untrained
      absl::StrJoin(sud, ";"), ",Cercle Sud,,,\n",                       // line 5: 3 members
      est[0], ";", absl::StrJoin(centre, ";"), ",Cercle Centre,,,\n",    // line 6: est[0] again
      absl::StrJoin(malforme, ";"), ",Cercle Malformé,sector,,\n");      // line 7: no =VALUE
  const std::string mixed = WriteFile("circles.csv", header + good_rows + bad_rows);

  // Dry run: every error of every row, with its line, and nothing written.
  CtlResult dry = Ctl({"import", "circles", mixed, "--dry-run"});
  EXPECT_EQ(dry.code, 1) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":4: members: ", untrained,
                                              " has not completed a training")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":5: members: must name 4 to 7 people")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(mixed, ":6: members: ", est[0],
                                              " is already in the row of line 2")));
  EXPECT_THAT(dry.err,
              HasSubstr(absl::StrCat(mixed, ":7: characteristics: entry 1 must be KIND=VALUE")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(dry.err, Not(HasSubstr(":3:")));
  EXPECT_THAT(dry.err, Not(HasSubstr("\r")));  // no progress bar off a terminal
  EXPECT_THAT(dry.out, HasSubstr("6 rows checked: 2 valid, 4 failed; nothing written (dry run)"));
  EXPECT_TRUE(Circles().empty());

  // A clean file passes the dry run.
  const std::string clean = WriteFile("clean.csv", header + good_rows);
  CtlResult clean_dry = Ctl({"import", "circles", clean, "--dry-run"});
  EXPECT_EQ(clean_dry.code, 0) << clean_dry.err;
  EXPECT_TRUE(Circles().empty());

  // The real import writes the good rows whole, nothing of the bad ones.
  CtlResult first = Ctl({"import", "circles", mixed});
  EXPECT_EQ(first.code, 1) << first.err;
  EXPECT_THAT(first.out, HasSubstr("6 rows: 2 created, 0 already there, 4 failed"));
  for (const char* line :
       {":4: members:", ":5: members:", ":6: members:", ":7: characteristics:"}) {
    EXPECT_THAT(first.err, HasSubstr(absl::StrCat(mixed, line)));
  }
  std::map<std::string, mv1::Circle> circles = Circles();
  ASSERT_EQ(circles.size(), 2u);
  const mv1::Circle& cercle_est = circles["Cercle Est"];
  EXPECT_EQ(cercle_est.status(), mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(cercle_est.member_count(), 4);
  EXPECT_EQ(cercle_est.advisor(), advisor_);
  ASSERT_EQ(cercle_est.characteristics_size(), 2);
  EXPECT_EQ(cercle_est.characteristics(0).kind(), mv1::CHARACTERISTIC_KIND_SECTOR);
  EXPECT_EQ(cercle_est.characteristics(0).value(), "food");
  EXPECT_EQ(Members(cercle_est.name()), est);
  const mv1::Circle& cercle_ouest = circles["Cercle Ouest, quartier"];
  EXPECT_EQ(cercle_ouest.status(), mv1::CIRCLE_STATUS_FORMING);  // no activate: the default
  EXPECT_EQ(Members(cercle_ouest.name()), ouest);
  for (const std::string& person : {nord[0], untrained, sud[0], centre[0], malforme[0]}) {
    EXPECT_EQ(CurrentCircle(person), "") << person;  // a failed row wrote nothing
  }
  const size_t events = EventCount();

  // Running it again changes nothing; so does the clean file with the same rows.
  CtlResult second = Ctl({"import", "circles", mixed});
  EXPECT_EQ(second.code, 1) << second.err;
  EXPECT_THAT(second.out, HasSubstr("6 rows: 0 created, 2 already there, 4 failed"));
  EXPECT_THAT(second.err, Not(HasSubstr(":2:")));
  EXPECT_THAT(second.err, Not(HasSubstr(":3:")));
  CtlResult third = Ctl({"--output", "json", "import", "circles", clean});
  EXPECT_EQ(third.code, 0) << third.err;
  EXPECT_THAT(third.out, AllOf(HasSubstr("\"created\":0"), HasSubstr("\"alreadyThere\":2")));
  EXPECT_EQ(Circles().size(), 2u);
  EXPECT_EQ(Circles()["Cercle Est"].update_time().seconds(), cercle_est.update_time().seconds());
  EXPECT_EQ(EventCount(), events);

  // The same people in a row of another name is a new circle, refused: they
  // are in one already.
  const std::string renamed = WriteFile(
      "renamed.csv", absl::StrCat("display_name,members\nAutre nom,", absl::StrJoin(ouest, ";")));
  CtlResult other = Ctl({"import", "circles", renamed});
  EXPECT_EQ(other.code, 1);
  EXPECT_THAT(other.err, HasSubstr(absl::StrCat(renamed, ":2: members: ", ouest[0],
                                                " already belongs to ", cercle_ouest.name())));
  EXPECT_EQ(Circles().size(), 2u);

  // Header mistakes stop before any row.
  const std::string bad_header = WriteFile("header.csv", "name,members\nX,1;2;3;4\n");
  CtlResult broken = Ctl({"import", "circles", bad_header});
  EXPECT_EQ(broken.code, 1);
  EXPECT_THAT(broken.err, HasSubstr(absl::StrCat(bad_header, ":1: column \"name\" is not one of")));
  EXPECT_THAT(broken.err, HasSubstr("column \"display_name\" is required"));
}

TEST_P(ImportCirclesTest, ActivateOptionIsTheDefaultOfRowsWithoutOne) {
  const std::vector<std::string> a = People("a", 4);
  const std::vector<std::string> b = People("b", 4);
  const std::string file = WriteFile(
      "activate.csv", absl::StrCat("display_name,members,activate\n", "Actif,",
                                   absl::StrJoin(a, ";"), ",\n", "En formation,",
                                   absl::StrJoin(b, ";"), ",non\n", "Mauvais,1;2;3;4,peut-être\n"));
  CtlResult dry = Ctl({"import", "circles", file, "--activate", "--dry-run"});
  EXPECT_EQ(dry.code, 1);
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(file, ":4: activate: must be true or false")));
  EXPECT_THAT(dry.err, HasSubstr(absl::StrCat(file, ":4: members: ", a[0],
                                              " is already in the row of line 2")));

  const std::string good = WriteFile(
      "good.csv", absl::StrCat("display_name,members,activate\n", "Actif,", absl::StrJoin(a, ";"),
                               ",\n", "En formation,", absl::StrJoin(b, ";"), ",non\n"));
  CtlResult run = Ctl({"import", "circles", good, "--activate"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("2 rows: 2 created, 0 already there, 0 failed"));
  std::map<std::string, mv1::Circle> circles = Circles();
  EXPECT_EQ(circles["Actif"].status(), mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(circles["En formation"].status(), mv1::CIRCLE_STATUS_FORMING);
  CtlResult again = Ctl({"import", "circles", good, "--activate"});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("2 rows: 0 created, 2 already there, 0 failed"));
}

INSTANTIATE_TEST_SUITE_P(Engines, ImportCirclesTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
