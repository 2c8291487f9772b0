// The network graph built from membership's real event stream, and the queries
// over it, through the real membership and network processes (SQLite and
// PostgreSQL, Redis up): neighbourhoods with edge filters, sister links, merge
// lineage, suggestions for a newcomer, the expertise directory and statistics.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/network_fixtures.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const auto kRegion = mv1::CHARACTERISTIC_KIND_REGION;
const auto kSector = mv1::CHARACTERISTIC_KIND_SECTOR;
const auto kLanguage = mv1::CHARACTERISTIC_KIND_LANGUAGE;

class NetworkGraphTest : public NetworkSuiteTest {
 protected:
  grpc::Status Sisters(const std::string& request_id, const std::string& a, const std::string& b,
                       const std::string& note, nv1::DeclareSisterCirclesResponse* out = nullptr,
                       bool* replayed = nullptr) {
    nv1::DeclareSisterCirclesRequest request;
    request.set_request_id(request_id);
    request.set_circle(a);
    request.set_sister(b);
    request.set_note(note);
    nv1::DeclareSisterCirclesResponse response;
    auto context = Bob();
    grpc::Status status = network_->DeclareSisterCircles(context.get(), request, &response);
    if (out != nullptr) *out = response;
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }
  grpc::Status Unsister(const std::string& request_id, const std::string& a, const std::string& b) {
    nv1::RemoveSisterCirclesRequest request;
    request.set_request_id(request_id);
    request.set_circle(a);
    request.set_sister(b);
    nv1::RemoveSisterCirclesResponse response;
    return network_->RemoveSisterCircles(Bob().get(), request, &response);
  }
};

TEST_P(NetworkGraphTest, NeighbourhoodsSistersAndLineageFromEvents) {
  CreateAdvisor("bob");
  mv1::Circle a =
      CircleWithMembers("Bouffe Rosemont", {{kRegion, "Rosemont"}, {kSector, "food"}}, 5);
  mv1::Circle b = CircleWithMembers("Artisans Rosemont", {{kRegion, "Rosemont"}}, 4);
  mv1::Circle c = CircleWithMembers("Bouffe Laval", {{kRegion, "Laval"}, {kSector, "food"}}, 2);
  for (const auto* circle : {&a, &b, &c}) WaitForNetwork(*circle);
  const std::string A = Net(a.name()), B = Net(b.name()), C = Net(c.name());
  const std::string fund = "funds/fund-test";
  const std::string rosemont = "funds/fund-test/regions/Rosemont";
  const std::string laval = "funds/fund-test/regions/Laval";

  nv1::GetCircleNeighbourhoodResponse one = Neighbourhood(A, 1);
  EXPECT_THAT(NodeNames(one), ElementsAre(A, fund, rosemont));
  EXPECT_EQ(one.nodes(0).kind(), nv1::NODE_KIND_CIRCLE);
  EXPECT_EQ(one.nodes(0).member_count(), 5);
  EXPECT_EQ(one.nodes(0).circle_status(), mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_FALSE(one.nodes(0).has_circle());  // the basic view
  nv1::GetCircleNeighbourhoodRequest full_request;
  full_request.set_circle(A);
  full_request.set_depth(1);
  full_request.set_view(nv1::NODE_VIEW_FULL);
  nv1::GetCircleNeighbourhoodResponse full;
  ASSERT_TRUE(network_->GetCircleNeighbourhood(Admin().get(), full_request, &full).ok());
  EXPECT_EQ(full.nodes(0).circle().region(), "Rosemont");
  EXPECT_EQ(full.nodes(0).circle().open_seats(), 2);
  EXPECT_EQ(one.nodes(0).display_name(), "Bouffe Rosemont");
  EXPECT_EQ(one.nodes(1).kind(), nv1::NODE_KIND_FUND);
  EXPECT_EQ(one.nodes(2).kind(), nv1::NODE_KIND_REGION);
  EXPECT_EQ(one.nodes(2).display_name(), "Rosemont");
  ASSERT_EQ(one.edges_size(), 2);  // ends are positions in `nodes`
  EXPECT_EQ(one.edges(0).kind(), nv1::EDGE_KIND_FUND);
  EXPECT_EQ(one.edges(0).from_node(), 0);
  EXPECT_EQ(one.edges(0).to_node(), 1);
  EXPECT_EQ(one.edges(1).kind(), nv1::EDGE_KIND_REGION);
  EXPECT_EQ(one.edges(1).to_node(), 2);
  EXPECT_FALSE(one.truncated());

  EXPECT_THAT(NodeNames(Neighbourhood(A, 2, {nv1::EDGE_KIND_REGION})), ElementsAre(A, rosemont, B));
  nv1::GetCircleNeighbourhoodResponse two = Neighbourhood(A, 2);
  EXPECT_THAT(NodeNames(two), UnorderedElementsAre(A, fund, rosemont, B, C));
  for (const auto& n : two.nodes()) {
    EXPECT_EQ(n.distance(), n.name() == A ? 0 : (n.name() == B || n.name() == C ? 2 : 1))
        << n.name();
  }
  EXPECT_THAT(NodeNames(Neighbourhood(C, 3, {nv1::EDGE_KIND_REGION})), ElementsAre(C, laval));

  grpc::Status bad;
  Neighbourhood(A, 4, {}, &bad);
  EXPECT_THAT(bad, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("depth must be 1 to 3")));
  Neighbourhood(A, 0, {}, &bad);
  EXPECT_THAT(bad, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  Neighbourhood(Net("circles/9999"), 1, {}, &bad);
  EXPECT_THAT(bad, StatusIs(grpc::StatusCode::NOT_FOUND));
  Neighbourhood("circles/1", 1, {}, &bad);
  EXPECT_THAT(bad, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  // Sisters, declared by staff; seen by the next read (the cache generation
  // moved with the write).
  nv1::DeclareSisterCirclesResponse declared;
  ASSERT_TRUE(Sisters("sister-1", C, A, "même rue", &declared).ok());
  EXPECT_EQ(declared.link().circle_a(), std::min(A, C));
  EXPECT_EQ(declared.link().declared_by(), "staff:bob");
  EXPECT_THAT(NodeNames(Neighbourhood(C, 1, {nv1::EDGE_KIND_SISTER})), ElementsAre(C, A));
  bool replayed = false;
  nv1::DeclareSisterCirclesResponse again;
  ASSERT_TRUE(Sisters("sister-1", C, A, "même rue", &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.link().declare_time().seconds(), declared.link().declare_time().seconds());
  EXPECT_THAT(Sisters("sister-1", C, B, "other"), StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  grpc::Status twice = Sisters("sister-2", A, C, "again");
  EXPECT_THAT(twice, StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("already sisters")));
  EXPECT_THAT(Sisters("sister-3", A, A, ""), StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(Sisters("sister-4", A, Net("circles/9999"), ""),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Sisters("sister 5", A, B, ""), StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  // Merge B and C: the result links to both sources and both regions; the
  // sister link of C stays on C (a merged circle keeps its history).
  mv1::MergeCirclesRequest merge;
  merge.set_request_id("merge-1");
  merge.add_circles(b.name());
  merge.add_circles(c.name());
  merge.set_display_name("Rosemont-Laval");
  mv1::MergeCirclesResponse merged;
  grpc::Status status = circles_->MergeCircles(Bob().get(), merge, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  WaitForNetwork(merged.circle());
  const std::string D = Net(merged.circle().name());
  EXPECT_THAT(NodeNames(Neighbourhood(D, 1, {nv1::EDGE_KIND_MERGED_FROM})), ElementsAre(D, B, C));
  EXPECT_THAT(NodeNames(Neighbourhood(D, 1, {nv1::EDGE_KIND_REGION})),
              ElementsAre(D, laval, rosemont));
  nv1::GetCircleNeighbourhoodResponse lineage =
      Neighbourhood(A, 3, {nv1::EDGE_KIND_SISTER, nv1::EDGE_KIND_MERGED_FROM});
  EXPECT_THAT(NodeNames(lineage), ElementsAre(A, C, D, B));  // sister, merged into, merged from
  EXPECT_EQ(lineage.nodes(1).circle_status(), mv1::CIRCLE_STATUS_MERGED);
  grpc::Status ended = Sisters("sister-6", A, B, "");
  EXPECT_THAT(ended,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("CIRCLE_STATUS_MERGED")));

  ASSERT_TRUE(Unsister("unsister-1", A, C).ok());
  EXPECT_THAT(NodeNames(Neighbourhood(C, 1, {nv1::EDGE_KIND_SISTER})), ElementsAre(C));
  EXPECT_THAT(Unsister("unsister-2", A, C), StatusIs(grpc::StatusCode::NOT_FOUND));
}

TEST_P(NetworkGraphTest, SuggestionsExpertiseAndStatistics) {
  CreateAdvisor("bob");
  std::vector<std::string> people_a, people_c;
  mv1::Circle a = CircleWithMembers("Bouffe Rosemont",
                                    {{kRegion, "Rosemont"}, {kSector, "food"}, {kLanguage, "fr"}},
                                    5, &people_a);
  mv1::Circle full = CircleWithMembers("Pleine", {{kRegion, "Rosemont"}, {kSector, "food"}}, 7);
  mv1::Circle c =
      CircleWithMembers("Bouffe Laval", {{kRegion, "Laval"}, {kSector, "food"}}, 2, &people_c);
  mv1::Circle english =
      CircleWithMembers("Food Rosemont", {{kRegion, "Rosemont"}, {kLanguage, "en"}}, 4);
  for (const auto* circle : {&a, &full, &c, &english}) WaitForNetwork(*circle);

  nv1::SuggestCirclesRequest suggest;
  suggest.set_region("rosemont");
  suggest.set_sector("food");
  suggest.set_language("fr");
  nv1::SuggestCirclesResponse suggestions;
  ASSERT_TRUE(network_->SuggestCircles(Bob().get(), suggest, &suggestions).ok());
  ASSERT_EQ(suggestions.suggestions_size(), 2);
  EXPECT_EQ(suggestions.suggestions(0).circle().name(), Net(a.name()));
  EXPECT_EQ(suggestions.suggestions(0).score(), 90);
  EXPECT_THAT(
      suggestions.suggestions(0).reasons(),
      ElementsAre("works in: fr", "same region: rosemont", "same sector: food", "2 seats left"));
  EXPECT_EQ(suggestions.suggestions(1).circle().name(), Net(c.name()));
  EXPECT_THAT(suggestions.suggestions(1).reasons(),
              ::testing::Contains("forming: 2 more to become active"));
  nv1::SuggestCirclesRequest empty;
  grpc::Status refused = network_->SuggestCircles(Bob().get(), empty, &suggestions);
  EXPECT_THAT(refused,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("at least one preference")));

  // Expertise: only opted-in people; names only when shared; reached through
  // the advisor, never through their own contact details.
  ShareExpertise(people_a[0], {"Comptabilité", "Marketing"}, /*shares=*/true);
  ShareExpertise(people_c[0], {"comptabilité fiscale"}, /*shares=*/false);
  mv1::UpdatePersonRequest contact;
  contact.set_request_id("contact-1");
  contact.mutable_person()->set_name(people_a[0]);
  contact.mutable_person()->mutable_contact()->set_email("secret.person@example.org");
  contact.mutable_update_mask()->add_paths("contact");
  mv1::UpdatePersonResponse updated;
  ASSERT_TRUE(people_->UpdatePerson(Admin().get(), contact, &updated).ok());
  nv1::SearchExpertiseRequest search;
  search.set_term("COMPTA");
  nv1::SearchExpertiseResponse found;
  ASSERT_TRUE(Eventually(
      [&] {
        found.Clear();
        return network_->SearchExpertise(Bob().get(), search, &found).ok() &&
               found.matches_size() == 2;
      },
      absl::Seconds(20)))
      << found.DebugString();
  const nv1::ExpertiseMatch& named = found.matches(0);
  EXPECT_EQ(named.person(), Net(people_a[0]));
  EXPECT_THAT(named.display_name(), HasSubstr("Entrepreneure"));
  EXPECT_THAT(named.matched(), ElementsAre("Comptabilité"));
  EXPECT_EQ(named.circle(), Net(a.name()));
  EXPECT_EQ(named.contact_path().advisor_email(), "bob@fonds.example");
  EXPECT_THAT(named.contact_path().instructions(), HasSubstr("Ask bob"));
  EXPECT_EQ(found.matches(1).display_name(), "");
  EXPECT_THAT(found.DebugString(), ::testing::Not(HasSubstr("secret.person")));
  search.set_term("c");
  EXPECT_THAT(network_->SearchExpertise(Bob().get(), search, &found),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  nv1::GetNetworkStatsRequest stats_request;
  stats_request.set_by_region(true);
  nv1::GetNetworkStatsResponse stats;
  ASSERT_TRUE(network_->GetNetworkStats(Admin().get(), stats_request, &stats).ok());
  ASSERT_EQ(stats.funds_size(), 1);
  EXPECT_EQ(stats.funds(0).fund_id(), "fund-test");
  EXPECT_EQ(stats.funds(0).circles(), 4);
  EXPECT_EQ(stats.funds(0).active_circles(), 3);
  EXPECT_EQ(stats.funds(0).members(), 18);
  EXPECT_EQ(stats.funds(0).active_loans(), 0);
  EXPECT_FALSE(stats.funds(0).has_par30_bps());
  ASSERT_EQ(stats.regions_size(), 2);
  EXPECT_EQ(stats.regions(0).region(), "Laval");
  EXPECT_EQ(stats.regions(1).region(), "Rosemont");
  EXPECT_EQ(stats.regions(1).members(), 16);
  stats_request.mutable_as_of()->set_year(2026);
  stats_request.mutable_as_of()->set_month(2);
  stats_request.mutable_as_of()->set_day(30);
  EXPECT_THAT(network_->GetNetworkStats(Admin().get(), stats_request, &stats),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkGraphTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
