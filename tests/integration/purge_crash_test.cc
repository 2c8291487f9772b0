// A kill -9 in the middle of the retention purge (issue 14: "an erasure
// interrupted by a crash resumes and finishes, no half-erased person"), on
// both engines. 300 people never in a circle are past retention (a 0-month
// period): three batches of 100. The purge runs on a thread; once the first
// batch's people are erased, membership is killed with SIGKILL (the purge's
// call fails); after the restart, every person is either wholly erased or
// untouched, the same request finishes the purge, its report equals the dry
// run made before the crash, and each person was erased once (one
// PersonErased event each).
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "gmock/gmock.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/proto_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr int kPeople = 300;  // three batches of the purge's 100

class PurgeCrashTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  }

  grpc::Status Purge(const std::string& request_id, bool dry_run,
                     mv1::PurgeExpiredRecordsResponse* response, bool* replayed = nullptr) {
    mv1::PurgeExpiredRecordsRequest request;
    request.set_request_id(request_id);
    request.set_dry_run(dry_run);
    auto context = Context(TestCredentials().admin_token, absl::Seconds(120));
    grpc::Status status = privacy_->PurgeExpiredRecords(context.get(), request, response);
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  mv1::Person GetPerson(const std::string& name) {
    mv1::GetPersonRequest request;
    request.set_name(name);
    mv1::GetPersonResponse response;
    grpc::Status status = people_->GetPerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return response.person();
  }

  // How many PersonErased events membership served for each person.
  std::map<std::string, int> ErasedEvents() {
    std::map<std::string, int> count;
    auto context = Context(TestCredentials().admin_token, absl::Seconds(5));
    auto reader = circles_->WatchEvents(context.get(), mv1::WatchEventsRequest());
    mv1::WatchEventsResponse event;
    while (reader->Read(&event)) {
      if (event.event().type() != "cercles.membership.v1.PersonErased") continue;
      mv1::PersonErased erased;
      EXPECT_TRUE(event.event().payload().UnpackTo(&erased));
      ++count[erased.person()];
    }
    reader->Finish();
    return count;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
};

TEST_P(PurgeCrashTest, AKilledPurgeLeavesWholePeopleAndTheSameRequestFinishesIt) {
  std::vector<std::string> people;
  for (int i = 0; i < kPeople; ++i) {
    mv1::CreatePersonRequest request;
    request.set_request_id(absl::StrCat("person-", i));
    request.mutable_person()->set_given_name(absl::StrCat("Oublie", i));
    request.mutable_person()->set_family_name("Crashtest");
    request.mutable_person()->set_language(mv1::LANGUAGE_FR);
    mv1::CreatePersonResponse response;
    grpc::Status status = people_->CreatePerson(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    people.push_back(response.person().name());
  }
  mv1::UpdateRetentionScheduleRequest update;
  update.set_request_id("never-0");
  update.mutable_schedule()->set_people_never_in_circle_months(0);
  update.mutable_update_mask()->add_paths("people_never_in_circle_months");
  mv1::UpdateRetentionScheduleResponse updated;
  ASSERT_TRUE(privacy_->UpdateRetentionSchedule(Admin().get(), update, &updated).ok());

  mv1::PurgeExpiredRecordsResponse dry;
  ASSERT_TRUE(Purge("", true, &dry).ok());
  ASSERT_EQ(dry.kinds(0).kind(), mv1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE);
  ASSERT_THAT(dry.kinds(0).records(), ::testing::ElementsAreArray(people));

  // The purge on a thread; killed once the first batch committed.
  grpc::Status first_status;
  mv1::PurgeExpiredRecordsResponse first;
  std::thread purge([&] { first_status = Purge("purge-crash", false, &first); });
  const bool started =
      Eventually([&] { return GetPerson(people[0]).status() == mv1::PERSON_STATUS_ERASED; },
                 absl::Seconds(60));
  suite_->KillService("membership");
  purge.join();
  ASSERT_TRUE(started) << "the purge's first batch never committed";
  ASSERT_FALSE(first_status.ok()) << "the purge ended before the kill: nothing was interrupted";

  ASSERT_TRUE(suite_->StartService("membership").ok());
  BindStubs();
  privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  // Every person wholly erased or untouched; some of each.
  int erased = 0;
  for (int i = 0; i < kPeople; ++i) {
    const mv1::Person person = GetPerson(people[i]);
    if (person.status() == mv1::PERSON_STATUS_ERASED) {
      ++erased;
      EXPECT_EQ(person.given_name(), "Personne effacée") << people[i];
      EXPECT_NE(person.family_name(), "Crashtest") << people[i];
    } else {
      EXPECT_EQ(person.given_name(), absl::StrCat("Oublie", i)) << people[i];
      EXPECT_EQ(person.family_name(), "Crashtest") << people[i];
    }
  }
  EXPECT_GE(erased, 100);
  EXPECT_LT(erased, kPeople);

  // The same request finishes it and answers the whole report.
  mv1::PurgeExpiredRecordsResponse run;
  bool replayed = true;
  grpc::Status status = Purge("purge-crash", false, &run, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(replayed);
  mv1::PurgeExpiredRecordsResponse dry_as_run = dry;
  dry_as_run.set_dry_run(false);
  EXPECT_THAT(run, EqualsProto(dry_as_run));
  for (const std::string& name : people) {
    EXPECT_EQ(GetPerson(name).status(), mv1::PERSON_STATUS_ERASED) << name;
  }
  // Each person erased once; a new purge finds nothing.
  const std::map<std::string, int> events = ErasedEvents();
  EXPECT_EQ(events.size(), people.size());
  for (const std::string& name : people) {
    auto it = events.find(name);
    EXPECT_EQ(it == events.end() ? 0 : it->second, 1) << name;
  }
  mv1::PurgeExpiredRecordsResponse again;
  ASSERT_TRUE(Purge("purge-after", false, &again).ok());
  EXPECT_THAT(again.kinds(0).records(), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Engines, PurgeCrashTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
