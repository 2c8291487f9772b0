// The event notifier's subscriptions and the callback-API stream it wakes,
// served in process by a real gRPC server over a SQLite outbox.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/util/status.h"
#include "gtest/gtest.h"

namespace cercles::events {
namespace {

namespace mv1 = cercles::membership::v1;

// Counts a subscriber's calls and the threads they ran on.
struct Calls {
  absl::Mutex mu;
  int count ABSL_GUARDED_BY(mu) = 0;
  std::vector<std::thread::id> threads ABSL_GUARDED_BY(mu);
  void Add() {
    absl::MutexLock lock(&mu);
    ++count;
    threads.push_back(std::this_thread::get_id());
  }
  bool WaitFor(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return count >= n; };
    return mu.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  int Count() {
    absl::MutexLock lock(&mu);
    return count;
  }
};

TEST(EventNotifierTest, NotifyRunsSubscribersOnTheNotifiersWorkersNotTheCaller) {
  EventNotifier notifier(absl::Hours(1));  // no re-check during the test
  Calls calls;
  const uint64_t id = notifier.Subscribe([&] { calls.Add(); });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(calls.Count(), 0) << "subscribing alone runs nothing";
  notifier.Notify();
  ASSERT_TRUE(calls.WaitFor(1, absl::Seconds(5)));
  notifier.Wake(id);
  ASSERT_TRUE(calls.WaitFor(2, absl::Seconds(5)));
  {
    absl::MutexLock lock(&calls.mu);
    for (std::thread::id thread : calls.threads) EXPECT_NE(thread, std::this_thread::get_id());
  }
  notifier.Unsubscribe(id);
  notifier.Notify();
  notifier.Wake(id);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(calls.Count(), 2) << "nothing runs after Unsubscribe";
}

TEST(EventNotifierTest, ReChecksPeriodicallyWithoutANotify) {
  EventNotifier notifier(absl::Milliseconds(20));
  Calls calls;
  const uint64_t id = notifier.Subscribe([&] { calls.Add(); });
  EXPECT_TRUE(calls.WaitFor(3, absl::Seconds(5))) << "other replicas' commits are looked for";
  notifier.Unsubscribe(id);
}

TEST(EventNotifierTest, ACallbackNeverRunsTwiceAtOnceAndUnsubscribeWaitsForIt) {
  EventNotifier notifier(absl::Hours(1), /*workers=*/4);
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};
  std::atomic<bool> returned{false};
  const uint64_t id = notifier.Subscribe([&] {
    if (++running > 1) ++overlaps;
    absl::SleepFor(absl::Milliseconds(30));
    ++calls;
    --running;
    returned = true;
  });
  auto eventually = [](const std::function<bool()>& condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (!condition() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
    return condition();
  };
  notifier.Notify();
  ASSERT_TRUE(eventually([&] { return running.load() == 1; }));
  // Woken many times while it runs: run once more afterwards, never alongside.
  for (int i = 0; i < 10; ++i) notifier.Notify();
  ASSERT_TRUE(eventually([&] { return calls.load() == 2; }));
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(overlaps.load(), 0);
  returned = false;
  notifier.Notify();
  ASSERT_TRUE(eventually([&] { return running.load() == 1; }));
  notifier.Unsubscribe(id);
  EXPECT_TRUE(returned.load()) << "Unsubscribe returned while the callback was still running";
}

absl::Status Append(storage::Database& db, int n) {
  return storage::RunInTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    for (int i = 0; i < n; ++i) {
      mv1::CircleCreated payload;
      payload.mutable_circle()->set_name("circles/1");
      CERCLES_RETURN_IF_ERROR(
          AppendEvent(tx, "fund-a", "circles/1", payload, absl::Now()).status());
    }
    return absl::OkStatus();
  });
}

// WatchEvents served by a NotifiedStream reading `kBatch` events at a time.
class WatchService final : public mv1::MembershipService::WithCallbackMethod_WatchEvents<
                               mv1::MembershipService::Service> {
 public:
  static constexpr int kBatch = 2;
  WatchService(storage::Database* db, EventNotifier* notifier, const std::atomic<bool>* stopping)
      : db_(db), notifier_(notifier), stopping_(stopping) {}
  std::atomic<bool> fail_reads{false};

  grpc::ServerWriteReactor<mv1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const mv1::WatchEventsRequest* request) override {
    return new NotifiedStream<mv1::WatchEventsResponse>(
        notifier_, stopping_, request->after_sequence(),
        [this](int64_t after) -> absl::StatusOr<std::vector<mv1::WatchEventsResponse>> {
          if (fail_reads) return absl::DataLossError("the outbox is unreadable");
          CERCLES_ASSIGN_OR_RETURN(auto events, ReadEvents(*db_, after, kBatch));
          std::vector<mv1::WatchEventsResponse> responses(events.size());
          for (size_t i = 0; i < events.size(); ++i) *responses[i].mutable_event() = events[i];
          return responses;
        },
        [](const mv1::WatchEventsResponse& r) { return r.event().sequence(); });
  }

 private:
  storage::Database* db_;
  EventNotifier* notifier_;
  const std::atomic<bool>* stopping_;
};

class NotifiedStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::Open("sqlite::memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("outbox", OutboxMigrations()).ok());
    service_ = std::make_unique<WatchService>(db_.get(), &notifier_, &stopping_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = mv1::MembershipService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  }

  std::unique_ptr<grpc::ClientReader<mv1::WatchEventsResponse>> Watch(grpc::ClientContext* call,
                                                                      int64_t after) {
    mv1::WatchEventsRequest request;
    request.set_after_sequence(after);
    return stub_->WatchEvents(call, request);
  }

  EventNotifier notifier_{absl::Milliseconds(50)};
  std::atomic<bool> stopping_{false};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<WatchService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<mv1::MembershipService::Stub> stub_;
};

TEST_F(NotifiedStreamTest, StreamsEveryEventInOrderAcrossBatchesThenWhatIsNotified) {
  ASSERT_TRUE(Append(*db_, 5).ok());
  grpc::ClientContext call;
  auto reader = Watch(&call, 1);
  mv1::WatchEventsResponse response;
  for (int64_t expected = 2; expected <= 5; ++expected) {
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_EQ(response.event().sequence(), expected);
  }
  ASSERT_TRUE(Append(*db_, 1).ok());
  const absl::Time written = absl::Now();
  notifier_.Notify();
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.event().sequence(), 6);
  std::cout << "notified event delivered in " << absl::FormatDuration(absl::Now() - written)
            << "\n";
  call.TryCancel();
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(NotifiedStreamTest, AnUnnotifiedCommitIsSeenAtTheNextReCheck) {
  grpc::ClientContext call;
  auto reader = Watch(&call, 0);
  absl::SleepFor(absl::Milliseconds(20));
  ASSERT_TRUE(Append(*db_, 1).ok());  // as another replica's commit: no Notify here
  mv1::WatchEventsResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.event().sequence(), 1);
  call.TryCancel();
  while (reader->Read(&response)) {
  }
  reader->Finish();
}

TEST_F(NotifiedStreamTest, EndsUnavailableWhenTheServerStopsAndWithAReadsError) {
  grpc::ClientContext draining;
  auto reader = Watch(&draining, 0);
  absl::SleepFor(absl::Milliseconds(20));
  stopping_ = true;
  mv1::WatchEventsResponse response;
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the server is shutting down; reconnect to resume");

  stopping_ = false;
  service_->fail_reads = true;
  grpc::ClientContext failing;
  reader = Watch(&failing, 0);
  EXPECT_FALSE(reader->Read(&response));
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(status.error_message(), "the outbox is unreadable");
}

}  // namespace
}  // namespace cercles::events
