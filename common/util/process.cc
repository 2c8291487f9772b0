#include "common/util/process.h"

#include <csignal>
#include <mutex>

#include "absl/synchronization/mutex.h"

namespace cercles::util {

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

void SetServerProcessDefaults() {
  IgnoreSigpipe();
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

}  // namespace cercles::util
