// Every refusal carries a google.rpc.Status in the grpc-status-details-bin
// trailer (read here from real calls to the three services): an ErrorInfo with
// a stable reason, the domain "cercles.coop" and metadata, and for invalid
// requests one BadRequest field violation per broken rule (validate_only too).
#include <string>
#include <vector>

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;
namespace lv1 = cercles::lending::v1;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What a client reads from the trailer of a refused call.
struct Refusal {
  grpc::StatusCode code = grpc::StatusCode::OK;
  google::rpc::ErrorInfo info;
  std::vector<std::string> violations;  // "field|reason"
};

Refusal Read(const grpc::Status& status) {
  Refusal refusal;
  refusal.code = status.error_code();
  EXPECT_FALSE(status.ok());
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()))
      << "no google.rpc.Status in grpc-status-details-bin: " << status.error_message();
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(details.message(), status.error_message());
  int infos = 0;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&refusal.info)) {
      ++infos;
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        EXPECT_FALSE(v.description().empty()) << v.field();
        refusal.violations.push_back(v.field() + "|" + v.reason());
      }
    }
  }
  EXPECT_EQ(infos, 1) << details.DebugString();
  EXPECT_EQ(refusal.info.domain(), "cercles.coop");
  return refusal;
}

std::string Meta(const Refusal& refusal, const std::string& key) {
  auto it = refusal.info.metadata().find(key);
  return it == refusal.info.metadata().end() ? "" : it->second;
}

class RichErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_ = new Suite(Suite::Options{});
    absl::Status started = suite_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  static std::unique_ptr<grpc::ClientContext> Admin() {
    return Context(TestCredentials().admin_token);
  }
  static std::unique_ptr<grpc::ClientContext> Advisor() {
    return Context(TestCredentials().advisor_token);
  }

  static Suite* suite_;
};

Suite* RichErrorsTest::suite_ = nullptr;

TEST_F(RichErrorsTest, MembershipRefusalsCarryTheirReasons) {
  auto people = mv1::PeopleService::NewStub(suite_->StaffChannel("membership"));

  // A missing field.
  mv1::CreatePersonRequest no_id;
  mv1::CreatePersonResponse created;
  Refusal missing = Read(people->CreatePerson(Admin().get(), no_id, &created));
  EXPECT_EQ(missing.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.info.reason(), "FIELD_REQUIRED");
  EXPECT_EQ(Meta(missing, "field"), "request_id");
  EXPECT_THAT(missing.violations, ElementsAre("request_id|FIELD_REQUIRED"));

  // validate_only with three broken rules: three violations.
  mv1::CreatePersonRequest dry;
  dry.set_request_id("rich-errors-dry");
  dry.set_validate_only(true);
  dry.mutable_person()->set_family_name("Tremblay");
  dry.mutable_person()->mutable_contact()->set_email("not an address");
  Refusal three = Read(people->CreatePerson(Admin().get(), dry, &created));
  EXPECT_EQ(three.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(three.info.reason(), "REQUEST_INVALID");
  EXPECT_EQ(Meta(three, "violations"), "3");
  EXPECT_THAT(three.violations,
              ElementsAre("person.given_name|FIELD_REQUIRED", "person.language|FIELD_REQUIRED",
                          "person.contact.email|FIELD_INVALID"));

  // A malformed name, and a well-formed one that names nothing.
  mv1::GetPersonRequest get;
  get.set_name("people/04");
  mv1::GetPersonResponse got;
  Refusal malformed = Read(people->GetPerson(Admin().get(), get, &got));
  EXPECT_EQ(malformed.info.reason(), "FIELD_INVALID_FORMAT");
  EXPECT_THAT(malformed.violations, ElementsAre("name|FIELD_INVALID_FORMAT"));
  get.set_name("people/987654");
  Refusal absent = Read(people->GetPerson(Admin().get(), get, &got));
  EXPECT_EQ(absent.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.info.reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Meta(absent, "resource"), "people/987654");

  // A request_id replayed with another body.
  mv1::CreatePersonRequest create;
  create.set_request_id("rich-errors-person");
  create.mutable_person()->set_given_name("Amélie");
  create.mutable_person()->set_family_name("Tremblay");
  create.mutable_person()->set_language(mv1::LANGUAGE_FR);
  grpc::Status first = people->CreatePerson(Admin().get(), create, &created);
  ASSERT_TRUE(first.ok()) << first.error_message();
  create.mutable_person()->set_given_name("Béatrice");
  Refusal replayed = Read(people->CreatePerson(Admin().get(), create, &created));
  EXPECT_EQ(replayed.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(replayed.info.reason(), "ALREADY_EXISTS_DIFFERENT_REQUEST");
  EXPECT_EQ(Meta(replayed, "field"), "request_id");

  // An RPC the caller's role may not call.
  auto circles = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
  mv1::CreateAdvisorRequest advisor;
  mv1::CreateAdvisorResponse advised;
  Refusal denied = Read(circles->CreateAdvisor(Advisor().get(), advisor, &advised));
  EXPECT_EQ(denied.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.info.reason(), "PERMISSION_DENIED_ROLE");
  EXPECT_THAT(Meta(denied, "method"),
              HasSubstr("cercles.membership.v1.MembershipService/CreateAdvisor"));
}

// An advisor may read circles, but not another advisor's.
TEST_F(RichErrorsTest, ACircleOutOfTheCallersScopeIsPermissionDeniedScope) {
  auto circles = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
  mv1::CreateAdvisorRequest advisor;
  advisor.set_request_id("rich-errors-advisor-bob");
  advisor.mutable_advisor()->set_display_name("bob");
  advisor.mutable_advisor()->set_email("bob@fonds.example");
  advisor.mutable_advisor()->set_principal_name("bob");
  mv1::CreateAdvisorResponse advised;
  grpc::Status status = circles->CreateAdvisor(Admin().get(), advisor, &advised);
  ASSERT_TRUE(status.ok()) << status.error_message();
  mv1::CreateCircleRequest create;
  create.set_request_id("rich-errors-circle");
  create.mutable_circle()->set_display_name("Cercle de Bob");
  mv1::CreateCircleResponse created;
  status = circles->CreateCircle(Advisor().get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  mv1::GetCircleRequest get;
  get.set_name(created.circle().name());
  mv1::GetCircleResponse got;
  Refusal denied =
      Read(circles->GetCircle(Context(TestCredentials().other_advisor_token).get(), get, &got));
  EXPECT_EQ(denied.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.info.reason(), "PERMISSION_DENIED_SCOPE");
  EXPECT_EQ(Meta(denied, "resource"), created.circle().name());
}

TEST_F(RichErrorsTest, LendingRefusalsCarryTheirReasons) {
  auto lending = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
  lv1::GetLoanRequest get;
  lv1::GetLoanResponse got;
  Refusal missing = Read(lending->GetLoan(Admin().get(), get, &got));
  EXPECT_EQ(missing.info.reason(), "FIELD_REQUIRED");
  EXPECT_THAT(missing.violations, ElementsAre("name|FIELD_REQUIRED"));
  get.set_name("loans/x");
  EXPECT_EQ(Read(lending->GetLoan(Admin().get(), get, &got)).info.reason(), "FIELD_INVALID_FORMAT");
  get.set_name("loans/424242");
  Refusal absent = Read(lending->GetLoan(Admin().get(), get, &got));
  EXPECT_EQ(absent.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.info.reason(), "RESOURCE_NOT_FOUND");

  lv1::UpdateFundSettingsRequest update;
  lv1::UpdateFundSettingsResponse updated;
  Refusal denied = Read(lending->UpdateFundSettings(Advisor().get(), update, &updated));
  EXPECT_EQ(denied.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.info.reason(), "PERMISSION_DENIED_ROLE");
  EXPECT_EQ(Meta(denied, "role"), "advisor");
}

TEST_F(RichErrorsTest, NetworkRefusalsCarryTheirReasons) {
  auto partners = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
  nv1::GetPartnerRequest get;
  nv1::GetPartnerResponse got;
  get.set_name("partners/0");
  Refusal malformed = Read(partners->GetPartner(Admin().get(), get, &got));
  EXPECT_EQ(malformed.info.reason(), "FIELD_INVALID_FORMAT");
  EXPECT_THAT(malformed.violations, ElementsAre("name|FIELD_INVALID_FORMAT"));
  get.set_name("partners/31337");
  Refusal absent = Read(partners->GetPartner(Admin().get(), get, &got));
  EXPECT_EQ(absent.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.info.reason(), "RESOURCE_NOT_FOUND");

  // A required enum missing (the message names it: the server derives the
  // violation), then the same request_id with another body.
  nv1::CreatePartnerRequest create;
  create.set_request_id("rich-errors-partner");
  create.mutable_partner()->set_display_name("SAJE Québec");
  nv1::CreatePartnerResponse created;
  Refusal kind = Read(partners->CreatePartner(Admin().get(), create, &created));
  EXPECT_EQ(kind.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(kind.info.reason(), "FIELD_REQUIRED");
  EXPECT_THAT(kind.violations, ElementsAre("partner.kind|FIELD_REQUIRED"));
  create.mutable_partner()->set_kind(nv1::PARTNER_KIND_SAJE);
  create.mutable_partner()->add_territory("Québec");
  create.mutable_partner()->add_services("accompagnement");
  grpc::Status first = partners->CreatePartner(Admin().get(), create, &created);
  ASSERT_TRUE(first.ok()) << first.error_message();
  create.mutable_partner()->set_display_name("SAJE Montréal");
  Refusal replayed = Read(partners->CreatePartner(Admin().get(), create, &created));
  EXPECT_EQ(replayed.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(replayed.info.reason(), "ALREADY_EXISTS_DIFFERENT_REQUEST");

  auto peers = nv1::PeerFundService::NewStub(suite_->StaffChannel("network"));
  nv1::RegisterPeerFundRequest request;
  nv1::RegisterPeerFundResponse registered;
  Refusal denied = Read(peers->RegisterPeerFund(Advisor().get(), request, &registered));
  EXPECT_EQ(denied.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.info.reason(), "PERMISSION_DENIED_ROLE");

  // Without credentials.
  grpc::ClientContext anonymous;
  Refusal unauthenticated = Read(partners->GetPartner(&anonymous, get, &got));
  EXPECT_EQ(unauthenticated.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unauthenticated.info.reason(), "UNAUTHENTICATED");
}

}  // namespace
}  // namespace cercles::testing
