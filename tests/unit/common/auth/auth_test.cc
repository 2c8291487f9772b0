#include "common/auth/auth.h"

#include <google/protobuf/descriptor.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "cercles/bench/v1/echo.pb.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::auth {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

// Every RPC of every service in proto/ declares an access policy. The files are
// found on disk, so a new .proto with a service fails here until it is linked in
// below (generated code registers its descriptors only when linked).
TEST(AccessPolicyTest, EveryRpcOfEveryServiceDeclaresAPolicy) {
  const google::protobuf::Descriptor* linked[] = {
      cercles::membership::v1::Circle::descriptor(),
      cercles::lending::v1::CircleEligibility::descriptor(),
      cercles::network::v1::NetworkCircle::descriptor(),
      cercles::network::v1::PeerFund::descriptor(),
      cercles::bench::v1::EchoRequest::descriptor(),
      cercles::membership::v1::Person::descriptor(),
      cercles::membership::v1::Training::descriptor(),
      cercles::membership::v1::Meeting::descriptor(),
  };
  EXPECT_EQ(std::size(linked), 8u);
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const std::filesystem::path root = std::filesystem::path(CERCLES_SOURCE_DIR) / "proto";
  int services = 0, methods = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "cercles")) {
    if (entry.path().extension() != ".proto") continue;
    std::string name = std::filesystem::relative(entry.path(), root).string();
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (file == nullptr) {
      EXPECT_EQ(text.str().find("\nservice "), std::string::npos)
          << name << " defines a service but is not linked into this test: add it above";
      continue;
    }
    for (int i = 0; i < file->service_count(); ++i) {
      ++services;
      methods += file->service(i)->method_count();
      EXPECT_THAT(MethodsWithoutPolicy(file->service(i)), ::testing::IsEmpty())
          << "RPCs without (cercles.common.v1.access_policy) in " << name;
    }
  }
  EXPECT_GE(services, 7);  // membership (4), lending, network, bench echo
  EXPECT_GE(methods, 8);
}

TEST(TokenStoreTest, ParsesHashesRolesAndNames) {
  std::string text = absl::StrCat("# comment\n\n", Sha256Hex("s3cret"), " admin alice\n",
                                  Sha256Hex("other"), "\tadvisor  bob\n");
  auto store = TokenStore::Parse(text, "tokens.txt");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->size(), 2u);
  const TokenEntry* alice = store->Find("s3cret");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->role, cercles::common::v1::ROLE_ADMIN);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(store->Find("S3CRET"), nullptr);
}

TEST(TokenStoreTest, MalformedLinesAreNamedWithTheirLineNumber) {
  auto bad_role = TokenStore::Parse(absl::StrCat("\n", Sha256Hex("x"), " root eve\n"), "t.txt");
  EXPECT_THAT(bad_role.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("t.txt:2"), HasSubstr("unknown role \"root\""))));
  auto bad_hash = TokenStore::Parse("abc admin eve\n", "t.txt");
  EXPECT_THAT(bad_hash.status().message(), HasSubstr("64 lower-case hex"));
  auto short_line = TokenStore::Parse(absl::StrCat(Sha256Hex("x"), " admin\n"), "t.txt");
  EXPECT_THAT(short_line.status().message(), HasSubstr("t.txt:1"));
  EXPECT_THAT(TokenStore::LoadFile("/nonexistent/tokens").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : authenticator_(MakeTokens(), {"lending", "network"}) {
    authenticator_.SetPeerFunds({"fund-quebec"});
  }
  static TokenStore MakeTokens() {
    TokenStore tokens;
    tokens.Add(Sha256Hex("adv-token"), TokenEntry{cercles::common::v1::ROLE_ADVISOR, "bob"});
    return tokens;
  }
  Authenticator authenticator_;
};

TEST_F(AuthenticatorTest, BearerTokenIdentifiesStaff) {
  auto p = authenticator_.Identify("Bearer adv-token", "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "staff:bob");
  EXPECT_EQ(p->role, cercles::common::v1::ROLE_ADVISOR);
}

TEST_F(AuthenticatorTest, UnknownOrMalformedTokenIsRefusedNotAnonymous) {
  EXPECT_THAT(authenticator_.Identify("Bearer nope", "").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(authenticator_.Identify("Basic Ym9i", "").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthenticatorTest, CertificatesIdentifyServicesAndPeerFunds) {
  EXPECT_EQ(authenticator_.Identify("", "lending")->ToString(), "service:lending");
  EXPECT_EQ(authenticator_.Identify("", "fund-quebec")->ToString(), "fund:fund-quebec");
  auto unknown = authenticator_.Identify("", "someone");
  EXPECT_THAT(unknown.status(), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("someone")));
  // A revoked peer is refused on its next call.
  authenticator_.SetPeerFunds({});
  EXPECT_THAT(authenticator_.Identify("", "fund-quebec"),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthenticatorTest, NoCredentialsIsAnonymous) {
  auto p = authenticator_.Identify("", "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, Principal::Kind::kAnonymous);
}

}  // namespace
}  // namespace cercles::auth
