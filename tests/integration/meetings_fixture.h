// The fixture of the meetings tests (meetings_test.cc, circles_report_test.cc):
// membership on each storage engine without Redis, its circles and meetings
// stubs, and membership's database opened beside it to write circle members
// and advisors as the migrations define them.
#ifndef CERCLES_TESTS_INTEGRATION_MEETINGS_FIXTURE_H_
#define CERCLES_TESTS_INTEGRATION_MEETINGS_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {

namespace mv1 = cercles::membership::v1;

class MeetingsFixture : public EngineSuiteTest {
 protected:
  // Today in UTC (membership's days).
  static absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

  static cercles::common::v1::Date ToDate(absl::CivilDay day) {
    cercles::common::v1::Date date;
    date.set_year(static_cast<int32_t>(day.year()));
    date.set_month(day.month());
    date.set_day(day.day());
    return date;
  }

  static std::string Format(const cercles::common::v1::Date& date) {
    return absl::FormatCivilTime(absl::CivilDay(date.year(), date.month(), date.day()));
  }

  static int64_t Micros(absl::CivilDay day) {
    return absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone()));
  }

  static std::string Person(int64_t id) { return absl::StrCat("people/", id); }

  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = EngineSuiteTest::SuiteOptions();
    options->with_redis = false;
    return options;
  }

  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    membership_ = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    // The service has migrated (it reports SERVING only then): write beside it.
    auto db = storage::Database::Open(suite_->DatabaseUrl("membership"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    bob_ = AddAdvisor("bob");  // the advisor token of the tests
    carol_ = AddAdvisor("carol");
  }

  void TearDown() override {
    db_.reset();
    EngineSuiteTest::TearDown();
  }

  const std::string& admin() const { return TestCredentials().admin_token; }
  const std::string& advisor() const { return TestCredentials().advisor_token; }

  void Exec(const std::string& sql, const std::vector<storage::Value>& params) {
    absl::Status status = storage::RunInTransaction(
        *db_, storage::TxMode::kWrite,
        [&](storage::Transaction& tx) { return tx.Exec(sql, params).status(); });
    ASSERT_TRUE(status.ok()) << status << " in " << sql;
  }

  int64_t AddAdvisor(const std::string& principal) {
    int64_t id = 0;
    absl::Status added =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          auto rows = tx.Query(
              "INSERT INTO advisors (display_name, email, principal_name, active, "
              "create_time_us, update_time_us) VALUES (?, ?, ?, 1, 0, 0) RETURNING id",
              {principal, principal + "@fund.example", principal});
          if (!rows.ok()) return rows.status();
          id = (*rows)[0].Int(0);
          return absl::OkStatus();
        });
    EXPECT_TRUE(added.ok()) << added;
    return id;
  }

  // A circle created through the API, then given a status and an advisor.
  std::string AddCircle(const std::string& display_name, mv1::CircleStatus status,
                        std::optional<int64_t> advisor_id) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat("circle-", display_name.size(), "-", ++circles_made_));
    request.mutable_circle()->set_display_name(display_name);
    mv1::CreateCircleResponse response;
    grpc::Status created = membership_->CreateCircle(Context(admin()).get(), request, &response);
    EXPECT_TRUE(created.ok()) << created.error_message();
    const std::string name = response.circle().name();
    const int64_t id = std::stoll(name.substr(std::string("circles/").size()));
    // Built one value at a time: a conditional between two temporary Values in
    // the braced list trips GCC 12's -Wmaybe-uninitialized at -O3.
    std::vector<storage::Value> params = {static_cast<int64_t>(status), storage::Null{}, id};
    if (advisor_id.has_value()) params[1] = *advisor_id;
    Exec("UPDATE circles SET status = ?, advisor_id = ? WHERE id = ?", params);
    return name;
  }

  void AddMember(const std::string& circle, int64_t person, absl::CivilDay joined,
                 std::optional<absl::CivilDay> left = std::nullopt) {
    const int64_t id = std::stoll(circle.substr(std::string("circles/").size()));
    std::vector<storage::Value> params = {id, person, Micros(joined) + 3600LL * 1000000,  // 01:00
                                          storage::Null{}, storage::Null{}};
    if (left.has_value()) {
      params[3] = Micros(*left) + 3600LL * 1000000;
      params[4] = std::string("moved");
    }
    Exec(
        "INSERT INTO circle_members (circle_id, person_id, join_time_us, join_reason, "
        "leave_time_us, leave_reason) VALUES (?, ?, ?, 'joined', ?, ?)",
        params);
  }

  static mv1::Meeting MakeMeeting(absl::CivilDay day,
                                  const std::vector<std::pair<int64_t, mv1::AttendanceStatus>>& who,
                                  const std::string& minutes = "Tour de table.") {
    mv1::Meeting meeting;
    *meeting.mutable_meeting_date() = ToDate(day);
    for (const auto& [person, status] : who) {
      mv1::Attendance* entry = meeting.add_attendance();
      entry->set_person(Person(person));
      entry->set_status(status);
    }
    meeting.set_minutes(minutes);
    return meeting;
  }

  grpc::Status Record(const std::string& token, const std::string& request_id,
                      const std::string& circle, const mv1::Meeting& meeting,
                      mv1::Meeting* out = nullptr, bool* replayed = nullptr) {
    mv1::RecordMeetingRequest request;
    request.set_request_id(request_id);
    request.set_parent(circle);
    *request.mutable_meeting() = meeting;
    mv1::RecordMeetingResponse response;
    auto context = Context(token);
    grpc::Status status = meetings_->RecordMeeting(context.get(), request, &response);
    if (out != nullptr) *out = response.meeting();
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  std::vector<mv1::Meeting> List(const std::string& circle, int page_size = 500,
                                 mv1::MeetingView view = mv1::MEETING_VIEW_BASIC) {
    std::vector<mv1::Meeting> all;
    mv1::ListMeetingsRequest request;
    request.set_parent(circle);
    request.set_page_size(page_size);
    request.set_view(view);
    do {
      mv1::ListMeetingsResponse response;
      grpc::Status status = meetings_->ListMeetings(Context(admin()).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& m : response.meetings()) all.push_back(m);
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  // Every event of membership's outbox, as (type, subject).
  std::vector<std::pair<std::string, std::string>> Events() {
    auto context = Context(admin(), absl::Seconds(1));
    auto reader = membership_->WatchEvents(context.get(), mv1::WatchEventsRequest());
    mv1::WatchEventsResponse response;
    std::vector<std::pair<std::string, std::string>> events;
    while (reader->Read(&response)) {
      events.emplace_back(response.event().type(), response.event().subject());
    }
    return events;
  }

  int CountEvents(const std::string& type) {
    int n = 0;
    for (const auto& [t, subject] : Events()) n += t == type ? 1 : 0;
    return n;
  }

  std::unique_ptr<mv1::MembershipService::Stub> membership_;
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<storage::Database> db_;
  int64_t bob_ = 0, carol_ = 0;
  int circles_made_ = 0;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_MEETINGS_FIXTURE_H_
