// Channels to other services (MakeChannel): a call answered UNAVAILABLE — a
// replica shutting down, a connection lost — is retried by gRPC's own retry
// policy (the channel's service config) before the caller sees it; other codes
// are not retried.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/server/server.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"

namespace cercles::server {
namespace {

// Answers the next `fail` calls with `code`, then echoes.
class FlakyEcho final : public bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override {
    ++calls;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (fail.fetch_sub(1) > 0) {
      reactor->Finish(grpc::Status(code, "flaky"));
    } else {
      response->set_message(request->message());
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }
  std::atomic<int> calls{0};
  std::atomic<int> fail{0};
  grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE;
};

class ChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&echo_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ChannelOptions options;
    options.address = absl::StrCat("127.0.0.1:", port_);
    options.insecure = true;
    auto channel = MakeChannel(options);
    ASSERT_TRUE(channel.ok()) << channel.status();
    stub_ = bench::v1::EchoService::NewStub(*channel);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status Call() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    bench::v1::EchoRequest request;
    request.set_message("bonjour");
    bench::v1::EchoResponse response;
    return stub_->Echo(&context, request, &response);
  }

  FlakyEcho echo_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<bench::v1::EchoService::Stub> stub_;
};

TEST_F(ChannelTest, UnavailableIsRetriedBeforeTheCallerSeesIt) {
  echo_.fail = 2;
  grpc::Status status = Call();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(echo_.calls.load(), 3);
}

TEST_F(ChannelTest, RetriesAreBoundedAndTheLastAnswerIsTheCallers) {
  echo_.fail = 100;
  grpc::Status status = Call();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(echo_.calls.load(), kChannelMaxAttempts);
}

TEST_F(ChannelTest, OtherCodesAreNotRetried) {
  for (grpc::StatusCode code : {grpc::StatusCode::INTERNAL, grpc::StatusCode::INVALID_ARGUMENT,
                                grpc::StatusCode::CANCELLED}) {
    echo_.calls = 0;
    echo_.fail = 1;
    echo_.code = code;
    EXPECT_EQ(Call().error_code(), code);
    EXPECT_EQ(echo_.calls.load(), 1) << code;
  }
}

// Records the certificate each caller presented.
class CertEcho final : public bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override {
    std::string pem;
    for (const grpc::string_ref& value :
         context->auth_context()->FindPropertyValues("x509_pem_cert")) {
      pem.assign(value.data(), value.size());
    }
    response->set_message(pem);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A renewed client certificate (same CA, new key) is presented on the channel's
// next connection: the channel watches its files, as the server does, so a
// service calling another needs no restart when its certificate is renewed.
TEST(ChannelRotationTest, ARenewedClientCertificateIsPresentedWithoutANewChannel) {
  const std::string dir = cercles::testing::MakeTempDir("channel-certs");
  ASSERT_FALSE(dir.empty());
  const std::string gen = absl::StrCat("bash ", CERCLES_SOURCE_DIR, "/scripts/gen-certs ");
  auto run = [](const std::string& cmd) { return std::system(cmd.c_str()); };
  ASSERT_EQ(run(absl::StrCat(gen, dir, "/old membership lending >/dev/null 2>&1")), 0);
  ASSERT_EQ(run(absl::StrCat("mkdir -p ", dir, "/new && cp ", dir, "/old/ca.* ", dir, "/new/ && ",
                             gen, dir, "/new lending >/dev/null 2>&1")),
            0);
  ASSERT_EQ(run(absl::StrCat("cp ", dir, "/old/lending.pem ", dir, "/live.pem && cp ", dir,
                             "/old/lending.key ", dir, "/live.key")),
            0);

  CertEcho echo;
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ReadAll(dir + "/old/ca.pem");
  ssl.pem_key_cert_pairs.push_back(
      {ReadAll(dir + "/old/membership.key"), ReadAll(dir + "/old/membership.pem")});
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port);
  // Connections are closed soon, as --max_connection_age_s does in production.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 300);
  builder.RegisterService(&echo);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  auto make = [&](const std::string& server_name) {
    ChannelOptions options;
    options.address = absl::StrCat("127.0.0.1:", port);
    options.tls = TlsFiles{dir + "/live.pem", dir + "/live.key", dir + "/old/ca.pem"};
    options.server_name_override = server_name;
    options.tls_refresh = absl::Seconds(1);
    return MakeChannel(options);
  };
  auto channel = make("membership");
  ASSERT_TRUE(channel.ok()) << channel.status();
  auto stub = bench::v1::EchoService::NewStub(*channel);
  auto presented = [&]() -> std::string {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    bench::v1::EchoRequest request;
    bench::v1::EchoResponse response;
    grpc::Status status = stub->Echo(&context, request, &response);
    return status.ok() ? response.message() : absl::StrCat("error: ", status.error_message());
  };
  const std::string old_cert = ReadAll(dir + "/old/lending.pem");
  const std::string new_cert = ReadAll(dir + "/new/lending.pem");
  ASSERT_NE(old_cert, new_cert);
  EXPECT_EQ(presented(), old_cert);

  // Renewed the way a Secret update does it: new files renamed in.
  ASSERT_EQ(
      run(absl::StrCat("cp ", dir, "/new/lending.key ", dir, "/live.key.tmp && cp ", dir,
                       "/new/lending.pem ", dir, "/live.pem.tmp && mv ", dir, "/live.key.tmp ", dir,
                       "/live.key && mv ", dir, "/live.pem.tmp ", dir, "/live.pem")),
      0);
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    seen = presented();
    if (seen == new_cert) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(seen, new_cert);

  // The server's name is still verified: a certificate for membership does not
  // pass for network.
  auto wrong = make("network");
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  bench::v1::EchoRequest request;
  bench::v1::EchoResponse response;
  EXPECT_EQ(
      bench::v1::EchoService::NewStub(*wrong)->Echo(&context, request, &response).error_code(),
      grpc::StatusCode::UNAVAILABLE);

  server->Shutdown();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cercles::server
