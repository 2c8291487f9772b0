// The least-privilege matrix, proto/access_matrix.tsv, against running services:
// every RPC of every service, called as every caller the matrix names (staff by
// token, each service by its own certificate, a registered peer fund by its
// certificate, no credentials at all), with an empty request, on one set of real
// processes. A "no" must be refused (PERMISSION_DENIED, or UNAUTHENTICATED for a
// caller the service does not know); a "yes" must get past the access check: any
// other answer (INVALID_ARGUMENT for the empty request, NOT_FOUND, OK, or the
// deadline of a stream that was let in). FederationService is served on
// network's federation listener only: the peer fund calls it there, everyone
// else on the main port, where it is refused (PERMISSION_DENIED, naming the
// listener) before any identity is looked at.
#include "tests/support/access_matrix.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cercles/bench/v1/echo.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "cercles/network/v1/partners.pb.h"
#include "common/server/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;

// The peer fund's certificate (made with the others by TestCredentials()).
constexpr char kPeer[] = "fund-peer";

// How a caller of the matrix reaches a process of the suite.
struct Caller {
  std::string name;                                                // the matrix's column
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;  // by process
  std::string token;
};

// One call of the walk and what it answered.
struct Call {
  const AccessMatrix::Row* row = nullptr;
  const Caller* caller = nullptr;
  std::string process, path;
  bool streaming = false;
  grpc::Status status;
};

class AccessMatrixCallsTest : public SuiteTest {
 protected:
  void SetUp() override {
    SuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The peer fund is one this fund registered (its certificate CN is its id).
    auto peers = nv1::PeerFundService::NewStub(suite_->StaffChannel("network"));
    nv1::RegisterPeerFundRequest request;
    request.set_request_id("register-fund-peer");
    request.mutable_peer()->set_fund_id(kPeer);
    request.mutable_peer()->set_certificate_common_name(kPeer);
    request.mutable_peer()->set_display_name("Fonds pair");
    request.mutable_peer()->set_region("Québec");
    nv1::RegisterPeerFundResponse response;
    grpc::Status status = peers->RegisterPeerFund(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // The advisor token "bob" acts as an advisor once it has a record (without
    // one, every advisor call is refused for that reason, whatever the matrix
    // says); lending and network learn it from membership's events.
    auto membership =
        cercles::membership::v1::MembershipService::NewStub(suite_->StaffChannel("membership"));
    cercles::membership::v1::CreateAdvisorRequest advisor;
    advisor.set_request_id("advisor-bob");
    advisor.mutable_advisor()->set_display_name("Bob Gagnon");
    advisor.mutable_advisor()->set_email("bob@fonds.example");
    advisor.mutable_advisor()->set_principal_name("bob");
    cercles::membership::v1::CreateAdvisorResponse created;
    status = membership->CreateAdvisor(Admin().get(), advisor, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_TRUE(Eventually(
        [&] {
          return CallWithEmptyRequest(suite_->StaffChannel("lending").get(),
                                      "/cercles.lending.v1.LendingService/ListLoans",
                                      TestCredentials().advisor_token)
                     .error_code() != grpc::StatusCode::PERMISSION_DENIED;
        },
        absl::Seconds(10)));
  }
};

// The process that serves a package: cercles.<process>.v1; "" for the bench's
// echo service, which only the echo benchmark server runs. FederationService:
// kFederation, network's federation listener.
constexpr char kFederation[] = "network-federation";
std::string ProcessOf(const std::string& rpc) {
  if (absl::StartsWith(rpc, "cercles.network.v1.FederationService/")) return kFederation;
  std::vector<std::string> parts = absl::StrSplit(rpc, '.');
  if (parts.size() < 3 || parts[0] != "cercles" || parts[1] == "bench") return "";
  return parts[1];
}

TEST_F(AccessMatrixCallsTest, EveryRpcAnswersEveryCallerAsTheMatrixSays) {
  absl::StatusOr<AccessMatrix> matrix =
      LoadAccessMatrix(CERCLES_SOURCE_DIR "/proto/access_matrix.tsv");
  ASSERT_TRUE(matrix.ok()) << matrix.status();
  // Link the generated descriptors in (they register on first use).
  ASSERT_NE(cercles::membership::v1::Circle::descriptor(), nullptr);
  ASSERT_NE(cercles::membership::v1::Person::descriptor(), nullptr);
  ASSERT_NE(cercles::membership::v1::Training::descriptor(), nullptr);
  ASSERT_NE(cercles::membership::v1::Meeting::descriptor(), nullptr);
  ASSERT_NE(cercles::membership::v1::Incident::descriptor(), nullptr);
  ASSERT_NE(lv1::CircleEligibility::descriptor(), nullptr);
  ASSERT_NE(nv1::NetworkCircle::descriptor(), nullptr);
  ASSERT_NE(nv1::Partner::descriptor(), nullptr);
  ASSERT_NE(nv1::PeerFund::descriptor(), nullptr);
  ASSERT_NE(cercles::bench::v1::EchoRequest::descriptor(), nullptr);

  const Credentials& credentials = TestCredentials();
  const std::vector<std::string> processes = {"membership", "lending", "network"};
  std::vector<Caller> callers;
  for (const std::string& name : matrix->callers) {
    Caller caller;
    caller.name = name;
    for (const std::string& process : processes) {
      if (name == "admin" || name == "advisor" || name == "anonymous") {
        caller.channels[process] = suite_->StaffChannel(process);
      } else {
        caller.channels[process] =
            suite_->CertChannel(process, name == "peer-fund" ? std::string(kPeer) : name);
      }
    }
    // Only the peer fund's certificate is let in on the federation listener
    // (it chains to the suite's CA, its --federation_ca): the others call
    // FederationService on the main port.
    caller.channels[kFederation] = caller.channels["network"];
    if (name == "peer-fund") {
      server::ChannelOptions federation;
      federation.address = suite_->FederationAddress();
      federation.tls = {credentials.Cert(kPeer), credentials.Key(kPeer), credentials.ca};
      federation.server_name_override = "network";
      caller.channels[kFederation] = *server::MakeChannel(federation);
    }
    if (name == "admin") caller.token = credentials.admin_token;
    if (name == "advisor") caller.token = credentials.advisor_token;
    callers.push_back(std::move(caller));
  }
  ASSERT_EQ(callers.size(), 7u);

  // The registration reaches network's authenticator at once; wait for it all the
  // same, so that a slow machine does not read as a refused peer.
  ASSERT_TRUE(Eventually(
      [&] {
        return CallWithEmptyRequest(callers[5].channels[kFederation].get(),
                                    "/cercles.network.v1.FederationService/GetFederationStats")
                   .error_code() != grpc::StatusCode::UNAUTHENTICATED;
      },
      absl::Seconds(10)));

  std::vector<Call> calls;
  int rpcs = 0;
  std::vector<std::string> not_served;
  for (const AccessMatrix::Row& row : matrix->rows) {
    const std::string process = ProcessOf(row.rpc);
    if (process.empty()) {
      not_served.push_back(row.rpc);
      continue;
    }
    const google::protobuf::MethodDescriptor* method =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
            absl::StrReplaceAll(row.rpc, {{"/", "."}}));
    ASSERT_NE(method, nullptr) << row.rpc;
    ++rpcs;
    for (const Caller& caller : callers) {
      Call call;
      call.row = &row;
      call.caller = &caller;
      call.process = process;
      call.path = absl::StrCat("/", row.rpc);
      call.streaming = method->server_streaming();
      calls.push_back(std::move(call));
    }
  }

  // Every call is independent: a few threads share them. A stream that was let
  // in stays open until its deadline, so streams get a shorter one, and go first.
  std::stable_partition(calls.begin(), calls.end(), [](const Call& c) { return c.streaming; });
  const absl::Time start = absl::Now();
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < calls.size();) {
        Call& call = calls[i];
        call.status = CallWithEmptyRequest(call.caller->channels.at(call.process).get(), call.path,
                                           call.caller->token, call.streaming,
                                           call.streaming ? absl::Seconds(2) : absl::Seconds(10));
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  const absl::Duration took = absl::Now() - start;

  int allowed = 0, refused = 0;
  for (const Call& call : calls) {
    const grpc::StatusCode code = call.status.error_code();
    const bool yes = call.row->allowed.count(call.caller->name) > 0;
    const std::string where =
        absl::StrCat(call.path, " as ", call.caller->name,
                     " (proto/access_matrix.tsv:", call.row->line, " says ", yes ? "yes" : "no",
                     "): ", static_cast<int>(code), " ", call.status.error_message());
    EXPECT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << where;
    if (call.process == kFederation && call.caller->name != "peer-fund") {
      ++refused;
      EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << where;
      EXPECT_THAT(call.status.error_message(), HasSubstr("only on the federation listener"))
          << where;
      continue;
    }
    if (yes) {
      ++allowed;
      EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED) << where;
      EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << where;
    } else {
      ++refused;
      if (call.caller->name == "anonymous") {
        EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << where;
      } else {
        EXPECT_TRUE(code == grpc::StatusCode::PERMISSION_DENIED ||
                    code == grpc::StatusCode::UNAUTHENTICATED)
            << where;
      }
    }
  }
  std::printf(
      "access matrix: %zu callers x %d RPCs = %zu calls (%d let through, %d refused) in %lld ms; "
      "not served by the suite: %s\n",
      callers.size(), rpcs, calls.size(), allowed, refused,
      static_cast<long long>(absl::ToInt64Milliseconds(took)),
      not_served.empty() ? "none" : absl::StrJoin(not_served, ", ").c_str());
  EXPECT_GE(rpcs, 90);
  EXPECT_EQ(calls.size(), callers.size() * static_cast<size_t>(rpcs));
  EXPECT_GT(allowed, 0);
  EXPECT_GT(refused, allowed);

  // The finding of issue 13, said outright: no service certificate posts a
  // repayment. A whole request (not an empty one) is refused before it is read,
  // while staff with the same request reach the loan (which does not exist).
  lv1::RecordRepaymentRequest repay;
  repay.set_request_id("repay-as-a-service");
  repay.set_loan("loans/1");
  repay.mutable_amount()->set_currency_code("CAD");
  repay.mutable_amount()->set_minor_units(8543);
  repay.mutable_received_on()->set_year(2026);
  repay.mutable_received_on()->set_month(12);
  repay.mutable_received_on()->set_day(1);
  for (const std::string service : {"network", "membership", "lending"}) {
    auto as_service = lv1::LendingService::NewStub(suite_->CertChannel("lending", service));
    lv1::RecordRepaymentResponse response;
    grpc::Status status = as_service->RecordRepayment(Context("").get(), repay, &response);
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                 HasSubstr(absl::StrCat("service:", service,
                                                        " (role service) "
                                                        "may not call /cercles.lending.v1."
                                                        "LendingService/RecordRepayment"))))
        << service;
  }
  auto as_admin = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
  lv1::RecordRepaymentResponse response;
  EXPECT_THAT(as_admin->RecordRepayment(Admin().get(), repay, &response),
              StatusIs(grpc::StatusCode::NOT_FOUND));
}

}  // namespace
}  // namespace cercles::testing
