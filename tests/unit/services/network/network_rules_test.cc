// The pure rules of network: names, the neighbourhood walk, suggestions and
// the referral life cycle (statistics: stats_rules_test.cc).
#include <map>
#include <set>

#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/network/directory_rules.h"
#include "services/network/graph_rules.h"
#include "services/network/partner_rules.h"
#include "services/network/suggestion_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---- names and summaries ----

TEST(DirectoryRulesTest, NodeNamesAndTheirKinds) {
  EXPECT_EQ(FundNodeName("fund-a"), "funds/fund-a");
  EXPECT_EQ(RegionNodeName("fund-a", "Côte-des-Neiges / Nord"),
            "funds/fund-a/regions/C%C3%B4te-des-Neiges%20%2F%20Nord");
  EXPECT_EQ(PartnerNodeName("fund-a", 4), "funds/fund-a/partners/4");
  EXPECT_EQ(NodeKindOf("funds/fund-a"), v1::NODE_KIND_FUND);
  EXPECT_EQ(NodeKindOf("funds/fund-a/circles/3"), v1::NODE_KIND_CIRCLE);
  EXPECT_EQ(NodeKindOf(RegionNodeName("fund-a", "a/b")), v1::NODE_KIND_REGION);
  EXPECT_EQ(NodeKindOf("funds/fund-a/partners/4"), v1::NODE_KIND_PARTNER);
  for (const char* bad : {"", "funds", "funds/A", "funds/a/people/1", "circles/1", "funds/a/x/"}) {
    EXPECT_EQ(NodeKindOf(bad), v1::NODE_KIND_UNSPECIFIED) << bad;
  }
}

TEST(DirectoryRulesTest, LocalNamesAreStrict) {
  EXPECT_EQ(*api::ParseName("people/7", "people", "person"), 7);
  for (const char* bad : {"people/0", "people/-1", "people/+1", "people/x", "people/", "person/1",
                          "people/1/2", "peoples/1"}) {
    EXPECT_THAT(api::ParseName(bad, "people", "referral.person").status().message(),
                HasSubstr("referral.person must be \"people/{id}\""))
        << bad;
  }
}

TEST(DirectoryRulesTest, CleanTextTrimsCountsCharactersAndRefusesControls) {
  EXPECT_EQ(*api::CleanText("  Rosemont ", "region", api::OneLine(1, 64)), "Rosemont");
  EXPECT_TRUE(api::CleanText("ééééé", "x", api::OneLine(1, 5)).ok());  // 5 characters, 10 bytes
  EXPECT_THAT(api::CleanText("éééééé", "x", api::OneLine(1, 5)).status().message(),
              HasSubstr("1 to 5 characters"));
  EXPECT_THAT(api::CleanText("   ", "x", api::OneLine(1, 5)).status().message(),
              HasSubstr("1 to 5"));
  EXPECT_THAT(api::CleanText("a\x01", "x", api::OneLine(0, 5)).status().message(),
              HasSubstr("control"));
  EXPECT_FALSE(api::CleanText("a\nb", "x", api::OneLine(0, 5)).ok());
  EXPECT_TRUE(api::CleanText("a\nb", "x", api::MultiLine(0, 5)).ok());
}

mv1::Circle MembershipCircle(int64_t id, mv1::CircleStatus status, int members) {
  mv1::Circle c;
  c.set_name("circles/" + std::to_string(id));
  c.set_display_name("Cercle " + std::to_string(id));
  c.set_status(status);
  c.set_member_count(members);
  return c;
}

TEST(DirectoryRulesTest, SummaryCarriesRegionLineageRoomAndAdvisor) {
  mv1::Circle c = MembershipCircle(9, mv1::CIRCLE_STATUS_ACTIVE, 5);
  auto* region = c.add_characteristics();
  region->set_kind(mv1::CHARACTERISTIC_KIND_REGION);
  region->set_value("Rosemont");
  c.add_merged_from("circles/3");
  c.add_merged_from("circles/4");
  c.set_advisor("advisors/2");
  CircleKey key;
  auto summary = SummaryFromMembership(c, "fund-a", &key);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->name(), "funds/fund-a/circles/9");
  EXPECT_EQ(summary->region(), "Rosemont");
  EXPECT_THAT(summary->merged_from(),
              ElementsAre("funds/fund-a/circles/3", "funds/fund-a/circles/4"));
  EXPECT_TRUE(summary->accepting_members());
  EXPECT_EQ(summary->open_seats(), 2);
  EXPECT_EQ(summary->advisor(), "advisors/2");
  for (auto status :
       {mv1::CIRCLE_STATUS_SUSPENDED, mv1::CIRCLE_STATUS_DISSOLVED, mv1::CIRCLE_STATUS_MERGED}) {
    auto closed = SummaryFromMembership(MembershipCircle(9, status, 5), "fund-a", nullptr);
    EXPECT_FALSE(closed->accepting_members());
    EXPECT_EQ(closed->open_seats(), 0);
  }
  EXPECT_EQ(
      SummaryFromMembership(MembershipCircle(9, mv1::CIRCLE_STATUS_ACTIVE, 7), "fund-a", nullptr)
          ->open_seats(),
      0);
  c.add_merged_from("nonsense");
  EXPECT_THAT(SummaryFromMembership(c, "fund-a", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// ---- the neighbourhood walk ----

// An undirected graph in memory, answering like GraphStore::Neighbours.
class MemoryGraph {
 public:
  void Link(const std::string& a, const std::string& b) {
    adjacent_[a].insert(b);
    adjacent_[b].insert(a);
  }
  FetchNeighbours Fetch() {
    return [this](const std::vector<std::string>& frontier,
                  int limit) -> absl::StatusOr<std::vector<std::string>> {
      ++calls;
      std::set<std::string> all;
      for (const auto& n : frontier) all.insert(adjacent_[n].begin(), adjacent_[n].end());
      std::vector<std::string> out(all.begin(), all.end());
      if (static_cast<int>(out.size()) > limit) out.resize(limit);
      largest_read = std::max(largest_read, static_cast<int>(out.size()));
      return out;
    };
  }
  int calls = 0;
  int largest_read = 0;

 private:
  std::map<std::string, std::set<std::string>> adjacent_;
};

std::vector<std::string> Names(const Walk& walk) {
  std::vector<std::string> out;
  for (const auto& n : walk.nodes) out.push_back(n.name + "@" + std::to_string(n.distance));
  return out;
}

TEST(GraphRulesTest, WalkGoesLayerByLayerNearestFirstThenByName) {
  MemoryGraph g;
  g.Link("c1", "c2");
  g.Link("c1", "r");
  g.Link("r", "c3");
  g.Link("c3", "c4");
  g.Link("c2", "c3");  // c3 is at distance 2 through both paths, listed once
  auto walk = WalkNeighbourhood("c1", 1, 100, g.Fetch());
  EXPECT_THAT(Names(*walk), ElementsAre("c1@0", "c2@1", "r@1"));
  walk = WalkNeighbourhood("c1", 2, 100, g.Fetch());
  EXPECT_THAT(Names(*walk), ElementsAre("c1@0", "c2@1", "r@1", "c3@2"));
  walk = WalkNeighbourhood("c1", 3, 100, g.Fetch());
  EXPECT_THAT(Names(*walk), ElementsAre("c1@0", "c2@1", "r@1", "c3@2", "c4@3"));
  EXPECT_FALSE(walk->truncated);
  walk = WalkNeighbourhood("lonely", 3, 100, g.Fetch());
  EXPECT_THAT(Names(*walk), ElementsAre("lonely@0"));
}

TEST(GraphRulesTest, AHubIsCutAtMaxNodesWithoutBeingReadWhole) {
  MemoryGraph g;
  for (int i = 0; i < 5000; ++i) g.Link("fund", "c" + std::to_string(10000 + i));
  auto walk = WalkNeighbourhood("c10000", 2, 10, g.Fetch());
  ASSERT_TRUE(walk.ok());
  EXPECT_TRUE(walk->truncated);
  ASSERT_EQ(walk->nodes.size(), 10u);
  EXPECT_EQ(walk->nodes[1].name, "fund");
  EXPECT_EQ(walk->nodes[2].name, "c10001");  // by name, the start excluded
  EXPECT_EQ(walk->nodes[9].name, "c10008");
  EXPECT_LE(g.largest_read, 10 + 2 + 1);  // room + known + 1, not 5,000
}

TEST(GraphRulesTest, TruncatedOnlyWhenSomethingWasLeftOut) {
  MemoryGraph g;
  g.Link("a", "b");
  g.Link("a", "c");
  auto exact = WalkNeighbourhood("a", 3, 3, g.Fetch());
  EXPECT_THAT(Names(*exact), ElementsAre("a@0", "b@1", "c@1"));
  EXPECT_FALSE(exact->truncated);  // full, but nothing further exists
  g.Link("c", "d");
  auto cut = WalkNeighbourhood("a", 3, 3, g.Fetch());
  EXPECT_TRUE(cut->truncated);
  auto deep_enough = WalkNeighbourhood("a", 1, 3, g.Fetch());
  EXPECT_FALSE(deep_enough->truncated);  // d is beyond depth 1
}

TEST(GraphRulesTest, NeighbourhoodRequestsAreChecked) {
  v1::GetCircleNeighbourhoodRequest r;
  r.set_circle("funds/fund-a/circles/1");
  r.set_depth(2);
  auto q = ValidateNeighbourhoodRequest(r);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->kinds.size(), 6u);  // every kind by default
  EXPECT_EQ(q->max_nodes, kDefaultMaxNodes);
  for (int depth : {0, 4, -1}) {
    r.set_depth(depth);
    EXPECT_THAT(ValidateNeighbourhoodRequest(r).status().message(),
                HasSubstr("depth must be 1 to 3"));
  }
  r.set_depth(1);
  r.add_edge_kinds(v1::EDGE_KIND_SISTER);
  r.add_edge_kinds(v1::EDGE_KIND_SISTER);
  EXPECT_THAT(ValidateNeighbourhoodRequest(r).status().message(),
              HasSubstr("edge_kinds[1] repeats"));
  r.clear_edge_kinds();
  r.add_edge_kinds(static_cast<v1::EdgeKind>(99));
  EXPECT_THAT(ValidateNeighbourhoodRequest(r).status().message(), HasSubstr("edge_kinds[0]"));
  r.clear_edge_kinds();
  r.set_max_nodes(1001);
  EXPECT_THAT(ValidateNeighbourhoodRequest(r).status().message(), HasSubstr("max_nodes"));
  r.set_max_nodes(5);
  r.set_circle("circles/1");
  EXPECT_THAT(ValidateNeighbourhoodRequest(r).status().message(), HasSubstr("circle must be"));
}

TEST(GraphRulesTest, SisterPairsAreCanonicalAndNeverSelf) {
  CircleKey a{"fund-a", 2}, b{"fund-a", 10};
  auto pair = SisterPair(a, b);
  ASSERT_TRUE(pair.ok());
  // By name: ".../circles/10" sorts before ".../circles/2".
  EXPECT_EQ(pair->first.circle_id, 10);
  EXPECT_EQ(SisterPair(b, a)->first.circle_id, 10);
  EXPECT_THAT(SisterPair(a, a).status().message(), HasSubstr("another circle"));
}

// ---- suggestions ----

v1::NetworkCircle Candidate(int64_t id, mv1::CircleStatus status, int members,
                            std::vector<std::pair<mv1::CharacteristicKind, std::string>> tags) {
  mv1::Circle c = MembershipCircle(id, status, members);
  for (const auto& [kind, value] : tags) {
    auto* ch = c.add_characteristics();
    ch->set_kind(kind);
    ch->set_value(value);
  }
  return *SummaryFromMembership(c, "fund-a", nullptr);
}

TEST(SuggestionRulesTest, RequestsNeedAPreferenceAndSaneSizes) {
  v1::SuggestCirclesRequest r;
  EXPECT_THAT(ValidateSuggestRequest(r, "fund-a").status().message(),
              HasSubstr("at least one preference"));
  r.set_sector("food");
  auto p = ValidateSuggestRequest(r, "fund-a");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->fund_id, "fund-a");
  EXPECT_EQ(p->limit, kDefaultSuggestions);
  r.set_page_size(51);
  EXPECT_THAT(ValidateSuggestRequest(r, "fund-a").status().message(), HasSubstr("page_size"));
  r.set_page_size(0);
  for (int i = 0; i < 9; ++i) r.add_affinities("a" + std::to_string(i));
  EXPECT_THAT(ValidateSuggestRequest(r, "fund-a").status().message(), HasSubstr("affinities"));
  r.clear_affinities();
  r.set_fund_id("Not A Fund");
  EXPECT_THAT(ValidateSuggestRequest(r, "fund-a").status().message(), HasSubstr("fund_id"));
}

TEST(SuggestionRulesTest, OnlyCirclesWithRoomThatAcceptMembersAndShareSomething) {
  Preferences p;
  p.sector = "food";
  using K = mv1::CharacteristicKind;
  const auto food = std::make_pair(K::CHARACTERISTIC_KIND_SECTOR, std::string("Food"));
  EXPECT_TRUE(ScoreCircle(Candidate(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {food}), p).has_value());
  EXPECT_FALSE(ScoreCircle(Candidate(2, mv1::CIRCLE_STATUS_ACTIVE, 7, {food}), p));  // full
  EXPECT_FALSE(ScoreCircle(Candidate(3, mv1::CIRCLE_STATUS_SUSPENDED, 5, {food}), p));
  EXPECT_FALSE(ScoreCircle(Candidate(4, mv1::CIRCLE_STATUS_MERGED, 0, {food}), p));
  EXPECT_FALSE(ScoreCircle(
      Candidate(5, mv1::CIRCLE_STATUS_ACTIVE, 5, {{K::CHARACTERISTIC_KIND_SECTOR, "crafts"}}),
      p));  // nothing in common
}

TEST(SuggestionRulesTest, AnotherStatedLanguageOrGenderExcludes) {
  using K = mv1::CharacteristicKind;
  Preferences p;
  p.sector = "food";
  p.language = "fr";
  p.gender = "women";
  const auto food = std::make_pair(K::CHARACTERISTIC_KIND_SECTOR, std::string("food"));
  EXPECT_FALSE(ScoreCircle(
      Candidate(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {food, {K::CHARACTERISTIC_KIND_LANGUAGE, "en"}}),
      p));
  EXPECT_FALSE(ScoreCircle(
      Candidate(2, mv1::CIRCLE_STATUS_ACTIVE, 5, {food, {K::CHARACTERISTIC_KIND_GENDER, "men"}}),
      p));
  // Stating nothing is no exclusion; stating the same scores.
  auto open = ScoreCircle(Candidate(3, mv1::CIRCLE_STATUS_ACTIVE, 5, {food}), p);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->score(), kSectorScore);
  auto same = ScoreCircle(Candidate(4, mv1::CIRCLE_STATUS_ACTIVE, 5,
                                    {food,
                                     {K::CHARACTERISTIC_KIND_LANGUAGE, "FR"},
                                     {K::CHARACTERISTIC_KIND_GENDER, "women"}}),
                          p);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->score(), kSectorScore + kLanguageScore + kGenderScore);
  // Without a stated gender preference, a gendered circle stays, flagged.
  p.gender.clear();
  auto flagged = ScoreCircle(
      Candidate(5, mv1::CIRCLE_STATUS_ACTIVE, 5, {food, {K::CHARACTERISTIC_KIND_GENDER, "women"}}),
      p);
  ASSERT_TRUE(flagged.has_value());
  EXPECT_THAT(flagged->reasons(), ::testing::Contains("gender: women (check it fits)"));
}

TEST(SuggestionRulesTest, RankedByScoreWithReasons) {
  using K = mv1::CharacteristicKind;
  Preferences p;
  p.region = "Rosemont";
  p.sector = "food";
  p.affinities = {"newcomers"};
  p.limit = 3;
  std::vector<v1::NetworkCircle> candidates = {
      Candidate(1, mv1::CIRCLE_STATUS_ACTIVE, 6, {{K::CHARACTERISTIC_KIND_SECTOR, "food"}}),
      Candidate(2, mv1::CIRCLE_STATUS_ACTIVE, 4,
                {{K::CHARACTERISTIC_KIND_REGION, "rosemont"},
                 {K::CHARACTERISTIC_KIND_SECTOR, "food"},
                 {K::CHARACTERISTIC_KIND_AFFINITY, "Newcomers"}}),
      Candidate(3, mv1::CIRCLE_STATUS_UNDER_STRENGTH, 3,
                {{K::CHARACTERISTIC_KIND_REGION, "Rosemont"}}),
      Candidate(4, mv1::CIRCLE_STATUS_ACTIVE, 5, {{K::CHARACTERISTIC_KIND_REGION, "Rosemont"}}),
      Candidate(5, mv1::CIRCLE_STATUS_ACTIVE, 7, {{K::CHARACTERISTIC_KIND_REGION, "Rosemont"}}),
  };
  auto ranked = RankSuggestions(candidates, p);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].circle().name(), "funds/fund-a/circles/2");
  EXPECT_EQ(ranked[0].score(), kRegionScore + kSectorScore + kAffinityScore);
  EXPECT_THAT(ranked[0].reasons(), ElementsAre("same region: Rosemont", "same sector: food",
                                               "shared affinity: newcomers", "3 seats left"));
  EXPECT_EQ(ranked[1].circle().name(), "funds/fund-a/circles/3");  // needs members: +5
  EXPECT_THAT(ranked[1].reasons(),
              ::testing::Contains("under strength: 1 more to be active again"));
  EXPECT_EQ(ranked[2].circle().name(), "funds/fund-a/circles/4");
}

// ---- partners and referrals ----

v1::Partner APartner() {
  v1::Partner p;
  p.set_display_name("  SAJE Montréal ");
  p.set_kind(v1::PARTNER_KIND_SAJE);
  p.add_territory("Rosemont");
  p.add_services("business plan");
  return p;
}

TEST(PartnerRulesTest, PartnersAreNormalisedAndChecked) {
  auto p = NormalisePartner(APartner());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->display_name(), "SAJE Montréal");
  EXPECT_EQ(p->status(), v1::PARTNER_STATUS_ACTIVE);
  v1::Partner bad = APartner();
  bad.set_kind(v1::PARTNER_KIND_UNSPECIFIED);
  EXPECT_THAT(NormalisePartner(bad).status().message(), HasSubstr("partner.kind is required"));
  bad = APartner();
  bad.add_territory("ROSEMONT");
  EXPECT_THAT(NormalisePartner(bad).status().message(), HasSubstr("partner.territory[1] repeats"));
  bad = APartner();
  bad.clear_services();
  EXPECT_THAT(NormalisePartner(bad).status().message(), HasSubstr("partner.services must hold 1"));
  bad = APartner();
  bad.set_display_name("");
  EXPECT_THAT(NormalisePartner(bad).status().message(), HasSubstr("partner.display_name"));
}

TEST(PartnerRulesTest, MasksNameUpdatablePathsOnly) {
  v1::Partner stored = *NormalisePartner(APartner());
  v1::Partner change;
  change.set_status(v1::PARTNER_STATUS_INACTIVE);
  change.set_display_name("ignored");
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  auto merged = ApplyPartnerMask(stored, change, mask);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->status(), v1::PARTNER_STATUS_INACTIVE);
  EXPECT_EQ(merged->display_name(), "SAJE Montréal");
  EXPECT_THAT(ApplyPartnerMask(stored, change, {}).status().message(),
              HasSubstr("update_mask is required"));
  mask.add_paths("open_referrals");
  EXPECT_THAT(ApplyPartnerMask(stored, change, mask).status().message(),
              HasSubstr("\"open_referrals\" is not updatable"));
}

TEST(PartnerRulesTest, EveryReferralTransition) {
  using S = v1::ReferralStatus;
  const std::set<std::pair<S, S>> allowed = {
      {v1::REFERRAL_STATUS_SENT, v1::REFERRAL_STATUS_ACCEPTED},
      {v1::REFERRAL_STATUS_SENT, v1::REFERRAL_STATUS_DECLINED},
      {v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_IN_PROGRESS},
      {v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_COMPLETED},
      {v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_DECLINED},
      {v1::REFERRAL_STATUS_IN_PROGRESS, v1::REFERRAL_STATUS_COMPLETED},
      {v1::REFERRAL_STATUS_IN_PROGRESS, v1::REFERRAL_STATUS_DECLINED},
  };
  for (int f = v1::REFERRAL_STATUS_SENT; f <= v1::REFERRAL_STATUS_DECLINED; ++f) {
    for (int t = v1::REFERRAL_STATUS_ACCEPTED; t <= v1::REFERRAL_STATUS_DECLINED; ++t) {
      const auto from = static_cast<S>(f), to = static_cast<S>(t);
      const bool final_target =
          to == v1::REFERRAL_STATUS_COMPLETED || to == v1::REFERRAL_STATUS_DECLINED;
      auto result = CheckReferralTransition(from, to, final_target ? "done" : "", "referrals/1");
      if (allowed.count({from, to}) > 0) {
        EXPECT_TRUE(result.ok()) << f << "->" << t << ": " << result.status();
      } else {
        EXPECT_THAT(result.status(), StatusIs(absl::StatusCode::kFailedPrecondition))
            << f << "->" << t;
      }
    }
  }
  EXPECT_THAT(CheckReferralTransition(v1::REFERRAL_STATUS_COMPLETED, v1::REFERRAL_STATUS_DECLINED,
                                      "x", "referrals/1")
                  .status()
                  .message(),
              HasSubstr("no longer changes"));
  EXPECT_THAT(CheckReferralTransition(v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_COMPLETED,
                                      " ", "referrals/1")
                  .status()
                  .message(),
              HasSubstr("outcome is required"));
  EXPECT_THAT(CheckReferralTransition(v1::REFERRAL_STATUS_SENT, v1::REFERRAL_STATUS_ACCEPTED,
                                      "early", "referrals/1")
                  .status()
                  .message(),
              HasSubstr("outcome is only recorded"));
  EXPECT_THAT(
      CheckReferralTransition(v1::REFERRAL_STATUS_SENT, v1::REFERRAL_STATUS_SENT, "", "referrals/1")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PartnerRulesTest, ReferralDraftsTakeOnlyPersonPartnerAndReason) {
  v1::Referral r;
  r.set_person("people/3");
  r.set_partner("partners/2");
  r.set_reason(" accounting help ");
  auto d = ValidateReferralDraft(r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->person_id, 3);
  EXPECT_EQ(d->reason, "accounting help");
  r.set_status(v1::REFERRAL_STATUS_COMPLETED);
  EXPECT_THAT(ValidateReferralDraft(r).status().message(), HasSubstr("output only"));
  r.clear_status();
  r.set_reason("");
  EXPECT_THAT(ValidateReferralDraft(r).status().message(), HasSubstr("referral.reason"));
}

TEST(PartnerRulesTest, AnUpdateThatChangesNothingIsNoWrite) {
  v1::Partner stored = *NormalisePartner(APartner());
  stored.set_name("partners/4");
  stored.set_open_referrals(3);
  stored.mutable_create_time()->set_seconds(50);
  stored.mutable_update_time()->set_seconds(100);
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  v1::Partner same;
  same.set_status(v1::PARTNER_STATUS_ACTIVE);
  auto unchanged = DecidePartnerUpdate(stored, same, mask);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_FALSE(unchanged->has_value());
  v1::Partner inactive;
  inactive.set_status(v1::PARTNER_STATUS_INACTIVE);
  auto changed = DecidePartnerUpdate(stored, inactive, mask);
  ASSERT_TRUE(changed.ok()) << changed.status();
  ASSERT_TRUE(changed->has_value());
  EXPECT_EQ((*changed)->status(), v1::PARTNER_STATUS_INACTIVE);
  // What the store sets is kept.
  EXPECT_EQ((*changed)->name(), "partners/4");
  EXPECT_EQ((*changed)->open_referrals(), 3);
  EXPECT_EQ((*changed)->update_time().seconds(), 100);
  EXPECT_THAT(DecidePartnerUpdate(stored, inactive, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PartnerRulesTest, OnlyAnActivePartnerTakesReferrals) {
  v1::Partner partner = *NormalisePartner(APartner());
  EXPECT_TRUE(CheckPartnerTakesReferrals(partner, "partners/1").ok());
  partner.set_status(v1::PARTNER_STATUS_INACTIVE);
  EXPECT_THAT(CheckPartnerTakesReferrals(partner, "partners/1"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckPartnerTakesReferrals(partner, "partners/1").message(),
              HasSubstr("partners/1 is inactive and takes no new referrals"));
}

TEST(PartnerRulesTest, AReferralStatusMoveRecordsItsStepAndSaysWhenTheLinkEnds) {
  google::protobuf::Timestamp now;
  now.set_seconds(1000);
  v1::Referral referral;
  referral.set_status(v1::REFERRAL_STATUS_SENT);
  auto unlinks = DecideReferralStatus(&referral, v1::REFERRAL_STATUS_ACCEPTED, "", "call Monday",
                                      "staff:ana", now, "referrals/1");
  ASSERT_TRUE(unlinks.ok()) << unlinks.status();
  EXPECT_FALSE(*unlinks);
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(referral.update_time().seconds(), 1000);
  ASSERT_EQ(referral.history_size(), 1);
  EXPECT_EQ(referral.history(0).status(), v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(referral.history(0).note(), "call Monday");
  EXPECT_EQ(referral.history(0).changed_by(), "staff:ana");
  unlinks = DecideReferralStatus(&referral, v1::REFERRAL_STATUS_DECLINED, " no room ", "",
                                 "staff:ana", now, "referrals/1");
  ASSERT_TRUE(unlinks.ok()) << unlinks.status();
  EXPECT_TRUE(*unlinks);
  EXPECT_EQ(referral.outcome(), "no room");
  EXPECT_EQ(referral.history_size(), 2);
  // A refused move changes nothing.
  v1::Referral before = referral;
  EXPECT_THAT(DecideReferralStatus(&referral, v1::REFERRAL_STATUS_ACCEPTED, "", "", "staff:ana",
                                   now, "referrals/1")
                  .status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(referral.history_size(), before.history_size());
  EXPECT_EQ(referral.status(), before.status());
}

TEST(GraphRulesTest, OnlyKnownCirclesThatHaveNotEndedGetASisterOnce) {
  EXPECT_THAT(CheckSisterCandidate(std::nullopt, "funds/f/circles/1"),
              StatusIs(absl::StatusCode::kNotFound));
  v1::NetworkCircle circle;
  circle.set_status(mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_TRUE(CheckSisterCandidate(circle, "funds/f/circles/1").ok());
  for (mv1::CircleStatus ended : {mv1::CIRCLE_STATUS_DISSOLVED, mv1::CIRCLE_STATUS_MERGED}) {
    circle.set_status(ended);
    EXPECT_THAT(CheckSisterCandidate(circle, "funds/f/circles/1"),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_TRUE(CheckNotYetSisters(std::nullopt, "funds/f/circles/1", "funds/f/circles/2").ok());
  EXPECT_THAT(CheckNotYetSisters(v1::SisterLink(), "funds/f/circles/1", "funds/f/circles/2"),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(SuggestionRulesTest, WantedCharacteristicsFollowTheStatedPreferences) {
  Preferences preferences;
  preferences.region = "Rosemont";
  preferences.gender = "Women";
  preferences.affinities = {"Crafts", "Food"};
  EXPECT_THAT(WantedCharacteristics(preferences),
              ElementsAre(std::make_pair(mv1::CHARACTERISTIC_KIND_REGION, TextKey("Rosemont")),
                          std::make_pair(mv1::CHARACTERISTIC_KIND_GENDER, TextKey("Women")),
                          std::make_pair(mv1::CHARACTERISTIC_KIND_AFFINITY, TextKey("Crafts")),
                          std::make_pair(mv1::CHARACTERISTIC_KIND_AFFINITY, TextKey("Food"))));
  EXPECT_THAT(WantedCharacteristics(Preferences()), IsEmpty());
}

}  // namespace
}  // namespace cercles::network
