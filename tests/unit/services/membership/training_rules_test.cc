#include "services/membership/training_rules.h"

#include <functional>

#include "common/api/resource_name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/people_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

Training NineWeeks() {
  Training t;
  t.set_display_name(" Démarrer son entreprise — automne 2024 ");
  *t.mutable_start_date() = MakeDate(2024, 9, 3);
  *t.mutable_end_date() = MakeDate(2024, 10, 29);
  return t;
}

TEST(TrainingNameTest, ParsesOnlyPositiveIds) {
  EXPECT_EQ(*api::ParseName("trainings/7", "trainings", "name"), 7);
  EXPECT_EQ(TrainingName(7), "trainings/7");
  EXPECT_EQ(EnrolmentName(7, 12), "trainings/7/enrolments/12");
  for (const char* bad : {"", "trainings/", "trainings/0", "trainings/-1", "training/3",
                          "trainings/3/enrolments/4", "circles/3"}) {
    auto parsed = api::ParseName(bad, "trainings", "cohort");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("cohort must be"));
  }
}

TEST(DraftNewTrainingTest, KeepsAValidTrainingTrimmedWithoutCounts) {
  Training requested = NineWeeks();
  requested.set_name("trainings/9");
  requested.set_enrolled_count(4);
  auto draft = DraftNewTraining(requested);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->display_name(), "Démarrer son entreprise — automne 2024");
  EXPECT_EQ(draft->name(), "");
  EXPECT_EQ(draft->enrolled_count(), 0);
  EXPECT_EQ(draft->start_date().month(), 9);
  // A one-day training is fine.
  requested.mutable_end_date()->CopyFrom(requested.start_date());
  EXPECT_TRUE(DraftNewTraining(requested).ok());
}

TEST(DraftNewTrainingTest, EachBrokenRuleNamesItsField) {
  struct Case {
    std::function<void(Training&)> mutate;
    std::string field;
    std::string rule;
  };
  std::vector<Case> cases = {
      {[](Training& t) { t.set_display_name(""); }, "training.display_name", "1 to 120"},
      {[](Training& t) { t.set_display_name(std::string(121, 'x')); }, "training.display_name",
       "1 to 120"},
      {[](Training& t) { t.set_display_name("a\nb"); }, "training.display_name", "control"},
      {[](Training& t) { t.clear_start_date(); }, "training.start_date", "is required"},
      {[](Training& t) { t.clear_end_date(); }, "training.end_date", "is required"},
      {[](Training& t) { *t.mutable_start_date() = MakeDate(2024, 9, 31); }, "training.start_date",
       "real calendar day"},
      {[](Training& t) { *t.mutable_end_date() = MakeDate(2024, 2, 30); }, "training.end_date",
       "real calendar day"},
      {[](Training& t) { *t.mutable_end_date() = MakeDate(2024, 9, 2); }, "training.end_date",
       "on or after training.start_date"},
      {[](Training& t) { *t.mutable_end_date() = MakeDate(2026, 9, 5); }, "training.end_date",
       "at most 731 days"},
  };
  for (const Case& test_case : cases) {
    Training t = NineWeeks();
    test_case.mutate(t);
    auto draft = DraftNewTraining(t);
    EXPECT_THAT(draft.status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(test_case.field + " "), HasSubstr(test_case.rule))))
        << test_case.field;
  }
}

TEST(DraftNewTrainingTest, ReportsEveryViolation) {
  Training t;
  auto draft = DraftNewTraining(t);
  ASSERT_THAT(draft, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(draft.status().message(),
              AllOf(HasSubstr("training.display_name"), HasSubstr("training.start_date"),
                    HasSubstr("training.end_date")));
}

TEST(CompletionDateTest, NotBeforeTheStartNorInTheFuture) {
  Training t = NineWeeks();
  t.set_name("trainings/3");
  const absl::CivilDay today(2024, 11, 5);
  EXPECT_TRUE(CheckCompletionDate(MakeDate(2024, 10, 29), t, today).ok());
  EXPECT_TRUE(CheckCompletionDate(MakeDate(2024, 9, 3), t, today).ok());
  EXPECT_TRUE(CheckCompletionDate(MakeDate(2024, 11, 6), t, today).ok());  // a time zone ahead
  auto early = CheckCompletionDate(MakeDate(2024, 9, 2), t, today);
  EXPECT_THAT(early, StatusIs(absl::StatusCode::kInvalidArgument,
                              AllOf(HasSubstr("completion_date"), HasSubstr("trainings/3"),
                                    HasSubstr("2024-09-03"))));
  auto future = CheckCompletionDate(MakeDate(2024, 11, 7), t, today);
  EXPECT_THAT(future, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("future")));
  EXPECT_THAT(CheckCompletionDate(MakeDate(2024, 11, 31), t, today),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace cercles::membership
