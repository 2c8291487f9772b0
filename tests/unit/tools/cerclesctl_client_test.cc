// cerclesctl's verbs against in-process fake servers: what each verb sends
// (names, filters, request ids, the bearer token, deadlines), what it prints
// in table and json form, exit codes, and TLS/mTLS with certificates made by
// scripts/gen-certs. (Suites start with "cerclesctl" for `ctest -R cerclesctl`.)

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/api/error_details.h"
#include "common/util/status.h"
#include "tests/support/slow_relay.h"
#include "tests/unit/tools/cli_runner.h"
#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

membership::v1::Circle MakeCircle(int id) {
  membership::v1::Circle circle;
  circle.set_name(absl::StrCat("circles/", id));
  circle.set_display_name(absl::StrCat("Cercle ", id));
  circle.set_status(membership::v1::CIRCLE_STATUS_ACTIVE);
  circle.set_member_count(4 + id % 3);
  circle.set_fund_id("fund-montreal");
  auto* sector = circle.add_characteristics();
  sector->set_kind(membership::v1::CHARACTERISTIC_KIND_SECTOR);
  sector->set_value("food");
  return circle;
}

// What a fake saw of the last call.
struct Seen {
  std::mutex mu;
  std::string authorization;
  std::string request;  // DebugString of the last request
  std::vector<std::string> page_tokens;
};

void Record(Seen* seen, grpc::ServerContext* context, const google::protobuf::Message& request) {
  std::lock_guard<std::mutex> lock(seen->mu);
  auto it = context->client_metadata().find("authorization");
  seen->authorization = it == context->client_metadata().end()
                            ? ""
                            : std::string(it->second.data(), it->second.size());
  seen->request = request.ShortDebugString();
}

class FakeMembership final : public membership::v1::MembershipService::Service {
 public:
  explicit FakeMembership(Seen* seen) : seen_(seen) {}

  grpc::Status CreateCircle(grpc::ServerContext* context,
                            const membership::v1::CreateCircleRequest* request,
                            membership::v1::CreateCircleResponse* response) override {
    Record(seen_, context, *request);
    *response->mutable_circle() = request->circle();
    response->mutable_circle()->set_name("circles/42");
    response->mutable_circle()->set_status(membership::v1::CIRCLE_STATUS_FORMING);
    return grpc::Status::OK;
  }

  grpc::Status GetCircle(grpc::ServerContext* context,
                         const membership::v1::GetCircleRequest* request,
                         membership::v1::GetCircleResponse* response) override {
    Record(seen_, context, *request);
    if (request->name() == "circles/slow") {
      while (!context->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return grpc::Status::CANCELLED;
    }
    if (request->name() == "circles/8") {  // a refusal with field violations
      return ToGrpcStatus(api::InvalidFields(
          {{"name", "must be a circle you may read", ""}, {"view", "is required", ""}}));
    }
    if (request->name() != "circles/7") {  // as the services answer: through ToGrpcStatus
      return ToGrpcStatus(
          absl::NotFoundError(absl::StrCat("circle \"", request->name(), "\" does not exist")));
    }
    *response->mutable_circle() = MakeCircle(7);
    return grpc::Status::OK;
  }

  // Five circles, two per page; the token is the index of the next one.
  grpc::Status ListCircles(grpc::ServerContext* context,
                           const membership::v1::ListCirclesRequest* request,
                           membership::v1::ListCirclesResponse* response) override {
    Record(seen_, context, *request);
    {
      std::lock_guard<std::mutex> lock(seen_->mu);
      seen_->page_tokens.push_back(request->page_token());
    }
    int start = 0;
    if (!request->page_token().empty() && !absl::SimpleAtoi(request->page_token(), &start)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
    }
    for (int i = start; i < std::min(start + 2, 5); ++i)
      *response->add_circles() = MakeCircle(i + 1);
    if (start + 2 < 5) response->set_next_page_token(absl::StrCat(start + 2));
    return grpc::Status::OK;
  }

  // Three events, then waits until the client goes away.
  grpc::Status WatchEvents(
      grpc::ServerContext* context, const membership::v1::WatchEventsRequest* request,
      grpc::ServerWriter<membership::v1::WatchEventsResponse>* writer) override {
    Record(seen_, context, *request);
    for (int64_t sequence = request->after_sequence() + 1;
         sequence <= request->after_sequence() + 3; ++sequence) {
      membership::v1::WatchEventsResponse response;
      common::v1::Event* event = response.mutable_event();
      event->set_sequence(sequence);
      event->set_event_id(absl::StrCat("event-", sequence));
      event->set_type("cercles.membership.v1.CircleCreated");
      event->set_subject(absl::StrCat("circles/", sequence));
      event->set_fund_id("fund-montreal");
      *event->mutable_occur_time() =
          google::protobuf::util::TimeUtil::SecondsToTimestamp(1700000000);
      membership::v1::CircleCreated created;
      *created.mutable_circle() = MakeCircle(static_cast<int>(sequence));
      event->mutable_payload()->PackFrom(created);
      if (!writer->Write(response)) return grpc::Status::OK;
    }
    while (!context->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return grpc::Status::CANCELLED;
  }

 private:
  Seen* seen_;
};

class FakeLending final : public lending::v1::LendingService::Service {
 public:
  explicit FakeLending(Seen* seen) : seen_(seen) {}
  grpc::Status GetCircleEligibility(grpc::ServerContext* context,
                                    const lending::v1::GetCircleEligibilityRequest* request,
                                    lending::v1::GetCircleEligibilityResponse* response) override {
    Record(seen_, context, *request);
    auto* eligibility = response->mutable_eligibility();
    eligibility->set_circle(request->circle());
    eligibility->set_circle_status(membership::v1::CIRCLE_STATUS_UNDER_STRENGTH);
    eligibility->set_may_request_loans(true);
    eligibility->set_may_guarantee(false);
    eligibility->add_reasons("the circle has 3 members; it needs 4 to guarantee loans");
    return grpc::Status::OK;
  }

 private:
  Seen* seen_;
};

class FakeNetwork final : public network::v1::NetworkService::Service {
 public:
  explicit FakeNetwork(Seen* seen) : seen_(seen) {}
  grpc::Status ListNetworkCircles(grpc::ServerContext* context,
                                  const network::v1::ListNetworkCirclesRequest* request,
                                  network::v1::ListNetworkCirclesResponse* response) override {
    Record(seen_, context, *request);
    FillCircle(response->add_circles());
    return grpc::Status::OK;
  }
  grpc::Status GetNetworkCircle(grpc::ServerContext* context,
                                const network::v1::GetNetworkCircleRequest* request,
                                network::v1::GetNetworkCircleResponse* response) override {
    Record(seen_, context, *request);
    FillCircle(response->mutable_circle());
    return grpc::Status::OK;
  }

 private:
  static void FillCircle(network::v1::NetworkCircle* circle) {
    circle->set_name("funds/fund-montreal/circles/3");
    circle->set_fund_id("fund-montreal");
    circle->set_display_name("Les Semeuses");
    circle->set_status(membership::v1::CIRCLE_STATUS_FORMING);
    circle->set_member_count(2);
    auto* language = circle->add_characteristics();
    language->set_kind(membership::v1::CHARACTERISTIC_KIND_LANGUAGE);
    language->set_value("fr");
  }
  Seen* seen_;
};

// The three fakes and the standard health service on one port.
class FakeServer {
 public:
  explicit FakeServer(
      std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials(),
      const std::string& address = "127.0.0.1:0")
      : membership_(&seen_), lending_(&seen_), network_(&seen_) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, credentials, &port_);
    builder.RegisterService(&membership_);
    builder.RegisterService(&lending_);
    builder.RegisterService(&network_);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  int port() const { return port_; }
  grpc::Server* server() { return server_.get(); }
  bool started() const { return server_ != nullptr; }
  Seen& seen() { return seen_; }

 private:
  Seen seen_;
  FakeMembership membership_;
  FakeLending lending_;
  FakeNetwork network_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

class cerclesctlClient : public ::testing::Test {
 protected:
  // The fake in plaintext, with a token given by environment.
  CliResult Cli(std::vector<std::string> args) {
    return RunCerclesctl(std::move(args), {{"CERCLES_ADDRESS", server_.address()},
                                           {"CERCLES_INSECURE", "true"},
                                           {"CERCLES_TOKEN", "s3cret"}});
  }
  std::string LastRequest() {
    std::lock_guard<std::mutex> lock(server_.seen().mu);
    return server_.seen().request;
  }

  FakeServer server_;
};

TEST_F(cerclesctlClient, HealthServingAndNotServing) {
  CliResult serving = Cli({"health"});
  EXPECT_EQ(serving.code, kExitOk) << serving.err;
  EXPECT_EQ(serving.out, "SERVING\n");
  EXPECT_THAT(serving.err, HasSubstr("warning: --insecure"));

  CliResult json = Cli({"health", "--output", "json"});
  EXPECT_EQ(json.out, "{\"status\":\"SERVING\"}\n");

  server_.server()->GetHealthCheckService()->SetServingStatus(false);
  CliResult not_serving = Cli({"health"});
  EXPECT_EQ(not_serving.code, kExitFailure);
  EXPECT_EQ(not_serving.out, "NOT_SERVING\n");
}

TEST_F(cerclesctlClient, HealthWaitGivesUpOnAClosedPort) {
  // A port bound but never listened on: connections are refused, and no other
  // process (tests run in parallel) can take it while we hold it.
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in bound{};
  bound.sin_family = AF_INET;
  bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&bound), sizeof bound), 0);
  socklen_t length = sizeof bound;
  ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr*>(&bound), &length), 0);
  const std::string address = absl::StrCat("127.0.0.1:", ntohs(bound.sin_port));
  const auto start = std::chrono::steady_clock::now();
  CliResult result = RunCerclesctl({"health", "--wait", "1s", "--timeout", "300ms"},
                                   {{"CERCLES_ADDRESS", address}, {"CERCLES_INSECURE", "1"}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("cerclesctl: UNAVAILABLE: "));
  EXPECT_GE(elapsed, std::chrono::milliseconds(700));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  close(holder);
}

TEST_F(cerclesctlClient, HealthWaitSeesAServerThatStartsLater) {
  std::string address;
  {
    FakeServer gone;
    address = gone.address();
  }
  std::unique_ptr<FakeServer> late;
  std::thread starter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    late = std::make_unique<FakeServer>(grpc::InsecureServerCredentials(), address);
  });
  CliResult result = RunCerclesctl({"health", "--wait", "10s"},
                                   {{"CERCLES_ADDRESS", address}, {"CERCLES_INSECURE", "1"}});
  starter.join();
  ASSERT_TRUE(late->started()) << "could not listen again on " << address;
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
}

TEST_F(cerclesctlClient, GetCircleSendsTokenAndPrintsTable) {
  CliResult result = Cli({"circles", "get", "7"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(LastRequest(), "name: \"circles/7\"");
  {
    std::lock_guard<std::mutex> lock(server_.seen().mu);
    EXPECT_EQ(server_.seen().authorization, "Bearer s3cret");
  }
  EXPECT_EQ(result.out,
            "NAME        DISPLAY NAME   STATUS   MEMBERS   CHARACTERISTICS\n"
            "circles/7   Cercle 7       active   5         sector=food\n");
}

TEST_F(cerclesctlClient, ErrorsSayCodeMessageAndReasonAndExitOne) {
  CliResult result = Cli({"circles", "get", "circles/9"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("cerclesctl: NOT_FOUND: circle \"circles/9\" does not exist\n"
                                    "  reason: RESOURCE_NOT_FOUND\n"));
}

TEST_F(cerclesctlClient, ErrorsShowTheirReasonAndEachFieldViolation) {
  CliResult result = Cli({"circles", "get", "circles/8"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(
      result.err,
      HasSubstr(
          "cerclesctl: INVALID_ARGUMENT: name must be a circle you may read; view is required\n"
          "  reason: REQUEST_INVALID\n"
          "  name: must be a circle you may read (FIELD_INVALID)\n"
          "  view: is required (FIELD_REQUIRED)\n"));
}

TEST_F(cerclesctlClient, TimeoutIsTheDeadlineOfTheCall) {
  const auto start = std::chrono::steady_clock::now();
  CliResult result = Cli({"circles", "get", "slow", "--timeout", "300ms"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("cerclesctl: DEADLINE_EXCEEDED: "));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(cerclesctlClient, TokenFile) {
  const std::string path = ::testing::TempDir() + "/cerclesctl_client_test.token";
  std::ofstream(path) << "  from-file\n";
  CliResult result =
      RunCerclesctl({"circles", "get", "7", "--token-file", path},
                    {{"CERCLES_ADDRESS", server_.address()}, {"CERCLES_INSECURE", "true"}});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  std::lock_guard<std::mutex> lock(server_.seen().mu);
  EXPECT_EQ(server_.seen().authorization, "Bearer from-file");
}

TEST_F(cerclesctlClient, CreateCircleSendsCharacteristicsAndARequestId) {
  CliResult result =
      Cli({"circles", "create", "--display-name", "Les Pionnières", "--characteristic",
           "sector=food", "--characteristic", "quartier=Verdun", "--request-id", "demo-1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(LastRequest(),
            "request_id: \"demo-1\" circle { display_name: \"Les Pionni\\303\\250res\" "
            "characteristics { kind: CHARACTERISTIC_KIND_SECTOR value: \"food\" } "
            "characteristics { kind: CHARACTERISTIC_KIND_OTHER custom_kind: \"quartier\" value: "
            "\"Verdun\" } }");
  EXPECT_THAT(result.out, HasSubstr("circles/42   Les Pionnières   forming   0         "
                                    "sector=food,quartier=Verdun\n"));

  ASSERT_EQ(Cli({"circles", "create", "--display-name", "x"}).code, kExitOk);
  EXPECT_THAT(LastRequest(),
              ::testing::MatchesRegex("request_id: \"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]"
                                      "[0-9a-f]{3}-[0-9a-f]{12}\" .*"));
}

TEST_F(cerclesctlClient, ListOnePageShowsTheNextToken) {
  CliResult result = Cli({"circles", "list", "--status", "active", "--characteristic",
                          "gender=women", "--page-size", "2"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(LastRequest(),
            "page_size: 2 status: CIRCLE_STATUS_ACTIVE characteristics { kind: "
            "CHARACTERISTIC_KIND_GENDER value: \"women\" }");
  EXPECT_THAT(result.out,
              StartsWith("NAME        DISPLAY NAME   STATUS   MEMBERS   CHARACTERISTICS\n"
                         "circles/1   Cercle 1       active   5         sector=food\n"));
  EXPECT_THAT(result.out, HasSubstr("\nnext page: 2\n"));

  CliResult second = Cli({"circles", "list", "--page-token", "2"});
  EXPECT_THAT(second.out, HasSubstr("circles/3"));
  EXPECT_THAT(second.out, Not(HasSubstr("circles/1 ")));
}

TEST_F(cerclesctlClient, ListAllFollowsPagesIntoOneDocument) {
  CliResult table = Cli({"circles", "list", "--all"});
  ASSERT_EQ(table.code, kExitOk) << table.err;
  for (int i = 1; i <= 5; ++i) EXPECT_THAT(table.out, HasSubstr(absl::StrCat("circles/", i, " ")));
  EXPECT_THAT(table.out, Not(HasSubstr("next page")));
  {
    std::lock_guard<std::mutex> lock(server_.seen().mu);
    EXPECT_THAT(server_.seen().page_tokens, ::testing::ElementsAre("", "2", "4"));
  }

  CliResult json = Cli({"circles", "list", "--all", "--output", "json"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '\n'), 1);
  EXPECT_THAT(json.out,
              StartsWith("{\"circles\":[{\"name\":\"circles/1\",\"displayName\":\"Cercle 1\","
                         "\"status\":\"CIRCLE_STATUS_ACTIVE\""));
  EXPECT_THAT(json.out, HasSubstr("\"name\":\"circles/5\""));
  EXPECT_THAT(json.out, HasSubstr("\"nextPageToken\":\"\"}"));
}

TEST_F(cerclesctlClient, WatchStopsAfterLimit) {
  CliResult result = Cli({"events", "watch", "--after", "10", "--limit", "2"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(LastRequest(), "after_sequence: 10");
  std::istringstream lines(result.out);
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_THAT(header, StartsWith("SEQUENCE   TYPE"));
  EXPECT_THAT(first, StartsWith("11         cercles.membership.v1.CircleCreated"));
  EXPECT_THAT(first, HasSubstr("circles/11"));
  EXPECT_THAT(first, HasSubstr("2023-11-14T22:13:20Z"));
  EXPECT_THAT(second, StartsWith("12 "));
  EXPECT_FALSE(std::getline(lines, extra));
}

TEST_F(cerclesctlClient, WatchJsonPrintsOneEventPerLineWithItsPayload) {
  CliResult result = Cli({"events", "watch", "--limit", "3", "--output", "json"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3);
  EXPECT_THAT(result.out, StartsWith("{\"sequence\":\"1\",\"eventId\":\"event-1\""));
  EXPECT_THAT(
      result.out,
      HasSubstr("\"payload\":{\"@type\":\"type.googleapis.com/"
                "cercles.membership.v1.CircleCreated\",\"circle\":{\"name\":\"circles/1\""));
}

TEST_F(cerclesctlClient, LendingEligibility) {
  CliResult result = Cli({"lending", "eligibility", "circles/3"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(LastRequest(), "circle: \"circles/3\"");
  EXPECT_EQ(result.out,
            "CIRCLE      STATUS           MAY REQUEST LOANS   MAY GUARANTEE   REASONS\n"
            "circles/3   under-strength   yes                 no              the circle has 3 "
            "members; it needs 4 to guarantee loans\n");
  CliResult json = Cli({"lending", "eligibility", "3", "--output", "json"});
  EXPECT_THAT(json.out, HasSubstr("\"mayGuarantee\":false"));
}

TEST_F(cerclesctlClient, NetworkCircles) {
  CliResult list = Cli(
      {"network", "circles", "list", "--fund", "fund-montreal", "--characteristic", "language=fr"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_EQ(
      LastRequest(),
      "fund_id: \"fund-montreal\" characteristics { kind: CHARACTERISTIC_KIND_LANGUAGE value: "
      "\"fr\" }");
  EXPECT_THAT(list.out, StartsWith("NAME                            FUND            DISPLAY NAME   "
                                   "STATUS    MEMBERS   CHARACTERISTICS   UPDATED\n"));
  EXPECT_THAT(list.out, HasSubstr("funds/fund-montreal/circles/3   fund-montreal   Les Semeuses   "
                                  "forming   2         language=fr       -\n"));

  CliResult get = Cli({"network", "circles", "get", "funds/fund-montreal/circles/3"});
  ASSERT_EQ(get.code, kExitOk) << get.err;
  EXPECT_EQ(LastRequest(), "name: \"funds/fund-montreal/circles/3\"");
}

// TLS and mTLS with the certificates scripts/gen-certs makes.
class cerclesctlTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest runs each test in its own process, maybe
    // at the same time as another.
    dir_ = new std::string(absl::StrCat(::testing::TempDir(), "/cerclesctl_tls_certs.", getpid()));
    const std::string command = absl::StrCat(CERCLES_SOURCE_DIR, "/scripts/gen-certs ", *dir_,
                                             " membership lending >/dev/null 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string Path(const std::string& name) { return *dir_ + "/" + name; }

  // membership's certificate; client certificates must chain to the local CA.
  static std::shared_ptr<grpc::ServerCredentials> MutualTls() {
    grpc::SslServerCredentialsOptions options(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    options.pem_root_certs = ReadFileOrDie(Path("ca.pem"));
    options.pem_key_cert_pairs.push_back(
        {ReadFileOrDie(Path("membership.key")), ReadFileOrDie(Path("membership.pem"))});
    return grpc::SslServerCredentials(options);
  }

  static std::string* dir_;
};

std::string* cerclesctlTls::dir_ = nullptr;

TEST_F(cerclesctlTls, ClientCertificateFromTheLocalCaIsAccepted) {
  FakeServer server(MutualTls());
  CliResult result = RunCerclesctl({"health", "--ca", Path("ca.pem"), "--cert", Path("lending.pem"),
                                    "--key", Path("lending.key")},
                                   {{"CERCLES_ADDRESS", server.address()}});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
  EXPECT_EQ(result.err, "");  // no plaintext warning

  // The same through the environment, checking the certificate's DNS:localhost.
  // (The address stays an IP: resolving "localhost" through Debian's c-ares
  // 1.18 leaks a few bytes, which fails the asan build.)
  CliResult by_env = RunCerclesctl({"circles", "get", "7"}, {{"CERCLES_ADDRESS", server.address()},
                                                             {"CERCLES_SERVER_NAME", "localhost"},
                                                             {"CERCLES_CA", Path("ca.pem")},
                                                             {"CERCLES_CERT", Path("lending.pem")},
                                                             {"CERCLES_KEY", Path("lending.key")}});
  EXPECT_EQ(by_env.code, kExitOk) << by_env.err;
}

// A TLS handshake slower than the reconnect back-off (a busy server, a fund
// far away) still connects within --timeout: gRPC gives one connection
// attempt no longer than its minimum back-off, once set to 200 ms.
TEST_F(cerclesctlTls, AHandshakeSlowerThanTheReconnectBackOffStillConnects) {
  FakeServer server(MutualTls());
  cercles::testing::SlowRelay slow(server.port(), absl::Milliseconds(700));
  ASSERT_NE(slow.port(), 0);
  CliResult result = RunCerclesctl({"health", "--ca", Path("ca.pem"), "--cert", Path("lending.pem"),
                                    "--key", Path("lending.key"), "--timeout", "5s"},
                                   {{"CERCLES_ADDRESS", absl::StrCat("127.0.0.1:", slow.port())}});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
}

TEST_F(cerclesctlTls, CertificateFromAnotherCaIsRefused) {
  FakeServer server(MutualTls());
  CliResult rogue = RunCerclesctl({"health", "--ca", Path("ca.pem"), "--cert", Path("rogue.pem"),
                                   "--key", Path("rogue.key"), "--timeout", "3s"},
                                  {{"CERCLES_ADDRESS", server.address()}});
  EXPECT_EQ(rogue.code, kExitFailure);
  EXPECT_THAT(rogue.err, StartsWith("cerclesctl: UNAVAILABLE: "));

  CliResult no_client_cert = RunCerclesctl({"health", "--ca", Path("ca.pem"), "--timeout", "3s"},
                                           {{"CERCLES_ADDRESS", server.address()}});
  EXPECT_EQ(no_client_cert.code, kExitFailure);
}

TEST_F(cerclesctlTls, ServerIsVerifiedAgainstCaAndName) {
  FakeServer server(MutualTls());
  const std::vector<std::string> client_cert = {
      "--cert", Path("lending.pem"), "--key", Path("lending.key"), "--timeout", "3s"};
  // A CA that did not sign the server's certificate.
  std::vector<std::string> wrong_ca = {"health", "--ca", Path("rogue-ca.pem")};
  wrong_ca.insert(wrong_ca.end(), client_cert.begin(), client_cert.end());
  EXPECT_EQ(RunCerclesctl(wrong_ca, {{"CERCLES_ADDRESS", server.address()}}).code, kExitFailure);

  // --server-name picks the name to check: "membership" is on the certificate, "lending" is not.
  std::vector<std::string> right_name = {"health", "--ca", Path("ca.pem"), "--server-name",
                                         "membership"};
  right_name.insert(right_name.end(), client_cert.begin(), client_cert.end());
  CliResult right = RunCerclesctl(right_name, {{"CERCLES_ADDRESS", server.address()}});
  EXPECT_EQ(right.code, kExitOk) << right.err;

  std::vector<std::string> wrong_name = {"health", "--ca", Path("ca.pem"), "--server-name",
                                         "lending"};
  wrong_name.insert(wrong_name.end(), client_cert.begin(), client_cert.end());
  EXPECT_EQ(RunCerclesctl(wrong_name, {{"CERCLES_ADDRESS", server.address()}}).code, kExitFailure);
}

}  // namespace
}  // namespace cercles::cerclesctl
