// Business outcomes (issue 15, item 4) through the real processes on each
// engine: a meeting's follow-ups record outcomes; membership keeps the people's
// business history and updates their business in RecordMeeting's write; the
// MeetingRecorded event carries the outcomes to network, whose statistics count
// started and kept businesses and jobs. A replay of the same request changes
// nothing, in membership or in network; a follow-up without an outcome changes
// nothing either.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/network_fixtures.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

class BusinessOutcomesTest : public NetworkSuiteTest {
 protected:
  void SetUp() override {
    NetworkSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    CreateAdvisor("bob");  // Bob creates the circles: his own
  }

  // A circle of Rosemont whose members have a business (activated from 4).
  mv1::Circle CircleOfEntrepreneurs(const std::string& display_name, int members,
                                    std::vector<std::string>* people) {
    return CircleWithMembers(display_name, {{mv1::CHARACTERISTIC_KIND_REGION, "Rosemont"}}, members,
                             people, "food");
  }

  // A meeting held today (UTC: the members joined today) with everyone present.
  static mv1::RecordMeetingRequest Meeting(const std::string& request_id, const mv1::Circle& circle,
                                           const std::vector<std::string>& members) {
    mv1::RecordMeetingRequest request;
    request.set_request_id(request_id);
    request.set_parent(circle.name());
    *request.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
    for (const std::string& member : members) {
      mv1::Attendance* entry = request.mutable_meeting()->add_attendance();
      entry->set_person(member);
      entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    return request;
  }

  static mv1::BusinessOutcome Outcome(mv1::BusinessStage stage, mv1::BusinessEvent event,
                                      int created_full, int created_part) {
    mv1::BusinessOutcome outcome;
    outcome.set_stage(stage);
    outcome.set_event(event);
    outcome.mutable_jobs_created()->set_full_time(created_full);
    outcome.mutable_jobs_created()->set_part_time(created_part);
    return outcome;
  }

  mv1::Person GetPerson(const std::string& name) {
    mv1::GetPersonRequest request;
    request.set_name(name);
    mv1::GetPersonResponse response;
    grpc::Status status = people_->GetPerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person();
  }

  mv1::ListBusinessHistoryResponse History(const std::string& person,
                                           const std::string& page_token = "") {
    mv1::ListBusinessHistoryRequest request;
    request.set_parent(person);
    request.set_page_token(page_token);
    mv1::ListBusinessHistoryResponse response;
    grpc::Status status = meetings_->ListBusinessHistory(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  nv1::NetworkStats FundStats() {
    nv1::GetNetworkStatsRequest request;
    request.set_by_region(true);
    nv1::GetNetworkStatsResponse response;
    grpc::Status status = network_->GetNetworkStats(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.funds_size() == 1 ? response.funds(0) : nv1::NetworkStats();
  }

  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
};

TEST_P(BusinessOutcomesTest, OutcomesUpdateTheBusinessTheHistoryAndNetworksStatistics) {
  std::vector<std::string> people;
  const mv1::Circle circle = CircleOfEntrepreneurs("Rosemont", 4, &people);
  ASSERT_FALSE(HasFailure());
  const mv1::Person untouched_before = GetPerson(people[2]);

  mv1::RecordMeetingRequest record = Meeting("meeting-outcomes", circle, people);
  mv1::BusinessFollowUp* first = record.mutable_meeting()->add_follow_ups();
  first->set_person(people[0]);
  *first->mutable_outcome() =
      Outcome(mv1::BUSINESS_STAGE_OPERATING, mv1::BUSINESS_EVENT_STARTED, 2, 1);
  first->mutable_outcome()->mutable_jobs_kept()->set_part_time(1);
  first->mutable_outcome()->set_revenue_band(mv1::REVENUE_BAND_10K_TO_50K);
  mv1::BusinessFollowUp* second = record.mutable_meeting()->add_follow_ups();
  second->set_person(people[1]);
  second->set_progress("Premier marché fermier");
  *second->mutable_outcome() =
      Outcome(mv1::BUSINESS_STAGE_STARTING, mv1::BUSINESS_EVENT_STARTED, 1, 0);
  mv1::BusinessFollowUp* plain = record.mutable_meeting()->add_follow_ups();
  plain->set_person(people[2]);
  plain->set_progress("Rien de neuf");  // a follow-up without an outcome

  // Each field's rule is checked before anything is written.
  mv1::RecordMeetingRequest bad = record;
  bad.set_request_id("meeting-bad");
  bad.mutable_meeting()
      ->mutable_follow_ups(1)
      ->mutable_outcome()
      ->mutable_jobs_kept()
      ->set_full_time(-2);
  mv1::RecordMeetingResponse refused;
  EXPECT_THAT(meetings_->RecordMeeting(Admin().get(), bad, &refused),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       ::testing::HasSubstr(
                           "meeting.follow_ups[1].outcome.jobs_kept.full_time must be 0 to 1000")));

  mv1::RecordMeetingResponse recorded;
  grpc::Status status = meetings_->RecordMeeting(Admin().get(), record, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(recorded.meeting().follow_ups_size(), 3);
  EXPECT_EQ(recorded.meeting().follow_ups(0).outcome().revenue_band(),
            mv1::REVENUE_BAND_10K_TO_50K);
  EXPECT_FALSE(recorded.meeting().follow_ups(2).has_outcome());

  // The meeting reads back with its outcomes.
  mv1::GetMeetingRequest get;
  get.set_name(recorded.meeting().name());
  mv1::GetMeetingResponse got;
  ASSERT_TRUE(meetings_->GetMeeting(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.meeting().follow_ups(0).outcome().ShortDebugString(),
            recorded.meeting().follow_ups(0).outcome().ShortDebugString());
  EXPECT_FALSE(got.meeting().follow_ups(2).has_outcome());

  // The people's business follows their latest outcome; the third is as it was.
  const mv1::Person started = GetPerson(people[0]);
  EXPECT_EQ(started.business().stage(), mv1::BUSINESS_STAGE_OPERATING);
  EXPECT_EQ(started.business().start_date().ShortDebugString(),
            ToDate(MembershipToday()).ShortDebugString());
  EXPECT_EQ(started.business().sector(), "food");
  EXPECT_EQ(GetPerson(people[1]).business().stage(), mv1::BUSINESS_STAGE_STARTING);
  EXPECT_EQ(GetPerson(people[2]).ShortDebugString(), untouched_before.ShortDebugString());

  // The history: one entry each for the two outcomes, none for the third.
  mv1::ListBusinessHistoryResponse history = History(people[0]);
  ASSERT_EQ(history.entries_size(), 1);
  EXPECT_EQ(history.entries(0).meeting(), recorded.meeting().name());
  EXPECT_EQ(history.entries(0).meeting_date().ShortDebugString(),
            ToDate(MembershipToday()).ShortDebugString());
  EXPECT_EQ(history.entries(0).outcome().jobs_created().full_time(), 2);
  EXPECT_EQ(history.entries(0).outcome().jobs_kept().part_time(), 1);
  EXPECT_FALSE(history.entries(0).outcome().jobs_kept().full_time());
  EXPECT_EQ(history.entries(0).record_principal(), recorded.meeting().record_principal());
  EXPECT_TRUE(history.next_page_token().empty());
  EXPECT_EQ(History(people[2]).entries_size(), 0);
  mv1::ListBusinessHistoryRequest missing;
  missing.set_parent("people/999999");
  mv1::ListBusinessHistoryResponse none;
  EXPECT_THAT(meetings_->ListBusinessHistory(Admin().get(), missing, &none),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  missing.set_parent("people/x");
  EXPECT_THAT(meetings_->ListBusinessHistory(Admin().get(), missing, &none),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, ::testing::HasSubstr("parent")));

  // Network counts them from the event.
  ASSERT_TRUE(
      Eventually([&] { return FundStats().entrepreneurs_with_outcome() == 2; }, absl::Seconds(20)))
      << suite_->Log("network");
  nv1::NetworkStats stats = FundStats();
  EXPECT_EQ(stats.businesses_started(), 2);
  EXPECT_EQ(stats.businesses_kept(), 2);
  EXPECT_EQ(stats.businesses_closed(), 0);
  EXPECT_EQ(stats.jobs_created_full_time(), 3);
  EXPECT_EQ(stats.jobs_created_part_time(), 1);
  EXPECT_EQ(stats.jobs_kept_full_time(), 0);
  EXPECT_EQ(stats.jobs_kept_part_time(), 1);

  // A replay answers the first answer and writes nothing more.
  mv1::RecordMeetingResponse replayed;
  status = meetings_->RecordMeeting(Admin().get(), record, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replayed.meeting().name(), recorded.meeting().name());
  EXPECT_EQ(History(people[0]).entries_size(), 1);

  // Another circle's meeting comes after the replay in membership's stream:
  // once network counts it, it has seen everything the replay could have sent.
  std::vector<std::string> others;
  const mv1::Circle other = CircleOfEntrepreneurs("Villeray", 1, &others);
  mv1::RecordMeetingRequest later = Meeting("meeting-villeray", other, others);
  mv1::BusinessFollowUp* closing = later.mutable_meeting()->add_follow_ups();
  closing->set_person(others[0]);
  closing->mutable_outcome()->set_event(mv1::BUSINESS_EVENT_CLOSED);
  ASSERT_TRUE(meetings_->RecordMeeting(Admin().get(), later, &recorded).ok());
  ASSERT_TRUE(
      Eventually([&] { return FundStats().entrepreneurs_with_outcome() == 3; }, absl::Seconds(20)))
      << suite_->Log("network");
  stats = FundStats();
  EXPECT_EQ(stats.businesses_started(), 2);  // not 4: the replay counted nothing
  EXPECT_EQ(stats.businesses_kept(), 2);
  EXPECT_EQ(stats.businesses_closed(), 1);
  EXPECT_EQ(stats.jobs_created_full_time(), 3);
  EXPECT_EQ(stats.jobs_created_part_time(), 1);
  // A closing without a stage leaves the person's business stage as it was.
  EXPECT_EQ(GetPerson(others[0]).business().stage(), mv1::BUSINESS_STAGE_UNSPECIFIED);

  // Per region: both circles are in Rosemont.
  nv1::GetNetworkStatsRequest by_region;
  by_region.set_by_region(true);
  nv1::GetNetworkStatsResponse regions;
  ASSERT_TRUE(network_->GetNetworkStats(Admin().get(), by_region, &regions).ok());
  ASSERT_EQ(regions.regions_size(), 1);
  EXPECT_EQ(regions.regions(0).region(), "Rosemont");
  EXPECT_EQ(regions.regions(0).entrepreneurs_with_outcome(), 3);
}

// The same through the real cerclesctl, as an advisor types it.
TEST_P(BusinessOutcomesTest, CerclesctlRecordsOutcomesAndListsTheHistory) {
  std::vector<std::string> people;
  const mv1::Circle circle = CircleOfEntrepreneurs("Cli", 4, &people);
  ASSERT_FALSE(HasFailure());
  const auto ctl = [&](const std::string& service, const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, service, TestCredentials().advisor_token, args, work_dir());
  };
  std::vector<std::string> record = {"meetings", "record", circle.name(), "--outcome",
                                     people[0] +
                                         ":stage=operating,event=started,"
                                         "jobs-created=2/1,revenue=10k-to-50k"};
  for (const std::string& person : people) {
    record.push_back("--attendance");
    record.push_back(person + "=present");
  }
  // A bad key or value is refused on the command line, naming --outcome.
  std::vector<std::string> bad = record;
  bad[4] = people[0] + ":revenue=lots";
  CtlResult r = ctl("membership", bad);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--outcome revenue must be one of none|under-10k|"));
  bad[4] = people[0] + ":jobs-created=2";
  r = ctl("membership", bad);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--outcome jobs-created takes FULL/PART"));
  // Bounds are the server's: INVALID_ARGUMENT naming the field (exit 1).
  bad[4] = people[0] + ":jobs-kept=1001/0";
  r = ctl("membership", bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("outcome.jobs_kept.full_time must be 0 to 1000"));

  r = ctl("membership", record);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out,
              ::testing::HasSubstr("outcome: stage operating, started, jobs created 2 full/1 part, "
                                   "revenue 10k-to-50k"));
  r = ctl("membership", {"people", "business-history", people[0]});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("operating"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("2 full/1 part"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("10k-to-50k"));
  ASSERT_TRUE(Eventually(
      [&] {
        return ctl("network", {"network", "stats"}).out.find("business outcomes") !=
               std::string::npos;
      },
      absl::Seconds(20)))
      << suite_->Log("network");
  r = ctl("network", {"network", "stats", "--by-region"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("JOBS CREATED FT/PT"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("2/1"));
}

INSTANTIATE_TEST_SUITE_P(Engines, BusinessOutcomesTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
