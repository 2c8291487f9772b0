// Channels to other services (MakeChannel): a call answered UNAVAILABLE — a
// replica shutting down, a connection lost — is retried by gRPC's own retry
// policy (the channel's service config) before the caller sees it; other codes
// are not retried.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/server/server.h"
#include "gtest/gtest.h"

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

}  // namespace
}  // namespace cercles::server
