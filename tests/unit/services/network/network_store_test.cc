// Network's store on each engine, fed through the event projection as the
// subscribers feed it: circles and their edges, people and consent, loans and
// the statistics' figures, sister and referral edges, partners and referrals.
#include <algorithm>
#include <set>
#include <utility>

#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/date.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/network/event_projection.h"
#include "services/network/graph_store.h"
#include "services/network/loan_store.h"
#include "services/network/partner_store.h"
#include "services/network/people_store.h"
#include "tests/unit/services/network/network_test_db.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kFund[] = "fund-a";
const auto kRegion = mv1::CHARACTERISTIC_KIND_REGION;
const auto kSector = mv1::CHARACTERISTIC_KIND_SECTOR;

class NetworkStoreTest : public NetworkDbTest {
 protected:
  void Apply(const google::protobuf::Message& payload) {
    auto event = MakeEvent(kFund, ++sequence_, payload);
    ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                  return projection_.ApplyMembershipEvent(tx, event);
                }).ok())
        << payload.GetTypeName();
  }
  void ApplyLending(const google::protobuf::Message& payload) {
    auto event = MakeEvent(kFund, ++sequence_, payload);
    ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                  return projection_.ApplyLendingEvent(tx, event);
                }).ok());
  }
  void Created(const mv1::Circle& circle) {
    mv1::CircleCreated e;
    *e.mutable_circle() = circle;
    Apply(e);
  }
  void Updated(const mv1::Circle& circle) {
    mv1::CircleUpdated e;
    *e.mutable_circle() = circle;
    Apply(e);
  }
  void Person(int64_t id, bool shares, bool opt_in, std::vector<std::string> expertise,
              const std::string& circle = "") {
    mv1::PersonCreated e;
    mv1::Person* p = e.mutable_person();
    p->set_name("people/" + std::to_string(id));
    p->set_given_name("Given" + std::to_string(id));
    p->set_family_name("Family");
    p->set_language(mv1::LANGUAGE_FR);
    p->mutable_business()->set_sector("food");
    p->mutable_consents()->set_share_with_network(shares);
    p->set_expertise_opt_in(opt_in);
    for (const auto& x : expertise) p->add_expertise(x);
    p->set_status(mv1::PERSON_STATUS_ACTIVE);
    p->set_current_circle(circle);
    Apply(e);
  }
  void Joined(int64_t person, const mv1::Circle& circle) {
    mv1::CircleMemberAdded e;
    e.mutable_member()->set_person("people/" + std::to_string(person));
    *e.mutable_circle() = circle;
    Apply(e);
  }
  std::vector<std::string> Neighbours(const std::vector<std::string>& frontier,
                                      std::vector<v1::EdgeKind> kinds, int limit = 100) {
    std::vector<std::string> out;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  auto n = graph_.Neighbours(tx, frontier, kinds, limit);
                  if (n.ok()) out = *n;
                  return n.status();
                }).ok());
    return out;
  }
  std::vector<v1::ExpertiseMatch> Search(const std::string& term) {
    std::vector<v1::ExpertiseMatch> out;
    ExpertiseQuery q;
    q.term_key = term;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  auto m = people_.SearchExpertise(tx, q, std::nullopt, 50);
                  if (m.ok()) out = *m;
                  return m.status();
                }).ok());
    return out;
  }
  std::optional<PersonFacts> Facts(int64_t person) {
    std::optional<PersonFacts> out;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  auto f = people_.Facts(tx, kFund, person);
                  if (f.ok()) out = *f;
                  return f.status();
                }).ok());
    return out;
  }
  // The statistics of `fund` ("" for every fund) as of a day, by region or not.
  StatsTables Stats(const std::string& fund, absl::CivilDay as_of, bool by_region) {
    std::vector<RegionFigures> figures;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  auto f = LoanStore().Figures(tx, fund, as_of);
                  if (f.ok()) figures = *f;
                  return f.status();
                }).ok());
    return BuildStats(figures, by_region);
  }
  static std::string C(int64_t id) { return NetworkCircleName({kFund, id}); }

  int64_t sequence_ = 0;
  EventProjection projection_;
  GraphStore graph_;
  PeopleStore people_;
  DirectoryStore directory_;
};

TEST_P(NetworkStoreTest, CirclesBecomeNodesWithFundAndRegionEdges) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, "Rosemont"}, {kSector, "food"}}));
  Created(MakeCircle(2, mv1::CIRCLE_STATUS_FORMING, 2, {{kRegion, "Rosemont"}}));
  Created(MakeCircle(3, mv1::CIRCLE_STATUS_ACTIVE, 6, {{kRegion, "Laval"}}));
  const std::string rosemont = RegionNodeName(kFund, "Rosemont");
  EXPECT_THAT(Neighbours({C(1)}, {v1::EDGE_KIND_REGION}), ElementsAre(rosemont));
  EXPECT_THAT(Neighbours({rosemont}, {v1::EDGE_KIND_REGION}), ElementsAre(C(1), C(2)));
  EXPECT_THAT(Neighbours({FundNodeName(kFund)}, {v1::EDGE_KIND_FUND}),
              ElementsAre(C(1), C(2), C(3)));
  EXPECT_THAT(Neighbours({FundNodeName(kFund)}, {v1::EDGE_KIND_FUND}, 2), ElementsAre(C(1), C(2)));
  // A circle moving region loses the old edge.
  Updated(MakeCircle(2, mv1::CIRCLE_STATUS_FORMING, 3, {{kRegion, "Laval"}}));
  EXPECT_THAT(Neighbours({rosemont}, {v1::EDGE_KIND_REGION}), ElementsAre(C(1)));
  EXPECT_THAT(Neighbours({C(2)}, {v1::EDGE_KIND_REGION, v1::EDGE_KIND_FUND}),
              ElementsAre(FundNodeName(kFund), RegionNodeName(kFund, "Laval")));

  v1::ListNetworkCirclesRequest filter;
  filter.set_region("LAVAL");
  std::vector<std::string> names;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                auto list = directory_.List(tx, filter, std::nullopt, 10);
                for (const auto& c : *list) names.push_back(c.name());
                return list.status();
              }).ok());
  EXPECT_THAT(names, ElementsAre(C(2), C(3)));
  filter.set_has_room(true);
  filter.clear_region();
  names.clear();
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                auto list = directory_.List(tx, filter, std::nullopt, 10);
                for (const auto& c : *list) names.push_back(c.name());
                return list.status();
              }).ok());
  EXPECT_THAT(names, ElementsAre(C(1), C(2), C(3)));
}

// The first `limit` neighbours of a frontier of hubs, in name order, are the
// same as a brute force over every edge: each hub is asked only for its own
// first `limit` (an index walk), and the names interleave across the hubs.
TEST_P(NetworkStoreTest, NeighboursOfHubsAreTheFirstNamesOverTheWholeFrontier) {
  const std::vector<std::string> regions = {"Laval", "Rosemont", "Verdun"};
  for (int64_t id = 1; id <= 60; ++id) {
    Created(MakeCircle(id, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, regions[id % 3]}}));
  }
  std::vector<std::string> every;
  for (int64_t id = 1; id <= 60; ++id) every.push_back(C(id));
  std::sort(every.begin(), every.end());
  std::vector<std::string> hubs;
  for (const std::string& region : regions) hubs.push_back(RegionNodeName(kFund, region));
  for (int limit : {1, 7, 25, 59, 60, 100}) {
    SCOPED_TRACE(limit);
    std::vector<std::string> expected(every.begin(),
                                      every.begin() + std::min<size_t>(limit, every.size()));
    EXPECT_EQ(Neighbours(hubs, {v1::EDGE_KIND_REGION}, limit), expected);
  }
  // Two hubs of different kinds, one name reachable through both, counted once.
  std::vector<std::string> both =
      Neighbours({FundNodeName(kFund), hubs[0]}, {v1::EDGE_KIND_FUND, v1::EDGE_KIND_REGION}, 10);
  EXPECT_EQ(both, std::vector<std::string>(every.begin(), every.begin() + 10));
  // Only the kinds asked for.
  EXPECT_THAT(Neighbours({hubs[0]}, {v1::EDGE_KIND_FUND}, 10), IsEmpty());
  // The edges among a few of them: a hub's edges to circles outside the set
  // are not returned. Circles 3 and 6 are on regions[0] (id % 3 == 0), 4 is not.
  std::vector<NamedEdge> edges;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                auto e = graph_.EdgesAmong(tx, {hubs[0], C(3), C(6), C(4)},
                                           {v1::EDGE_KIND_REGION, v1::EDGE_KIND_FUND});
                if (e.ok()) edges = *e;
                return e.status();
              }).ok());
  std::set<std::pair<std::string, std::string>> pairs;
  for (const NamedEdge& e : edges) {
    EXPECT_EQ(e.kind, v1::EDGE_KIND_REGION);
    pairs.insert(std::minmax(e.from, e.to));
  }
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{std::minmax(hubs[0], C(3)),
                                                                  std::minmax(hubs[0], C(6))}));
  EXPECT_EQ(edges.size(), 2u);
}

TEST_P(NetworkStoreTest, MergesLinkTheResultToItsSourcesAndMoveMembers) {
  Created(MakeCircle(4, mv1::CIRCLE_STATUS_ACTIVE, 4));
  Created(MakeCircle(5, mv1::CIRCLE_STATUS_UNDER_STRENGTH, 3));
  Person(10, true, false, {});
  Joined(10, MakeCircle(4, mv1::CIRCLE_STATUS_ACTIVE, 4));
  EXPECT_EQ(Facts(10)->circle_id, 4);
  mv1::CirclesMerged merged;
  *merged.mutable_circle() = MakeCircle(6, mv1::CIRCLE_STATUS_ACTIVE, 7);
  merged.mutable_circle()->add_merged_from("circles/4");
  merged.mutable_circle()->add_merged_from("circles/5");
  *merged.add_merged() = MakeCircle(4, mv1::CIRCLE_STATUS_MERGED, 0);
  *merged.add_merged() = MakeCircle(5, mv1::CIRCLE_STATUS_MERGED, 0);
  Apply(merged);
  EXPECT_THAT(Neighbours({C(6)}, {v1::EDGE_KIND_MERGED_FROM}), ElementsAre(C(4), C(5)));
  EXPECT_EQ(Facts(10)->circle_id, 6);
  // A later event about a source keeps the lineage (the result owns that edge).
  Updated(MakeCircle(4, mv1::CIRCLE_STATUS_MERGED, 0));
  EXPECT_THAT(Neighbours({C(4)}, {v1::EDGE_KIND_MERGED_FROM}), ElementsAre(C(6)));
  // Dissolving ends every membership.
  Updated(MakeCircle(6, mv1::CIRCLE_STATUS_DISSOLVED, 0));
  EXPECT_FALSE(Facts(10)->circle_id.has_value());
}

TEST_P(NetworkStoreTest, ExpertiseOnlyWithConsentNamesOnlyWhenShared) {
  mv1::AdvisorCreated advisor;
  advisor.mutable_advisor()->set_name("advisors/2");
  advisor.mutable_advisor()->set_display_name("Nadia Roy");
  advisor.mutable_advisor()->set_email("nadia@fund.example");
  Apply(advisor);
  mv1::Circle circle = MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, "Rosemont"}});
  circle.set_advisor("advisors/2");
  Created(circle);
  Person(1, /*shares=*/true, /*opt_in=*/true, {"Comptabilité", "Marketing web"}, "circles/1");
  Person(2, /*shares=*/false, /*opt_in=*/true, {"comptabilité"});
  Person(3, /*shares=*/true, /*opt_in=*/false, {"Comptable"});  // not consented: never kept
  auto matches = Search("compta");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].person(), "funds/fund-a/people/1");
  EXPECT_EQ(matches[0].display_name(), "Given1 Family");
  EXPECT_EQ(matches[0].sector(), "food");
  EXPECT_THAT(matches[0].expertise(), ElementsAre("Comptabilité", "Marketing web"));
  EXPECT_THAT(matches[0].matched(), ElementsAre("Comptabilité"));
  EXPECT_EQ(matches[0].circle(), C(1));
  EXPECT_EQ(matches[0].contact_path().advisor(), "advisors/2");
  EXPECT_EQ(matches[0].contact_path().advisor_email(), "nadia@fund.example");
  EXPECT_THAT(matches[0].contact_path().instructions(), ::testing::HasSubstr("Nadia Roy"));
  EXPECT_EQ(matches[1].person(), "funds/fund-a/people/2");
  EXPECT_EQ(matches[1].display_name(), "");  // did not share their name
  EXPECT_EQ(matches[1].sector(), "");
  EXPECT_THAT(matches[1].contact_path().instructions(), ::testing::HasSubstr("staff of fund"));
  EXPECT_THAT(Search("comptable"), IsEmpty());
  EXPECT_THAT(Search("100%"), IsEmpty());  // LIKE's characters are literal
  // Opting out later removes the expertise.
  Person(1, true, false, {});
  EXPECT_EQ(Search("compta").size(), 1u);
}

lv1::LoanChanged Loan(int64_t id, int64_t circle, lv1::LoanState state, int64_t outstanding,
                      std::optional<absl::CivilDay> oldest_due) {
  lv1::LoanChanged e;
  lv1::Loan* loan = e.mutable_loan();
  loan->set_name("loans/" + std::to_string(id));
  loan->set_circle("circles/" + std::to_string(circle));
  loan->set_state(state);
  loan->mutable_amount()->set_currency_code("CAD");
  loan->mutable_amount()->set_minor_units(100000);
  loan->mutable_outstanding_principal()->set_currency_code("CAD");
  loan->mutable_outstanding_principal()->set_minor_units(outstanding);
  loan->set_business_plan_summary("never kept");
  if (oldest_due)
    *loan->mutable_arrears()->mutable_oldest_unpaid_due_date() = api::DateFromDay(*oldest_due);
  e.set_change("REPAYMENT_RECORDED");
  return e;
}

TEST_P(NetworkStoreTest, LoanFiguresPerRegionWithPar30AsOfTheDate) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, "Rosemont"}}));
  Created(MakeCircle(2, mv1::CIRCLE_STATUS_ACTIVE, 4));
  const absl::CivilDay as_of(2026, 3, 31);
  ApplyLending(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 80000, as_of - 31));  // at risk
  ApplyLending(Loan(2, 1, lv1::LOAN_STATE_ACTIVE, 20000, as_of - 30));  // 30 days: not yet
  ApplyLending(Loan(3, 1, lv1::LOAN_STATE_CLOSED_REPAID, 0, std::nullopt));
  ApplyLending(Loan(4, 2, lv1::LOAN_STATE_WRITTEN_OFF, 0, std::nullopt));
  ApplyLending(Loan(5, 2, lv1::LOAN_STATE_SUBMITTED, 0, std::nullopt));
  ApplyLending(Loan(6, 2, lv1::LOAN_STATE_ACTIVE, 50000, std::nullopt));
  StatsTables t = Stats("", as_of, true);
  ASSERT_EQ(t.funds.size(), 1u);
  EXPECT_EQ(t.funds[0].circles(), 2);
  EXPECT_EQ(t.funds[0].members(), 9);
  EXPECT_EQ(t.funds[0].active_loans(), 3);
  EXPECT_EQ(t.funds[0].outstanding_principal().minor_units(), 150000);
  EXPECT_EQ(t.funds[0].principal_at_risk_30().minor_units(), 80000);
  EXPECT_EQ(t.funds[0].par30_bps(), 5333);
  EXPECT_EQ(t.funds[0].repayment_rate_bps(), 5000);
  ASSERT_EQ(t.regions.size(), 2u);
  EXPECT_EQ(t.regions[0].region(), kNoRegion);
  EXPECT_EQ(t.regions[0].par30_bps(), 0);
  EXPECT_EQ(t.regions[1].region(), "Rosemont");
  EXPECT_EQ(t.regions[1].par30_bps(), 8000);
  // A day earlier loan 1 is 30 days late: nothing at risk.
  EXPECT_EQ(Stats(kFund, as_of - 1, false).funds[0].principal_at_risk_30().minor_units(), 0);
  // The next event of a loan replaces what was known of it.
  ApplyLending(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 60000, std::nullopt));
  t = Stats(kFund, as_of, false);
  EXPECT_EQ(t.funds[0].principal_at_risk_30().minor_units(), 0);
  EXPECT_EQ(t.funds[0].outstanding_principal().minor_units(), 130000);
}

// An event's arrears are as of its own day. A loan with no principal repaid
// has its first instalment as the oldest unpaid one: it turns late after its
// last event without another one.
TEST_P(NetworkStoreTest, UntouchedLoansAgeFromTheirFirstDueDate) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5));
  const absl::CivilDay as_of(2026, 3, 31);
  lv1::LoanChanged untouched = Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 100000, std::nullopt);
  *untouched.mutable_loan()->mutable_first_due_date() = api::DateFromDay(as_of - 45);
  lv1::LoanChanged partly_repaid = Loan(2, 1, lv1::LOAN_STATE_ACTIVE, 90000, std::nullopt);
  *partly_repaid.mutable_loan()->mutable_first_due_date() = api::DateFromDay(as_of - 45);
  ApplyLending(untouched);
  ApplyLending(partly_repaid);
  const StatsTables t = Stats(kFund, as_of, false);
  ASSERT_EQ(t.funds.size(), 1u);
  const v1::NetworkStats fund = t.funds[0];
  EXPECT_EQ(fund.outstanding_principal().minor_units(), 190000);
  EXPECT_EQ(fund.principal_at_risk_30().minor_units(), 100000);
}

// Reschedules count per loan from RESCHEDULED events only, whatever the loan's
// state afterwards; the other events of a rescheduled loan keep its count.
TEST_P(NetworkStoreTest, ReschedulesAreCountedFromTheirEvents) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, "Rosemont"}}));
  Created(MakeCircle(2, mv1::CIRCLE_STATUS_ACTIVE, 4));
  const absl::CivilDay as_of(2026, 3, 31);
  auto rescheduled = [](lv1::LoanChanged e) {
    e.set_change_kind(lv1::LOAN_CHANGE_KIND_RESCHEDULED);
    return e;
  };
  ApplyLending(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 80000, std::nullopt));
  ApplyLending(rescheduled(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 80000, std::nullopt)));
  ApplyLending(rescheduled(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 70000, std::nullopt)));
  ApplyLending(Loan(1, 1, lv1::LOAN_STATE_ACTIVE, 60000, std::nullopt));  // a repayment
  ApplyLending(rescheduled(Loan(2, 2, lv1::LOAN_STATE_ACTIVE, 50000, std::nullopt)));
  ApplyLending(Loan(2, 2, lv1::LOAN_STATE_CLOSED_REPAID, 0, std::nullopt));
  ApplyLending(Loan(3, 2, lv1::LOAN_STATE_ACTIVE, 40000, std::nullopt));
  const StatsTables t = Stats(kFund, as_of, true);
  ASSERT_EQ(t.funds.size(), 1u);
  EXPECT_EQ(t.funds[0].loans_rescheduled(), 2);
  EXPECT_EQ(t.funds[0].reschedules(), 3);
  ASSERT_EQ(t.regions.size(), 2u);
  EXPECT_EQ(t.regions[0].region(), kNoRegion);
  EXPECT_EQ(t.regions[0].loans_rescheduled(), 1);
  EXPECT_EQ(t.regions[0].reschedules(), 1);
  EXPECT_EQ(t.regions[1].loans_rescheduled(), 1);
  EXPECT_EQ(t.regions[1].reschedules(), 2);
}

TEST_P(NetworkStoreTest, SuggestionCandidatesHaveRoomAndAWantedCharacteristic) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5, {{kRegion, "Rosemont"}}));
  Created(MakeCircle(2, mv1::CIRCLE_STATUS_ACTIVE, 7, {{kRegion, "Rosemont"}}));  // full
  Created(MakeCircle(3, mv1::CIRCLE_STATUS_SUSPENDED, 5, {{kRegion, "Rosemont"}}));
  Created(MakeCircle(4, mv1::CIRCLE_STATUS_FORMING, 2, {{kSector, "Food"}}));
  Created(MakeCircle(5, mv1::CIRCLE_STATUS_FORMING, 2, {{kSector, "crafts"}}));
  std::vector<std::string> names;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                auto c = directory_.CirclesWithRoomCarrying(
                    tx, kFund, {{kRegion, "rosemont"}, {kSector, "food"}});
                for (const auto& circle : *c) names.push_back(circle.name());
                return c.status();
              }).ok());
  EXPECT_THAT(names, ElementsAre(C(1), C(4)));
}

TEST_P(NetworkStoreTest, SisterAndReferralEdges) {
  Created(MakeCircle(1, mv1::CIRCLE_STATUS_ACTIVE, 5));
  Created(MakeCircle(2, mv1::CIRCLE_STATUS_ACTIVE, 5));
  const std::string partner = PartnerNodeName(kFund, 7);
  v1::SisterLink link;
  link.set_circle_a(C(1));
  link.set_circle_b(C(2));
  link.set_note("same street");
  link.set_declared_by("staff:alice");
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_RETURN_IF_ERROR(graph_.InsertSister(tx, link, 1700000000000000));
                CERCLES_RETURN_IF_ERROR(
                    graph_.AddToEdge(tx, C(1), v1::EDGE_KIND_REFERRAL, partner, 1));
                return graph_.AddToEdge(tx, C(1), v1::EDGE_KIND_REFERRAL, partner, 1);
              }).ok());
  EXPECT_THAT(Neighbours({C(2)}, {v1::EDGE_KIND_SISTER}), ElementsAre(C(1)));
  EXPECT_THAT(Neighbours({partner}, {v1::EDGE_KIND_REFERRAL}), ElementsAre(C(1)));
  std::vector<NamedEdge> edges;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                auto e = graph_.EdgesAmong(tx, {C(1), C(2), partner, FundNodeName(kFund)},
                                           {v1::EDGE_KIND_SISTER, v1::EDGE_KIND_REFERRAL});
                if (e.ok()) edges = *e;
                return e.status();
              }).ok());
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0].kind, v1::EDGE_KIND_SISTER);
  EXPECT_EQ(edges[1].kind, v1::EDGE_KIND_REFERRAL);
  EXPECT_EQ(edges[1].from, C(1));
  EXPECT_EQ(edges[1].to, partner);
  EXPECT_EQ(edges[1].weight, 2);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_RETURN_IF_ERROR(graph_.DeleteSister(tx, link));
                CERCLES_RETURN_IF_ERROR(
                    graph_.AddToEdge(tx, C(1), v1::EDGE_KIND_REFERRAL, partner, -1));
                return absl::OkStatus();
              }).ok());
  EXPECT_THAT(Neighbours({C(2)}, {v1::EDGE_KIND_SISTER}), IsEmpty());
  EXPECT_THAT(Neighbours({partner}, {v1::EDGE_KIND_REFERRAL}), ElementsAre(C(1)));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return graph_.AddToEdge(tx, C(1), v1::EDGE_KIND_REFERRAL, partner, -1);
              }).ok());
  EXPECT_THAT(Neighbours({partner}, {v1::EDGE_KIND_REFERRAL}), IsEmpty());
  EXPECT_THAT(Neighbours({C(1)}, {v1::EDGE_KIND_REFERRAL}), IsEmpty());
}

TEST_P(NetworkStoreTest, PartnersAndReferralsFilterAndCount) {
  PartnerStore store;
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  std::vector<v1::Partner> created;
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                for (int i = 0; i < 3; ++i) {
                  v1::Partner p;
                  p.set_display_name("Partner " + std::to_string(i));
                  p.set_kind(i == 0 ? v1::PARTNER_KIND_CDEC : v1::PARTNER_KIND_BANK);
                  p.set_status(v1::PARTNER_STATUS_ACTIVE);
                  p.add_territory(i == 2 ? "Laval" : "Rosemont");
                  p.add_services("Accounting");
                  CERCLES_ASSIGN_OR_RETURN(v1::Partner stored, store.InsertPartner(tx, p, now));
                  created.push_back(stored);
                }
                for (int i = 0; i < 3; ++i) {
                  v1::Referral r;
                  r.set_person("people/" + std::to_string(10 + i % 2));
                  r.set_partner(created[0].name());
                  r.set_status(i == 2 ? v1::REFERRAL_STATUS_DECLINED : v1::REFERRAL_STATUS_SENT);
                  CERCLES_RETURN_IF_ERROR(store.InsertReferral(tx, r, 10 + i % 2, 1, now).status());
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(created[0].name(), "partners/1");
  auto names = [&](PartnerFilter f) {
    std::vector<std::string> out;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  auto list = store.ListPartners(tx, f, 0, 10);
                  for (const auto& p : *list) out.push_back(p.name());
                  return list.status();
                }).ok());
    return out;
  };
  PartnerFilter f;
  f.territory_key = "rosemont";
  EXPECT_THAT(names(f), ElementsAre("partners/1", "partners/2"));
  f.kind = v1::PARTNER_KIND_BANK;
  f.service_key = "accounting";
  EXPECT_THAT(names(f), ElementsAre("partners/2"));
  std::optional<v1::Partner> first;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(first, store.GetPartner(tx, 1));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(first->open_referrals(), 2);  // the declined one is not open
  std::vector<std::string> referrals;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                ReferralFilter rf;
                rf.person_id = 10;
                auto list = store.ListReferrals(tx, rf, 0, 10);
                for (const auto& r : *list) referrals.push_back(r.name());
                return list.status();
              }).ok());
  EXPECT_THAT(referrals, UnorderedElementsAre("referrals/1", "referrals/3"));
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace cercles::network
