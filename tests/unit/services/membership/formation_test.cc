#include "services/membership/formation.h"

#include <numeric>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::membership {
namespace {

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

}  // namespace
}  // namespace cercles::membership
