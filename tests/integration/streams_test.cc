// Event streams without a thread each: WatchEvents is a callback-API reactor
// woken by the event notifier, so hundreds of open streams on one service add
// no threads to it, a write reaches every idle stream promptly, and a drain
// still ends every stream.
#include <dirent.h>
#include <sys/types.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr int kStreams = 200;

// How many threads the process has now (/proc/<pid>/task has one entry each).
int ThreadCount(pid_t pid) {
  DIR* dir = opendir(absl::StrCat("/proc/", pid, "/task").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    int tid = 0;
    if (absl::SimpleAtoi(entry->d_name, &tid)) ++count;
  }
  closedir(dir);
  return count;
}

// One WatchEvents stream, read with the client callback API so that the test
// itself does not need a thread per stream either. Remembers when each
// sequence arrived and how the stream ended.
class Watcher : public grpc::ClientReadReactor<mv1::WatchEventsResponse> {
 public:
  Watcher(mv1::MembershipService::Stub* stub, const std::string& token, int64_t after) {
    AddToken(&context_, token);
    request_.set_after_sequence(after);
    stub->async()->WatchEvents(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    {
      absl::MutexLock lock(&mu_);
      arrived_[response_.event().sequence()] = absl::Now();
      order_.push_back(response_.event().sequence());
    }
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
  }

  void Cancel() { context_.TryCancel(); }

  // When `sequence` arrived, or nullopt if it did not within `timeout`.
  std::optional<absl::Time> WaitFor(int64_t sequence, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return arrived_.count(sequence) > 0 || status_.has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&arrived), timeout);
    auto it = arrived_.find(sequence);
    if (it == arrived_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<int64_t> Sequences() {
    absl::MutexLock lock(&mu_);
    return order_;
  }
  int64_t Last() {
    absl::MutexLock lock(&mu_);
    return arrived_.empty() ? 0 : arrived_.rbegin()->first;
  }
  // How the stream ended, or nullopt if it is still open after `timeout`.
  std::optional<grpc::Status> WaitDone(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return status_.has_value(); };
    mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
    return status_;
  }

 private:
  grpc::ClientContext context_;
  mv1::WatchEventsRequest request_;
  mv1::WatchEventsResponse response_;
  absl::Mutex mu_;
  std::map<int64_t, absl::Time> arrived_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> order_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> status_ ABSL_GUARDED_BY(mu_);
};

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Suite::Options options;
    options.with_redis = false;  // network's cache plays no part here
    suite_ = std::make_unique<Suite>(options);
    absl::Status started = suite_->Start();
    ASSERT_TRUE(started.ok()) << started;
    membership_ = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
  }

  void TearDown() override {
    // Every reactor must be done before it is destroyed.
    for (auto& watcher : watchers_) watcher->Cancel();
    for (auto& watcher : watchers_) {
      EXPECT_TRUE(watcher->WaitDone(absl::Seconds(10)).has_value());
    }
  }

  const std::string& admin() const { return TestCredentials().admin_token; }

  // Creates a circle; the sequence of its event is what the streams wait for.
  void CreateCircle(const std::string& name) {
    mv1::CreateCircleRequest request;
    request.set_request_id(absl::StrCat("streams-", ++writes_));
    request.mutable_circle()->set_display_name(name);
    mv1::CreateCircleResponse response;
    grpc::Status status = membership_->CreateCircle(Context(admin()).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The newest sequence in membership's outbox, as a fresh stream sees it.
  int64_t Head() {
    Watcher probe(membership_.get(), admin(), 0);
    absl::SleepFor(absl::Milliseconds(500));
    probe.Cancel();
    probe.WaitDone(absl::Seconds(10));
    return probe.Last();
  }

  std::unique_ptr<Suite> suite_;
  std::unique_ptr<mv1::MembershipService::Stub> membership_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  int writes_ = 0;
};

TEST_F(StreamsTest, ManySubscribersCostNoThreadEachAndAWriteWakesThemPromptly) {
  CreateCircle("Cercle 1");
  const int64_t first = Head();
  ASSERT_GT(first, 0);
  const pid_t pid = suite_->Pid("membership");
  ASSERT_GT(pid, 0);

  // One stream first: what a stream needs once (the notifier's workers, gRPC's
  // callback threads) is started by it.
  watchers_.push_back(std::make_unique<Watcher>(membership_.get(), admin(), 0));
  ASSERT_TRUE(watchers_.back()->WaitFor(first, absl::Seconds(10)).has_value());
  absl::SleepFor(absl::Milliseconds(300));
  const int with_one = ThreadCount(pid);
  ASSERT_GT(with_one, 0);

  for (int i = 1; i < kStreams; ++i) {
    watchers_.push_back(std::make_unique<Watcher>(membership_.get(), admin(), 0));
  }
  for (auto& watcher : watchers_) {
    ASSERT_TRUE(watcher->WaitFor(first, absl::Seconds(30)).has_value())
        << "a stream did not receive the outbox it opened on";
  }
  absl::SleepFor(absl::Milliseconds(600));  // a few re-check periods, all streams idle
  const int with_many = ThreadCount(pid);
  std::cout << "membership threads: " << with_one << " with 1 open stream, " << with_many
            << " with " << kStreams << "\n";
  // A thread per stream would add kStreams - 1; allow gRPC's own pools some growth.
  EXPECT_LT(with_many - with_one, 16) << "open streams must not hold a thread each";

  // A write reaches every idle stream without waiting for a poll (the old
  // streams polled every 250 ms). Measured from the call and from its answer.
  const absl::Time called = absl::Now();
  CreateCircle("Cercle 2");
  const absl::Time answered = absl::Now();
  std::vector<absl::Duration> latencies;
  for (auto& watcher : watchers_) {
    std::optional<absl::Time> arrived = watcher->WaitFor(first + 1, absl::Seconds(10));
    ASSERT_TRUE(arrived.has_value()) << "a stream did not receive the new event";
    latencies.push_back(*arrived - answered);
  }
  std::sort(latencies.begin(), latencies.end());
  std::cout << "CreateCircle took " << absl::FormatDuration(answered - called)
            << "; its event reached the " << kStreams << " streams, after the answer: min "
            << absl::FormatDuration(latencies.front()) << ", median "
            << absl::FormatDuration(latencies[latencies.size() / 2]) << ", max "
            << absl::FormatDuration(latencies.back()) << "\n";
  // The unary CreateCircle may grow gRPC's sync-server pool by a thread or two;
  // a thread per woken stream would add kStreams.
  EXPECT_LT(ThreadCount(pid) - with_many, 16) << "waking the streams started no thread each";

  // Draining ends every open stream (UNAVAILABLE: reconnect to resume) and the
  // process exits cleanly.
  std::optional<int> code = suite_->TerminateService("membership", absl::Seconds(15));
  ASSERT_TRUE(code.has_value()) << "membership did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << suite_->Log("membership");
  for (auto& watcher : watchers_) {
    std::optional<grpc::Status> status = watcher->WaitDone(absl::Seconds(10));
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->error_code(), grpc::StatusCode::UNAVAILABLE) << status->error_message();
  }
}

TEST_F(StreamsTest, StreamsResumeAfterASequenceInOrderAndEndWhenCancelled) {
  for (int i = 1; i <= 5; ++i) CreateCircle(absl::StrCat("Cercle ", i));
  const int64_t head = Head();
  ASSERT_GE(head, 5);

  watchers_.push_back(std::make_unique<Watcher>(membership_.get(), admin(), head - 2));
  Watcher& resumed = *watchers_.back();
  ASSERT_TRUE(resumed.WaitFor(head, absl::Seconds(10)).has_value());
  EXPECT_FALSE(resumed.WaitFor(head - 2, absl::ZeroDuration()).has_value())
      << "a stream starts after the sequence it is given";
  EXPECT_EQ(resumed.Sequences(), (std::vector<int64_t>{head - 1, head}))
      << "events arrive once each, in sequence order";

  CreateCircle("Cercle 6");
  EXPECT_TRUE(resumed.WaitFor(head + 1, absl::Seconds(10)).has_value());

  resumed.Cancel();
  std::optional<grpc::Status> status = resumed.WaitDone(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "a cancelled stream ends";
  EXPECT_EQ(status->error_code(), grpc::StatusCode::CANCELLED);
  // The service still serves new streams afterwards.
  watchers_.push_back(std::make_unique<Watcher>(membership_.get(), admin(), head));
  EXPECT_TRUE(watchers_.back()->WaitFor(head + 1, absl::Seconds(10)).has_value());
}

}  // namespace
}  // namespace cercles::testing
