// Reminders of instalments through the real processes on each engine (issue 12,
// item 7): RunReminders records each (loan, instalment, stage) once, whoever
// runs it and however often (replayed by its request_id, another request_id, the
// periodic job at lending's start after a kill -9); the feed filters and is
// scoped to an advisor's circles; the fund's reminder_days_before is validated.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::HasSubstr;

class ReminderFeedTest : public LendingFixture {
 protected:
  lv1::RunRemindersResponse Run(const std::string& request_id, absl::CivilDay day,
                                grpc::Status* status_out = nullptr) {
    lv1::RunRemindersRequest request;
    request.set_request_id(request_id);
    *request.mutable_date() = ToDate(day);
    lv1::RunRemindersResponse response;
    const grpc::Status status = lending_->RunReminders(Admin().get(), request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  // "#1 UPCOMING 0", "#1 OVERDUE 1" of what `who` lists with `request`.
  std::vector<std::string> List(grpc::ClientContext* who, const lv1::ListRemindersRequest& request,
                                grpc::Status* status_out = nullptr) {
    lv1::ListRemindersResponse response;
    const grpc::Status status = lending_->ListReminders(who, request, &response);
    if (status_out != nullptr) *status_out = status;
    if (status_out == nullptr) EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> out;
    for (const lv1::Reminder& r : response.reminders()) {
      out.push_back(absl::StrCat("#", r.instalment_number(), " ",
                                 lv1::ReminderStage_Name(r.stage()), " ", r.days_late()));
    }
    return out;
  }
};

TEST_P(ReminderFeedTest, EachStageIsProducedOnceAcrossRunsAndRestarts) {
  std::vector<std::string> members;
  const std::string circle = Circle("Tisserandes", 4, &members);
  // Disbursed 40 days ago: instalment 1 fell due 10 to 13 days ago, 2 is weeks away.
  const ActiveLoan loan = Disburse(circle, members, 0, 40'000, FundToday() - 40);
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay first_due = FromDate(loan.schedule.instalments(0).due_date());

  lv1::RunRemindersResponse upcoming = Run("remind-1", first_due - 3);
  EXPECT_EQ(upcoming.produced(), 1);
  EXPECT_EQ(FromDate(upcoming.date()), first_due - 3);
  // Replayed by its request_id: the first answer; another request_id: nothing new.
  EXPECT_EQ(Run("remind-1", first_due - 3).produced(), 1);
  EXPECT_EQ(Run("remind-2", first_due - 3).produced(), 0);
  EXPECT_EQ(Run("remind-3", first_due - 1).produced(), 0);
  EXPECT_EQ(Run("remind-4", first_due + 1).produced(), 1);

  // Lending killed and restarted: its job runs at once for today (instalment 1 is
  // still at the first step of the ladder) and records nothing twice.
  suite_->KillService("lending");
  ASSERT_TRUE(suite_->StartService("lending").ok());
  EXPECT_EQ(Run("remind-5", FundToday()).produced(), 0);
  EXPECT_EQ(Run("remind-6", first_due + 1).produced(), 0);

  lv1::ListRemindersRequest all;
  EXPECT_THAT(List(Admin().get(), all), ::testing::ElementsAre("#1 REMINDER_STAGE_UPCOMING 0",
                                                               "#1 REMINDER_STAGE_OVERDUE 1"));
  lv1::ListRemindersResponse listed;
  ASSERT_TRUE(lending_->ListReminders(Admin().get(), all, &listed).ok());
  ASSERT_EQ(listed.reminders_size(), 2);
  const lv1::Reminder& first = listed.reminders(0);
  EXPECT_EQ(first.loan(), loan.name());
  EXPECT_EQ(first.borrower(), members[0]);
  EXPECT_EQ(first.circle(), circle);
  EXPECT_EQ(FromDate(first.due_date()), first_due);
  EXPECT_EQ(FromDate(first.reminder_date()), first_due - 3);
  EXPECT_EQ(first.amount_due().minor_units(),
            loan.schedule.instalments(0).principal().minor_units() +
                loan.schedule.instalments(0).interest().minor_units());

  // Filters.
  lv1::ListRemindersRequest overdue;
  overdue.set_stage(lv1::REMINDER_STAGE_OVERDUE);
  overdue.set_borrower(members[0]);
  EXPECT_THAT(List(Admin().get(), overdue), ::testing::ElementsAre("#1 REMINDER_STAGE_OVERDUE 1"));
  lv1::ListRemindersRequest dated;
  *dated.mutable_from_date() = ToDate(first_due);
  EXPECT_THAT(List(Admin().get(), dated), ::testing::ElementsAre("#1 REMINDER_STAGE_OVERDUE 1"));
  lv1::ListRemindersRequest paged;
  paged.set_page_size(1);
  lv1::ListRemindersResponse page;
  ASSERT_TRUE(lending_->ListReminders(Admin().get(), paged, &page).ok());
  EXPECT_EQ(page.reminders_size(), 1);
  EXPECT_FALSE(page.next_page_token().empty());

  // Advisors: Bob advises the circle, Dora none of it.
  EXPECT_EQ(List(Bob().get(), all).size(), 2u);
  EXPECT_TRUE(List(Dora().get(), all).empty());
  lv1::ListRemindersRequest of_circle;
  of_circle.set_circle(circle);
  grpc::Status status;
  List(Dora().get(), of_circle, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
}

TEST_P(ReminderFeedTest, EveryFieldIsValidatedWithItsRule) {
  grpc::Status status;
  Run("bad-date", FundToday() + 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("date must not be after today"));
  Run("bad-year", absl::CivilDay(1899, 12, 31), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("date must be from year 1900"));
  Run("", FundToday(), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("request_id"));

  struct Case {
    std::string message;
    lv1::ListRemindersRequest request;
  };
  std::vector<Case> cases(5);
  cases[0].message = "loan";
  cases[0].request.set_loan("prets/1");
  cases[1].message = "borrower";
  cases[1].request.set_borrower("people/x");
  cases[2].message = "circle";
  cases[2].request.set_circle("cercles/1");
  cases[3].message = "stage must be unset";
  cases[3].request.set_stage(static_cast<lv1::ReminderStage>(7));
  cases[4].message = "to_date must not be before from_date";
  *cases[4].request.mutable_from_date() = ToDate(FundToday());
  *cases[4].request.mutable_to_date() = ToDate(FundToday() - 1);
  for (const Case& c : cases) {
    List(Admin().get(), c.request, &status);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }

  // The fund's setting: 0 to 30 days, named.
  lv1::GetFundSettingsResponse current;
  ASSERT_TRUE(
      lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current).ok());
  EXPECT_EQ(current.settings().reminder_days_before(), 3);
  lv1::UpdateFundSettingsRequest update;
  update.set_request_id("reminder-days-31");
  update.set_reason("Trop tôt");
  *update.mutable_settings() = current.settings();
  update.mutable_settings()->set_reminder_days_before(31);
  lv1::UpdateFundSettingsResponse updated;
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("settings.reminder_days_before must lie in 0..30"));
  update.set_request_id("reminder-days-0");
  update.mutable_settings()->set_reminder_days_before(0);
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(updated.settings().has_reminder_days_before());
  EXPECT_EQ(updated.settings().reminder_days_before(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReminderFeedTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
