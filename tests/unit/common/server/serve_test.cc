// server::Serve on gRPC's callback API: the handler returns at once and the
// call is answered on the handler pool; a refused caller never reaches the
// body; calls queued behind a full pool are all answered; a call whose caller
// gave up while it waited is answered without running its body. And the pool
// itself: FIFO, bounded, drained before it stops, its gauges.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/observability/metrics.h"
#include "common/server/handler.h"
#include "common/server/handler_pool.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::server {
namespace {

using bench::v1::EchoRequest;
using bench::v1::EchoResponse;

constexpr char kAdminToken[] = "admin-token";

// Echo through Serve, recording where and how many bodies ran.
class PooledEcho final : public bench::v1::EchoService::CallbackService {
 public:
  PooledEcho(const auth::Authorizer* authorizer, HandlerPool* pool)
      : authorizer_(authorizer), pool_(pool) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      handler_threads_.insert(std::this_thread::get_id());
    }
    return Serve(*pool_, *authorizer_, context, *request, response,
                 [=](const auth::Principal& who) -> absl::Status {
                   const int running = ++running_;
                   int seen = max_running_.load();
                   while (running > seen && !max_running_.compare_exchange_weak(seen, running)) {
                   }
                   {
                     std::lock_guard<std::mutex> lock(mu_);
                     body_threads_.insert(std::this_thread::get_id());
                   }
                   if (request->message() == "wait") gate_.WaitForNotification();
                   if (request->message() == "slow") {
                     std::this_thread::sleep_for(std::chrono::milliseconds(2));
                   }
                   ++bodies_;
                   --running_;
                   response->set_message(absl::StrCat(request->message(), " for ", who.name));
                   return absl::OkStatus();
                 });
  }

  void Open() {
    if (!gate_.HasBeenNotified()) gate_.Notify();
  }
  int bodies() const { return bodies_.load(); }
  int max_running() const { return max_running_.load(); }
  std::set<std::thread::id> handler_threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return handler_threads_;
  }
  std::set<std::thread::id> body_threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return body_threads_;
  }

 private:
  const auth::Authorizer* authorizer_;
  HandlerPool* pool_;
  absl::Notification gate_;
  std::atomic<int> bodies_{0};
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
  std::mutex mu_;
  std::set<std::thread::id> handler_threads_;
  std::set<std::thread::id> body_threads_;
};

class ServeTest : public ::testing::Test {
 protected:
  void Start(int threads) {
    auth::TokenStore tokens;
    tokens.Add(Sha256Hex(kAdminToken), auth::TokenEntry{cercles::common::v1::ROLE_ADMIN, "alice"});
    authenticator_ =
        std::make_unique<auth::Authenticator>(std::move(tokens), std::set<std::string>{});
    authorizer_ = std::make_unique<auth::Authorizer>(authenticator_.get());
    authorizer_->AddService(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        bench::v1::EchoService::service_full_name()));
    pool_ = std::make_unique<HandlerPool>(threads, &metrics_);
    service_ = std::make_unique<PooledEcho>(authorizer_.get(), pool_.get());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = bench::v1::EchoService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (service_ != nullptr) service_->Open();
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
      server_->Wait();
    }
    pool_.reset();  // after the server has drained, as ServerRunner does
  }

  static void Authorise(grpc::ClientContext* call) {
    call->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  }

  grpc::Status Call(const std::string& message, EchoResponse* response) {
    grpc::ClientContext call;
    Authorise(&call);
    EchoRequest request;
    request.set_message(message);
    return stub_->Echo(&call, request, response);
  }

  observability::Registry metrics_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<HandlerPool> pool_;
  std::unique_ptr<PooledEcho> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<bench::v1::EchoService::Stub> stub_;
};

TEST_F(ServeTest, TheBodyRunsOnAPoolThreadWithTheCallersPrincipal) {
  Start(2);
  EchoResponse response;
  grpc::Status status = Call("hello", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.message(), "hello for alice");
  const std::set<std::thread::id> handlers = service_->handler_threads();
  const std::set<std::thread::id> bodies = service_->body_threads();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(handlers.count(*bodies.begin()), 0u) << "the body ran on gRPC's own thread";
}

TEST_F(ServeTest, ARefusedCallerNeverReachesTheBody) {
  Start(2);
  EchoRequest request;
  request.set_message("hello");
  EchoResponse response;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->Echo(&anonymous, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext bad_token;
  bad_token.AddMetadata("authorization", "Bearer nope");
  EXPECT_EQ(stub_->Echo(&bad_token, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_->bodies(), 0);
}

TEST_F(ServeTest, ManyCallsInFlightOnTwoThreadsAreAllAnswered) {
  Start(2);
  constexpr int kCalls = 200;
  struct Pending {
    grpc::ClientContext call;
    EchoRequest request;
    EchoResponse response;
    grpc::Status status;
    absl::Notification done;
  };
  std::vector<std::unique_ptr<Pending>> pending;
  for (int i = 0; i < kCalls; ++i) {
    auto p = std::make_unique<Pending>();
    Authorise(&p->call);
    p->request.set_message(i % 2 == 0 ? "slow" : absl::StrCat("call ", i));
    Pending* raw = p.get();
    stub_->async()->Echo(&raw->call, &raw->request, &raw->response, [raw](grpc::Status status) {
      raw->status = std::move(status);
      raw->done.Notify();
    });
    pending.push_back(std::move(p));
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(pending[i]->done.WaitForNotificationWithTimeout(absl::Seconds(30))) << i;
    ASSERT_TRUE(pending[i]->status.ok()) << i << ": " << pending[i]->status.error_message();
    EXPECT_EQ(pending[i]->response.message(),
              absl::StrCat(i % 2 == 0 ? "slow" : absl::StrCat("call ", i), " for alice"));
  }
  EXPECT_EQ(service_->bodies(), kCalls);
  EXPECT_LE(service_->max_running(), 2);
  EXPECT_LE(service_->body_threads().size(), 2u);
}

TEST_F(ServeTest, ACallPastItsDeadlineWhenDequeuedIsNotRun) {
  Start(1);
  // The pool's one thread is held by a first call...
  grpc::ClientContext first;
  Authorise(&first);
  EchoRequest hold;
  hold.set_message("wait");
  EchoResponse first_response;
  absl::Notification first_done;
  grpc::Status first_status;
  stub_->async()->Echo(&first, &hold, &first_response, [&](grpc::Status status) {
    first_status = std::move(status);
    first_done.Notify();
  });
  // Only once the body holds the thread: sent at once, the late call could
  // overtake the first one on its way to the pool and run.
  auto busy = [&] { return metrics_.GetGauge("cercles_handler_busy_threads", "")->value(); };
  for (int i = 0; i < 3000 && busy() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(busy(), 1);
  // ...so a second one, with a short deadline, waits in the queue past it.
  grpc::ClientContext late;
  Authorise(&late);
  late.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  EchoRequest request;
  request.set_message("late");
  EchoResponse response;
  EXPECT_EQ(stub_->Echo(&late, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  service_->Open();
  ASSERT_TRUE(first_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  // The late call's task has run (FIFO: after the first) without its body.
  EchoResponse after;
  ASSERT_TRUE(Call("after", &after).ok());
  EXPECT_EQ(service_->bodies(), 2);  // "wait" and "after", never "late"
}

TEST_F(ServeTest, CallsNotStartedWhenTheDrainRefusesThemAreAnsweredUnavailable) {
  Start(1);
  // The pool's one thread is held, a second call waits behind it.
  grpc::ClientContext first, second;
  Authorise(&first);
  Authorise(&second);
  EchoRequest hold, queued;
  hold.set_message("wait");
  queued.set_message("queued");
  EchoResponse first_response, second_response;
  absl::Notification first_done, second_done;
  grpc::Status first_status, second_status;
  stub_->async()->Echo(&first, &hold, &first_response, [&](grpc::Status status) {
    first_status = std::move(status);
    first_done.Notify();
  });
  auto gauge = [&](const char* name) { return metrics_.GetGauge(name, "")->value(); };
  for (int i = 0; i < 500 && gauge("cercles_handler_busy_threads") != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stub_->async()->Echo(&second, &queued, &second_response, [&](grpc::Status status) {
    second_status = std::move(status);
    second_done.Notify();
  });
  for (int i = 0; i < 500 && gauge("cercles_handler_queue_depth") != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(gauge("cercles_handler_queue_depth"), 1);

  EXPECT_EQ(pool_->RefuseQueued(), 1);
  ASSERT_TRUE(second_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(second_status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(gauge("cercles_handler_queue_depth"), 0);
  // Later calls are refused as they come; the running one finishes normally.
  EchoResponse later;
  EXPECT_EQ(Call("later", &later).error_code(), grpc::StatusCode::UNAVAILABLE);
  service_->Open();
  ASSERT_TRUE(first_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_EQ(service_->bodies(), 1);
  EXPECT_EQ(metrics_.GetCounter("cercles_handler_refused_total", "")->value(), 2);
}

TEST(HandlerPoolTest, RunsTasksInOrderAndDrainsTheQueueBeforeStopping) {
  std::vector<int> order;
  {
    HandlerPool pool(1);
    absl::Notification gate;
    pool.Submit([&] { gate.WaitForNotification(); });
    for (int i = 0; i < 100; ++i) pool.Submit([&order, i] { order.push_back(i); });
    gate.Notify();
  }  // the destructor runs what was queued, then joins
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(HandlerPoolTest, PublishesItsQueueAndBusyThreads) {
  observability::Registry metrics;
  // Declared before the pool, so they outlive its threads (ASan: the task still
  // reads `gate` as it wakes, after the test body has ended).
  absl::Notification gate;
  absl::Notification started;
  HandlerPool pool(1, &metrics);
  pool.Submit([&] {
    started.Notify();
    gate.WaitForNotification();
  });
  started.WaitForNotification();
  pool.Submit([] {});
  pool.Submit([] {});
  auto gauge = [&](const char* name) { return metrics.GetGauge(name, "")->value(); };
  EXPECT_EQ(gauge("cercles_handler_busy_threads"), 1);
  EXPECT_EQ(gauge("cercles_handler_queue_depth"), 2);
  EXPECT_EQ(gauge("cercles_handler_threads"), 1);
  gate.Notify();
}

TEST(HandlerPoolTest, TheDefaultSizeLetsAGroupCommitBatchGather) {
  EXPECT_GE(HandlerPool::DefaultThreads(), 64);
  EXPECT_LE(HandlerPool::DefaultThreads(), 256);
}

}  // namespace
}  // namespace cercles::server
