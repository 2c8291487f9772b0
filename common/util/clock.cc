#include "common/util/clock.h"

namespace cercles {

const Clock* SystemClock::Default() {
  static const SystemClock* clock = new SystemClock();
  return clock;
}

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

void SetTimestampMicros(int64_t us, google::protobuf::Timestamp* out) {
  int64_t seconds = us / 1000000;
  int64_t micros = us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(micros * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  SetTimestampMicros(ToMicros(t), out);
}

}  // namespace cercles
