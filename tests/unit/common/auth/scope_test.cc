#include "common/auth/scope.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Principal Staff(const std::string& name, Role role) {
  Principal who;
  who.kind = Principal::Kind::kStaff;
  who.name = name;
  who.role = role;
  return who;
}

Principal Service(const std::string& name) {
  Principal who;
  who.kind = Principal::Kind::kService;
  who.name = name;
  who.role = cercles::common::v1::ROLE_SERVICE;
  return who;
}

Principal PeerFund(const std::string& name) {
  Principal who;
  who.kind = Principal::Kind::kPeerFund;
  who.name = name;
  who.role = cercles::common::v1::ROLE_PEER_FUND;
  return who;
}

// A lookup that records whether it was asked and answers `ids`.
struct Lookup {
  explicit Lookup(std::vector<int64_t> circle_ids = {}) : ids(std::move(circle_ids)) {}
  std::vector<int64_t> ids;
  absl::Status error;
  int asked = 0;
  AssignedCircles Function() {
    return [this](const Principal&) -> absl::StatusOr<std::vector<int64_t>> {
      ++asked;
      if (!error.ok()) return error;
      return ids;
    };
  }
};

TEST(CircleScopeOfTest, AdminSeesAndManagesEveryCircleWithoutALookup) {
  Lookup lookup({1});
  for (CircleAccess access : {CircleAccess::kRead, CircleAccess::kManage}) {
    absl::StatusOr<CircleScope> scope =
        CircleScopeOf(Staff("alice", cercles::common::v1::ROLE_ADMIN), access, lookup.Function());
    ASSERT_TRUE(scope.ok()) << scope.status();
    EXPECT_TRUE(scope->all());
    EXPECT_TRUE(scope->Contains(123456));
    EXPECT_TRUE(PersonInScope(*scope, {99}));
  }
  EXPECT_EQ(lookup.asked, 0);
}

TEST(CircleScopeOfTest, AdvisorSeesTheAssignedCirclesOnly) {
  Lookup lookup({7, 3, 7});
  const Principal bob = Staff("bob", cercles::common::v1::ROLE_ADVISOR);
  absl::StatusOr<CircleScope> scope = CircleScopeOf(bob, CircleAccess::kRead, lookup.Function());
  ASSERT_TRUE(scope.ok()) << scope.status();
  EXPECT_EQ(lookup.asked, 1);
  EXPECT_FALSE(scope->all());
  EXPECT_FALSE(scope->nothing());
  EXPECT_THAT(scope->circle_ids(), ElementsAre(3, 7));
  EXPECT_THAT(scope->CircleNames(), ElementsAre("circles/3", "circles/7"));
  EXPECT_TRUE(scope->Contains(3));
  EXPECT_FALSE(scope->Contains(4));
  EXPECT_TRUE(scope->ContainsName("circles/7"));
  EXPECT_FALSE(scope->ContainsName("circles/8"));
  EXPECT_FALSE(scope->ContainsName("circles/07"));
  EXPECT_FALSE(scope->ContainsName("people/7"));

  EXPECT_TRUE(CheckCircleInScope(*scope, bob, 7, CircleAccess::kManage).ok());
  absl::Status denied = CheckCircleInScope(*scope, bob, 4, CircleAccess::kRead);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("staff:bob is not the advisor of circles/4"));

  // The same circles to manage as to read.
  absl::StatusOr<CircleScope> manage = CircleScopeOf(bob, CircleAccess::kManage, lookup.Function());
  ASSERT_TRUE(manage.ok());
  EXPECT_THAT(manage->circle_ids(), ElementsAre(3, 7));
}

TEST(CircleScopeOfTest, AdvisorSeesTheirMembersAndPeopleInNoCircle) {
  Lookup lookup({3});
  const Principal bob = Staff("bob", cercles::common::v1::ROLE_ADVISOR);
  absl::StatusOr<CircleScope> scope = CircleScopeOf(bob, CircleAccess::kRead, lookup.Function());
  ASSERT_TRUE(scope.ok());
  EXPECT_TRUE(PersonInScope(*scope, {3}));
  EXPECT_TRUE(PersonInScope(*scope, {std::nullopt}));
  EXPECT_FALSE(PersonInScope(*scope, {4}));
  // A circle no advisor holds yet: its members are followed by every staff member.
  EXPECT_TRUE(PersonInScope(*scope, {4, /*circle_has_advisor=*/false}));
  EXPECT_TRUE(CheckPersonInScope(*scope, bob, "people/1", {3}).ok());
  absl::Status denied = CheckPersonInScope(*scope, bob, "people/2", {4});
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("staff:bob may not see people/2"));
}

TEST(CircleScopeOfTest, AdvisorWithoutCirclesStillSeesPeopleInNoCircle) {
  Lookup lookup;
  absl::StatusOr<CircleScope> scope = CircleScopeOf(Staff("new", cercles::common::v1::ROLE_ADVISOR),
                                                    CircleAccess::kRead, lookup.Function());
  ASSERT_TRUE(scope.ok());
  EXPECT_FALSE(scope->nothing());
  EXPECT_THAT(scope->circle_ids(), IsEmpty());
  EXPECT_FALSE(scope->Contains(1));
  EXPECT_TRUE(PersonInScope(*scope, {std::nullopt}));
  EXPECT_FALSE(PersonInScope(*scope, {1}));
}

TEST(CircleScopeOfTest, TheLookupsRefusalIsTheAnswer) {
  Lookup lookup;
  lookup.error = absl::PermissionDeniedError("staff:eve is not an advisor known to lending");
  absl::StatusOr<CircleScope> scope = CircleScopeOf(Staff("eve", cercles::common::v1::ROLE_ADVISOR),
                                                    CircleAccess::kRead, lookup.Function());
  EXPECT_EQ(scope.status(), lookup.error);
}

TEST(CircleScopeOfTest, ServicesReadEveryCircleAndManageNone) {
  Lookup lookup({1});
  absl::StatusOr<CircleScope> read =
      CircleScopeOf(Service("lending"), CircleAccess::kRead, lookup.Function());
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->all());
  absl::StatusOr<CircleScope> manage =
      CircleScopeOf(Service("lending"), CircleAccess::kManage, lookup.Function());
  ASSERT_TRUE(manage.ok());
  EXPECT_TRUE(manage->nothing());
  absl::Status denied = CheckCircleInScope(*manage, Service("lending"), 1, CircleAccess::kManage);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("service:lending may not manage circles/1"));
  EXPECT_EQ(lookup.asked, 0);
}

TEST(CircleScopeOfTest, PeerFundsAndAnonymousCallersSeeNothingScoped) {
  Lookup lookup({1});
  for (const Principal& who : {PeerFund("fund-quebec"), Principal()}) {
    absl::StatusOr<CircleScope> scope = CircleScopeOf(who, CircleAccess::kRead, lookup.Function());
    ASSERT_TRUE(scope.ok());
    EXPECT_TRUE(scope->nothing()) << who.ToString();
    EXPECT_FALSE(scope->Contains(1));
    EXPECT_FALSE(PersonInScope(*scope, {std::nullopt}));
    EXPECT_FALSE(PersonInScope(*scope, {1}));
    EXPECT_FALSE(PersonInScope(*scope, {1, false}));
    EXPECT_EQ(CheckCircleInScope(*scope, who, 1, CircleAccess::kRead).code(),
              absl::StatusCode::kPermissionDenied);
  }
  // A staff token whose role is not decided here sees nothing either.
  absl::StatusOr<CircleScope> unknown = CircleScopeOf(
      Staff("x", cercles::common::v1::ROLE_UNSPECIFIED), CircleAccess::kRead, lookup.Function());
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->nothing());
  EXPECT_EQ(lookup.asked, 0);
}

TEST(CircleIdOfNameTest, OnlyCanonicalCircleNames) {
  EXPECT_EQ(CircleIdOfName("circles/12"), 12);
  EXPECT_EQ(CircleIdOfName("circles/0"), std::nullopt);
  EXPECT_EQ(CircleIdOfName("circles/-1"), std::nullopt);
  EXPECT_EQ(CircleIdOfName("circles/012"), std::nullopt);
  EXPECT_EQ(CircleIdOfName("circles/99999999999999999999"), std::nullopt);
  EXPECT_EQ(CircleIdOfName("funds/x/circles/1"), std::nullopt);
  EXPECT_EQ(CircleIdOfName(""), std::nullopt);
}

}  // namespace
}  // namespace cercles::auth
