#include "services/membership/formation.h"

#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Graduate G(int64_t id, const std::string& language, const std::string& gender,
           const std::string& sector) {
  return Graduate{id, {{"language", language}, {"gender", gender}, {"sector", sector}}};
}

TEST(CircleSizesTest, FewestCirclesOfFourToSevenAsEvenAsPossible) {
  EXPECT_TRUE(CircleSizes(3).empty());
  EXPECT_THAT(CircleSizes(4), ElementsAre(4));
  EXPECT_THAT(CircleSizes(7), ElementsAre(7));
  EXPECT_THAT(CircleSizes(8), ElementsAre(4, 4));
  EXPECT_THAT(CircleSizes(15), ElementsAre(5, 5, 5));
  EXPECT_THAT(CircleSizes(16), ElementsAre(6, 5, 5));
  for (int n = 4; n <= 200; ++n) {
    std::vector<int> sizes = CircleSizes(n);
    EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), 0), n) << n;
    for (int s : sizes) {
      EXPECT_GE(s, 4) << n;
      EXPECT_LE(s, 7) << n;
    }
  }
}

TEST(ProposeCirclesTest, HardConstraintsKeepPeopleTogetherAndSoftOnesGroupThem) {
  std::vector<Graduate> cohort;
  // 8 French-speaking women: 4 in food, 4 in crafts, interleaved by id.
  for (int i = 0; i < 8; ++i) cohort.push_back(G(i + 1, "fr", "woman", i % 2 ? "crafts" : "food"));
  // 5 English speakers, mixed gender.
  for (int i = 0; i < 5; ++i) cohort.push_back(G(20 + i, "en", i % 2 ? "man" : "woman", "it"));
  // 2 French-speaking men: too few for a circle of their own.
  cohort.push_back(G(30, "fr", "man", "food"));
  cohort.push_back(G(31, "fr", "man", "food"));

  FormationProposal p = ProposeCircles(cohort, {"language", "gender"}, {"sector"});
  // en/man (2) and en/woman (3) are below 4 too: hard means hard.
  ASSERT_EQ(p.groups.size(), 2u);
  EXPECT_THAT(p.groups[0].person_ids, ElementsAre(2, 4, 6, 8));  // crafts
  EXPECT_THAT(p.groups[1].person_ids, ElementsAre(1, 3, 5, 7));  // food
  EXPECT_EQ(p.groups[1].soft_majority.at("sector"), std::make_pair(std::string("food"), 4));
  EXPECT_THAT(p.groups[1].explanation, HasSubstr("gender=woman, language=fr"));
  EXPECT_THAT(p.groups[1].explanation, HasSubstr("4 of 4 share sector=food"));
  EXPECT_THAT(p.unplaced, ElementsAre(20, 21, 22, 23, 24, 30, 31));
  EXPECT_THAT(p.unplaced_reason.at(30),
              HasSubstr("only 2 graduate(s) share gender=man, language=fr"));

  // Only language hard: the English speakers form one circle of 5.
  FormationProposal by_language = ProposeCircles(cohort, {"language"}, {"sector", "gender"});
  std::set<int64_t> placed;
  for (const auto& g : by_language.groups) {
    EXPECT_GE(g.person_ids.size(), 4u);
    EXPECT_LE(g.person_ids.size(), 7u);
    placed.insert(g.person_ids.begin(), g.person_ids.end());
  }
  EXPECT_EQ(placed.size(), cohort.size());
  EXPECT_TRUE(by_language.unplaced.empty());
}

TEST(ProposeCirclesTest, DeterministicWhateverTheInputOrder) {
  std::vector<Graduate> cohort;
  for (int i = 0; i < 23; ++i) {
    cohort.push_back(G(i + 1, i % 3 ? "fr" : "en", "woman", std::string(1, 'a' + i % 4)));
  }
  FormationProposal a = ProposeCircles(cohort, {"language"}, {"sector"});
  std::reverse(cohort.begin(), cohort.end());
  FormationProposal b = ProposeCircles(cohort, {"language"}, {"sector"});
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (size_t i = 0; i < a.groups.size(); ++i) {
    EXPECT_EQ(a.groups[i].person_ids, b.groups[i].person_ids);
    EXPECT_EQ(a.groups[i].explanation, b.groups[i].explanation);
  }
}

google::protobuf::RepeatedPtrField<std::string> Kinds(std::vector<std::string> kinds) {
  google::protobuf::RepeatedPtrField<std::string> out;
  for (auto& k : kinds) *out.Add() = std::move(k);
  return out;
}

TEST(CheckFormationAttributesTest, KnownKindsEachOnceAcrossFields) {
  std::set<std::string> seen;
  auto hard = CheckFormationAttributes(Kinds({"language", "gender"}), "hard_attributes", &seen);
  ASSERT_TRUE(hard.ok()) << hard.status();
  EXPECT_THAT(*hard, ElementsAre("language", "gender"));
  EXPECT_THAT(
      CheckFormationAttributes(Kinds({"sector", "language"}), "soft_attributes", &seen).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("soft_attributes[1] \"language\" is listed twice")));
  std::set<std::string> fresh;
  EXPECT_THAT(CheckFormationAttributes(Kinds({"age"}), "hard_attributes", &fresh).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hard_attributes[0] \"age\" is not an attribute")));
}

TEST(SuggestCharacteristicTest, MapsTheKindAndBoundsTheValue) {
  EXPECT_FALSE(SuggestCharacteristic("language", "").has_value());
  auto language = SuggestCharacteristic("language", "fr");
  ASSERT_TRUE(language.has_value());
  EXPECT_EQ(language->kind(), v1::CHARACTERISTIC_KIND_LANGUAGE);
  EXPECT_EQ(language->value(), "fr");
  EXPECT_EQ(SuggestCharacteristic("gender", "women")->kind(), v1::CHARACTERISTIC_KIND_GENDER);
  auto sector = SuggestCharacteristic("sector", std::string(200, 'x'));
  EXPECT_EQ(sector->kind(), v1::CHARACTERISTIC_KIND_SECTOR);
  EXPECT_EQ(sector->value().size(), kMaxCharacteristicValueLength);
}

v1::ProposedCircle Proposed(const std::string& name, std::vector<int> people,
                            const std::string& advisor = "") {
  v1::ProposedCircle c;
  c.set_display_name(name);
  for (int p : people) c.add_people(absl::StrCat("people/", p));
  c.set_advisor(advisor);
  return c;
}

TEST(PlanAcceptedProposalTest, PlansEachCircleWithItsPeopleAndAdvisor) {
  v1::AcceptCircleProposalRequest request;
  *request.add_circles() = Proposed(" Cercle A ", {1, 2, 3, 4});
  *request.add_circles() = Proposed("Cercle B", {5, 6, 7, 8, 9}, "advisors/3");
  auto planned = PlanAcceptedProposal(request, /*caller_is_admin=*/true);
  ASSERT_TRUE(planned.ok()) << planned.status();
  ASSERT_EQ(planned->size(), 2u);
  EXPECT_EQ((*planned)[0].draft.display_name(), "Cercle A");
  EXPECT_THAT((*planned)[0].people, ElementsAre(1, 2, 3, 4));
  EXPECT_FALSE((*planned)[0].advisor.has_value());
  EXPECT_EQ((*planned)[1].advisor, std::optional<int64_t>(3));
}

TEST(PlanAcceptedProposalTest, EachRefusalNamesTheRequestsField) {
  v1::AcceptCircleProposalRequest empty;
  EXPECT_THAT(PlanAcceptedProposal(empty, true).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1 to 50")));

  v1::AcceptCircleProposalRequest small;
  *small.add_circles() = Proposed("A", {1, 2, 3, 4});
  *small.add_circles() = Proposed("B", {5, 6, 7});
  EXPECT_THAT(PlanAcceptedProposal(small, true).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("circles[1].people must name 4 to 7 people, not 3")));

  v1::AcceptCircleProposalRequest unnamed;
  *unnamed.add_circles() = Proposed("", {1, 2, 3, 4});
  EXPECT_THAT(PlanAcceptedProposal(unnamed, true).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::StartsWith("circles[0].display_name")));

  v1::AcceptCircleProposalRequest twice;
  *twice.add_circles() = Proposed("A", {1, 2, 3, 4});
  *twice.add_circles() = Proposed("B", {5, 6, 2, 8});
  EXPECT_THAT(PlanAcceptedProposal(twice, true).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("circles[1].people[2] people/2 appears twice")));

  v1::AcceptCircleProposalRequest bad_name;
  *bad_name.add_circles() = Proposed("A", {1, 2, 3, 4});
  bad_name.mutable_circles(0)->set_people(3, "people/x");
  EXPECT_THAT(PlanAcceptedProposal(bad_name, true).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("circles[0].people[3]")));

  v1::AcceptCircleProposalRequest with_advisor;
  *with_advisor.add_circles() = Proposed("A", {1, 2, 3, 4}, "advisors/3");
  EXPECT_THAT(PlanAcceptedProposal(with_advisor, /*caller_is_admin=*/false).status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("circles[0].advisor: only an admin assigns")));
}

JoiningPerson Ready(int64_t id, bool trained = true) {
  JoiningPerson p;
  p.person_id = id;
  p.facts.exists = true;
  p.facts.active = true;
  p.facts.trained = trained;
  return p;
}

TEST(CheckPlannedCircleFormsTest, AdvisorMustExistAndEveryPersonMayJoin) {
  PlannedCircle circle;
  circle.people = {1, 2, 3, 4};
  const std::vector<JoiningPerson> people = {Ready(1), Ready(2, false), Ready(3), Ready(4, false)};
  auto untrained = CheckPlannedCircleForms(circle, false, people, /*require_training=*/false);
  ASSERT_TRUE(untrained.ok()) << untrained.status();
  EXPECT_THAT(*untrained, ElementsAre("people/2", "people/4"));

  EXPECT_THAT(CheckPlannedCircleForms(circle, false, people, /*require_training=*/true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("people/2 has not completed a training")));

  circle.advisor = 9;
  EXPECT_THAT(
      CheckPlannedCircleForms(circle, false, people, false).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("advisor \"advisors/9\" does not exist")));
  EXPECT_TRUE(CheckPlannedCircleForms(circle, true, people, false).ok());

  std::vector<JoiningPerson> held = {Ready(1), Ready(2), Ready(3), Ready(4)};
  held[2].holding_circle = 12;
  EXPECT_THAT(CheckPlannedCircleForms(circle, true, held, true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("people/3 already belongs to circles/12")));
}

}  // namespace
}  // namespace cercles::membership
