// Two complete funds on loopback (each its own membership, lending, network,
// Redis and databases) federating over mTLS: they register each other, follow
// each other's directories and see each other's circles in their network
// queries; identities are checked (revoked, unregistered and rogue
// certificates), personal data never crosses, and transfers need consent.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cercles/common/v1/event.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "common/api/closed_set.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "tests/integration/federation_fixtures.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

class FederationTest : public TwoFundsTest {
 protected:
  // fund-a's view of fund-b as a peer: calls into fund-b with fund-a's certificate.
  std::unique_ptr<nv1::FederationService::Stub> AsPeer(Fund& target, const std::string& cert) {
    return nv1::FederationService::NewStub(ChannelAs(target.suite(), cert));
  }

  static std::string Net(const Fund& fund, const mv1::Circle& circle) {
    return absl::StrCat("funds/", fund.id(), "/", circle.name());
  }

  // Network's own events of `fund` (read for a moment as admin), by type.
  static std::vector<cercles::common::v1::Event> NetworkEvents(Fund& fund) {
    nv1::WatchEventsRequest request;
    auto call = Context(TestCredentials().admin_token, absl::Seconds(2));
    auto stream = fund.network().WatchEvents(call.get(), request);
    std::vector<cercles::common::v1::Event> events;
    nv1::WatchEventsResponse response;
    while (stream->Read(&response)) events.push_back(response.event());
    stream->Finish();
    return events;
  }
};

TEST_P(FederationTest, FundsExchangeDirectoriesAndSeeEachOthersCircles) {
  mv1::Circle rosemont = a_->CreateCircle("Cercle Rosemont", "Rosemont");
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  b_->CreateCircle("Cercle Charlesbourg", "Charlesbourg");
  ASSERT_TRUE(a_->Register(*b_).ok());
  ASSERT_TRUE(b_->Register(*a_).ok());

  ASSERT_TRUE(a_->SeesCircles("fund-b", 2)) << Logs();
  ASSERT_TRUE(b_->SeesCircles("fund-a", 1, "Cercle Rosemont")) << Logs();
  // Fund-a's calls to its peer are counted as client calls, as calls to siblings are.
  EXPECT_THAT(
      ScrapeMetrics(a_->suite().Log("network")),
      ::testing::ContainsRegex("grpc_client_msg_received_total\\{grpc_method=\"WatchDirectory\","
                               "grpc_service=\"cercles.network.v1.FederationService\","
                               "grpc_type=\"server_stream\"\\} [1-9]"));
  // Each fund still has its own circles, under its own fund id.
  EXPECT_EQ(a_->NetworkCircles("fund-a").size(), 1u);
  EXPECT_EQ(b_->NetworkCircles("fund-b").size(), 2u);

  // The peer's circle as fund-a's network shows it: its public summary.
  nv1::GetNetworkCircleRequest get;
  get.set_name(Net(*b_, limoilou));
  nv1::GetNetworkCircleResponse got;
  grpc::Status status = a_->network().GetNetworkCircle(Fund::Admin().get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.circle().fund_id(), "fund-b");
  EXPECT_EQ(got.circle().display_name(), "Cercle Limoilou");
  EXPECT_EQ(got.circle().region(), "Limoilou");
  EXPECT_TRUE(got.circle().accepting_members());
  EXPECT_EQ(got.circle().open_seats(), 7);

  // Filters apply to peers' circles like to the fund's own.
  nv1::ListNetworkCirclesRequest by_region;
  by_region.set_region("limoilou");
  nv1::ListNetworkCirclesResponse in_region;
  ASSERT_TRUE(a_->network().ListNetworkCircles(Fund::Admin().get(), by_region, &in_region).ok());
  ASSERT_EQ(in_region.circles_size(), 1);
  EXPECT_EQ(in_region.circles(0).name(), Net(*b_, limoilou));

  // The graph: fund-a's circle -> fund-a -> (federation) fund-b -> fund-b's circles.
  nv1::GetCircleNeighbourhoodRequest walk;
  walk.set_circle(Net(*a_, rosemont));
  walk.set_depth(3);
  walk.add_edge_kinds(nv1::EDGE_KIND_FUND);
  walk.add_edge_kinds(nv1::EDGE_KIND_FEDERATION);
  nv1::GetCircleNeighbourhoodResponse neighbourhood;
  status = a_->network().GetCircleNeighbourhood(Fund::Admin().get(), walk, &neighbourhood);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> nodes;
  for (const auto& n : neighbourhood.nodes()) nodes.push_back(n.name());
  EXPECT_THAT(nodes, ::testing::Contains("funds/fund-b"));
  EXPECT_THAT(nodes, ::testing::Contains(Net(*b_, limoilou)));
  bool federation_edge = false;
  for (const auto& e : neighbourhood.edges()) {
    federation_edge = federation_edge || (e.kind() == nv1::EDGE_KIND_FEDERATION &&
                                          nodes[e.from_node()] == "funds/fund-a" &&
                                          nodes[e.to_node()] == "funds/fund-b");
  }
  EXPECT_TRUE(federation_edge);

  // Statistics count the peer's circles under its fund.
  nv1::GetNetworkStatsRequest stats_request;
  stats_request.set_fund_id("fund-b");
  nv1::GetNetworkStatsResponse stats;
  ASSERT_TRUE(a_->network().GetNetworkStats(Fund::Admin().get(), stats_request, &stats).ok());
  ASSERT_EQ(stats.funds_size(), 1);
  EXPECT_EQ(stats.funds(0).circles(), 2);

  // The stream follows new changes, and resumes from its durable cursor
  // after a restart (a change made while fund-a's network was down arrives).
  b_->CreateCircle("Cercle Beauport", "Beauport");
  ASSERT_TRUE(a_->SeesCircles("fund-b", 3, "Cercle Beauport")) << Logs();
  a_->suite().KillService("network");
  b_->CreateCircle("Cercle Vanier", "Vanier");
  ASSERT_TRUE(a_->suite().StartService("network").ok());
  ASSERT_TRUE(a_->SeesCircles("fund-b", 4, "Cercle Vanier")) << Logs();

  nv1::GetPeerFundRequest peer_request;
  peer_request.set_name("peers/fund-b");
  nv1::GetPeerFundResponse peer;
  ASSERT_TRUE(a_->peers().GetPeerFund(Fund::Admin().get(), peer_request, &peer).ok());
  EXPECT_EQ(peer.peer().status(), nv1::PEER_FUND_STATUS_ACTIVE);
  EXPECT_EQ(peer.peer().sync().circles(), 4);
  EXPECT_GT(peer.peer().sync().sequence(), 0);
  EXPECT_EQ(peer.peer().registered_by(), "staff:alice");
}

TEST_P(FederationTest, PeersReadTheDirectoryAndStatisticsOnly) {
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  ASSERT_TRUE(b_->Register(*a_, /*follow=*/false).ok());
  ASSERT_TRUE(a_->Register(*b_).ok());
  a_->CreateCircle("Cercle Rosemont", "Rosemont");
  ASSERT_TRUE(b_->SeesCircles("fund-b", 1)) << Logs();
  auto as_a = AsPeer(*b_, "fund-a");

  nv1::ListDirectoryRequest list;
  nv1::ListDirectoryResponse directory;
  grpc::Status status = as_a->ListDirectory(Call().get(), list, &directory);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(directory.circles_size(), 1);  // fund-b's own circle only
  EXPECT_EQ(directory.circles(0).name(), Net(*b_, limoilou));
  EXPECT_GT(directory.sequence(), 0);

  nv1::GetFederationStatsRequest stats_request;
  stats_request.set_by_region(true);
  nv1::GetFederationStatsResponse stats;
  status = as_a->GetFederationStats(Call().get(), stats_request, &stats);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stats.fund().fund_id(), "fund-b");
  EXPECT_EQ(stats.fund().circles(), 1);
  ASSERT_EQ(stats.regions_size(), 1);
  EXPECT_EQ(stats.regions(0).region(), "Limoilou");

  // The change stream from the start, then resumed after the last sequence.
  nv1::WatchDirectoryRequest watch;
  auto stream_call = Call(absl::Seconds(15));
  auto stream = as_a->WatchDirectory(stream_call.get(), watch);
  nv1::WatchDirectoryResponse change;
  ASSERT_TRUE(stream->Read(&change));
  EXPECT_EQ(change.fund_id(), "fund-b");
  ASSERT_EQ(change.circles_size(), 1);
  EXPECT_EQ(change.circles(0).display_name(), "Cercle Limoilou");
  b_->CreateCircle("Cercle Beauport", "Beauport");
  nv1::WatchDirectoryResponse next;
  ASSERT_TRUE(stream->Read(&next));
  EXPECT_GT(next.sequence(), change.sequence());
  EXPECT_EQ(next.circles(0).display_name(), "Cercle Beauport");
  watch.set_after_sequence(change.sequence());
  auto resumed_call = Call();
  auto resumed = as_a->WatchDirectory(resumed_call.get(), watch);
  nv1::WatchDirectoryResponse again;
  ASSERT_TRUE(resumed->Read(&again));
  EXPECT_EQ(again.sequence(), next.sequence());

  // A revoked peer's open stream ends, and its next call is refused.
  ASSERT_TRUE(b_->Revoke("fund-a").ok());
  nv1::WatchDirectoryResponse ignored;
  while (stream->Read(&ignored)) {
  }
  EXPECT_THAT(stream->Finish(), StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  status = as_a->ListDirectory(Call().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(absl::StrContains(status.error_message(), "registered peer fund"))
      << status.error_message();
  status = as_a->GetFederationStats(Call().get(), stats_request, &stats);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  // fund-b forgets fund-a's circles with the revocation (it did not follow it
  // here) and refuses a second revocation.
  EXPECT_THAT(b_->Revoke("fund-a"), StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  nv1::GetPeerFundRequest get;
  get.set_name("peers/fund-a");
  nv1::GetPeerFundResponse revoked;
  ASSERT_TRUE(b_->peers().GetPeerFund(Fund::Admin().get(), get, &revoked).ok());
  EXPECT_EQ(revoked.peer().status(), nv1::PEER_FUND_STATUS_REVOKED);
  EXPECT_EQ(revoked.peer().revoke_reason(), "agreement ended");
  // Registered again, it is let in again.
  ASSERT_TRUE(b_->Register(*a_, false).ok());
  status = as_a->ListDirectory(Call().get(), list, &directory);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_P(FederationTest, UnknownRogueAndRevokedIdentitiesAreRefused) {
  b_->CreateCircle("Cercle Limoilou", "Limoilou");
  ASSERT_TRUE(b_->Register(*a_).ok());
  ASSERT_TRUE(a_->Register(*b_).ok());
  ASSERT_TRUE(b_->SeesCircles("fund-b", 1)) << Logs();
  nv1::ListDirectoryRequest list;
  nv1::ListDirectoryResponse directory;

  // A certificate of the right CA that no one registered.
  grpc::Status status = AsPeer(*b_, "fund-c")->ListDirectory(Call().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(absl::StrContains(status.error_message(), "\"fund-c\"")) << status.error_message();
  // A certificate of an unrelated CA: the TLS handshake fails.
  status = AsPeer(*b_, "rogue")->ListDirectory(Call(absl::Seconds(3)).get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE));
  // Staff do not call the peer-facing API (not served on their port), and a
  // peer does not call staff's (not served on its port).
  status = nv1::FederationService::NewStub(b_->suite().StaffChannel("network"))
               ->ListDirectory(Fund::Admin().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  nv1::ListPeerFundsRequest peers;
  nv1::ListPeerFundsResponse listed;
  status = nv1::PeerFundService::NewStub(ChannelAs(b_->suite(), "fund-a"))
               ->ListPeerFunds(Call().get(), peers, &listed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNIMPLEMENTED));

  // Personal data: a peer cannot search people, nor reach membership at all.
  nv1::SearchExpertiseRequest search;
  search.set_term("compta");
  nv1::SearchExpertiseResponse found;
  status = nv1::NetworkService::NewStub(ChannelAs(b_->suite(), "fund-a"))
               ->SearchExpertise(Call().get(), search, &found);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNIMPLEMENTED));
  const std::string person = b_->CreatePerson("Sophie", true);
  server::ChannelOptions to_membership;
  to_membership.address = b_->suite().Address("membership");
  to_membership.tls = {FederationCredentials().Cert("fund-a"),
                       FederationCredentials().Key("fund-a"), FederationCredentials().ca};
  to_membership.server_name_override = "membership";
  mv1::GetPersonRequest get_person;
  get_person.set_name(person);
  mv1::GetPersonResponse got_person;
  status = mv1::PeopleService::NewStub(*server::MakeChannel(to_membership))
               ->GetPerson(Call(absl::Seconds(3)).get(), get_person, &got_person);
  // fund-a's CA is trusted on fund-b's federation listener only: the
  // handshake with membership fails.
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(got_person.person().given_name().empty());

  // Registrations that would break the identity binding are refused.
  nv1::RegisterPeerFundRequest bad;
  bad.set_request_id("bad-1");
  bad.mutable_peer()->set_fund_id("fund-b");
  bad.mutable_peer()->set_certificate_common_name("fund-x");
  nv1::RegisterPeerFundResponse response;
  status = b_->peers().RegisterPeerFund(Fund::Admin().get(), bad, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));  // its own fund
  EXPECT_TRUE(absl::StrContains(status.error_message(), "own id")) << status.error_message();
  bad.set_request_id("bad-2");
  bad.mutable_peer()->set_fund_id("fund-x");
  bad.mutable_peer()->set_certificate_common_name("network");
  status = b_->peers().RegisterPeerFund(Fund::Admin().get(), bad, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));  // a service's name
  bad.set_request_id("bad-3");
  bad.mutable_peer()->set_certificate_common_name("fund-a");
  status = b_->peers().RegisterPeerFund(Fund::Admin().get(), bad, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::ALREADY_EXISTS));  // fund-a's certificate
  bad.set_request_id("bad-4");
  bad.mutable_peer()->set_certificate_common_name("fund-x");
  bad.mutable_peer()->set_address("no-port");
  status = b_->peers().RegisterPeerFund(Fund::Admin().get(), bad, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(b_->Register(*a_), StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  nv1::RegisterPeerFundRequest as_advisor = bad;
  as_advisor.set_request_id("advisor-1");
  as_advisor.mutable_peer()->clear_address();
  status = b_->peers().RegisterPeerFund(Context(TestCredentials().advisor_token).get(), as_advisor,
                                        &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  nv1::ListPeerFundsResponse all;
  ASSERT_TRUE(b_->peers().ListPeerFunds(Fund::Admin().get(), peers, &all).ok());
  ASSERT_EQ(all.peers_size(), 1);  // nothing refused was stored
  EXPECT_EQ(all.peers(0).fund_id(), "fund-a");

  // Revoking a fund-a that fund-b follows: its next call is refused, and its
  // circles leave fund-b's network.
  a_->CreateCircle("Cercle Rosemont", "Rosemont");
  ASSERT_TRUE(b_->SeesCircles("fund-a", 1)) << Logs();
  auto as_a = AsPeer(*b_, "fund-a");
  ASSERT_TRUE(as_a->ListDirectory(Call().get(), list, &directory).ok());
  ASSERT_TRUE(b_->Revoke("fund-a").ok());
  status = as_a->ListDirectory(Call().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(b_->NetworkCircles("fund-a").empty());
  // ...and fund-a, revoked, cannot follow fund-b any more: a new circle of
  // fund-b does not reach it.
  b_->CreateCircle("Cercle Beauport", "Beauport");
  EXPECT_FALSE(a_->SeesCircles("fund-b", 2, "Cercle Beauport", absl::Seconds(3)));
  bool revoked_event = false;
  for (const auto& event : NetworkEvents(*b_)) {
    nv1::PeerFundRevoked revoked;
    if (!event.payload().UnpackTo(&revoked)) continue;
    revoked_event = event.subject() == "peers/fund-a" &&
                    revoked.peer().status() == nv1::PEER_FUND_STATUS_REVOKED &&
                    revoked.peer().revoked_by() == "staff:alice";
  }
  EXPECT_TRUE(revoked_event);
}

// The door for peer funds: each fund's certificates come from its own CA,
// trusted by the other fund on its federation listener only. There a peer's
// certificate reaches FederationService and health, nothing else; on the
// main port FederationService is refused; a pinned peer is only its own
// certificate.
TEST_P(FederationTest, APeerReachesOnlyFederationThroughItsOwnPort) {
  b_->CreateCircle("Cercle Limoilou", "Limoilou");
  const std::string a_pin =
      CertificateSha256Hex(ReadTextFile(FederationCredentials().Cert("fund-a")));
  ASSERT_EQ(a_pin.size(), 64u);
  // As openssl prints it: upper case, pairs separated by ':'.
  std::string printed;
  for (size_t i = 0; i < a_pin.size(); i += 2) {
    absl::StrAppend(&printed, i == 0 ? "" : ":", absl::AsciiStrToUpper(a_pin.substr(i, 2)));
  }
  ASSERT_TRUE(b_->Register(*a_, /*follow=*/false, "", printed).ok());
  nv1::GetPeerFundRequest get;
  get.set_name("peers/fund-a");
  nv1::GetPeerFundResponse got;
  ASSERT_TRUE(b_->peers().GetPeerFund(Fund::Admin().get(), get, &got).ok());
  EXPECT_EQ(got.peer().certificate_sha256(), a_pin);

  auto channel = ChannelAs(b_->suite(), "fund-a");
  grpc::Channel* door = channel.get();
  nv1::ListDirectoryRequest list;
  nv1::ListDirectoryResponse directory;
  auto as_a = nv1::FederationService::NewStub(channel);
  grpc::Status status = as_a->ListDirectory(Call().get(), list, &directory);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(directory.circles_size(), 1);
  // Health answers there; nothing else is served, whatever the service.
  EXPECT_TRUE(CallWithEmptyRequest(door, "/grpc.health.v1.Health/Check").ok());
  for (const char* path : {"/cercles.membership.v1.MembershipService/ListCircles",
                           "/cercles.membership.v1.PeopleService/ListPeople",
                           "/cercles.network.v1.NetworkService/ListNetworkCircles",
                           "/cercles.network.v1.PeerFundService/ListPeerFunds",
                           "/cercles.network.v1.PartnerService/ListPartners",
                           "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
    EXPECT_THAT(CallWithEmptyRequest(door, path, TestCredentials().admin_token),
                StatusIs(grpc::StatusCode::UNIMPLEMENTED))
        << path;
  }
  // Staff's token does not open FederationService on the federation listener.
  EXPECT_THAT(CallWithEmptyRequest(door, "/cercles.network.v1.FederationService/ListDirectory",
                                   TestCredentials().admin_token),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  // The main port: FederationService is refused, saying where it is served,
  // and the peer's certificate (its own CA) does not even get through TLS.
  EXPECT_THAT(CallWithEmptyRequest(b_->suite().StaffChannel("network").get(),
                                   "/cercles.network.v1.FederationService/GetFederationStats",
                                   TestCredentials().admin_token),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                       ::testing::HasSubstr("only on the federation listener")));
  server::ChannelOptions main_port;
  main_port.address = b_->suite().Address("network");
  main_port.tls = {FederationCredentials().Cert("fund-a"), FederationCredentials().Key("fund-a"),
                   AllCas()};
  main_port.server_name_override = "network";
  EXPECT_THAT(CallWithEmptyRequest(server::MakeChannel(main_port)->get(),
                                   "/cercles.network.v1.NetworkService/ListNetworkCircles", "",
                                   false, absl::Seconds(3)),
              StatusIs(grpc::StatusCode::UNAVAILABLE));
  // A certificate of a CA fund-b does not trust does not reach its door.
  EXPECT_THAT(CallWithEmptyRequest(ChannelAs(b_->suite(), "rogue").get(),
                                   "/grpc.health.v1.Health/Check", "", false, absl::Seconds(3)),
              StatusIs(grpc::StatusCode::UNAVAILABLE));

  // Pinned to another certificate, fund-c's name is refused; fund-a's own
  // certificate stays in.
  nv1::RegisterPeerFundRequest pinned;
  pinned.set_request_id("register-fund-c-pinned");
  pinned.mutable_peer()->set_fund_id("fund-c");
  pinned.mutable_peer()->set_certificate_common_name("fund-c");
  pinned.mutable_peer()->set_certificate_sha256(a_pin);
  nv1::RegisterPeerFundResponse registered;
  ASSERT_TRUE(b_->peers().RegisterPeerFund(Fund::Admin().get(), pinned, &registered).ok());
  status = AsPeer(*b_, "fund-c")->ListDirectory(Call().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED,
                               ::testing::HasSubstr("SHA-256 fingerprint differs")));
  EXPECT_TRUE(as_a->ListDirectory(Call().get(), list, &directory).ok());
  pinned.set_request_id("register-bad-pin");
  pinned.mutable_peer()->set_fund_id("fund-x");
  pinned.mutable_peer()->set_certificate_common_name("fund-x");
  pinned.mutable_peer()->set_certificate_sha256("AB:CD");
  EXPECT_THAT(b_->peers().RegisterPeerFund(Fund::Admin().get(), pinned, &registered),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       ::testing::HasSubstr("peer.certificate_sha256")));
}

TEST_P(FederationTest, TransfersCrossOnlyWithTheirConsent) {
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  ASSERT_TRUE(a_->Register(*b_).ok());
  ASSERT_TRUE(b_->Register(*a_).ok());
  ASSERT_TRUE(a_->SeesCircles("fund-b", 1)) << Logs();
  const std::string target = Net(*b_, limoilou);

  auto incoming = [&] {
    nv1::ListMemberTransfersRequest request;
    request.set_direction(nv1::TRANSFER_DIRECTION_INCOMING);
    nv1::ListMemberTransfersResponse response;
    EXPECT_TRUE(b_->peers().ListMemberTransfers(Fund::Admin().get(), request, &response).ok());
    return response;
  };
  auto outgoing = [&] {
    nv1::ListMemberTransfersRequest request;
    request.set_direction(nv1::TRANSFER_DIRECTION_OUTGOING);
    nv1::ListMemberTransfersResponse response;
    EXPECT_TRUE(a_->peers().ListMemberTransfers(Fund::Admin().get(), request, &response).ok());
    return response;
  };
  auto send = [&](const std::string& person, const std::string& request_id,
                  nv1::SendMemberTransferResponse* response, grpc::ClientContext* call) {
    nv1::SendMemberTransferRequest request;
    request.set_request_id(request_id);
    request.set_person(person);
    request.set_peer("peers/fund-b");
    request.set_circle(target);
    return a_->peers().SendMemberTransfer(call, request, response);
  };

  // Without the person's consent nothing is sent nor stored, on either side.
  const std::string nadia = a_->CreatePerson("Nadia", false);
  nv1::SendMemberTransferResponse sent;
  grpc::Status status = send(nadia, "send-1", &sent, Fund::Admin().get());
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(status.error_message(), "share_with_other_funds"))
      << status.error_message();
  EXPECT_EQ(outgoing().transfers_size(), 0);
  EXPECT_EQ(incoming().transfers_size(), 0);
  // A peer proposing directly without consent is refused the same way.
  auto as_a = AsPeer(*b_, "fund-a");
  nv1::ProposeMemberTransferRequest propose;
  propose.set_request_id("propose-1");
  propose.set_circle(target);
  propose.mutable_candidate()->set_given_name("Nadia");
  propose.mutable_candidate()->set_family_name("Tremblay");
  propose.mutable_candidate()->set_language(mv1::LANGUAGE_FR);
  nv1::ProposeMemberTransferResponse proposed;
  status = as_a->ProposeMemberTransfer(Call().get(), propose, &proposed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(incoming().transfers_size(), 0);
  // ...or for a circle that is not fund-b's.
  propose.mutable_candidate()->mutable_consents()->set_share_with_other_funds(true);
  propose.set_circle("funds/fund-a/circles/1");
  status = as_a->ProposeMemberTransfer(Call().get(), propose, &proposed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  // With consent: only the shareable fields cross.
  a_->SetOtherFundsConsent(nadia, true);
  status = send(nadia, "send-2", &sent, Fund::Admin().get());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(sent.transfer().direction(), nv1::TRANSFER_DIRECTION_OUTGOING);
  EXPECT_EQ(sent.transfer().status(), nv1::TRANSFER_STATUS_PROPOSED);
  EXPECT_FALSE(sent.transfer().remote_name().empty());
  // A retry is answered from the first answer, not proposed twice.
  nv1::SendMemberTransferResponse again;
  grpc::ClientContext retry;
  AddToken(&retry, TestCredentials().admin_token);
  ASSERT_TRUE(send(nadia, "send-2", &again, &retry).ok());
  EXPECT_EQ(again.transfer().name(), sent.transfer().name());
  EXPECT_EQ(retry.GetServerInitialMetadata().count("cercles-replayed"), 1u);
  nv1::ListMemberTransfersResponse received = incoming();
  ASSERT_EQ(received.transfers_size(), 1);
  const nv1::MemberTransfer& transfer = received.transfers(0);
  EXPECT_EQ(transfer.name(), sent.transfer().remote_name());
  EXPECT_EQ(transfer.peer_fund_id(), "fund-a");
  EXPECT_EQ(transfer.circle(), target);
  EXPECT_EQ(transfer.candidate().given_name(), "Nadia");
  EXPECT_EQ(transfer.candidate().business_sector(), "food");
  EXPECT_THAT(transfer.candidate().expertise(), ::testing::ElementsAre("comptabilité"));
  EXPECT_EQ(transfer.person(), "funds/fund-a/" + nadia);
  const std::string bytes = transfer.SerializeAsString();
  EXPECT_FALSE(absl::StrContains(bytes, "courriel.example"));  // no contact details
  EXPECT_FALSE(absl::StrContains(bytes, "femme"));             // no gender
  EXPECT_FALSE(absl::StrContains(bytes, "555"));               // no telephone

  // fund-b accepts; fund-a learns the outcome.
  nv1::AcceptMemberTransferRequest accept;
  accept.set_request_id("accept-1");
  accept.set_name(transfer.name());
  accept.set_note("bienvenue");
  nv1::AcceptMemberTransferResponse accepted;
  status = b_->peers().AcceptMemberTransfer(Fund::Admin().get(), accept, &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(accepted.transfer().status(), nv1::TRANSFER_STATUS_ACCEPTED);
  EXPECT_EQ(accepted.transfer().decided_by(), "staff:alice");
  accept.set_request_id("accept-2");
  status = b_->peers().AcceptMemberTransfer(Fund::Admin().get(), accept, &accepted);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(Eventually(
      [&] {
        auto out = outgoing();
        return out.transfers_size() == 1 &&
               out.transfers(0).status() == nv1::TRANSFER_STATUS_ACCEPTED;
      },
      absl::Seconds(20)))
      << Logs();
  // The proposing fund may read its proposal at fund-b (without the note).
  nv1::GetProposedTransferRequest get;
  get.set_name(transfer.name());
  nv1::GetProposedTransferResponse got;
  ASSERT_TRUE(as_a->GetProposedTransfer(Call().get(), get, &got).ok());
  EXPECT_EQ(got.transfer().status(), nv1::TRANSFER_STATUS_ACCEPTED);
  EXPECT_TRUE(got.transfer().decision_note().empty());

  // A refusal needs a note and reaches fund-a too.
  const std::string omar = a_->CreatePerson("Omar", true);
  ASSERT_TRUE(send(omar, "send-3", &sent, Fund::Admin().get()).ok());
  nv1::RefuseMemberTransferRequest refuse;
  refuse.set_request_id("refuse-1");
  refuse.set_name(sent.transfer().remote_name());
  nv1::RefuseMemberTransferResponse refused;
  status = b_->peers().RefuseMemberTransfer(Fund::Admin().get(), refuse, &refused);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  refuse.set_note("le cercle est complet en pratique");
  ASSERT_TRUE(b_->peers().RefuseMemberTransfer(Fund::Admin().get(), refuse, &refused).ok());
  EXPECT_TRUE(Eventually(
      [&] {
        auto out = outgoing();
        return out.transfers_size() == 2 &&
               out.transfers(1).status() == nv1::TRANSFER_STATUS_REFUSED;
      },
      absl::Seconds(20)))
      << Logs();
  // fund-a cannot decide on its own outgoing proposal.
  nv1::AcceptMemberTransferRequest wrong_side;
  wrong_side.set_request_id("accept-3");
  wrong_side.set_name(sent.transfer().name());
  status = a_->peers().AcceptMemberTransfer(Fund::Admin().get(), wrong_side, &accepted);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));

  // Each change is an event in network's outbox, the notes redacted.
  std::vector<std::string> changes;
  for (const auto& event : NetworkEvents(*b_)) {
    if (event.type() == "cercles.network.v1.PeerFundRegistered") changes.push_back("registered");
    nv1::MemberTransferChanged changed;
    if (event.type() != "cercles.network.v1.MemberTransferChanged") continue;
    ASSERT_TRUE(event.payload().UnpackTo(&changed));
    EXPECT_TRUE(changed.transfer().decision_note().empty()) << changed.DebugString();
    changes.push_back(changed.change());
    EXPECT_EQ(api::EnumText(*nv1::TransferChangeKind_descriptor(), changed.change_kind()),
              changed.change());
  }
  EXPECT_THAT(changes,
              ::testing::ElementsAre("registered", "PROPOSED", "ACCEPTED", "PROPOSED", "REFUSED"));
  changes.clear();
  for (const auto& event : NetworkEvents(*a_)) {
    nv1::MemberTransferChanged changed;
    if (!event.payload().UnpackTo(&changed)) continue;
    changes.push_back(changed.change());
    EXPECT_NE(changed.change_kind(), nv1::TRANSFER_CHANGE_KIND_UNSPECIFIED) << changed.change();
  }
  EXPECT_THAT(changes, ::testing::ElementsAre("SENT", "ACCEPTED", "SENT", "REFUSED"));
}

// An advisor lists the outgoing transfers of the people of their scope only:
// a member of Dora's circle leaves fund-a; Bob, advisor of no circle there,
// never sees the transfer, Dora and the admin do.
TEST_P(FederationTest, AnAdvisorListsOnlyTheOutgoingTransfersOfTheirPeople) {
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  ASSERT_TRUE(a_->Register(*b_).ok());
  ASSERT_TRUE(b_->Register(*a_).ok());
  ASSERT_TRUE(a_->SeesCircles("fund-b", 1)) << Logs();

  auto date = [](int year, int month, int day) {
    cercles::common::v1::Date d;
    d.set_year(year);
    d.set_month(month);
    d.set_day(day);
    return d;
  };
  mv1::CreateAdvisorRequest advisor;
  advisor.set_request_id("advisor-dora");
  advisor.mutable_advisor()->set_display_name("Dora");
  advisor.mutable_advisor()->set_email("dora@fonds.example");
  advisor.mutable_advisor()->set_principal_name("dora");
  mv1::CreateAdvisorResponse dora;
  grpc::Status status = a_->circles().CreateAdvisor(Fund::Admin().get(), advisor, &dora);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto trainings = mv1::TrainingService::NewStub(a_->suite().StaffChannel("membership"));
  mv1::CreateTrainingRequest training;
  training.set_request_id("training-1");
  training.mutable_training()->set_display_name("Cohorte");
  *training.mutable_training()->mutable_start_date() = date(2024, 1, 8);
  *training.mutable_training()->mutable_end_date() = date(2024, 3, 1);
  mv1::CreateTrainingResponse trained;
  status = trainings->CreateTraining(Fund::Admin().get(), training, &trained);
  ASSERT_TRUE(status.ok()) << status.error_message();
  NewPerson nadia_draft;
  nadia_draft.given_name = "Nadia";
  const std::string nadia =
      CreatePersonInTraining(a_->people(), *trainings, TestCredentials().admin_token,
                             trained.training().name(), date(2024, 3, 1), nadia_draft);
  a_->SetOtherFundsConsent(nadia, true);
  mv1::Circle rosemont = a_->CreateCircle("Cercle Rosemont", "Rosemont");
  mv1::AssignCircleAdvisorRequest assign;
  assign.set_request_id("assign-rosemont");
  assign.set_circle(rosemont.name());
  assign.set_advisor(dora.advisor().name());
  mv1::AssignCircleAdvisorResponse assigned;
  status = a_->circles().AssignCircleAdvisor(Fund::Admin().get(), assign, &assigned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  mv1::AddCircleMemberRequest add;
  add.set_request_id("add-nadia");
  add.set_circle(rosemont.name());
  add.set_person(nadia);
  add.set_reason("founder");
  mv1::AddCircleMemberResponse added;
  status = a_->circles().AddCircleMember(Fund::Admin().get(), add, &added);
  ASSERT_TRUE(status.ok()) << status.error_message();

  nv1::SendMemberTransferRequest send;
  send.set_request_id("send-nadia");
  send.set_person(nadia);
  send.set_peer("peers/fund-b");
  send.set_circle(Net(*b_, limoilou));
  nv1::SendMemberTransferResponse sent;
  status = a_->peers().SendMemberTransfer(Fund::Admin().get(), send, &sent);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto outgoing = [&](std::unique_ptr<grpc::ClientContext> as) {
    nv1::ListMemberTransfersRequest request;
    request.set_direction(nv1::TRANSFER_DIRECTION_OUTGOING);
    nv1::ListMemberTransfersResponse response;
    grpc::Status listed = a_->peers().ListMemberTransfers(as.get(), request, &response);
    EXPECT_TRUE(listed.ok()) << listed.error_message();
    std::vector<std::string> names;
    for (const auto& t : response.transfers()) names.push_back(t.name());
    return names;
  };
  const std::vector<std::string> just_nadia = {sent.transfer().name()};
  EXPECT_EQ(outgoing(Fund::Admin()), just_nadia);
  // The network learns Nadia's circle and its advisor from membership's events.
  EXPECT_TRUE(Eventually([&] { return outgoing(Dora()) == just_nadia && outgoing(Bob()).empty(); },
                         absl::Seconds(15)))
      << Logs();
}

TEST_P(FederationTest, CerclesctlRegistersPeersAndDecidesTransfers) {
  const std::string& work = work_dir();
  mv1::Circle limoilou = b_->CreateCircle("Cercle Limoilou", "Limoilou");
  const std::string& admin = TestCredentials().admin_token;
  CtlResult r = RunCerclesctl(a_->suite(), "network", admin,
                              {"network", "peers", "register", "--fund", "fund-b", "--cn", "fund-b",
                               "--peer-address", b_->suite().FederationAddress(),
                               "--peer-server-name", "fund-b", "--display-name", "Fonds B"},
                              work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "peers/fund-b")) << r.out;
  // fund-a pinned to its certificate (fund-b follows nothing of it here).
  const std::string a_pin =
      CertificateSha256Hex(ReadTextFile(FederationCredentials().Cert("fund-a")));
  r = RunCerclesctl(b_->suite(), "network", admin,
                    {"network", "peers", "register", "--fund", "fund-a", "--cn", "fund-a",
                     "--cert-sha256", a_pin},
                    work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "certificate pin:  " + a_pin)) << r.out;
  r = RunCerclesctl(b_->suite(), "network", admin,
                    {"network", "peers", "register", "--fund", "fund-x", "--cn", "lending"}, work);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "INVALID_ARGUMENT")) << r.err;
  ASSERT_TRUE(a_->SeesCircles("fund-b", 1)) << Logs();
  r = RunCerclesctl(a_->suite(), "network", admin, {"network", "peers", "list"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "Fonds B")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "active")) << r.out;

  const std::string nadia = a_->CreatePerson("Nadia", true);
  r = RunCerclesctl(a_->suite(), "network", admin,
                    {"network", "transfers", "send", "--person", nadia, "--peer", "fund-b",
                     "--circle", Net(*b_, limoilou)},
                    work);
  ASSERT_EQ(r.code, 0) << r.err;
  r = RunCerclesctl(
      b_->suite(), "network", admin,
      {"network", "transfers", "list", "--direction", "incoming", "--status", "proposed"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "transfers/1")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "Nadia Tremblay")) << r.out;
  r = RunCerclesctl(b_->suite(), "network", admin, {"network", "transfers", "refuse", "1"}, work);
  EXPECT_EQ(r.code, 2) << r.err;  // --note is required
  r = RunCerclesctl(b_->suite(), "network", admin,
                    {"network", "transfers", "accept", "1", "--note", "bienvenue"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "accepted")) << r.out;

  r = RunCerclesctl(b_->suite(), "network", admin,
                    {"network", "peers", "revoke", "fund-a", "--reason", "fin de l'entente"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "revoked")) << r.out;
  nv1::ListDirectoryRequest list;
  nv1::ListDirectoryResponse directory;
  grpc::Status status = AsPeer(*b_, "fund-a")->ListDirectory(Call().get(), list, &directory);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  r = RunCerclesctl(b_->suite(), "network", admin,
                    {"network", "peers", "list", "--status", "revoked"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "peers/fund-a")) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, FederationTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
