// The meeting store on in-memory SQLite, and on PostgreSQL when
// CERCLES_TEST_POSTGRES_URL names a server. Circles and their members are
// written with SQL, as the membership migrations define them.
#include "services/membership/meeting_store.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/api/date.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/business_history_store.h"
#include "services/membership/context.h"
#include "tests/support/servers.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

enum class Backend { kSqlite, kPostgres };

int64_t Micros(absl::CivilSecond when) {
  return absl::ToUnixMicros(absl::FromCivil(when, absl::UTCTimeZone()));
}

class MeetingStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string url = "sqlite::memory:";
    if (GetParam() == Backend::kPostgres) {
      base_url_ = cercles::testing::PostgresBaseUrlFromEnv();
      if (base_url_.empty()) GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set";
      auto created = cercles::testing::CreatePostgresDatabase(base_url_, "meeting_store");
      ASSERT_TRUE(created.ok()) << created.status();
      url = pg_url_ = *created;
    }
    auto db = storage::Database::Open(url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    absl::Status migrated = MigrateMembership(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }

  void TearDown() override {
    db_.reset();
    if (!pg_url_.empty()) cercles::testing::DropPostgresDatabase(base_url_, pg_url_);
  }

  void Exec(const std::string& sql, const std::vector<storage::Value>& params) {
    absl::Status status = storage::RunInTransaction(
        *db_, storage::TxMode::kWrite,
        [&](storage::Transaction& tx) { return tx.Exec(sql, params).status(); });
    ASSERT_TRUE(status.ok()) << status << " in " << sql;
  }

  int64_t AddCircle(v1::CircleStatus status) {
    int64_t id = 0;
    absl::Status added =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          auto rows = tx.Query(
              "INSERT INTO circles (display_name, status, member_count, create_time_us, "
              "update_time_us) VALUES ('Cercle', ?, 0, 0, 0) RETURNING id",
              {static_cast<int64_t>(status)});
          if (!rows.ok()) return rows.status();
          id = (*rows)[0].Int(0);
          return absl::OkStatus();
        });
    EXPECT_TRUE(added.ok()) << added;
    return id;
  }

  void AddMember(int64_t circle, int64_t person, absl::CivilSecond joined,
                 std::optional<absl::CivilSecond> left = std::nullopt) {
    Exec(
        "INSERT INTO circle_members (circle_id, person_id, join_time_us, join_reason, "
        "leave_time_us, leave_reason) VALUES (?, ?, ?, 'joined', ?, ?)",
        {circle, person, Micros(joined),
         left.has_value() ? storage::Value(Micros(*left)) : storage::Value(storage::Null{}),
         left.has_value() ? storage::Value(std::string("left")) : storage::Value(storage::Null{})});
  }

  std::unique_ptr<storage::Transaction> Begin(storage::TxMode mode = storage::TxMode::kWrite) {
    auto tx = db_->Begin(mode);
    EXPECT_TRUE(tx.ok()) << tx.status();
    return std::move(*tx);
  }

  // A valid draft for `day` with these people present.
  static MeetingDraft Draft(absl::CivilDay day, const std::vector<int64_t>& present,
                            const std::string& minutes = "minutes") {
    v1::Meeting meeting;
    *meeting.mutable_meeting_date() = api::DateFromDay(day);
    for (int64_t person : present) {
      v1::Attendance* entry = meeting.add_attendance();
      entry->set_person("people/" + std::to_string(person));
      entry->set_status(v1::ATTENDANCE_STATUS_PRESENT);
    }
    meeting.set_minutes(minutes);
    auto draft = DraftMeeting(meeting, absl::CivilDay(2030, 1, 1));
    EXPECT_TRUE(draft.ok()) << draft.status();
    return *draft;
  }

  v1::Meeting Insert(int64_t circle, const MeetingDraft& draft) {
    auto tx = Begin();
    auto meeting = store_.InsertMeeting(*tx, circle, draft, "staff:bob", absl::FromUnixSeconds(1));
    EXPECT_TRUE(meeting.ok()) << meeting.status();
    EXPECT_TRUE(tx->Commit().ok());
    return meeting.value_or(v1::Meeting());
  }

  std::string base_url_, pg_url_;
  std::unique_ptr<storage::Database> db_;
  MeetingStore store_;
};

TEST_P(MeetingStoreTest, MembersOfADayAreThoseWhoseStayOverlapsIt) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  const absl::CivilDay day(2024, 3, 5);
  AddMember(circle, 1, absl::CivilSecond(2024, 1, 1, 0, 0, 0));  // current
  AddMember(circle, 2, absl::CivilSecond(2024, 1, 1, 0, 0, 0),
            absl::CivilSecond(2024, 3, 4, 23, 59, 59));  // left before
  AddMember(circle, 3, absl::CivilSecond(2024, 1, 1, 0, 0, 0),
            absl::CivilSecond(2024, 3, 5, 10, 0, 0));               // left that day
  AddMember(circle, 4, absl::CivilSecond(2024, 3, 5, 23, 59, 59));  // joined that day
  AddMember(circle, 5, absl::CivilSecond(2024, 3, 6, 0, 0, 0));     // joined after
  AddMember(circle, 6, absl::CivilSecond(2024, 1, 1, 0, 0, 0),
            absl::CivilSecond(2024, 3, 5, 0, 0, 0));  // left at midnight
  AddMember(circle, 7, absl::CivilSecond(2024, 1, 1, 0, 0, 0),
            absl::CivilSecond(2024, 2, 1, 0, 0, 0));             // left, then
  AddMember(circle, 7, absl::CivilSecond(2024, 3, 1, 0, 0, 0));  // came back
  const int64_t other = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  AddMember(other, 8, absl::CivilSecond(2024, 1, 1, 0, 0, 0));

  auto tx = Begin(storage::TxMode::kRead);
  auto members = store_.MembersDuring(*tx, circle, absl::FromCivil(day, absl::UTCTimeZone()),
                                      absl::FromCivil(day + 1, absl::UTCTimeZone()));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(*members, ElementsAre(1, 3, 4, 7));
}

TEST_P(MeetingStoreTest, MeetingRoundTripsWithAttendanceOrderAndFollowUps) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  v1::Meeting meeting;
  *meeting.mutable_meeting_date() = api::DateFromDay(absl::CivilDay(2024, 3, 5));
  for (auto [person, status] :
       std::vector<std::pair<int64_t, v1::AttendanceStatus>>{{30, v1::ATTENDANCE_STATUS_LATE},
                                                             {10, v1::ATTENDANCE_STATUS_PRESENT},
                                                             {20, v1::ATTENDANCE_STATUS_EXCUSED}}) {
    v1::Attendance* entry = meeting.add_attendance();
    entry->set_person("people/" + std::to_string(person));
    entry->set_status(status);
  }
  meeting.mutable_attendance(2)->set_note("family");
  meeting.set_minutes("Ordre du jour : « bilan » ; ça va ? 'quotes' ok");
  for (int64_t person : {20, 30}) {
    v1::BusinessFollowUp* f = meeting.add_follow_ups();
    f->set_person("people/" + std::to_string(person));
    f->set_progress("progress of " + std::to_string(person));
    f->add_help_offered(v1::HELP_KIND_ADVICE);
    f->add_help_offered(v1::HELP_KIND_INFORMATION);
  }
  meeting.mutable_follow_ups(1)->add_help_offered(v1::HELP_KIND_OTHER);
  meeting.mutable_follow_ups(1)->set_help_details("a stall at the market");
  auto draft = DraftMeeting(meeting, absl::CivilDay(2024, 3, 5));
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::Meeting stored = Insert(circle, *draft);
  EXPECT_THAT(stored.name(), HasSubstr("circles/" + std::to_string(circle) + "/meetings/"));
  EXPECT_EQ(stored.record_principal(), "staff:bob");

  auto tx = Begin(storage::TxMode::kRead);
  auto key = ParseMeetingName(stored.name(), "name");
  ASSERT_TRUE(key.ok());
  auto read = store_.GetMeeting(*tx, *key);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->SerializeAsString(), stored.SerializeAsString())
      << (*read)->DebugString() << "\nvs\n"
      << stored.DebugString();
  EXPECT_EQ((*read)->attendance(0).person(), "people/30");  // the order sent
  EXPECT_EQ((*read)->counts().attendance_rate_basis_points(), 6667);

  // Another circle's id with this meeting's id: not found.
  auto wrong = store_.GetMeeting(*tx, MeetingKey{circle + 1, key->meeting_id});
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->has_value());
  auto on = store_.MeetingOn(*tx, circle, absl::CivilDay(2024, 3, 5));
  ASSERT_TRUE(on.ok());
  EXPECT_EQ(on->value_or(0), key->meeting_id);
  EXPECT_FALSE(store_.MeetingOn(*tx, circle, absl::CivilDay(2024, 3, 6))->has_value());
}

TEST_P(MeetingStoreTest, OneMeetingPerCircleADayEvenWhenRacing) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  Insert(circle, Draft(absl::CivilDay(2024, 3, 5), {1}));
  auto tx = Begin();
  auto again = store_.InsertMeeting(*tx, circle, Draft(absl::CivilDay(2024, 3, 5), {1}),
                                    "staff:bob", absl::FromUnixSeconds(2));
  EXPECT_THAT(again.status(), StatusIs(absl::StatusCode::kAlreadyExists)) << again.status();
}

TEST_P(MeetingStoreTest, ListsNewestFirstWithinARangeAndAfterAPosition) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  const int64_t other = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  // Recorded out of order on purpose.
  for (int day : {10, 3, 24, 17}) Insert(circle, Draft(absl::CivilDay(2024, 4, day), {1, 2}));
  Insert(other, Draft(absl::CivilDay(2024, 4, 11), {9}));

  auto tx = Begin(storage::TxMode::kRead);
  auto dates = [](const std::vector<v1::Meeting>& meetings) {
    std::vector<int> days;
    for (const auto& m : meetings) days.push_back(m.meeting_date().day());
    return days;
  };
  auto all = store_.ListMeetings(*tx, circle, DayRange{}, std::nullopt, 10, /*full=*/false);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(dates(*all), ElementsAre(24, 17, 10, 3));
  EXPECT_TRUE((*all)[0].minutes().empty());  // basic view
  EXPECT_EQ((*all)[0].attendance_size(), 2);
  EXPECT_EQ((*all)[0].counts().present(), 2);

  DayRange range{absl::CivilDay(2024, 4, 4), absl::CivilDay(2024, 4, 17)};
  auto ranged = store_.ListMeetings(*tx, circle, range, std::nullopt, 10, /*full=*/true);
  ASSERT_TRUE(ranged.ok());
  EXPECT_THAT(dates(*ranged), ElementsAre(17, 10));
  EXPECT_EQ((*ranged)[0].minutes(), "minutes");

  auto key = ParseMeetingName((*all)[1].name(), "name");
  MeetingListPosition after{"2024-04-17", key->meeting_id};
  auto next = store_.ListMeetings(*tx, circle, DayRange{}, after, 1, false);
  ASSERT_TRUE(next.ok());
  EXPECT_THAT(dates(*next), ElementsAre(10));

  auto count = store_.CountMeetings(*tx, circle, range);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(*store_.CountMeetings(*tx, circle, DayRange{}), 4);
}

TEST_P(MeetingStoreTest, TallyCountsAttendanceByPersonAndStatusWithinARange) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  MeetingDraft first = Draft(absl::CivilDay(2024, 5, 1), {1, 2, 3});
  first.meeting.mutable_attendance(2)->set_status(v1::ATTENDANCE_STATUS_EXCUSED);
  Insert(circle, first);
  MeetingDraft second = Draft(absl::CivilDay(2024, 5, 8), {1, 2});
  second.meeting.mutable_attendance(1)->set_status(v1::ATTENDANCE_STATUS_LATE);
  Insert(circle, second);
  Insert(circle, Draft(absl::CivilDay(2024, 6, 1), {1}));

  auto tx = Begin(storage::TxMode::kRead);
  auto tallies =
      store_.TallyAttendance(*tx, circle, DayRange{std::nullopt, absl::CivilDay(2024, 5, 31)});
  ASSERT_TRUE(tallies.ok()) << tallies.status();
  auto summary = SummariseAttendance("circles/1", 2, *tallies);
  ASSERT_EQ(summary.members_size(), 3);
  EXPECT_EQ(summary.members(0).counts().present(), 2);
  EXPECT_EQ(summary.members(1).counts().late(), 1);
  EXPECT_EQ(summary.members(1).counts().present(), 1);
  EXPECT_EQ(summary.members(2).counts().excused(), 1);
  EXPECT_EQ(summary.circle_counts().expected(), 5);
  EXPECT_EQ(summary.circle_counts().attendance_rate_basis_points(), 8000);
}

TEST_P(MeetingStoreTest, ScheduleIsCreatedThenReplaced) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_FORMING);
  v1::MeetingSchedule requested;
  requested.set_name(MeetingScheduleName(circle));
  requested.set_frequency(v1::MEETING_FREQUENCY_MONTHLY);
  *requested.mutable_first_meeting_date() = api::DateFromDay(absl::CivilDay(2024, 1, 31));
  requested.set_location("Café");
  auto draft = DraftSchedule(requested);
  ASSERT_TRUE(draft.ok()) << draft.status();
  {
    auto tx = Begin();
    EXPECT_FALSE(store_.GetSchedule(*tx, circle)->has_value());
    ASSERT_TRUE(store_.PutSchedule(*tx, *draft, "staff:alice", absl::FromUnixSeconds(10)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  requested.set_frequency(v1::MEETING_FREQUENCY_WEEKLY);
  requested.set_location("");
  draft = DraftSchedule(requested);
  {
    auto tx = Begin();
    ASSERT_TRUE(store_.PutSchedule(*tx, *draft, "staff:bob", absl::FromUnixSeconds(20)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(storage::TxMode::kRead);
  auto schedule = store_.GetSchedule(*tx, circle);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  ASSERT_TRUE(schedule->has_value());
  EXPECT_EQ((*schedule)->frequency(), v1::MEETING_FREQUENCY_WEEKLY);
  EXPECT_EQ((*schedule)->location(), "");
  EXPECT_EQ((*schedule)->update_principal(), "staff:bob");
  EXPECT_EQ((*schedule)->update_time().seconds(), 20);
  EXPECT_EQ((*schedule)->first_meeting_date().day(), 31);
  EXPECT_EQ((*schedule)->name(), MeetingScheduleName(circle));
  auto status = store_.CircleStatusOf(*tx, circle);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->value_or(v1::CIRCLE_STATUS_UNSPECIFIED), v1::CIRCLE_STATUS_FORMING);
  EXPECT_FALSE(store_.CircleStatusOf(*tx, circle + 100)->has_value());
}

// A person's business history: newest first by meeting day (a meeting recorded
// late sorts by its day), paged after a position, and "latest" by the same order.
TEST_P(MeetingStoreTest, BusinessHistoryIsNewestFirstByMeetingDay) {
  const int64_t circle = AddCircle(v1::CIRCLE_STATUS_ACTIVE);
  const auto with_outcome = [](absl::CivilDay day, v1::BusinessStage stage) {
    MeetingDraft draft = Draft(day, {7});
    v1::BusinessFollowUp* follow_up = draft.meeting.add_follow_ups();
    follow_up->set_person("people/7");
    follow_up->mutable_outcome()->set_stage(stage);
    follow_up->mutable_outcome()->mutable_jobs_kept()->set_part_time(2);
    draft.follow_up_ids.push_back(7);
    return draft;
  };
  const v1::Meeting march =
      Insert(circle, with_outcome(absl::CivilDay(2024, 3, 5), v1::BUSINESS_STAGE_OPERATING));
  // Recorded after March's, held before it.
  const v1::Meeting february =
      Insert(circle, with_outcome(absl::CivilDay(2024, 2, 5), v1::BUSINESS_STAGE_STARTING));
  const v1::Meeting plain = Insert(circle, Draft(absl::CivilDay(2024, 4, 2), {7}));
  auto tx = Begin();
  BusinessHistoryStore history;
  const int64_t march_id = ParseMeetingName(march.name(), "name")->meeting_id;
  const int64_t february_id = ParseMeetingName(february.name(), "name")->meeting_id;
  EXPECT_TRUE(*history.IsLatest(*tx, 7, absl::CivilDay(2024, 3, 5), march_id));
  EXPECT_FALSE(*history.IsLatest(*tx, 7, absl::CivilDay(2024, 2, 5), february_id));
  auto all = history.List(*tx, 7, std::nullopt, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);  // the April meeting has no outcome
  EXPECT_EQ((*all)[0].meeting(), march.name());
  EXPECT_EQ((*all)[0].outcome().stage(), v1::BUSINESS_STAGE_OPERATING);
  EXPECT_EQ((*all)[0].outcome().jobs_kept().part_time(), 2);
  EXPECT_FALSE((*all)[0].outcome().has_jobs_created());  // not given: NULL, not 0/0
  EXPECT_EQ((*all)[0].record_principal(), "staff:bob");
  EXPECT_EQ((*all)[1].meeting(), february.name());
  auto rest = history.List(*tx, 7, MeetingListPosition{"2024-03-05", march_id}, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].meeting(), february.name());
  EXPECT_TRUE(history.List(*tx, 8, std::nullopt, 10)->empty());
  // GetMeeting shows the outcome with its follow-up.
  auto got = store_.GetMeeting(*tx, *ParseMeetingName(march.name(), "name"));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->follow_ups(0).outcome().stage(), v1::BUSINESS_STAGE_OPERATING);
  EXPECT_TRUE(store_.GetMeeting(*tx, *ParseMeetingName(plain.name(), "name"))
                  ->value()
                  .follow_ups()
                  .empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, MeetingStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace cercles::membership
