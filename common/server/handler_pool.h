// Where the unary handlers' bodies run: a fixed number of threads taking tasks
// from one FIFO queue. The gRPC callback threads only hand a call to it and go
// back to the network, so the blocking work of a handler (SQL, the group
// commit's wait, Redis, calls to sibling services) holds one of a bounded number
// of threads, and no thread is created per call. ServerRunner owns the pool and
// destroys it after the server has drained (every call answered).
#ifndef CERCLES_COMMON_SERVER_HANDLER_POOL_H_
#define CERCLES_COMMON_SERVER_HANDLER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/observability/metrics.h"

namespace cercles::server {

class HandlerPool {
 public:
  // The default size: how many handler bodies may block at once on this machine
  // (why: handler_pool.cc).
  static int DefaultThreads();

  // Starts `threads` threads (at least 1). With `metrics`, publishes the queue's
  // depth and the busy threads as gauges.
  explicit HandlerPool(int threads, observability::Registry* metrics = nullptr);
  // Runs what is still queued, then joins the threads.
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Queues `task`; a free thread runs it, in the order tasks were queued.
  // `refuse`, when given, is what answers the task instead if it has not
  // started when RefuseQueued is called (it must not block).
  void Submit(absl::AnyInvocable<void() &&> task, absl::AnyInvocable<void() &&> refuse = nullptr);

  // From now on, a task that has not started and has a `refuse` is refused:
  // those queued now at once, on the calling thread, those submitted later as
  // they come. For a drain whose deadline is near: a call the server accepted
  // but could not start is answered (UNAVAILABLE, which clients retry) rather
  // than cancelled at the deadline. Returns how many queued tasks it refused.
  int RefuseQueued();

  int threads() const { return static_cast<int>(threads_.size()); }

  // When the last task was submitted (the infinite past before the first): a
  // drain waits for the calls to stop arriving before it closes the door.
  absl::Time last_submitted() const {
    const int64_t nanos = last_submitted_ns_.load(std::memory_order_relaxed);
    return nanos == 0 ? absl::InfinitePast() : absl::FromUnixNanos(nanos);
  }

 private:
  struct Task {
    absl::AnyInvocable<void() &&> run;
    absl::AnyInvocable<void() &&> refuse;  // may be empty
  };

  void Loop();

  std::atomic<int64_t> last_submitted_ns_{0};
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Task> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  bool refusing_ = false;   // guarded by mu_
  observability::Gauge* queue_depth_ = nullptr;
  observability::Gauge* busy_ = nullptr;
  observability::Counter* refused_ = nullptr;
  std::vector<std::thread> threads_;
};

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_HANDLER_POOL_H_
