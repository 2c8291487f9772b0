// The load generator's engine: unary calls over grpc::GenericStub and one
// CompletionQueue, so many calls are in flight with one or two polling threads.
//
// Closed loop: `concurrency` calls always in flight; each completion starts the
// next one. Latency runs from the actual start of the call.
//
// Open loop: calls start on a fixed schedule, `rate` per second, whatever the
// server does; latency runs from the *scheduled* start, so a server (or a load
// generator) that falls behind shows it in the latency instead of hiding it by
// sending less (coordinated omission). Past `max_outstanding` calls in flight, a
// scheduled call is dropped and counted.
//
// Measurement: after `warmup`, for `duration`. Calls (scheduled to) start in that
// window are the measured ones: their status is counted by code and, for the OK
// ones, their latency is recorded. Throughput is the number of calls completing
// OK inside the window divided by its length: what the server delivered, which
// in the open loop may be less than the rate asked, and which a run of refused
// calls (a wrong token) does not inflate.
#ifndef CERCLES_BENCH_LOAD_GENERATOR_H_
#define CERCLES_BENCH_LOAD_GENERATOR_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/latency_histogram.h"
#include "bench/request_source.h"

namespace cercles::bench {

enum class LoadMode { kClosed, kOpen };

struct LoadOptions {
  LoadMode mode = LoadMode::kClosed;
  int concurrency = 64;             // closed loop: calls in flight
  double rate = 1000;               // open loop: calls per second
  int64_t max_outstanding = 10000;  // open loop: beyond it, scheduled calls are dropped
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  // > 0 (closed loop only): exactly this many calls, counter values 0..calls-1,
  // every one measured: no warm-up and no duration. For loading data.
  int64_t calls = 0;
  absl::Duration call_timeout = absl::Seconds(10);
  int polling_threads = 1;
  std::string authorization;  // value of the "authorization" metadata; empty: none
  absl::Duration connect_timeout = absl::Seconds(10);
};

// Checks ranges and combinations; the message names the flag.
absl::Status ValidateLoadOptions(const LoadOptions& options);

struct ErrorCount {
  int64_t count = 0;
  std::string first_message;  // of the first such error, to tell an auth mistake at once
};

struct LoadResult {
  int64_t calls = 0;  // measured calls that completed (OK or not)
  int64_t ok = 0;
  std::map<std::string, ErrorCount> errors;  // by status code name ("UNAVAILABLE")
  int64_t dropped = 0;                       // open loop: scheduled calls not sent
  double seconds = 0;                        // length of the measurement window
  double calls_per_second = 0;               // OK calls completed in the window, per second
  LatencyHistogram latency;                  // OK calls, nanoseconds

  int64_t error_count() const { return calls - ok; }
};

// Waits for the channel to connect (an error says so, rather than a run full of
// UNAVAILABLE), then runs the load. Blocks for warm-up + duration + draining.
absl::StatusOr<LoadResult> RunLoad(const std::shared_ptr<grpc::Channel>& channel,
                                   const RequestSource& source, const LoadOptions& options);

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_LOAD_GENERATOR_H_
