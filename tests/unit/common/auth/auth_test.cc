#include "common/auth/auth.h"

#include <google/protobuf/descriptor.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cercles/bench/v1/echo.pb.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/access_matrix.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/common/redaction/linked_protos.h"

namespace cercles::auth {
namespace {

using ::cercles::common::v1::AccessPolicy;
using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

// Every service of every .proto file under proto/cercles. The files are found on
// disk, so a new .proto with a service fails here until it is linked in
// (generated code registers its descriptors only when linked: linked_protos.h).
std::vector<const google::protobuf::ServiceDescriptor*> EveryService() {
  // Links every .proto file's generated code (the one list of them; it fails
  // the test naming a file that is not linked).
  static_cast<void>(cercles::testing::EveryCerclesMessage());
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const std::filesystem::path root = std::filesystem::path(CERCLES_SOURCE_DIR) / "proto";
  std::vector<const google::protobuf::ServiceDescriptor*> services;
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
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  return services;
}

// Every RPC of every service in proto/ declares an access policy.
TEST(AccessPolicyTest, EveryRpcOfEveryServiceDeclaresAPolicy) {
  int services = 0, methods = 0;
  for (const google::protobuf::ServiceDescriptor* service : EveryService()) {
    ++services;
    methods += service->method_count();
    EXPECT_THAT(MethodsWithoutPolicy(service), ::testing::IsEmpty())
        << "RPCs without (cercles.common.v1.access_policy) in " << service->file()->name();
  }
  EXPECT_GE(services, 7);  // membership (4), lending, network, bench echo
  EXPECT_GE(methods, 8);
}

// The callers an access policy lets in, in the words of proto/access_matrix.tsv.
std::set<std::string> CallersOf(const AccessPolicy& policy,
                                const ::cercles::testing::AccessMatrix& matrix) {
  if (policy.allow_unauthenticated()) {
    // Everyone, but a peer fund: its certificate is known to network's
    // federation listener only, and refused (UNAUTHENTICATED) elsewhere.
    std::set<std::string> everyone(matrix.callers.begin(), matrix.callers.end());
    everyone.erase("peer-fund");
    return everyone;
  }
  std::set<std::string> callers(policy.services().begin(), policy.services().end());
  for (int role : policy.allowed_roles()) {
    switch (role) {
      case cercles::common::v1::ROLE_ADMIN:
        callers.insert("admin");
        break;
      case cercles::common::v1::ROLE_ADVISOR:
        callers.insert("advisor");
        break;
      case cercles::common::v1::ROLE_PEER_FUND:
        callers.insert("peer-fund");
        break;
      default:  // ROLE_SERVICE grants nothing: the services are named
        callers.insert(absl::StrCat("(", RoleName(static_cast<Role>(role)), " in allowed_roles)"));
    }
  }
  return callers;
}

// The least-privilege matrix and the protos say the same, both ways: every RPC
// has its row, every row its RPC, and each policy lets in exactly the callers
// its row says "yes" to.
TEST(AccessMatrixTest, TheProtosPoliciesEqualTheMatrixBothWays) {
  absl::StatusOr<::cercles::testing::AccessMatrix> matrix =
      ::cercles::testing::LoadAccessMatrix(CERCLES_SOURCE_DIR "/proto/access_matrix.tsv");
  ASSERT_TRUE(matrix.ok()) << matrix.status();
  std::set<std::string> rpcs;
  for (const google::protobuf::ServiceDescriptor* service : EveryService()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string rpc = absl::StrCat(service->full_name(), "/", method->name());
      rpcs.insert(rpc);
      const ::cercles::testing::AccessMatrix::Row* row = matrix->Find(rpc);
      if (row == nullptr) {
        ADD_FAILURE() << rpc << " has no row in proto/access_matrix.tsv";
        continue;
      }
      const AccessPolicy& policy =
          method->options().GetExtension(cercles::common::v1::access_policy);
      for (const std::string& name : policy.services()) {
        EXPECT_THAT(matrix->services, ::testing::Contains(name))
            << rpc << " names \"" << name << "\", not a service of this deployment";
      }
      EXPECT_EQ(CallersOf(policy, *matrix), row->allowed)
          << rpc << " (proto/access_matrix.tsv:" << row->line << ")";
    }
  }
  for (const ::cercles::testing::AccessMatrix::Row& row : matrix->rows) {
    EXPECT_EQ(rpcs.count(row.rpc), 1u)
        << "proto/access_matrix.tsv:" << row.line << ": no RPC " << row.rpc << " in proto/cercles";
  }
  EXPECT_EQ(rpcs.size(), matrix->rows.size());
  EXPECT_GE(rpcs.size(), 90u);
}

// No service identity may create, change or delete money or people: a service
// is granted reads only (Get..., List..., Watch...).
TEST(AccessMatrixTest, ServicesAreGrantedReadsOnly) {
  absl::StatusOr<::cercles::testing::AccessMatrix> matrix =
      ::cercles::testing::LoadAccessMatrix(CERCLES_SOURCE_DIR "/proto/access_matrix.tsv");
  ASSERT_TRUE(matrix.ok()) << matrix.status();
  int grants = 0;
  for (const ::cercles::testing::AccessMatrix::Row& row : matrix->rows) {
    const std::string method = row.rpc.substr(row.rpc.find('/') + 1);
    const bool read = absl::StartsWith(method, "Get") || absl::StartsWith(method, "List") ||
                      absl::StartsWith(method, "Watch");
    for (const std::string& service : matrix->services) {
      if (row.allowed.count(service) == 0) continue;
      ++grants;
      EXPECT_TRUE(read) << "proto/access_matrix.tsv:" << row.line << ": " << service << " may call "
                        << row.rpc << ", which is not a read";
    }
    // Only a published read may be called without credentials (GetPrivacyContact).
    if (row.allowed.count("anonymous") > 0) {
      EXPECT_TRUE(read) << "proto/access_matrix.tsv:" << row.line << ": anonymous may call "
                        << row.rpc << ", which is not a read";
    }
  }
  // Lending reads circles and people, network follows both event streams.
  EXPECT_GE(grants, 5);
}

TEST(AccessMatrixTest, MalformedMatricesAreRefusedWithTheirLine) {
  const std::string header =
      "rpc\tadmin\tadvisor\tmembership\tlending\tnetwork\tpeer-fund\tanonymous\twhy\n";
  EXPECT_TRUE(::cercles::testing::ParseAccessMatrix(
                  header + "p.S/GetX\tyes\tno\tno\tyes\tno\tno\tno\tlending reads X\n", "m")
                  .ok());
  EXPECT_THAT(::cercles::testing::ParseAccessMatrix(
                  header + "p.S/GetX\tyes\tno\tno\tyes\tno\tno\tno\t-\n", "m")
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m:2: a row that lets")));
  EXPECT_THAT(::cercles::testing::ParseAccessMatrix(
                  header + "p.S/GetX\tyes\tmaybe\tno\tno\tno\tno\tno\t-\n", "m")
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("advisor")));
  EXPECT_THAT(::cercles::testing::ParseAccessMatrix("# c\nrpc\tadmin\n", "m").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m:2: the header")));
}

Principal Who(Principal::Kind kind, const std::string& name, Role role) {
  Principal who;
  who.kind = kind;
  who.name = name;
  who.role = role;
  return who;
}

// A service is checked by its certificate's name, staff and peers by role; the
// generic service role grants nothing.
TEST(CheckAccessTest, ServicesByNameStaffAndPeersByRole) {
  AccessPolicy policy;
  policy.add_allowed_roles(cercles::common::v1::ROLE_ADMIN);
  policy.add_allowed_roles(cercles::common::v1::ROLE_SERVICE);
  policy.add_services("lending");
  const std::string path = "/p.S/GetX";
  const Principal lending =
      Who(Principal::Kind::kService, "lending", cercles::common::v1::ROLE_SERVICE);
  const Principal network =
      Who(Principal::Kind::kService, "network", cercles::common::v1::ROLE_SERVICE);
  EXPECT_TRUE(CheckAccess(policy, lending, path).ok());
  EXPECT_THAT(
      CheckAccess(policy, network, path),
      StatusIs(absl::StatusCode::kPermissionDenied,
               ::testing::AllOf(HasSubstr("service:network (role service) may not call /p.S/GetX"),
                                HasSubstr("allowed services: lending"))));
  EXPECT_TRUE(CheckAccess(policy,
                          Who(Principal::Kind::kStaff, "alice", cercles::common::v1::ROLE_ADMIN),
                          path)
                  .ok());
  EXPECT_THAT(
      CheckAccess(policy, Who(Principal::Kind::kStaff, "bob", cercles::common::v1::ROLE_ADVISOR),
                  path),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("role advisor")));
  EXPECT_THAT(
      CheckAccess(policy,
                  Who(Principal::Kind::kPeerFund, "fund-b", cercles::common::v1::ROLE_PEER_FUND),
                  path),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CheckAccess(policy, Principal(), path),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("needs credentials")));
  // A peer fund whose certificate carries a service's name is still a peer fund.
  EXPECT_THAT(
      CheckAccess(policy,
                  Who(Principal::Kind::kPeerFund, "lending", cercles::common::v1::ROLE_PEER_FUND),
                  path),
      StatusIs(absl::StatusCode::kPermissionDenied));
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
    authenticator_.SetPeerFunds({{"fund-quebec", ""}});
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

TEST_F(AuthenticatorTest, APinnedPeerIsOnlyItsOwnCertificate) {
  // Pinned, its name without the pinned certificate is refused (the
  // federation integration test shows the right certificate let in).
  authenticator_.SetPeerFunds({{"fund-quebec", std::string(64, 'a')}, {"fund-laval", ""}});
  EXPECT_THAT(authenticator_.Identify("", "fund-quebec"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("fingerprint differs")));
  EXPECT_EQ(authenticator_.Identify("", "fund-laval")->ToString(), "fund:fund-laval");
}

TEST_F(AuthenticatorTest, NoCredentialsIsAnonymous) {
  auto p = authenticator_.Identify("", "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, Principal::Kind::kAnonymous);
}

// The tokens file re-read at run time: a new set replaces the old one whole, and
// a file that cannot be read or parsed never replaces the last good set.
class TokenFileWatcherTest : public ::testing::Test {
 protected:
  TokenFileWatcherTest()
      : dir_(cercles::testing::MakeTempDir("tokens")),
        path_(dir_ + "/tokens.txt"),
        authenticator_(TokenStore(), {}),
        watcher_(path_, &authenticator_) {}
  ~TokenFileWatcherTest() override { std::filesystem::remove_all(dir_); }

  // Writes the file the way a Secret update does: a new file renamed in.
  void Write(const std::string& text) {
    std::ofstream(path_ + ".tmp") << text;
    std::filesystem::rename(path_ + ".tmp", path_);
  }
  bool Accepted(const std::string& token) {
    return authenticator_.Identify(absl::StrCat("Bearer ", token), "").ok();
  }

  const std::string dir_;
  const std::string path_;
  Authenticator authenticator_;
  TokenFileWatcher watcher_;
};

TEST_F(TokenFileWatcherTest, ANewSetReplacesTheOldOneWhole) {
  Write(absl::StrCat(Sha256Hex("old"), " admin alice\n"));
  ASSERT_TRUE(watcher_.Load().ok());
  EXPECT_TRUE(Accepted("old"));
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kUnchanged);
  Write(absl::StrCat(Sha256Hex("new"), " advisor bob\n"));
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kReloaded);
  EXPECT_FALSE(Accepted("old"));
  EXPECT_TRUE(Accepted("new"));
  EXPECT_EQ(authenticator_.token_count(), 1u);
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kUnchanged);
}

TEST_F(TokenFileWatcherTest, AnUnreadableOrMalformedFileKeepsTheLastGoodSet) {
  Write(absl::StrCat(Sha256Hex("good"), " admin alice\n"));
  ASSERT_TRUE(watcher_.Load().ok());
  // Half written: one good line, one cut short. Nothing of it is taken.
  Write(absl::StrCat(Sha256Hex("other"), " admin carol\n", Sha256Hex("x").substr(0, 20)));
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kKeptLastGood);
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kKeptLastGood);
  EXPECT_TRUE(Accepted("good"));
  EXPECT_FALSE(Accepted("other"));
  // Deleted (a Secret being swapped): still the last good set, never an empty one.
  std::filesystem::remove(path_);
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kKeptLastGood);
  EXPECT_TRUE(Accepted("good"));
  EXPECT_EQ(authenticator_.token_count(), 1u);
  // Empty (a writer that truncates first): the last good set too.
  Write("");
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kKeptLastGood);
  EXPECT_TRUE(Accepted("good"));
  // A file that says so revokes every token.
  Write("# every token revoked\n");
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kReloaded);
  EXPECT_FALSE(Accepted("good"));
  // Good again: taken.
  Write(absl::StrCat(Sha256Hex("good"), " admin alice\n"));
  EXPECT_EQ(watcher_.Reload(), TokenFileWatcher::Result::kReloaded);
  EXPECT_TRUE(Accepted("good"));
}

TEST_F(TokenFileWatcherTest, TheStartNeedsAGoodFile) {
  EXPECT_THAT(watcher_.Load(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path_)));
  Write("abc admin eve\n");
  EXPECT_THAT(watcher_.Load(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 lower-case hex")));
}

}  // namespace
}  // namespace cercles::auth
