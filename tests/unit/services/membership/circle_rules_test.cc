#include "services/membership/circle_rules.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
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

TEST(DraftRequestedCircleTest, NamesTheRequestsFields) {
  google::protobuf::RepeatedPtrField<Characteristic> characteristics;
  *characteristics.Add() = Make(v1::CHARACTERISTIC_KIND_SECTOR, " food ");
  absl::StatusOr<Circle> draft = DraftRequestedCircle("  Merged  ", characteristics, "");
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->display_name(), "Merged");
  EXPECT_EQ(draft->characteristics(0).value(), "food");
  EXPECT_EQ(draft->status(), v1::CIRCLE_STATUS_FORMING);

  EXPECT_THAT(DraftRequestedCircle("", characteristics, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::StartsWith("display_name")));
  EXPECT_THAT(DraftRequestedCircle("", characteristics, "circles[2].").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::StartsWith("circles[2].display_name")));
  *characteristics.Add() = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
  EXPECT_THAT(DraftRequestedCircle("Merged", characteristics, "circles[0].").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::StartsWith("circles[0].characteristics[1] repeats")));
}

TEST(CheckCanRemoveMemberTest, OnlyACircleThatHoldsItsMembersHasAny) {
  for (CircleStatus status : {v1::CIRCLE_STATUS_FORMING, v1::CIRCLE_STATUS_ACTIVE,
                              v1::CIRCLE_STATUS_UNDER_STRENGTH, v1::CIRCLE_STATUS_SUSPENDED}) {
    EXPECT_TRUE(CheckCanRemoveMember(status, "circles/3").ok()) << status;
  }
  EXPECT_THAT(CheckCanRemoveMember(v1::CIRCLE_STATUS_DISSOLVED, "circles/3"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("circles/3 is dissolved: it has no members")));
  EXPECT_THAT(CheckCanRemoveMember(v1::CIRCLE_STATUS_MERGED, "circles/3"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("circles/3 is merged")));
}

JoiningPerson Joining(int64_t id, bool exists, bool active, bool trained,
                      std::optional<int64_t> holding = std::nullopt) {
  JoiningPerson p;
  p.person_id = id;
  p.facts.exists = exists;
  p.facts.active = active;
  p.facts.trained = trained;
  p.holding_circle = holding;
  return p;
}

TEST(CheckPersonMayJoinTest, EachRefusalNamesThePersonAndTheRule) {
  EXPECT_TRUE(CheckPersonMayJoin(Joining(7, true, true, true), true).ok());
  EXPECT_THAT(
      CheckPersonMayJoin(Joining(7, false, false, false), true),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("person \"people/7\" does not exist")));
  EXPECT_THAT(CheckPersonMayJoin(Joining(7, true, false, true), true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("people/7 has withdrawn from the fund")));
  EXPECT_THAT(CheckPersonMayJoin(Joining(7, true, true, false), true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("people/7 has not completed a training")));
  // The fund setting waives the training, not the other rules.
  EXPECT_TRUE(CheckPersonMayJoin(Joining(7, true, true, false), false).ok());
  EXPECT_THAT(CheckPersonMayJoin(Joining(7, true, true, true, 3), false),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("people/7 already belongs to circles/3")));
}

MergeSource Source(int64_t id, CircleStatus status, std::vector<int64_t> members,
                   std::vector<Characteristic> characteristics = {},
                   std::optional<int64_t> advisor = std::nullopt) {
  MergeSource s;
  s.id = id;
  s.status = status;
  s.members = std::move(members);
  s.characteristics = std::move(characteristics);
  s.advisor_id = advisor;
  return s;
}

TEST(PlanMergeTest, MovesEveryMemberOnceAndTakesTheFirstSourcesAdvisor) {
  Circle requested;
  requested.set_display_name("Merged");
  absl::StatusOr<MergePlan> plan =
      PlanMerge(requested,
                {Source(1, v1::CIRCLE_STATUS_FORMING, {10, 11}, {}, 5),
                 Source(2, v1::CIRCLE_STATUS_UNDER_STRENGTH, {12, 13, 10}, {}, 6)},
                {}, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->draft.status(), v1::CIRCLE_STATUS_ACTIVE);  // a source was under strength
  EXPECT_EQ(plan->draft.status_reason(), "merged from circles/1, circles/2");
  EXPECT_EQ(plan->draft.display_name(), "Merged");
  EXPECT_EQ(plan->advisor, std::optional<int64_t>(5));
  using Move = std::pair<int64_t, int64_t>;
  EXPECT_THAT(plan->leaving, ::testing::ElementsAre(Move{1, 10}, Move{1, 11}, Move{2, 12},
                                                    Move{2, 13}, Move{2, 10}));
  EXPECT_THAT(plan->joining,
              ::testing::ElementsAre(Move{1, 10}, Move{1, 11}, Move{2, 12}, Move{2, 13}));
}

TEST(PlanMergeTest, FormingSourcesMakeAFormingCircle) {
  absl::StatusOr<MergePlan> plan = PlanMerge(Circle(),
                                             {Source(1, v1::CIRCLE_STATUS_FORMING, {10, 11}),
                                              Source(2, v1::CIRCLE_STATUS_FORMING, {12, 13})},
                                             {10, 11}, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->draft.status(), v1::CIRCLE_STATUS_FORMING);  // untrained is fine while forming
}

TEST(PlanMergeTest, RefusesWhatMergedStatusRefuses) {
  EXPECT_THAT(PlanMerge(Circle(),
                        {Source(1, v1::CIRCLE_STATUS_SUSPENDED, {10, 11}),
                         Source(2, v1::CIRCLE_STATUS_FORMING, {12, 13})},
                        {}, true)
                  .status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("circles/1 is suspended")));
  EXPECT_THAT(PlanMerge(Circle(),
                        {Source(1, v1::CIRCLE_STATUS_FORMING, {10, 11}),
                         Source(2, v1::CIRCLE_STATUS_FORMING, {11, 10})},
                        {}, true)
                  .status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("the merged circle would have 2 members")));
}

TEST(PlanMergeTest, AnActiveResultNeedsTrainedMembersUnlessWaived) {
  const std::vector<MergeSource> sources = {Source(1, v1::CIRCLE_STATUS_ACTIVE, {10, 11, 12, 13}),
                                            Source(2, v1::CIRCLE_STATUS_FORMING, {14})};
  EXPECT_THAT(PlanMerge(Circle(), sources, {14, 11}, true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("active with untrained members: people/11, people/14")));
  absl::StatusOr<MergePlan> waived = PlanMerge(Circle(), sources, {14, 11}, false);
  ASSERT_TRUE(waived.ok()) << waived.status();
  EXPECT_EQ(waived->draft.status(), v1::CIRCLE_STATUS_ACTIVE);
}

TEST(PlanMergeTest, WithoutRequestedCharacteristicsTakesTheSourcesUnionFirstSeenFirst) {
  const Characteristic food = Make(v1::CHARACTERISTIC_KIND_SECTOR, "food");
  const Characteristic fr = Make(v1::CHARACTERISTIC_KIND_LANGUAGE, "fr");
  const Characteristic women = Make(v1::CHARACTERISTIC_KIND_GENDER, "women");
  const std::vector<MergeSource> sources = {
      Source(1, v1::CIRCLE_STATUS_FORMING, {10, 11}, {food, fr}),
      Source(2, v1::CIRCLE_STATUS_FORMING, {12, 13}, {fr, women})};
  absl::StatusOr<MergePlan> plan = PlanMerge(Circle(), sources, {}, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->draft.characteristics_size(), 3);
  EXPECT_EQ(plan->draft.characteristics(0).value(), "food");
  EXPECT_EQ(plan->draft.characteristics(1).value(), "fr");
  EXPECT_EQ(plan->draft.characteristics(2).value(), "women");

  Circle requested;
  *requested.add_characteristics() = women;
  plan = PlanMerge(requested, sources, {}, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->draft.characteristics_size(), 1);  // the request's, not the union
  EXPECT_EQ(plan->draft.characteristics(0).value(), "women");

  std::vector<Characteristic> many;
  for (int i = 0; i < kMaxCharacteristics + 3; ++i) {
    many.push_back(Make(v1::CHARACTERISTIC_KIND_SECTOR, absl::StrCat("s", i)));
  }
  plan = PlanMerge(Circle(),
                   {Source(1, v1::CIRCLE_STATUS_FORMING, {10, 11}, many),
                    Source(2, v1::CIRCLE_STATUS_FORMING, {12, 13})},
                   {}, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->draft.characteristics_size(), kMaxCharacteristics);
}

}  // namespace
}  // namespace cercles::membership
