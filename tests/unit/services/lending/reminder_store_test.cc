// The reminders job's SQL on each engine (services/lending/reminder_store.h):
// what is due is recorded once per (loan, instalment, stage), each with one
// ReminderProduced event carrying ids, dates and amounts only; the feed's
// filters; the fund's reminder_days_before.
#include "services/lending/reminder_store.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/events/outbox.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/loan_store.h"
#include "services/lending/settings_store.h"
#include "tests/unit/services/lending/lending_test_db.h"

namespace cercles::lending {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);
constexpr absl::CivilDay kFirstDue(2026, 3, 10);

class ReminderStoreTest : public LendingDbTest {
 protected:
  void SetUp() override {
    LendingDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    loan_a_ = AddLoan("people/1", "circles/1", LoanState::kActive);
    loan_b_ = AddLoan("people/2", "circles/2", LoanState::kActive);
    AddLoan("people/3", "circles/1", LoanState::kClosedRepaid);  // never reminded
  }

  // $300.00 in 3 monthly instalments of $100.00 from kFirstDue, no interest.
  int64_t AddLoan(const std::string& applicant, const std::string& circle, LoanState state) {
    LoanRecord loan;
    loan.applicant = applicant;
    loan.circle = circle;
    loan.state = state;
    loan.request.amount_cents = 30'000;
    loan.request.purpose = "Stock";
    loan.request.business_plan_summary = "Market stall";
    loan.request.instalment_count = 3;
    loan.ceiling_cents = 50'000;
    loan.submitted_by = "staff:alice";
    loan.create_time = kNow;
    loan.update_time = kNow;
    ScheduleTerms terms;
    terms.principal_cents = 30'000;
    terms.instalment_count = 3;
    terms.frequency = Frequency::kMonthly;
    terms.first_due = kFirstDue;
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    EXPECT_TRUE(schedule.ok()) << schedule.status();
    int64_t id = 0;
    EXPECT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(id, InsertLoan(tx, loan));
                  return InsertSchedule(tx, id, *schedule);
                }).ok());
    return id;
  }

  int32_t Run(absl::CivilDay day) {
    int32_t produced = -1;
    const absl::Status status = Write([&](storage::Transaction& tx) -> absl::Status {
      CERCLES_ASSIGN_OR_RETURN(produced, RecordDueReminders(tx, "fund-test", day, kNow));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return produced;
  }

  // "loans/1 #1 UPCOMING 0" of the listed reminders.
  std::vector<std::string> List(const ReminderFilter& filter = {}) {
    std::vector<std::string> out;
    const absl::Status status = Read([&](storage::Transaction& tx) -> absl::Status {
      CERCLES_ASSIGN_OR_RETURN(std::vector<ReminderRecord> rows,
                               ListReminderRecords(tx, filter, 0, 100));
      for (const ReminderRecord& r : rows) {
        out.push_back(absl::StrCat("loans/", r.loan_id, " #", r.reminder.instalment, " ",
                                   r.reminder.StageKey()));
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  std::vector<v1::Reminder> Events() {
    std::vector<v1::Reminder> out;
    absl::StatusOr<std::vector<cercles::common::v1::Event>> events =
        events::ReadEvents(*db_, 0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const cercles::common::v1::Event& e : *events) {
      v1::ReminderProduced produced;
      if (e.payload().UnpackTo(&produced)) out.push_back(produced.reminder());
    }
    return out;
  }

  int64_t loan_a_ = 0;
  int64_t loan_b_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Engines, ReminderStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

TEST_P(ReminderStoreTest, EachStageIsRecordedAndAnnouncedOnce) {
  EXPECT_EQ(Run(kFirstDue - 4), 0);  // the default: from 3 days before
  EXPECT_EQ(Run(kFirstDue - 3), 2);  // both active loans, not the repaid one
  EXPECT_EQ(Run(kFirstDue - 3), 0);  // the same day again
  EXPECT_EQ(Run(kFirstDue), 0);      // the same stage on a later day
  EXPECT_EQ(Run(kFirstDue + 1), 2);  // one day late
  EXPECT_EQ(Run(kFirstDue + 1), 0);
  const std::string a = absl::StrCat("loans/", loan_a_);
  const std::string b = absl::StrCat("loans/", loan_b_);
  EXPECT_THAT(List(), ElementsAre(a + " #1 UPCOMING", b + " #1 UPCOMING", a + " #1 OVERDUE_1",
                                  b + " #1 OVERDUE_1"));
  const std::vector<v1::Reminder> events = Events();
  ASSERT_EQ(events.size(), 4u);
  const v1::Reminder& first = events[0];
  EXPECT_EQ(first.loan(), a);
  EXPECT_EQ(first.borrower(), "people/1");
  EXPECT_EQ(first.circle(), "circles/1");
  EXPECT_EQ(first.instalment_number(), 1);
  EXPECT_EQ(first.stage(), v1::REMINDER_STAGE_UPCOMING);
  EXPECT_EQ(first.amount_due().minor_units(), 10'000);
  EXPECT_EQ(first.due_date().day(), 10);
  EXPECT_EQ(first.reminder_date().day(), 7);
  EXPECT_EQ(events[2].stage(), v1::REMINDER_STAGE_OVERDUE);
  EXPECT_EQ(events[2].days_late(), 1);
}

TEST_P(ReminderStoreTest, TheFeedFilters) {
  Run(kFirstDue - 1);
  Run(kFirstDue + 1);
  const std::string a = absl::StrCat("loans/", loan_a_);
  ReminderFilter by_loan;
  by_loan.loan_id = loan_a_;
  EXPECT_THAT(List(by_loan), ElementsAre(a + " #1 UPCOMING", a + " #1 OVERDUE_1"));
  ReminderFilter by_borrower;
  by_borrower.borrower = "people/1";
  by_borrower.stage = ReminderStage::kOverdue;
  EXPECT_THAT(List(by_borrower), ElementsAre(a + " #1 OVERDUE_1"));
  ReminderFilter by_circle;
  by_circle.circle = "circles/1";
  by_circle.stage = ReminderStage::kUpcoming;
  EXPECT_THAT(List(by_circle), ElementsAre(a + " #1 UPCOMING"));
  ReminderFilter by_date;
  by_date.from_date = kFirstDue;
  by_date.to_date = kFirstDue + 5;
  EXPECT_EQ(List(by_date).size(), 2u);
  by_date.to_date = kFirstDue - 1;
  by_date.from_date = kFirstDue - 1;
  EXPECT_EQ(List(by_date).size(), 2u);
  ReminderFilter scoped;
  scoped.circles_in = std::vector<std::string>{"circles/2"};
  EXPECT_EQ(List(scoped).size(), 2u);
  scoped.circles_in = std::vector<std::string>{};
  EXPECT_THAT(List(scoped), IsEmpty());
}

TEST_P(ReminderStoreTest, DaysBeforeIsTheFundsSetting) {
  FundSettings settings;
  settings.reminder_days_before = 0;  // upcoming notices off
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) { return SaveSettings(tx, settings, kNow); }).ok());
  EXPECT_EQ(Run(kFirstDue), 0);
  EXPECT_EQ(Run(kFirstDue + 1), 2);  // overdue notices still
  settings.reminder_days_before = 10;
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) { return SaveSettings(tx, settings, kNow); }).ok());
  EXPECT_EQ(Run(kFirstDue + 31 - 10), 2);  // instalment 2, due Apr 10
  EXPECT_EQ(Run(kFirstDue + 31 - 10), 0);
}

}  // namespace
}  // namespace cercles::lending
