// The runner's parts around the handlers: the plaintext health-only listener
// (the status of the main port's health service, nothing else served there,
// NOT_SERVING while draining), a span per call (the handler sees its own
// traceparent: the caller's trace, a new span id), and the RPC metrics of both
// sides under go-grpc-prometheus's names and labels; an added listener (its
// own TLS identity and CA bundle, client certificates required) serving only
// the services named to it, which the main port refuses; a drain that answers
// the calls it could not start UNAVAILABLE, not CANCELLED, and that health-
// watching clients leave before it closes the door.
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/server/handler.h"
#include "common/server/server.h"
#include "common/util/trace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/health.h"
#include "tests/support/process.h"

namespace cercles::server {
namespace {

using ::cercles::testing::CheckHealth;
using ::cercles::testing::Health;
using ::testing::HasSubstr;

// Echoes, and keeps the traceparent its handler saw.
class TracedEcho final : public bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      seen_ = TraceParentOf(*context);
    }
    response->set_message(request->message());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::string seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  absl::Mutex mu_;
  std::string seen_ ABSL_GUARDED_BY(mu_);
};

grpc::Status CallRaw(grpc::Channel* channel, const char* path) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::Slice empty("", 0);
  grpc::ByteBuffer request(&empty, 1), response;
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel, grpc::internal::RpcMethod(path, grpc::internal::RpcMethod::NORMAL_RPC), &context,
      request, &response);
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.name = "runner-test";
    options.insecure = true;
    options.health_listen = "127.0.0.1:0";
    runner_ = std::make_unique<ServerRunner>(options);
    ASSERT_TRUE(runner_->Init().ok());
    runner_->AddService(&echo_, bench::v1::EchoService::service_full_name());
    ASSERT_TRUE(runner_->Start().ok());
    ASSERT_GT(runner_->health_port(), 0);
    ASSERT_NE(runner_->health_port(), runner_->port());
    main_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner_->port()),
                                grpc::InsecureChannelCredentials());
    health_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner_->health_port()),
                                  grpc::InsecureChannelCredentials());
  }

  TracedEcho echo_;
  std::unique_ptr<ServerRunner> runner_;
  std::shared_ptr<grpc::Channel> main_, health_;
};

TEST_F(RunnerTest, HealthPortReportsTheMainPortsStatusInPlaintextAndServesNothingElse) {
  // "" (the server) and each added service by its full name, on both listeners.
  const std::string echo = bench::v1::EchoService::service_full_name();
  for (const std::string& name : {std::string(), echo}) {
    EXPECT_EQ(CheckHealth(health_.get(), name).value(), Health::kNotServing) << name;  // not ready
    EXPECT_EQ(CheckHealth(main_.get(), name).value(), Health::kNotServing) << name;
  }
  runner_->SetServing(true);
  for (const std::string& name : {std::string(), echo}) {
    EXPECT_EQ(CheckHealth(health_.get(), name).value(), Health::kServing) << name;
    EXPECT_EQ(CheckHealth(main_.get(), name).value(), Health::kServing) << name;
  }
  // A name the server does not serve is unknown, not SERVING.
  for (grpc::Channel* channel : {health_.get(), main_.get()}) {
    EXPECT_EQ(CheckHealth(channel, "cercles.made.up.v1.NothingService").status().code(),
              absl::StatusCode::kNotFound);
  }

  // The services and reflection answer on the main port only.
  EXPECT_EQ(CallRaw(main_.get(), "/cercles.bench.v1.EchoService/Echo").error_code(),
            grpc::StatusCode::OK);
  for (const char* path :
       {"/cercles.bench.v1.EchoService/Echo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/made.up.Service/Invented"}) {
    EXPECT_EQ(CallRaw(health_.get(), path).error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
  }

  // Draining: NOT_SERVING on the health port while the calls drain, then gone.
  absl::StatusOr<Health> while_draining, echo_while_draining;
  runner_->RequestStop();
  runner_->WaitForTermination([&] {
    while_draining = CheckHealth(health_.get());
    echo_while_draining = CheckHealth(health_.get(), echo);
  });
  ASSERT_TRUE(while_draining.ok()) << while_draining.status();
  EXPECT_EQ(*while_draining, Health::kNotServing);
  ASSERT_TRUE(echo_while_draining.ok()) << echo_while_draining.status();
  EXPECT_EQ(*echo_while_draining, Health::kNotServing);
  EXPECT_FALSE(CheckHealth(health_.get()).ok());
}

TEST_F(RunnerTest, EachCallIsASpanOfItsCallersTraceOrStartsOne) {
  runner_->SetServing(true);
  bench::v1::EchoService::Stub stub(main_);
  bench::v1::EchoRequest request;
  bench::v1::EchoResponse response;
  const trace::TraceContext caller = trace::NewTrace();
  {
    grpc::ClientContext context;
    context.AddMetadata("traceparent", caller.Traceparent());
    ASSERT_TRUE(stub.Echo(&context, request, &response).ok());
  }
  std::optional<trace::TraceContext> seen = trace::ParseTraceparent(echo_.seen());
  ASSERT_TRUE(seen.has_value()) << echo_.seen();
  EXPECT_EQ(seen->trace_id, caller.trace_id);
  EXPECT_NE(seen->span_id, caller.span_id);

  for (const char* header : {"", "garbage"}) {
    grpc::ClientContext context;
    if (*header != '\0') context.AddMetadata("traceparent", header);
    ASSERT_TRUE(stub.Echo(&context, request, &response).ok());
    std::optional<trace::TraceContext> root = trace::ParseTraceparent(echo_.seen());
    ASSERT_TRUE(root.has_value()) << echo_.seen();
    EXPECT_NE(root->trace_id, caller.trace_id);
  }
}

TEST_F(RunnerTest, ServerAndClientMetricsUseTheStandardNamesAndLabels) {
  runner_->SetServing(true);
  ChannelOptions options;
  options.address = absl::StrCat("127.0.0.1:", runner_->port());
  options.insecure = true;
  options.metrics = runner_->metrics();
  auto channel = MakeChannel(options);
  ASSERT_TRUE(channel.ok());
  bench::v1::EchoService::Stub stub(*channel);
  bench::v1::EchoRequest request;
  bench::v1::EchoResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub.Echo(&context, request, &response).ok());
  EXPECT_EQ(CallRaw(channel->get(), "/made.up.Service/Invented").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  const std::string labels =
      "grpc_method=\"Echo\",grpc_service=\"cercles.bench.v1.EchoService\",grpc_type=\"unary\"";
  const std::string text = runner_->metrics()->Render();
  for (const char* side : {"server", "client"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_", side, "_started_total{", labels, "} 1\n")));
    EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_", side, "_handled_total{grpc_code=\"OK\",",
                                             labels, "} 1\n")));
    EXPECT_THAT(text,
                HasSubstr(absl::StrCat("grpc_", side, "_msg_received_total{", labels, "} 1\n")));
    EXPECT_THAT(text, HasSubstr(absl::StrCat("grpc_", side, "_msg_sent_total{", labels, "} 1\n")));
    EXPECT_THAT(
        text, HasSubstr(absl::StrCat("grpc_", side, "_handling_seconds_count{", labels, "} 1\n")));
    EXPECT_THAT(text, HasSubstr(absl::StrCat(
                          "grpc_", side,
                          "_handled_total{grpc_code=\"UNIMPLEMENTED\",grpc_method=\"unknown\","
                          "grpc_service=\"unknown\",grpc_type=\"unknown\"} 1\n")));
  }
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Invented")));
}

// A listener of its own: only its services (and health) there, to client
// certificates of its CA bundle only; on the main port its services are
// refused, saying where they are served.
TEST(ListenerTest, ServesOnlyItsServicesToItsOwnCasClients) {
  const std::string dir = cercles::testing::MakeTempDir("listener-certs");
  ASSERT_FALSE(dir.empty());
  const std::string gen = absl::StrCat("bash ", CERCLES_SOURCE_DIR, "/scripts/gen-certs ");
  ASSERT_EQ(std::system(absl::StrCat(gen, dir, " server >/dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(std::system(absl::StrCat(gen, "--ca peer-ca ", dir, " peer >/dev/null 2>&1").c_str()),
            0);

  ServerOptions options;
  options.name = "listener-test";
  options.insecure = true;
  ServerRunner runner(options);
  ASSERT_TRUE(runner.Init().ok());
  ListenerOptions side;
  side.name = "side";
  side.listen = "127.0.0.1:0";
  side.tls = {dir + "/server.pem", dir + "/server.key", dir + "/nowhere.pem"};
  absl::Status refused = runner.AddListener(side);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("--side_ca"));
  side.tls.ca = dir + "/peer-ca.pem";  // the peers' CA, not the server's
  ASSERT_TRUE(runner.AddListener(side).ok());
  TracedEcho echo;
  runner.AddService(&echo, bench::v1::EchoService::service_full_name(), "side");
  ASSERT_TRUE(runner.Start().ok());
  runner.SetServing(true);
  ASSERT_GT(runner.listener_port("side"), 0);
  ASSERT_NE(runner.listener_port("side"), runner.port());

  auto main = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner.port()),
                                  grpc::InsecureChannelCredentials());
  const grpc::Status elsewhere = CallRaw(main.get(), "/cercles.bench.v1.EchoService/Echo");
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(elsewhere.error_message(), HasSubstr("only on the side listener (--side_listen)"));
  EXPECT_EQ(CallRaw(main.get(), "/made.up.Service/Invented").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  auto channel_as = [&](const std::string& cert) {
    ChannelOptions o;
    o.address = absl::StrCat("127.0.0.1:", runner.listener_port("side"));
    o.tls.ca = dir + "/ca.pem";
    if (!cert.empty()) o.tls = {dir + "/" + cert + ".pem", dir + "/" + cert + ".key", o.tls.ca};
    o.server_name_override = "server";
    return *MakeChannel(o);
  };
  auto peer = channel_as("peer");
  EXPECT_EQ(CallRaw(peer.get(), "/cercles.bench.v1.EchoService/Echo").error_code(),
            grpc::StatusCode::OK);
  EXPECT_EQ(CheckHealth(peer.get()).value(), Health::kServing);
  EXPECT_EQ(CheckHealth(peer.get(), bench::v1::EchoService::service_full_name()).value(),
            Health::kServing);
  EXPECT_EQ(CallRaw(peer.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // No client certificate, or one of a CA the listener does not trust (the
  // server's own): no handshake.
  for (const std::string cert : {"", "server"}) {
    EXPECT_EQ(CallRaw(channel_as(cert).get(), "/cercles.bench.v1.EchoService/Echo").error_code(),
              grpc::StatusCode::UNAVAILABLE)
        << cert;
  }
  runner.Shutdown();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cercles::server

namespace cercles::server {
namespace {

// Echo on the runner's handler pool: "hold" keeps its thread for a while.
class HeldEcho final : public bench::v1::EchoService::CallbackService {
 public:
  explicit HeldEcho(ServerRunner* runner) : runner_(runner) {}
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    runner_->handlers()->Submit(
        [this, request, response, reactor] {
          if (request->message() == "hold")
            release_.WaitForNotificationWithTimeout(absl::Seconds(3));
          response->set_message(request->message());
          reactor->Finish(grpc::Status::OK);
        },
        [reactor] { reactor->Finish(DrainingStatus()); });
    return reactor;
  }
  absl::Notification release_;

 private:
  ServerRunner* runner_;
};

TEST(RunnerDrainTest, ACallThatNeverStartedBeforeTheDrainEndsIsAnsweredUnavailable) {
  ServerOptions options;
  options.name = "drain-test";
  options.insecure = true;
  options.handler_threads = 1;
  options.shutdown_grace = absl::Seconds(1);
  ServerRunner runner(options);
  ASSERT_TRUE(runner.Init().ok());
  HeldEcho echo(&runner);
  runner.AddService(&echo, bench::v1::EchoService::service_full_name());
  ASSERT_TRUE(runner.Start().ok());
  runner.SetServing(true);
  auto stub = bench::v1::EchoService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", runner.port()), grpc::InsecureChannelCredentials()));
  auto gauge = [&](const char* name) { return runner.metrics()->GetGauge(name, "")->value(); };
  auto wait_for = [&](const char* name, double value) {
    for (int i = 0; i < 500 && gauge(name) != value; ++i) absl::SleepFor(absl::Milliseconds(10));
    return gauge(name) == value;
  };

  // The pool's one thread is held; a second call waits behind it.
  struct Call {
    grpc::ClientContext context;
    bench::v1::EchoRequest request;
    bench::v1::EchoResponse response;
    grpc::Status status;
    absl::Notification done;
  } held, queued;
  auto start = [&](Call& call, const char* message) {
    call.request.set_message(message);
    stub->async()->Echo(&call.context, &call.request, &call.response, [&call](grpc::Status s) {
      call.status = std::move(s);
      call.done.Notify();
    });
  };
  start(held, "hold");
  ASSERT_TRUE(wait_for("cercles_handler_busy_threads", 1));
  start(queued, "queued");
  ASSERT_TRUE(wait_for("cercles_handler_queue_depth", 1));

  // The drain's grace (1 s) ends before the held call's thread is free (3 s):
  // the queued call is answered UNAVAILABLE, which clients retry, not CANCELLED.
  runner.RequestStop();
  runner.WaitForTermination([&] {});
  echo.release_.Notify();
  ASSERT_TRUE(queued.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(queued.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << queued.status.error_message();
  EXPECT_THAT(queued.status.error_message(), HasSubstr("shutting down"));
  EXPECT_EQ(runner.metrics()->GetCounter("cercles_handler_refused_total", "")->value(), 1);
  ASSERT_TRUE(held.done.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

// Echo that counts the calls it answered.
class CountingEcho final : public bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::v1::EchoRequest* request,
                                 bench::v1::EchoResponse* response) override {
    ++calls;
    response->set_message(request->message());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::atomic<int64_t> calls{0};
};

// A runner serving CountingEcho on `port` (0: a free one).
struct EchoReplica {
  explicit EchoReplica(int port = 0) {
    ServerOptions options;
    options.name = "replica";
    options.listen = absl::StrCat("127.0.0.1:", port);
    options.insecure = true;
    options.shutdown_grace = absl::Seconds(2);
    runner = std::make_unique<ServerRunner>(options);
    EXPECT_TRUE(runner->Init().ok());
    runner->AddService(&echo, bench::v1::EchoService::service_full_name());
    EXPECT_TRUE(runner->Start().ok());
    runner->SetServing(true);
  }
  CountingEcho echo;
  std::unique_ptr<ServerRunner> runner;
};

// Clients calling without pause through a channel of MakeChannel's (health
// watched) that knows two replicas, while one replica is drained and replaced
// again and again: every call ends OK — none CANCELLED by a door closed under
// it (grpc/grpc#41785), none UNAVAILABLE, since the other replica serves.
TEST(RunnerDrainTest, HealthWatchingClientsLoseNoCallWhileAReplicaRestarts) {
  EchoReplica steady;
  std::unique_ptr<EchoReplica> restarting = std::make_unique<EchoReplica>();
  // The restarting replica comes back on its port: the channel's list stays.
  const int port = restarting->runner->port();
  ChannelOptions channel_options;
  channel_options.insecure = true;
  channel_options.address =
      absl::StrCat("ipv4:127.0.0.1:", steady.runner->port(), ",127.0.0.1:", port);
  auto channel = MakeChannel(channel_options);
  ASSERT_TRUE(channel.ok()) << channel.status();
  auto stub = bench::v1::EchoService::NewStub(*channel);

  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        bench::v1::EchoRequest request;
        request.set_message("x");
        bench::v1::EchoResponse response;
        const grpc::Status status = stub->Echo(&context, request, &response);
        absl::MutexLock lock(&mu);
        ++codes[status.error_code()];
      }
    });
  }
  for (int round = 0; round < 5; ++round) {
    // Wait until the restarting replica takes calls, then drain it.
    for (int i = 0; i < 500 && restarting->echo.calls < 50; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_GE(restarting->echo.calls, 50) << "round " << round;
    restarting->runner->RequestStop();
    restarting->runner->WaitForTermination([] {});
    restarting.reset();
    restarting = std::make_unique<EchoReplica>(port);
    ASSERT_EQ(restarting->runner->port(), port);
  }
  stop = true;
  for (std::thread& t : clients) t.join();
  absl::MutexLock lock(&mu);
  int total = 0;
  for (const auto& [code, count] : codes) total += count;
  EXPECT_EQ(codes[grpc::StatusCode::OK], total)
      << total << " calls: " << codes[grpc::StatusCode::CANCELLED] << " CANCELLED, "
      << codes[grpc::StatusCode::UNAVAILABLE] << " UNAVAILABLE";
  EXPECT_GT(steady.echo.calls, 0);
}

}  // namespace
}  // namespace cercles::server
