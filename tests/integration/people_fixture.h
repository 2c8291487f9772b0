// The people tests' fixture, shared by people_test.cc (the API end to end)
// and people_test_cli.cc (the CSV import and the cerclesctl verbs), one test
// program: a membership process on each storage engine, and helpers to create,
// read, update and list people, trainings and circles as staff.
#ifndef CERCLES_TESTS_INTEGRATION_PEOPLE_FIXTURE_H_
#define CERCLES_TESTS_INTEGRATION_PEOPLE_FIXTURE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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

namespace cercles::testing::people_fixture {

namespace mv1 = cercles::membership::v1;
// The matchers both test files use.
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

inline cercles::common::v1::Date D(int y, int m, int d) {
  cercles::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline mv1::Person MakePerson(const std::string& given, const std::string& family,
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

}  // namespace cercles::testing::people_fixture

#endif  // CERCLES_TESTS_INTEGRATION_PEOPLE_FIXTURE_H_
