// The advisor-scope rows of network's RPCs (see advisor_scope_test.cc).
#include "tests/integration/advisor_scope_fixture.h"

namespace cercles::testing::advisor_scope {

std::vector<Row> AdvisorScopeTest::NetworkRows() {
  std::vector<Row> rows;
  const Expect kRefused = Expect::kRefused, kFiltered = Expect::kFiltered,
               kNotScoped = Expect::kNotScoped;
  nv1::NetworkService::Stub* n = network_.get();
  nv1::PartnerService::Stub* pa = partners_.get();
  nv1::PeerFundService::Stub* pe = peers_.get();
  const std::string b_person = members_b_[1];
  // ---- network ----
  // The network's directory (circles as every fund's staff and the peer funds
  // see them: no member, no contact) is not scoped per advisor; B's circle may
  // appear in it, nothing else of B's.
  const std::string directory = "the network's directory: circle summaries every fund's staff read";
  {
    rows.push_back(MakeRow(kNotScoped, "directory", n,
                           &nv1::NetworkService::Stub::ListNetworkCircles,
                           nv1::ListNetworkCirclesRequest(), {}, directory));
    nv1::GetNetworkCircleRequest g;
    g.set_name(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "B in the directory", n,
                           &nv1::NetworkService::Stub::GetNetworkCircle, g, {}, directory));
    nv1::GetCircleNeighbourhoodRequest h;
    h.set_circle(absl::StrCat("funds/fund-test/", circle_b_));
    h.set_depth(2);
    h.set_view(nv1::NODE_VIEW_FULL);
    rows.push_back(MakeRow(kNotScoped, "around B", n,
                           &nv1::NetworkService::Stub::GetCircleNeighbourhood, h, {}, directory));
    nv1::SuggestCirclesRequest s;
    s.set_language("fr");
    rows.push_back(MakeRow(kNotScoped, "for a newcomer", n,
                           &nv1::NetworkService::Stub::SuggestCircles, s, {}, directory));
    nv1::SearchExpertiseRequest e;
    e.set_term("comptabilité");
    rows.push_back(MakeRow(kNotScoped, "expertise", n, &nv1::NetworkService::Stub::SearchExpertise,
                           e, {}, "only people who opted in to share an expertise, no contact"));
    rows.push_back(MakeRow(kNotScoped, "statistics", n, &nv1::NetworkService::Stub::GetNetworkStats,
                           nv1::GetNetworkStatsRequest(), {}, "counts per fund and region"));
    nv1::GetImpactReportRequest impact;
    impact.mutable_from_date()->set_year(2020);
    impact.mutable_from_date()->set_month(1);
    impact.mutable_from_date()->set_day(1);
    impact.mutable_to_date()->set_year(2026);
    impact.mutable_to_date()->set_month(12);
    impact.mutable_to_date()->set_day(31);
    rows.push_back(MakeRow(kNotScoped, "impact report", n,
                           &nv1::NetworkService::Stub::GetImpactReport, impact, {},
                           "counts and amounts per fund, region and period; names no one"));
    nv1::DeclareSisterCirclesRequest d;
    d.set_request_id("scope-sister");
    d.set_circle(absl::StrCat("funds/fund-test/", circle_a_));
    d.set_sister(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "A and B", n,
                           &nv1::NetworkService::Stub::DeclareSisterCircles, d, {},
                           "a link between two directory entries, across advisors and funds"));
    nv1::RemoveSisterCirclesRequest r;
    r.set_request_id("scope-sister-remove");
    r.set_circle(absl::StrCat("funds/fund-test/", circle_a_));
    r.set_sister(absl::StrCat("funds/fund-test/", circle_b_));
    rows.push_back(MakeRow(kNotScoped, "A and B", n,
                           &nv1::NetworkService::Stub::RemoveSisterCircles, r, {},
                           "a link between two directory entries, across advisors and funds"));
  }
  {
    nv1::GetPartnerRequest g;
    g.set_name(partner_);
    rows.push_back(MakeRow(kNotScoped, "a partner", pa, &nv1::PartnerService::Stub::GetPartner, g,
                           {}, "partner organisations are the fund's, of no circle"));
    rows.push_back(MakeRow(kNotScoped, "partners", pa, &nv1::PartnerService::Stub::ListPartners,
                           nv1::ListPartnersRequest(), {},
                           "partner organisations are the fund's, of no circle"));
    nv1::GetPeerFundRequest peer;
    peer.set_name("peers/fund-quebec");
    rows.push_back(MakeRow(kNotScoped, "a peer fund", pe, &nv1::PeerFundService::Stub::GetPeerFund,
                           peer, {}, "the federation's registered funds"));
    rows.push_back(MakeRow(kNotScoped, "peer funds", pe, &nv1::PeerFundService::Stub::ListPeerFunds,
                           nv1::ListPeerFundsRequest(), {}, "the federation's registered funds"));
  }
  {
    nv1::CreateReferralRequest r;
    r.set_request_id("scope-network-referral");
    r.mutable_referral()->set_person(b_person);
    r.mutable_referral()->set_partner(partner_);
    r.mutable_referral()->set_reason("comptabilité");
    rows.push_back(
        MakeRow(kRefused, "of B's member", pa, &nv1::PartnerService::Stub::CreateReferral, r));
    nv1::GetReferralRequest g;
    g.set_name(network_referral_b_);
    rows.push_back(
        MakeRow(kRefused, "B's member's", pa, &nv1::PartnerService::Stub::GetReferral, g));
    rows.push_back(MakeRow(kFiltered, "unfiltered", pa, &nv1::PartnerService::Stub::ListReferrals,
                           nv1::ListReferralsRequest(), {Quoted(network_referral_a_)}));
    nv1::ListReferralsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", pa,
                           &nv1::PartnerService::Stub::ListReferrals, by_person));
    nv1::ListReferralsRequest by_partner;
    by_partner.set_partner(partner_);
    rows.push_back(MakeRow(kFiltered, "partner", pa, &nv1::PartnerService::Stub::ListReferrals,
                           by_partner, {Quoted(network_referral_a_)}));
    nv1::UpdateReferralStatusRequest u;
    u.set_request_id("scope-network-referral-status");
    u.set_name(network_referral_b_);
    u.set_status(nv1::REFERRAL_STATUS_ACCEPTED);
    rows.push_back(
        MakeRow(kRefused, "B's member's", pa, &nv1::PartnerService::Stub::UpdateReferralStatus, u));
  }
  // Member transfers between funds: an incoming one by its receiving circle.
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", pe,
                           &nv1::PeerFundService::Stub::ListMemberTransfers,
                           nv1::ListMemberTransfersRequest(), {Quoted(transfer_a_)}));
    // B's transfers come first: a page of one skips them, it does not end there.
    nv1::ListMemberTransfersRequest one;
    one.set_page_size(1);
    one.set_direction(nv1::TRANSFER_DIRECTION_INCOMING);
    rows.push_back(MakeRow(kFiltered, "incoming, pages of one", pe,
                           &nv1::PeerFundService::Stub::ListMemberTransfers, one,
                           {Quoted(transfer_a_)}));
  }
  return rows;
}

}  // namespace cercles::testing::advisor_scope
