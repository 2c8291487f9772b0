// The federation's rules: peer registrations, what of a person may cross to
// another fund, and what is accepted from a peer's directory.
#include "services/network/federation_rules.h"

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::set<std::string> kServices = {"membership", "lending", "network"};

v1::PeerFund Peer() {
  v1::PeerFund peer;
  peer.set_fund_id("fund-quebec");
  peer.set_certificate_common_name("fund-quebec.federation");
  peer.set_address("federation.quebec.example:443");
  peer.set_display_name("  Fonds de Québec ");
  peer.set_region("Capitale-Nationale");
  return peer;
}

TEST(NormalisePeerTest, KeepsTheRegistrationAndClearsOutputFields) {
  v1::PeerFund peer = Peer();
  peer.set_status(v1::PEER_FUND_STATUS_REVOKED);
  peer.set_registered_by("someone");
  auto normal = NormalisePeer(peer, "fund-montreal", kServices);
  ASSERT_TRUE(normal.ok()) << normal.status();
  EXPECT_EQ(normal->name(), "peers/fund-quebec");
  EXPECT_EQ(normal->display_name(), "Fonds de Québec");
  EXPECT_EQ(normal->status(), v1::PEER_FUND_STATUS_UNSPECIFIED);
  EXPECT_TRUE(normal->registered_by().empty());
  EXPECT_EQ(PeerServerName(*normal), "federation.quebec.example");
}

TEST(NormalisePeerTest, RefusesWhatWouldBreakTheIdentityBinding) {
  auto expect_invalid = [](v1::PeerFund peer, const std::string& says) {
    auto normal = NormalisePeer(peer, "fund-montreal", kServices);
    EXPECT_TRUE(absl::IsInvalidArgument(normal.status())) << says;
    EXPECT_THAT(std::string(normal.status().message()), HasSubstr(says));
  };
  v1::PeerFund p = Peer();
  p.set_fund_id("fund-montreal");
  expect_invalid(p, "own id");
  p = Peer();
  p.set_fund_id("Fund_Quebec");
  expect_invalid(p, "peer.fund_id");
  p = Peer();
  p.set_certificate_common_name("network");
  expect_invalid(p, "service of this deployment");
  p.set_certificate_common_name("");
  expect_invalid(p, "peer.certificate_common_name");
  p.set_certificate_common_name("CN=fund quebec");
  expect_invalid(p, "peer.certificate_common_name");
  p = Peer();
  p.set_address("quebec.example");
  expect_invalid(p, "peer.address");
  p.set_address("quebec.example:99999");
  expect_invalid(p, "peer.address");
  p = Peer();
  p.clear_address();
  p.set_tls_server_name("network");
  expect_invalid(p, "needs peer.address");
  p = Peer();
  p.set_display_name(std::string(121, 'x'));
  expect_invalid(p, "peer.display_name");
}

TEST(NormalisePeerTest, PinsTheCertificateByItsSha256Fingerprint) {
  const std::string digits = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  std::string printed;  // as openssl prints it: "01:23:...:EF"
  for (size_t i = 0; i < digits.size(); i += 2) {
    printed += (i == 0 ? "" : ":") + absl::AsciiStrToUpper(digits.substr(i, 2));
  }
  v1::PeerFund p = Peer();
  p.set_certificate_sha256(printed);
  auto normal = NormalisePeer(p, "fund-montreal", kServices);
  ASSERT_TRUE(normal.ok()) << normal.status();
  EXPECT_EQ(normal->certificate_sha256(), digits);
  p.set_certificate_sha256(digits);
  EXPECT_EQ(NormalisePeer(p, "fund-montreal", kServices)->certificate_sha256(), digits);
  p.clear_certificate_sha256();
  EXPECT_TRUE(NormalisePeer(p, "fund-montreal", kServices)->certificate_sha256().empty());
  for (const std::string& bad : {digits.substr(2), digits + "00", "g" + digits.substr(1),
                                 ":" + digits.substr(1), "0:123" + digits.substr(4)}) {
    p.set_certificate_sha256(bad);
    auto refused = NormalisePeer(p, "fund-montreal", kServices);
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << bad;
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("peer.certificate_sha256"));
  }
}

TEST(PeerNameTest, ParsesOnlyPeerNames) {
  EXPECT_EQ(PeerName("fund-a"), "peers/fund-a");
  EXPECT_EQ(*ParsePeerName("peers/fund-a", "name"), "fund-a");
  EXPECT_TRUE(absl::IsInvalidArgument(ParsePeerName("funds/fund-a", "name").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(ParsePeerName("peers/", "name").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(ParsePeerName("peers/a/b", "name").status()));
  v1::PeerFund ipv6;
  ipv6.set_address("[::1]:5000");
  EXPECT_EQ(PeerServerName(ipv6), "::1");
}

mv1::Person Person(bool other_funds) {
  mv1::Person p;
  p.set_name("people/7");
  p.set_given_name("Nadia");
  p.set_family_name("Tremblay");
  p.set_language(mv1::LANGUAGE_FR);
  p.mutable_contact()->set_email("nadia@courriel.example");
  p.mutable_birth_date()->set_year(1990);
  p.set_gender("femme");
  p.mutable_business()->set_name("Traiteur Nadia");
  p.mutable_business()->set_sector("food");
  p.add_expertise("comptabilité");
  p.set_status(mv1::PERSON_STATUS_ACTIVE);
  p.set_trainings_completed(1);
  p.mutable_consents()->set_share_with_other_funds(other_funds);
  return p;
}

TEST(CandidateFromPersonTest, NothingCrossesWithoutConsent) {
  auto candidate = CandidateFromPerson(Person(false));
  EXPECT_TRUE(absl::IsFailedPrecondition(candidate.status()));
  EXPECT_THAT(std::string(candidate.status().message()), HasSubstr("share_with_other_funds"));
  mv1::Person withdrawn = Person(true);
  withdrawn.set_status(mv1::PERSON_STATUS_WITHDRAWN);
  EXPECT_TRUE(absl::IsFailedPrecondition(CandidateFromPerson(withdrawn).status()));
}

TEST(CandidateFromPersonTest, OnlyShareableFieldsCross) {
  auto candidate = CandidateFromPerson(Person(true));
  ASSERT_TRUE(candidate.ok()) << candidate.status();
  EXPECT_EQ(candidate->given_name(), "Nadia");
  EXPECT_EQ(candidate->business_sector(), "food");
  EXPECT_TRUE(candidate->expertise().empty());  // not opted in
  EXPECT_TRUE(candidate->consents().share_with_other_funds());
  const std::string bytes = candidate->SerializeAsString();
  EXPECT_THAT(bytes, ::testing::Not(HasSubstr("courriel")));
  EXPECT_THAT(bytes, ::testing::Not(HasSubstr("femme")));
  mv1::Person opted_in = Person(true);
  opted_in.set_expertise_opt_in(true);
  candidate = CandidateFromPerson(opted_in);
  ASSERT_TRUE(candidate.ok());
  EXPECT_THAT(candidate->expertise(), ElementsAre("comptabilité"));
  // What is built passes the receiving side's own check.
  EXPECT_TRUE(ValidateCandidate(*candidate, "candidate").ok());
}

TEST(ValidateCandidateTest, ConsentFirstThenFields) {
  v1::TransferCandidate c;
  c.set_given_name("Nadia");
  c.set_family_name("Tremblay");
  c.set_language(mv1::LANGUAGE_FR);
  EXPECT_TRUE(absl::IsFailedPrecondition(ValidateCandidate(c, "candidate").status()));
  c.mutable_consents()->set_share_with_other_funds(true);
  ASSERT_TRUE(ValidateCandidate(c, "candidate").ok());
  c.add_expertise("comptabilité");
  EXPECT_TRUE(absl::IsFailedPrecondition(ValidateCandidate(c, "candidate").status()));
  c.set_expertise_opt_in(true);
  EXPECT_TRUE(ValidateCandidate(c, "candidate").ok());
  v1::TransferCandidate bad = c;
  bad.clear_given_name();
  auto status = ValidateCandidate(bad, "candidate").status();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(std::string(status.message()), HasSubstr("candidate.given_name"));
  bad = c;
  bad.set_language(mv1::LANGUAGE_UNSPECIFIED);
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateCandidate(bad, "candidate").status()));
  bad = c;
  bad.set_trainings_completed(-1);
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateCandidate(bad, "candidate").status()));
}

TEST(CheckPeerCircleTest, OnlyThePeersOwnCirclesWithLineageInside) {
  v1::NetworkCircle circle;
  circle.set_name("funds/fund-b/circles/4");
  circle.set_fund_id("fund-b");
  circle.set_member_count(5);
  circle.add_merged_from("funds/fund-b/circles/2");
  circle.add_merged_from("funds/fund-a/circles/9");  // not the peer's: dropped
  auto key = CheckPeerCircle(&circle, "fund-b");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->circle_id, 4);
  EXPECT_THAT(circle.merged_from(), ElementsAre("funds/fund-b/circles/2"));

  v1::NetworkCircle other = circle;
  other.set_name("funds/fund-a/circles/4");
  EXPECT_TRUE(absl::IsPermissionDenied(CheckPeerCircle(&other, "fund-b").status()));
  other = circle;
  other.set_fund_id("fund-a");
  EXPECT_TRUE(absl::IsPermissionDenied(CheckPeerCircle(&other, "fund-b").status()));
  other = circle;
  other.set_member_count(-1);
  EXPECT_TRUE(absl::IsInvalidArgument(CheckPeerCircle(&other, "fund-b").status()));
  other = circle;
  other.set_name("circles/4");
  EXPECT_TRUE(absl::IsInvalidArgument(CheckPeerCircle(&other, "fund-b").status()));
}

TEST(PeerRegistryTest, APeerIsRegisteredOnceAndItsCommonNameNamesOnePeer) {
  v1::PeerFund peer = Peer();
  peer.set_name(PeerName(peer.fund_id()));
  EXPECT_TRUE(CheckPeerRegistrable(peer, std::nullopt, std::nullopt).ok());
  v1::PeerFund revoked = peer;
  revoked.set_status(v1::PEER_FUND_STATUS_REVOKED);
  EXPECT_TRUE(CheckPeerRegistrable(peer, revoked, std::nullopt).ok());  // registered again
  v1::PeerFund active = peer;
  active.set_status(v1::PEER_FUND_STATUS_ACTIVE);
  absl::Status twice = CheckPeerRegistrable(peer, active, std::nullopt);
  EXPECT_TRUE(absl::IsAlreadyExists(twice));
  EXPECT_THAT(twice.message(), HasSubstr("peers/fund-quebec is already registered"));
  v1::PeerFund other;
  other.set_name("peers/fund-gaspesie");
  absl::Status same_cn = CheckPeerRegistrable(peer, std::nullopt, other);
  EXPECT_TRUE(absl::IsAlreadyExists(same_cn));
  EXPECT_THAT(same_cn.message(), HasSubstr("already identifies peers/fund-gaspesie"));
}

TEST(PeerRegistryTest, OnlyAnActivePeerIsRevoked) {
  google::protobuf::Timestamp now;
  now.set_seconds(500);
  EXPECT_TRUE(absl::IsNotFound(
      DecidePeerRevocation(std::nullopt, "peers/x", "gone", "staff:ana", now).status()));
  v1::PeerFund peer = Peer();
  peer.set_status(v1::PEER_FUND_STATUS_ACTIVE);
  auto revoked = DecidePeerRevocation(peer, "peers/fund-quebec", "merged", "staff:ana", now);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->status(), v1::PEER_FUND_STATUS_REVOKED);
  EXPECT_EQ(revoked->revoke_reason(), "merged");
  EXPECT_EQ(revoked->revoked_by(), "staff:ana");
  EXPECT_EQ(revoked->revoke_time().seconds(), 500);
  EXPECT_EQ(revoked->fund_id(), "fund-quebec");
  EXPECT_TRUE(absl::IsFailedPrecondition(
      DecidePeerRevocation(*revoked, "peers/fund-quebec", "again", "staff:ana", now).status()));
}

TEST(TransferRulesTest, OnlyACircleWithRoomTakesATransfer) {
  const std::string name = "funds/fund-a/circles/4";
  EXPECT_TRUE(absl::IsNotFound(CheckCircleTakesTransfer(std::nullopt, name, "fund-a")));
  v1::NetworkCircle circle;
  circle.set_status(mv1::CIRCLE_STATUS_ACTIVE);
  circle.set_open_seats(2);
  EXPECT_TRUE(CheckCircleTakesTransfer(circle, name, "fund-a").ok());
  circle.set_open_seats(0);
  absl::Status full = CheckCircleTakesTransfer(circle, name, "fund-a");
  EXPECT_TRUE(absl::IsFailedPrecondition(full));
  EXPECT_THAT(full.message(), HasSubstr("(0 seats left)"));
  circle.set_open_seats(2);
  circle.set_status(mv1::CIRCLE_STATUS_DISSOLVED);
  EXPECT_TRUE(absl::IsFailedPrecondition(CheckCircleTakesTransfer(circle, name, "fund-a")));
}

TEST(TransferRulesTest, APeerReadsOnlyTheTransfersItProposed) {
  EXPECT_TRUE(absl::IsNotFound(CheckTransferVisibleToPeer(std::nullopt, "fund-b", "transfers/1")));
  v1::MemberTransfer transfer;
  transfer.set_direction(v1::TRANSFER_DIRECTION_OUTGOING);
  transfer.set_peer_fund_id("fund-b");
  EXPECT_TRUE(absl::IsNotFound(CheckTransferVisibleToPeer(transfer, "fund-b", "transfers/1")));
  transfer.set_direction(v1::TRANSFER_DIRECTION_INCOMING);
  EXPECT_TRUE(CheckTransferVisibleToPeer(transfer, "fund-b", "transfers/1").ok());
  EXPECT_TRUE(
      absl::IsPermissionDenied(CheckTransferVisibleToPeer(transfer, "fund-c", "transfers/1")));
}

}  // namespace
}  // namespace cercles::network
