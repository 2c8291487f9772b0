#include "services/membership/circle_rules.h"

#include "common/api/resource_name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

Characteristic Make(v1::CharacteristicKind kind, const std::string& value,
                    const std::string& custom = "") {
  Characteristic c;
  c.set_kind(kind);
  c.set_value(value);
  c.set_custom_kind(custom);
  return c;
}

TEST(CircleNameTest, ParsesOnlyPositiveIds) {
  EXPECT_EQ(*api::ParseName("circles/42", "circles", "name"), 42);
  EXPECT_EQ(CircleName(42), "circles/42");
  for (const char* bad : {"", "circles/", "circles/0", "circles/-3", "circles/4x", "circle/4",
                          "funds/a/circles/4", "circles/99999999999999999999999"}) {
    auto parsed = api::ParseName(bad, "circles", "request.name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("request.name"));
  }
}

TEST(DraftNewCircleTest, StartsFormingWithNormalisedFields) {
  Circle requested;
  requested.set_display_name("  Les Entreprenantes  ");
  requested.set_status(v1::CIRCLE_STATUS_ACTIVE);  // output only: ignored
  requested.set_member_count(6);                   // output only: ignored
  *requested.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, " food ");
  *requested.add_characteristics() =
      Make(v1::CHARACTERISTIC_KIND_OTHER, "yes", " Microcredit-Alumni ");
  auto draft = DraftNewCircle(requested);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->display_name(), "Les Entreprenantes");
  EXPECT_EQ(draft->status(), v1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(draft->member_count(), 0);
  EXPECT_EQ(draft->characteristics(0).value(), "food");
  EXPECT_EQ(draft->characteristics(1).custom_kind(), "microcredit-alumni");
}

TEST(DraftNewCircleTest, EachBrokenRuleNamesItsField) {
  struct Case {
    std::function<void(Circle&)> mutate;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](Circle& c) { c.set_display_name(""); }, "circle.display_name"},
      {[](Circle& c) { c.set_display_name(std::string(121, 'x')); }, "circle.display_name"},
      {[](Circle& c) { c.set_display_name("a\nb"); }, "circle.display_name"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_UNSPECIFIED, "x"); },
       "circle.characteristics[0].kind"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, ""); },
       "circle.characteristics[0].value"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_OTHER, "x"); },
       "circle.characteristics[0].custom_kind"},
      {[](Circle& c) { *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "x", "k"); },
       "circle.characteristics[0].custom_kind"},
      {[](Circle& c) {
         *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
         *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
       },
       "circle.characteristics[1]"},
      {[](Circle& c) {
         for (int i = 0; i < 17; ++i) {
           *c.add_characteristics() = Make(v1::CHARACTERISTIC_KIND_SECTOR, std::to_string(i));
         }
       },
       "circle.characteristics"},
  };
  for (const Case& test_case : cases) {
    Circle c;
    c.set_display_name("Cercle");
    test_case.mutate(c);
    auto draft = DraftNewCircle(c);
    EXPECT_THAT(draft.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(test_case.field)))
        << test_case.field;
  }
}

TEST(LifecycleRulesTest, AtMostSevenMembersAndOnlyInCirclesThatTakeMembers) {
  EXPECT_TRUE(CheckCanAddMember(v1::CIRCLE_STATUS_FORMING, 0, "circles/1").ok());
  EXPECT_TRUE(CheckCanAddMember(v1::CIRCLE_STATUS_ACTIVE, 6, "circles/1").ok());
  EXPECT_TRUE(CheckCanAddMember(v1::CIRCLE_STATUS_UNDER_STRENGTH, 3, "circles/1").ok());
  auto eighth = CheckCanAddMember(v1::CIRCLE_STATUS_ACTIVE, 7, "circles/1");
  EXPECT_THAT(eighth, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("at most 7")));
  for (auto status :
       {v1::CIRCLE_STATUS_SUSPENDED, v1::CIRCLE_STATUS_DISSOLVED, v1::CIRCLE_STATUS_MERGED}) {
    EXPECT_THAT(CheckCanAddMember(status, 4, "circles/1"),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
}

TEST(LifecycleRulesTest, ActiveBelowFourIsUnderStrengthUntilBackToFour) {
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_ACTIVE, 3), v1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_ACTIVE, 4), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_UNDER_STRENGTH, 3),
            v1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_UNDER_STRENGTH, 4), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_FORMING, 2), v1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(StatusAfterCountChange(v1::CIRCLE_STATUS_SUSPENDED, 2), v1::CIRCLE_STATUS_SUSPENDED);
}

TEST(LifecycleRulesTest, ActivationNeedsFourToSevenTrainedMembers) {
  EXPECT_TRUE(CheckActivation(v1::CIRCLE_STATUS_FORMING, 4, {}, true, "circles/1").ok());
  EXPECT_TRUE(CheckActivation(v1::CIRCLE_STATUS_FORMING, 7, {}, true, "circles/1").ok());
  auto three = CheckActivation(v1::CIRCLE_STATUS_FORMING, 3, {}, true, "circles/1");
  EXPECT_THAT(three, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has 3 members")));
  auto untrained = CheckActivation(v1::CIRCLE_STATUS_FORMING, 5, {"people/9"}, true, "circles/1");
  EXPECT_THAT(untrained.message(), HasSubstr("people/9"));
  EXPECT_TRUE(CheckActivation(v1::CIRCLE_STATUS_FORMING, 5, {"people/9"}, false, "circles/1").ok());
  EXPECT_THAT(CheckActivation(v1::CIRCLE_STATUS_ACTIVE, 5, {}, true, "circles/1"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(LifecycleRulesTest, SuspendResumeDissolve) {
  EXPECT_TRUE(CheckSuspend(v1::CIRCLE_STATUS_ACTIVE, "c").ok());
  EXPECT_TRUE(CheckSuspend(v1::CIRCLE_STATUS_UNDER_STRENGTH, "c").ok());
  EXPECT_THAT(CheckSuspend(v1::CIRCLE_STATUS_FORMING, "c"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(*ResumedStatus(v1::CIRCLE_STATUS_SUSPENDED, 5, "c"), v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(*ResumedStatus(v1::CIRCLE_STATUS_SUSPENDED, 2, "c"), v1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_THAT(ResumedStatus(v1::CIRCLE_STATUS_ACTIVE, 5, "c"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(CheckDissolve(v1::CIRCLE_STATUS_SUSPENDED, "c").ok());
  EXPECT_THAT(CheckDissolve(v1::CIRCLE_STATUS_MERGED, "c"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(LifecycleRulesTest, MergeNeedsFourToSevenAndLiveSources) {
  EXPECT_EQ(*MergedStatus({v1::CIRCLE_STATUS_UNDER_STRENGTH, v1::CIRCLE_STATUS_UNDER_STRENGTH},
                          {"circles/1", "circles/2"}, 6),
            v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(*MergedStatus({v1::CIRCLE_STATUS_FORMING, v1::CIRCLE_STATUS_FORMING},
                          {"circles/1", "circles/2"}, 4),
            v1::CIRCLE_STATUS_FORMING);
  auto too_many = MergedStatus({v1::CIRCLE_STATUS_ACTIVE, v1::CIRCLE_STATUS_ACTIVE},
                               {"circles/1", "circles/2"}, 8);
  EXPECT_THAT(too_many.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("8 members")));
  auto dissolved = MergedStatus({v1::CIRCLE_STATUS_ACTIVE, v1::CIRCLE_STATUS_DISSOLVED},
                                {"circles/1", "circles/2"}, 5);
  EXPECT_THAT(dissolved.status().message(), HasSubstr("circles/2 is dissolved"));
}

TEST(LifecycleRulesTest, AdvisorsAndNames) {
  Advisor a;
  a.set_display_name(" Marie Tremblay ");
  a.set_email("Marie.Tremblay@Fonds.QC.ca");
  a.set_principal_name("marie");
  auto draft = DraftAdvisor(a);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->display_name(), "Marie Tremblay");
  EXPECT_EQ(draft->email(), "marie.tremblay@fonds.qc.ca");
  a.set_email("not-an-email");
  EXPECT_THAT(DraftAdvisor(a).status().message(), HasSubstr("advisor.email"));
  a.set_email("m@f.ca");
  a.set_principal_name("has space");
  EXPECT_THAT(DraftAdvisor(a).status().message(), HasSubstr("advisor.principal_name"));
  EXPECT_EQ(*api::ParseName("people/12", "people", "person"), 12);
  EXPECT_THAT(api::ParseName("persons/12", "people", "person").status().message(),
              HasSubstr("person must"));
  EXPECT_EQ(*api::ParseName("advisors/3", "advisors", "advisor"), 3);
  EXPECT_THAT(NormaliseReason("  ", "reason").status().message(),
              HasSubstr("reason must be 1 to 500 characters"));
}

}  // namespace
}  // namespace cercles::membership
