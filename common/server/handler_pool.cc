#include "common/server/handler_pool.h"

#include <algorithm>
#include <utility>

namespace cercles::server {

// Most of a handler's time is spent waiting, not computing: for the group
// commit's fsync (a batch gathers as many writes as there are callers waiting,
// up to GroupCommitter's max_batch of 64, so fewer threads would cap the batch
// and the durable write rate), for PostgreSQL's round trips, Redis and sibling
// services. 64 threads let a full batch gather and keep 64 calls in flight
// busy on a small machine; larger machines get 8 per hardware thread. Idle
// threads cost a stack's virtual memory and nothing else.
int HandlerPool::DefaultThreads() {
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(8 * std::max(hardware, 1), 64, 256);
}

HandlerPool::HandlerPool(int threads, observability::Registry* metrics) {
  if (metrics != nullptr) {
    queue_depth_ = metrics->GetGauge("cercles_handler_queue_depth",
                                     "Unary calls waiting for a handler thread.");
    busy_ =
        metrics->GetGauge("cercles_handler_busy_threads", "Handler threads running a call's body.");
    metrics->GetGauge("cercles_handler_threads", "Threads of the handler pool (--handler_threads).")
        ->Set(std::max(threads, 1));
    refused_ = metrics->GetCounter(
        "cercles_handler_refused_total",
        "Unary calls answered UNAVAILABLE without running because the server was draining and "
        "they had not started.");
  }
  threads = std::max(threads, 1);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

HandlerPool::~HandlerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void HandlerPool::Submit(absl::AnyInvocable<void() &&> task, absl::AnyInvocable<void() &&> refuse) {
  last_submitted_ns_.store(absl::GetCurrentTimeNanos(), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!refusing_ || refuse == nullptr) {
      queue_.push_back(Task{std::move(task), std::move(refuse)});
      if (queue_depth_ != nullptr) queue_depth_->Add(1);
      ready_.notify_one();
      return;
    }
  }
  if (refused_ != nullptr) refused_->Increment();
  std::move(refuse)();
}

int HandlerPool::RefuseQueued() {
  std::deque<Task> refused;
  {
    std::lock_guard<std::mutex> lock(mu_);
    refusing_ = true;
    std::deque<Task> kept;
    for (Task& task : queue_) {
      (task.refuse != nullptr ? refused : kept).push_back(std::move(task));
    }
    queue_.swap(kept);
  }
  const int count = static_cast<int>(refused.size());
  if (queue_depth_ != nullptr) queue_depth_->Add(-count);
  if (refused_ != nullptr) refused_->Increment(count);
  for (Task& task : refused) std::move(task.refuse)();
  return count;
}

void HandlerPool::Loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    if (queue_depth_ != nullptr) queue_depth_->Add(-1);
    if (busy_ != nullptr) busy_->Add(1);
    std::move(task.run)();
    if (busy_ != nullptr) busy_->Add(-1);
  }
}

}  // namespace cercles::server
