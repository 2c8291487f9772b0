// The interop test: a peer-fund client written only from the .proto files with
// Node's @grpc/grpc-js and @grpc/proto-loader (tools/node/interop/peer-client.js)
// connects over mTLS to a running fund and reads its directory, its statistics
// and its directory stream; unregistered and revoked certificates are refused.
// Node and tools/node's packages come from scripts/test (cercles_install_deps
// --with-npm); CERCLES_NODE names another node binary.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/integration/federation_fixtures.h"
#include "tests/integration/node_client.h"

namespace cercles::testing {
namespace {

struct NodeResult {
  int code = -1;
  std::string out, err;
};

class FederationInteropTest : public SuiteTest {
 protected:
  // The test's fund is a Fund of the federation fixtures, started below.
  std::optional<Suite::Options> SuiteOptions() const override { return std::nullopt; }

  void SetUp() override {
    SuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string modules =
        absl::StrCat(CERCLES_SOURCE_DIR, "/tools/node/node_modules/@grpc/grpc-js");
    ASSERT_TRUE(std::filesystem::exists(modules))
        << "tools/node's packages are missing: run scripts/test, or `source scripts/lib/common.sh "
           "&& cercles_install_deps --with-npm`";
    ASSERT_EQ(
        std::system(absl::StrCat(ShellQuote(NodeBinary()), " --version >/dev/null 2>&1").c_str()),
        0)
        << "node is not installed (scripts/test installs it; CERCLES_NODE names another binary)";
    fund_ = std::make_unique<Fund>("fund-b", Engine::kSqlite);
    absl::Status started = fund_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Runs the Node client against fund-b's federation listener as `cert_name`.
  NodeResult RunPeerClient(const std::string& cert_name) {
    const Credentials& c = FederationCredentials();
    std::vector<std::string> command = {
        NodeBinary(),    absl::StrCat(CERCLES_SOURCE_DIR, "/tools/node/interop/peer-client.js"),
        "--address",     fund_->suite().FederationAddress(),
        "--ca",          AllCas(),
        "--cert",        c.Cert(cert_name),
        "--key",         c.Key(cert_name),
        "--server-name", "localhost",
        "--proto-dir",   absl::StrCat(CERCLES_SOURCE_DIR, "/proto")};
    std::vector<std::string> quoted;
    for (const std::string& a : command) quoted.push_back(ShellQuote(a));
    const std::string out = work_dir() + "/node.out", err = work_dir() + "/node.err";
    const int raw = std::system(absl::StrCat(absl::StrJoin(quoted, " "), " >", ShellQuote(out),
                                             " 2>", ShellQuote(err), " </dev/null")
                                    .c_str());
    NodeResult result;
    result.code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = ReadTextFile(out);
    result.err = ReadTextFile(err);
    return result;
  }

  std::unique_ptr<Fund> fund_;
};

TEST_F(FederationInteropTest, NodePeerReadsDirectoryAndStatisticsOverMtls) {
  const mv1::Circle limoilou = fund_->CreateCircle("Cercle Limoilou", "Limoilou");
  const mv1::Circle beauport = fund_->CreateCircle("Cercle Beauport", "Beauport");
  const mv1::Circle vanier = fund_->CreateCircle("Cercle Vanier", "Vanier");
  ASSERT_TRUE(fund_->SeesCircles("fund-b", 3)) << fund_->suite().Log("network");

  // Not registered yet: refused.
  NodeResult refused = RunPeerClient("fund-a");
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_TRUE(absl::StrContains(refused.err, "UNAUTHENTICATED")) << refused.err;

  nv1::RegisterPeerFundRequest request;
  request.set_request_id("register-fund-a");
  request.mutable_peer()->set_fund_id("fund-a");
  request.mutable_peer()->set_certificate_common_name("fund-a");
  request.mutable_peer()->set_display_name("Fonds A (Node)");
  nv1::RegisterPeerFundResponse registered;
  grpc::Status status = fund_->peers().RegisterPeerFund(Fund::Admin().get(), request, &registered);
  ASSERT_TRUE(status.ok()) << status.error_message();

  NodeResult read = RunPeerClient("fund-a");
  ASSERT_EQ(read.code, 0) << read.out << read.err;
  for (const mv1::Circle* c : {&limoilou, &beauport, &vanier}) {
    EXPECT_TRUE(absl::StrContains(read.out, absl::StrCat("\"funds/fund-b/", c->name(), "\"")))
        << read.out;
    EXPECT_TRUE(absl::StrContains(read.out, c->display_name())) << read.out;
  }
  EXPECT_TRUE(absl::StrContains(read.out, "\"status\":\"CIRCLE_STATUS_FORMING\"")) << read.out;
  EXPECT_TRUE(absl::StrContains(read.out, "{\"stats\":{\"fundId\":\"fund-b\",\"circles\":3"))
      << read.out;
  EXPECT_TRUE(absl::StrContains(read.out, "\"regions\":[\"Beauport\",\"Limoilou\",\"Vanier\"]"))
      << read.out;
  EXPECT_TRUE(absl::StrContains(read.out, "{\"stream\":{\"lastSequence\"")) << read.out;

  // A certificate of another CA fund-b trusts, never registered: refused.
  NodeResult unknown = RunPeerClient("fund-c");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_TRUE(absl::StrContains(unknown.err, "UNAUTHENTICATED")) << unknown.err;

  // Revoked: the next run is refused.
  ASSERT_TRUE(fund_->Revoke("fund-a").ok());
  NodeResult revoked = RunPeerClient("fund-a");
  EXPECT_EQ(revoked.code, 1) << revoked.out;
  EXPECT_TRUE(absl::StrContains(revoked.err, "UNAUTHENTICATED")) << revoked.err;
}

}  // namespace
}  // namespace cercles::testing
