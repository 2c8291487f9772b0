// Funds that federate, for the federation's integration tests (header only,
// shared by tests/integration/federation_*_test.cc): a whole suite per fund,
// each network presenting its own federation certificate (CN = the fund id,
// signed by the fund's own CA) and serving FederationService on its
// federation listener,
// membership data set up through the public API, and peer-side channels.
#ifndef CERCLES_TESTS_INTEGRATION_FEDERATION_FIXTURES_H_
#define CERCLES_TESTS_INTEGRATION_FEDERATION_FIXTURES_H_

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/server/server.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;

// The funds of these tests (FederationFundIds()): each has a CA of its own
// ("fund-a-ca" signs fund-a's federation certificate, and so on), none of them
// the suite's CA.
inline const std::vector<std::string>& FundIds() { return FederationFundIds(); }

// The funds' federation certificates, made with the services' certificates
// (TestCredentials()), with the CA bundles: PeerCas(id), the other funds' CAs
// (what fund `id` trusts on its federation listener), and AllCas(), every CA
// of the test (what a test client verifies any server with).
inline const Credentials& FederationCredentials() { return TestCredentials(); }
inline std::string PeerCas(const std::string& fund_id) {
  return absl::StrCat(FederationCredentials().dir, "/peers-of-", fund_id, ".pem");
}
inline std::string AllCas() { return absl::StrCat(FederationCredentials().dir, "/all-cas.pem"); }

// A channel to a suite's federation listener as a client presenting
// certificate `cert_name` (a fund's, or "rogue", signed by an unrelated CA),
// verifying the server with every CA of the test (each server certificate
// names "localhost").
inline std::shared_ptr<grpc::Channel> ChannelAs(const Suite& suite, const std::string& cert_name,
                                                const std::string& key_name = "") {
  const Credentials& c = FederationCredentials();
  server::ChannelOptions o;
  o.address = suite.FederationAddress();
  o.tls.ca = AllCas();
  o.tls.cert = c.Cert(cert_name);
  o.tls.key = c.Key(key_name.empty() ? cert_name : key_name);
  o.server_name_override = "localhost";
  return *server::MakeChannel(o);
}

inline std::unique_ptr<grpc::ClientContext> Call(absl::Duration timeout = absl::Seconds(10)) {
  return Context("", timeout);
}

// The suite of fund `fund_id` (one of FundIds()) on `engine`: its federation
// identity (served on its federation listener, presented to its peers) comes
// from its own CA; it trusts the other funds' CAs.
inline Suite::Options FederatedSuiteOptions(const std::string& fund_id, Engine engine) {
  const Credentials& c = FederationCredentials();
  Suite::Options options;
  options.engine = engine;
  options.fund_id = fund_id;
  options.extra_flags["network"] = {absl::StrCat("--federation_cert=", c.Cert(fund_id)),
                                    absl::StrCat("--federation_key=", c.Key(fund_id)),
                                    absl::StrCat("--federation_ca=", PeerCas(fund_id)),
                                    "--federation_refresh_ms=200"};
  return options;
}

// One fund: its suite and the stubs its staff use.
class Fund {
 public:
  Fund(std::string fund_id, Engine engine) : id_(std::move(fund_id)) {
    suite_ = std::make_unique<Suite>(FederatedSuiteOptions(id_, engine));
  }

  absl::Status Start() {
    absl::Status started = suite_->Start();
    if (!started.ok()) return started;
    auto membership = suite_->StaffChannel("membership");
    circles_ = mv1::MembershipService::NewStub(membership);
    people_ = mv1::PeopleService::NewStub(membership);
    auto network = suite_->StaffChannel("network");
    network_ = nv1::NetworkService::NewStub(network);
    peers_ = nv1::PeerFundService::NewStub(network);
    return absl::OkStatus();
  }

  const std::string& id() const { return id_; }
  Suite& suite() { return *suite_; }
  mv1::MembershipService::Stub& circles() { return *circles_; }
  mv1::PeopleService::Stub& people() { return *people_; }
  nv1::NetworkService::Stub& network() { return *network_; }
  nv1::PeerFundService::Stub& peers() { return *peers_; }
  static std::unique_ptr<grpc::ClientContext> Admin() {
    return Context(TestCredentials().admin_token);
  }

  // A forming circle of the region (no members yet: 7 open seats).
  mv1::Circle CreateCircle(const std::string& display_name, const std::string& region) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat(id_, "-circle-", ++counter_));
    request.mutable_circle()->set_display_name(display_name);
    auto* c = request.mutable_circle()->add_characteristics();
    c->set_kind(mv1::CHARACTERISTIC_KIND_REGION);
    c->set_value(region);
    mv1::CreateCircleResponse response;
    grpc::Status status = circles_->CreateCircle(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.circle();
  }

  // A person with contact details, a birth date, a business and expertise;
  // `other_funds` is their consent to share with other funds.
  std::string CreatePerson(const std::string& given, bool other_funds) {
    mv1::CreatePersonRequest request;
    request.set_request_id(absl::StrCat(id_, "-person-", ++counter_));
    mv1::Person* p = request.mutable_person();
    p->set_given_name(given);
    p->set_family_name("Tremblay");
    p->set_language(mv1::LANGUAGE_FR);
    p->mutable_contact()->set_email(absl::AsciiStrToLower(given) + "@courriel.example");
    p->mutable_contact()->set_phone("+1 514 555 0199");
    p->mutable_birth_date()->set_year(1990);
    p->mutable_birth_date()->set_month(4);
    p->mutable_birth_date()->set_day(12);
    p->set_gender("femme");
    p->mutable_business()->set_name(given + " Traiteur");
    p->mutable_business()->set_sector("food");
    p->add_expertise("comptabilité");
    p->set_expertise_opt_in(true);
    p->mutable_consents()->set_share_with_other_funds(other_funds);
    mv1::CreatePersonResponse response;
    grpc::Status status = people_->CreatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().name();
  }

  void SetOtherFundsConsent(const std::string& person, bool consent) {
    mv1::UpdatePersonRequest request;
    request.set_request_id(absl::StrCat(id_, "-consent-", ++counter_));
    request.mutable_person()->set_name(person);
    request.mutable_person()->mutable_consents()->set_share_with_other_funds(consent);
    request.mutable_update_mask()->add_paths("consents");
    mv1::UpdatePersonResponse response;
    grpc::Status status = people_->UpdatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  // Records that `person` gave or withdrew their consent for `purpose` (as the admin).
  grpc::Status RecordConsent(const std::string& person, mv1::ConsentPurpose purpose,
                             mv1::ConsentAction action, const std::string& wording,
                             mv1::ConsentChannel channel,
                             mv1::RecordConsentResponse* response = nullptr,
                             const std::string& request_id = "") {
    mv1::RecordConsentRequest request;
    request.set_request_id(request_id.empty() ? absl::StrCat(id_, "-record-consent-", ++counter_)
                                              : request_id);
    request.set_person(person);
    request.mutable_change()->set_purpose(purpose);
    request.mutable_change()->set_action(action);
    request.mutable_change()->set_wording_version(wording);
    request.mutable_change()->set_channel(channel);
    mv1::RecordConsentResponse ignored;
    return people_->RecordConsent(Admin().get(), request, response ? response : &ignored);
  }

  // Registers `peer` (its certificate CN is its fund id, pinned to
  // `certificate_sha256` when given; its federation listener is followed when
  // `follow`).
  grpc::Status Register(Fund& peer, bool follow = true, const std::string& request_id = "",
                        const std::string& certificate_sha256 = "") {
    nv1::RegisterPeerFundRequest request;
    request.set_request_id(
        request_id.empty() ? absl::StrCat("register-", peer.id(), "-", ++counter_) : request_id);
    request.mutable_peer()->set_fund_id(peer.id());
    request.mutable_peer()->set_certificate_common_name(peer.id());
    request.mutable_peer()->set_certificate_sha256(certificate_sha256);
    if (follow) {
      request.mutable_peer()->set_address(peer.suite().FederationAddress());
      request.mutable_peer()->set_tls_server_name(peer.id());  // its certificate's name
    }
    request.mutable_peer()->set_display_name(absl::StrCat("Fonds ", peer.id()));
    request.mutable_peer()->set_region("Québec");
    nv1::RegisterPeerFundResponse response;
    return peers_->RegisterPeerFund(Admin().get(), request, &response);
  }

  grpc::Status Revoke(const std::string& peer_fund_id) {
    nv1::RevokePeerFundRequest request;
    request.set_request_id(absl::StrCat("revoke-", peer_fund_id, "-", ++counter_));
    request.set_name("peers/" + peer_fund_id);
    request.set_reason("agreement ended");
    nv1::RevokePeerFundResponse response;
    return peers_->RevokePeerFund(Admin().get(), request, &response);
  }

  // This fund's network directory, only `fund_id`'s circles.
  std::vector<nv1::NetworkCircle> NetworkCircles(const std::string& fund_id) {
    nv1::ListNetworkCirclesRequest request;
    request.set_fund_id(fund_id);
    request.set_page_size(500);
    nv1::ListNetworkCirclesResponse response;
    grpc::Status status = network_->ListNetworkCircles(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.circles().begin(), response.circles().end()};
  }

  // Waits until this fund's network holds `count` circles of `fund_id`, one
  // of them named `display_name` (empty: any).
  bool SeesCircles(const std::string& fund_id, size_t count, const std::string& display_name = "",
                   absl::Duration timeout = absl::Seconds(30)) {
    return Eventually(
        [&] {
          std::vector<nv1::NetworkCircle> circles = NetworkCircles(fund_id);
          bool named = display_name.empty();
          for (const auto& c : circles) named = named || c.display_name() == display_name;
          return circles.size() == count && named;
        },
        timeout);
  }

 private:
  std::string id_;
  std::unique_ptr<Suite> suite_;
  std::unique_ptr<mv1::MembershipService::Stub> circles_;
  std::unique_ptr<mv1::PeopleService::Stub> people_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<nv1::PeerFundService::Stub> peers_;
  int counter_ = 0;
};

// A test with two funds of its own, fund-a and fund-b, on the test's engine.
class TwoFundsTest : public EngineSuiteTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override { return std::nullopt; }

  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = std::make_unique<Fund>("fund-a", GetParam());
    b_ = std::make_unique<Fund>("fund-b", GetParam());
    absl::Status started = a_->Start();
    ASSERT_TRUE(started.ok()) << started;
    started = b_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::string Logs() { return a_->suite().Log("network") + "\n" + b_->suite().Log("network"); }

  std::unique_ptr<Fund> a_, b_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_FEDERATION_FIXTURES_H_
