// One advisor scope, end to end: advisor Bob (circle A) calls every RPC his
// policy allows with advisor Dora's resources (circle B, its members, its loan,
// repayment, journal lines, meeting, bank referral and subsidy application) and
// unfiltered; every answer is a refusal or leaves B's data out. A last check
// walks the service descriptors: an advisor-callable RPC without a row fails, so
// a new RPC cannot be forgotten.
#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/common/v1/options.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/advisor_scope_fixture.h"

namespace cercles::testing::advisor_scope {

std::vector<Row> AdvisorScopeTest::Rows() {
  std::vector<Row> rows;
  for (auto part : {&AdvisorScopeTest::MembershipRows, &AdvisorScopeTest::LendingRows,
                    &AdvisorScopeTest::NetworkRows}) {
    std::vector<Row> more = (this->*part)();
    std::move(more.begin(), more.end(), std::back_inserter(rows));
  }
  return rows;
}

namespace {

TEST_P(AdvisorScopeTest, AnAdvisorNeverReceivesAnotherAdvisorsCircleData) {
  const std::string bob = TestCredentials().advisor_token;
  const std::vector<std::string> all_markers = BMarkers(/*with_circle=*/true);
  const std::vector<std::string> personal_markers = BMarkers(/*with_circle=*/false);
  for (const Row& row : Rows()) {
    SCOPED_TRACE(absl::StrCat(row.method, " (", row.label, ")"));
    ASSERT_FALSE(row.method.empty()) << "a row whose request is no RPC's";
    std::string answer;
    grpc::Status status = row.call(bob, &answer);
    const bool directory = absl::StrContains(row.note, "directory");
    for (const std::string& marker : directory ? personal_markers : all_markers) {
      EXPECT_THAT(answer, ::testing::Not(::testing::HasSubstr(marker)))
          << "B's data reached Bob: " << marker;
    }
    switch (row.expect) {
      case Expect::kRefused:
        EXPECT_TRUE(status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                    status.error_code() == grpc::StatusCode::NOT_FOUND)
            << status.error_code() << ": " << status.error_message();
        if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
          EXPECT_THAT(status.error_message(),
                      ::testing::AnyOf(::testing::HasSubstr("assigned to them"),
                                       ::testing::HasSubstr("may not")));
        }
        break;
      case Expect::kFiltered:
        EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
        for (const std::string& own : row.must_contain) {
          EXPECT_THAT(answer, ::testing::HasSubstr(own)) << "Bob's own data is missing";
        }
        break;
      case Expect::kNotScoped:
        EXPECT_FALSE(row.note.empty()) << "say why this RPC holds nothing of a circle";
        break;
    }
  }
  // Dora, for contrast, sees B's member (the refusals above are Bob's scope,
  // not a broken circle).
  mv1::GetPersonRequest get;
  get.set_name(members_b_[0]);
  mv1::GetPersonResponse got;
  grpc::Status status = people_->GetPerson(Dora().get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.person().contact().email(), email_b_);
  lv1::ListJournalEntriesRequest journal;
  journal.set_loan(loan_b_);
  lv1::ListJournalEntriesResponse entries;
  status = lending_->ListJournalEntries(Dora().get(), journal, &entries);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(entries.entries_size(), 0);
  // Dora lists B's transfer and not A's; an admin lists both.
  auto transfers = [&](std::unique_ptr<grpc::ClientContext> as) {
    nv1::ListMemberTransfersResponse listed;
    grpc::Status listing =
        peers_->ListMemberTransfers(as.get(), nv1::ListMemberTransfersRequest(), &listed);
    EXPECT_TRUE(listing.ok()) << listing.error_message();
    std::set<std::string> names;
    for (const auto& t : listed.transfers()) names.insert(t.name());
    return names;
  };
  EXPECT_EQ(transfers(Dora()), (std::set<std::string>{transfer_b_, transfer_b2_}));
  EXPECT_EQ(transfers(Admin()), (std::set<std::string>{transfer_a_, transfer_b_, transfer_b2_}));
  lv1::GetCircleEligibilityRequest eligibility;
  eligibility.set_circle(circle_b_);
  lv1::GetCircleEligibilityResponse eligible;
  status = lending_->GetCircleEligibility(Dora().get(), eligibility, &eligible);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_P(AdvisorScopeTest, EveryAdvisorCallableRpcHasARow) {
  std::set<std::string> covered;
  for (const Row& row : Rows()) covered.insert(row.method);
  std::vector<std::string> missing;
  for (const std::string& name : ServiceNames()) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name << " is not linked into this test";
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const auto& policy = method->options().GetExtension(cercles::common::v1::access_policy);
      bool advisor = false;
      for (int role : policy.allowed_roles()) advisor |= role == cercles::common::v1::ROLE_ADVISOR;
      if (advisor && covered.count(method->full_name()) == 0) {
        missing.push_back(method->full_name());
      }
    }
  }
  EXPECT_TRUE(missing.empty()) << "advisor-callable RPCs without a row: "
                               << absl::StrJoin(missing, ", ");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, AdvisorScopeTest, ::testing::Values(Engine::kSqlite),
                         [](const ::testing::TestParamInfo<Engine>&) { return "sqlite"; });

}  // namespace
}  // namespace cercles::testing::advisor_scope
