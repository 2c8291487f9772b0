// Partner organisations and referrals through the real network process (SQLite
// and PostgreSQL): checks and codes, idempotent writes, the referral life cycle,
// the circle—partner edge it weighs, lists, and network's redacted event stream.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include "absl/strings/str_cat.h"
#include "cercles/network/v1/events.pb.h"
#include "common/api/closed_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/network_fixtures.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class NetworkPartnersTest : public NetworkSuiteTest {
 protected:
  grpc::Status CreatePartner(const std::string& request_id, const std::string& display_name,
                             nv1::PartnerKind kind, const std::string& territory,
                             nv1::Partner* out = nullptr, bool as_admin = true) {
    nv1::CreatePartnerRequest request;
    request.set_request_id(request_id);
    request.mutable_partner()->set_display_name(display_name);
    request.mutable_partner()->set_kind(kind);
    request.mutable_partner()->add_territory(territory);
    request.mutable_partner()->add_services("Plan d'affaires");
    request.mutable_partner()->set_contact_point("info@partenaire.example");
    nv1::CreatePartnerResponse response;
    grpc::Status status =
        partners_->CreatePartner((as_admin ? Admin() : Bob()).get(), request, &response);
    if (out != nullptr) *out = response.partner();
    return status;
  }
  grpc::Status Refer(const std::string& request_id, const std::string& person,
                     const std::string& partner, nv1::Referral* out = nullptr) {
    nv1::CreateReferralRequest request;
    request.set_request_id(request_id);
    request.mutable_referral()->set_person(person);
    request.mutable_referral()->set_partner(partner);
    request.mutable_referral()->set_reason("a besoin d'aide en comptabilité");
    nv1::CreateReferralResponse response;
    grpc::Status status = partners_->CreateReferral(Bob().get(), request, &response);
    if (out != nullptr) *out = response.referral();
    return status;
  }
  grpc::Status Move(const std::string& request_id, const std::string& referral,
                    nv1::ReferralStatus status, const std::string& outcome,
                    nv1::Referral* out = nullptr) {
    nv1::UpdateReferralStatusRequest request;
    request.set_request_id(request_id);
    request.set_name(referral);
    request.set_status(status);
    request.set_outcome(outcome);
    request.set_note("appel fait");
    nv1::UpdateReferralStatusResponse response;
    grpc::Status result = partners_->UpdateReferralStatus(Bob().get(), request, &response);
    if (out != nullptr) *out = response.referral();
    return result;
  }
  std::vector<std::string> ListPartnerNames(nv1::ListPartnersRequest request) {
    nv1::ListPartnersResponse response;
    grpc::Status status = partners_->ListPartners(Bob().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& p : response.partners()) names.push_back(p.name());
    return names;
  }
  std::vector<std::string> ListReferralNames(nv1::ListReferralsRequest request) {
    nv1::ListReferralsResponse response;
    grpc::Status status = partners_->ListReferrals(Bob().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& r : response.referrals()) names.push_back(r.name());
    return names;
  }
};

TEST_P(NetworkPartnersTest, PartnersReferralsTheirEdgeAndEvents) {
  CreateAdvisor("bob");
  std::vector<std::string> people;
  mv1::Circle a = CircleWithMembers("Bouffe Rosemont", {}, 4, &people);
  WaitForNetwork(a);
  const std::string A = Net(a.name());

  nv1::Partner saje, cdec, bank;
  ASSERT_TRUE(
      CreatePartner("p-1", "SAJE Montréal", nv1::PARTNER_KIND_SAJE, "Rosemont", &saje).ok());
  ASSERT_TRUE(
      CreatePartner("p-2", "CDEC Centre-Sud", nv1::PARTNER_KIND_CDEC, "Centre-Sud", &cdec).ok());
  ASSERT_TRUE(
      CreatePartner("p-3", "Caisse du quartier", nv1::PARTNER_KIND_BANK, "rosemont", &bank).ok());
  EXPECT_EQ(saje.name(), "partners/1");
  EXPECT_EQ(saje.status(), nv1::PARTNER_STATUS_ACTIVE);
  // Replays, conflicts, bad input, roles: each its code, nothing created.
  nv1::Partner replay;
  ASSERT_TRUE(
      CreatePartner("p-1", "SAJE Montréal", nv1::PARTNER_KIND_SAJE, "Rosemont", &replay).ok());
  EXPECT_EQ(replay.name(), saje.name());
  EXPECT_THAT(CreatePartner("p-1", "Autre", nv1::PARTNER_KIND_SAJE, "Rosemont"),
              StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  grpc::Status no_kind = CreatePartner("p-4", "Sans type", nv1::PARTNER_KIND_UNSPECIFIED, "x");
  EXPECT_THAT(no_kind,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("partner.kind is required")));
  EXPECT_THAT(CreatePartner("p-5", "Par un conseiller", nv1::PARTNER_KIND_CLD, "x", nullptr, false),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(ListPartnerNames({}).size(), 3u);

  nv1::ListPartnersRequest filter;
  filter.set_territory("ROSEMONT");
  EXPECT_THAT(ListPartnerNames(filter), ElementsAre(saje.name(), bank.name()));
  filter.set_kind(nv1::PARTNER_KIND_BANK);
  EXPECT_THAT(ListPartnerNames(filter), ElementsAre(bank.name()));
  nv1::ListPartnersRequest paged;
  paged.set_page_size(2);
  nv1::ListPartnersResponse page;
  ASSERT_TRUE(partners_->ListPartners(Bob().get(), paged, &page).ok());
  ASSERT_EQ(page.partners_size(), 2);
  paged.set_page_token(page.next_page_token());
  EXPECT_THAT(ListPartnerNames(paged), ElementsAre(bank.name()));

  nv1::UpdatePartnerRequest deactivate;
  deactivate.set_request_id("u-1");
  deactivate.mutable_partner()->set_name(bank.name());
  deactivate.mutable_partner()->set_status(nv1::PARTNER_STATUS_INACTIVE);
  deactivate.mutable_update_mask()->add_paths("status");
  nv1::UpdatePartnerResponse deactivated;
  ASSERT_TRUE(partners_->UpdatePartner(Admin().get(), deactivate, &deactivated).ok());
  EXPECT_EQ(deactivated.partner().status(), nv1::PARTNER_STATUS_INACTIVE);
  EXPECT_EQ(deactivated.partner().display_name(), "Caisse du quartier");
  deactivate.set_request_id("u-2");
  deactivate.mutable_update_mask()->add_paths("name");
  EXPECT_THAT(partners_->UpdatePartner(Admin().get(), deactivate, &deactivated),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  // Referrals: only of people who consented to be referred to partners.
  EXPECT_THAT(Refer("r-0", people[0], saje.name()),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("share_with_partners")));
  // people[0] last: once the network has their consent (it applies
  // membership's events in order), it has the others' too.
  for (int i = 2; i >= 0; --i) {
    mv1::RecordConsentRequest consent;
    consent.set_request_id(absl::StrCat("partner-consent-", i));
    consent.set_person(people[i]);
    consent.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS);
    consent.mutable_change()->set_action(mv1::CONSENT_ACTION_GIVE);
    consent.mutable_change()->set_wording_version("2026-01");
    consent.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_IN_PERSON);
    mv1::RecordConsentResponse consented;
    grpc::Status given = people_->RecordConsent(Admin().get(), consent, &consented);
    ASSERT_TRUE(given.ok()) << given.error_message();
  }
  nv1::Referral first;
  ASSERT_TRUE(Eventually(
      [&] {
        return Refer("r-1", people[0], saje.name(), &first).error_code() !=
               grpc::StatusCode::FAILED_PRECONDITION;
      },
      absl::Seconds(20)));
  ASSERT_TRUE(Refer("r-1", people[0], saje.name(), &first).ok());
  EXPECT_EQ(first.status(), nv1::REFERRAL_STATUS_SENT);
  EXPECT_EQ(first.circle(), A);
  EXPECT_EQ(first.referred_by(), "staff:bob");
  EXPECT_THAT(Refer("r-2", "people/9999", saje.name()), StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Refer("r-3", people[1], "partners/99"), StatusIs(grpc::StatusCode::NOT_FOUND));
  grpc::Status inactive = Refer("r-4", people[1], bank.name());
  EXPECT_THAT(inactive, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("inactive")));

  nv1::GetCircleNeighbourhoodResponse linked = Neighbourhood(A, 1, {nv1::EDGE_KIND_REFERRAL});
  ASSERT_THAT(NodeNames(linked), ElementsAre(A, "funds/fund-test/partners/1"));
  EXPECT_EQ(linked.nodes(1).display_name(), "SAJE Montréal");
  EXPECT_EQ(linked.nodes(1).partner_kind(), nv1::PARTNER_KIND_SAJE);
  ASSERT_EQ(linked.edges_size(), 1);
  EXPECT_EQ(linked.edges(0).weight(), 1);

  grpc::Status skip = Move("m-1", first.name(), nv1::REFERRAL_STATUS_IN_PROGRESS, "");
  EXPECT_THAT(skip, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                             HasSubstr("is SENT and cannot become IN_PROGRESS")));
  ASSERT_TRUE(Move("m-2", first.name(), nv1::REFERRAL_STATUS_ACCEPTED, "").ok());
  EXPECT_THAT(Move("m-3", first.name(), nv1::REFERRAL_STATUS_COMPLETED, ""),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  nv1::Referral completed;
  ASSERT_TRUE(
      Move("m-4", first.name(), nv1::REFERRAL_STATUS_COMPLETED, "plan d'affaires fait", &completed)
          .ok());
  EXPECT_EQ(completed.outcome(), "plan d'affaires fait");
  ASSERT_EQ(completed.history_size(), 3);
  EXPECT_EQ(completed.history(2).status(), nv1::REFERRAL_STATUS_COMPLETED);
  EXPECT_THAT(Move("m-5", first.name(), nv1::REFERRAL_STATUS_DECLINED, "non"),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION));

  // A declined referral no longer links the circle to the partner.
  nv1::Referral second;
  ASSERT_TRUE(Refer("r-5", people[1], cdec.name(), &second).ok());
  EXPECT_EQ(NodeNames(Neighbourhood(A, 1, {nv1::EDGE_KIND_REFERRAL})).size(), 3u);
  ASSERT_TRUE(Move("m-6", second.name(), nv1::REFERRAL_STATUS_DECLINED, "hors territoire").ok());
  EXPECT_THAT(NodeNames(Neighbourhood(A, 1, {nv1::EDGE_KIND_REFERRAL})),
              ElementsAre(A, "funds/fund-test/partners/1"));

  nv1::ListReferralsRequest by_person;
  by_person.set_person(people[1]);
  EXPECT_THAT(ListReferralNames(by_person), ElementsAre(second.name()));
  nv1::ListReferralsRequest by_status;
  by_status.set_status(nv1::REFERRAL_STATUS_COMPLETED);
  EXPECT_THAT(ListReferralNames(by_status), ElementsAre(first.name()));
  nv1::ListReferralsRequest by_partner;
  by_partner.set_partner(cdec.name());
  EXPECT_THAT(ListReferralNames(by_partner), ElementsAre(second.name()));
  ASSERT_TRUE(Refer("r-6", people[2], saje.name()).ok());
  nv1::GetPartnerRequest get;
  get.set_name(saje.name());
  nv1::GetPartnerResponse got;
  ASSERT_TRUE(partners_->GetPartner(Bob().get(), get, &got).ok());
  EXPECT_EQ(got.partner().open_referrals(), 1);

  // Network's own events: partners and referrals, with reasons, outcomes and
  // notes redacted.
  nv1::WatchEventsRequest watch;
  auto context = Context(TestCredentials().admin_token, absl::Seconds(5));
  auto reader = network_->WatchEvents(context.get(), watch);
  nv1::WatchEventsResponse message;
  std::vector<std::string> changes;
  while (reader->Read(&message)) {
    const auto& e = message.event();
    if (e.type() == "cercles.network.v1.ReferralChanged") {
      nv1::ReferralChanged payload;
      ASSERT_TRUE(e.payload().UnpackTo(&payload));
      EXPECT_EQ(payload.referral().reason(), "");
      EXPECT_EQ(payload.referral().outcome(), "");
      for (const auto& step : payload.referral().history()) EXPECT_EQ(step.note(), "");
      changes.push_back(payload.change());
      EXPECT_EQ(api::EnumText(*nv1::ReferralChangeKind_descriptor(), payload.change_kind()),
                payload.change());
    } else if (e.type() == "cercles.network.v1.PartnerChanged") {
      nv1::PartnerChanged payload;
      ASSERT_TRUE(e.payload().UnpackTo(&payload));
      changes.push_back(payload.change());
      EXPECT_EQ(api::EnumText(*nv1::PartnerChangeKind_descriptor(), payload.change_kind()),
                payload.change());
    }
    if (changes.size() == 10) break;
  }
  context->TryCancel();
  EXPECT_THAT(changes, ElementsAre("CREATED", "CREATED", "CREATED", "UPDATED", "SENT", "ACCEPTED",
                                   "COMPLETED", "SENT", "DECLINED", "SENT"));
}

// Every RPC of network's services refuses a call without credentials.
TEST_P(NetworkPartnersTest, EveryRpcRefusesACallWithoutCredentials) {
  ASSERT_NE(nv1::Partner::descriptor(), nullptr);
  ASSERT_NE(nv1::NetworkCircle::descriptor(), nullptr);
  int calls = 0;
  for (const char* full_name :
       {"cercles.network.v1.NetworkService", "cercles.network.v1.PartnerService"}) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
    ASSERT_NE(service, nullptr) << full_name;
    auto channel = suite_->StaffChannel("network");
    for (int i = 0; i < service->method_count(); ++i) {
      std::string path = absl::StrCat("/", full_name, "/", service->method(i)->name());
      grpc::Status status = CallWithEmptyRequest(channel.get(), path, /*token=*/"",
                                                 service->method(i)->server_streaming());
      EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED))
          << path << ": " << status.error_message();
      ++calls;
    }
  }
  EXPECT_EQ(calls,
            19);  // 11 of NetworkService (GetImpactReport the last added), 8 of PartnerService
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkPartnersTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
