// Background work on a period: a thread that runs a function every `every`
// until it is stopped. The one loop the services' pollers and refreshers share
// (network's outbox head, the peer-fund registry, lending's portfolio gauges).
#ifndef CERCLES_COMMON_UTIL_PERIODIC_H_
#define CERCLES_COMMON_UTIL_PERIODIC_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cercles::util {

class Periodic {
 public:
  enum class First { kAfterAPeriod, kAtOnce };

  Periodic() = default;
  ~Periodic() { Stop(); }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Runs `fn` every `every` on a new thread, the first time one period after
  // Start or at once (on that thread: Start never waits for `fn`). Once per
  // object; `every` must be positive.
  void Start(absl::Duration every, std::function<void()> fn, First first = First::kAfterAPeriod)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Wakes the thread out of its wait and joins it; a run under way finishes
  // first. Idempotent; no run starts after Stop returns.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cercles::util

#endif  // CERCLES_COMMON_UTIL_PERIODIC_H_
