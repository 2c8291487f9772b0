#include "common/util/periodic.h"

#include <utility>

namespace cercles::util {

void Periodic::Start(absl::Duration every, std::function<void()> fn, First first) {
  thread_ = std::thread([this, every, fn = std::move(fn), first] {
    if (first == First::kAtOnce) fn();
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
        if (mu_.AwaitWithTimeout(absl::Condition(&stop), every)) return;
      }
      fn();
    }
  });
}

void Periodic::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace cercles::util
