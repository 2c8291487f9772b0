// The same bad resource name gets the same answer from every service: one
// grammar ("collection/{id}", {id} a positive whole number written one way) and
// one message, from common/api, through real processes.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;
namespace lv1 = cercles::lending::v1;

// Names that look like ids but are not the one spelling of one: a leading zero,
// a sign, an id beyond int64, no id, a trailing slash.
const std::vector<std::string> kBadNames = {
    "people/04",  "circles/-1", "circles/99999999999999999999",
    "circles/+1", "circles/",   "circles/1/",
    "people/ 4",  "people/0"};

std::string Expected(const std::string& field, const std::string& pattern,
                     const std::string& name) {
  return absl::StrCat(field, " must be \"", pattern,
                      "\" with {id} a positive whole number without sign or leading zeros, got \"",
                      name, "\"");
}

class ResourceNamesTest : public ::testing::Test {
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
  static std::string admin() { return TestCredentials().admin_token; }

  static Suite* suite_;
};

Suite* ResourceNamesTest::suite_ = nullptr;

TEST_F(ResourceNamesTest, APersonFilterGetsTheSameAnswerFromEveryService) {
  auto trainings = mv1::TrainingService::NewStub(suite_->StaffChannel("membership"));
  auto financing = lv1::FinancingService::NewStub(suite_->StaffChannel("lending"));
  auto partners = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
  for (const std::string& bad : kBadNames) {
    SCOPED_TRACE(bad);
    const std::string expected = Expected("person", "people/{id}", bad);

    mv1::ListEnrolmentsRequest enrolments;
    enrolments.set_person(bad);
    mv1::ListEnrolmentsResponse enrolled;
    grpc::Status membership =
        trainings->ListEnrolments(Context(admin()).get(), enrolments, &enrolled);
    EXPECT_EQ(membership.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(membership.error_message(), expected);

    lv1::ListBankReferralsRequest referrals;
    referrals.set_person(bad);
    lv1::ListBankReferralsResponse referred;
    grpc::Status lending =
        financing->ListBankReferrals(Context(admin()).get(), referrals, &referred);
    EXPECT_EQ(lending.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(lending.error_message(), expected);

    nv1::ListReferralsRequest network_referrals;
    network_referrals.set_person(bad);
    nv1::ListReferralsResponse network_referred;
    grpc::Status network =
        partners->ListReferrals(Context(admin()).get(), network_referrals, &network_referred);
    EXPECT_EQ(network.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(network.error_message(), expected);
  }
}

TEST_F(ResourceNamesTest, ACircleGetsTheSameAnswerFromMembershipAndLending) {
  auto people = mv1::PeopleService::NewStub(suite_->StaffChannel("membership"));
  auto lending = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
  for (const std::string& bad : kBadNames) {
    SCOPED_TRACE(bad);
    const std::string expected = Expected("circle", "circles/{id}", bad);

    mv1::ListPeopleRequest list;
    list.set_circle(bad);
    mv1::ListPeopleResponse listed;
    grpc::Status membership = people->ListPeople(Context(admin()).get(), list, &listed);
    EXPECT_EQ(membership.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(membership.error_message(), expected);

    lv1::GetCircleEligibilityRequest eligibility;
    eligibility.set_circle(bad);
    lv1::GetCircleEligibilityResponse eligible;
    grpc::Status status =
        lending->GetCircleEligibility(Context(admin()).get(), eligibility, &eligible);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), expected);
  }
}

TEST_F(ResourceNamesTest, AWellFormedNameIsNotRefusedAsMalformed) {
  auto financing = lv1::FinancingService::NewStub(suite_->StaffChannel("lending"));
  lv1::ListBankReferralsRequest referrals;
  referrals.set_person("people/4");
  lv1::ListBankReferralsResponse referred;
  grpc::Status status = financing->ListBankReferrals(Context(admin()).get(), referrals, &referred);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace cercles::testing
