// Time is injected so schedules, arrears and event times are testable.
#ifndef CERCLES_COMMON_UTIL_CLOCK_H_
#define CERCLES_COMMON_UTIL_CLOCK_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cercles {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static const Clock* Default();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

int64_t ToMicros(absl::Time t);
absl::Time FromMicros(int64_t us);
void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out);
void SetTimestampMicros(int64_t us, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

}  // namespace cercles

#endif  // CERCLES_COMMON_UTIL_CLOCK_H_
