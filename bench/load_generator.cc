#include "bench/load_generator.h"

#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/util/status.h"

namespace cercles::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One call in flight; its address is the completion queue tag.
struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  Clock::time_point intended_start;
  bool measured = false;
};

// What one polling thread saw; merged at the end (no lock on the hot path).
struct Recorder {
  LatencyHistogram latency;
  int64_t calls = 0;
  int64_t ok = 0;
  int64_t ok_in_window = 0;
  std::map<std::string, ErrorCount> errors;

  void MergeInto(LoadResult* result) const {
    result->latency.Merge(latency);
    result->calls += calls;
    result->ok += ok;
    for (const auto& [code, error] : errors) {
      ErrorCount& total = result->errors[code];
      if (total.count == 0) total.first_message = error.first_message;
      total.count += error.count;
    }
  }
};

const char* ChannelStateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "IDLE";
    case GRPC_CHANNEL_CONNECTING:
      return "CONNECTING";
    case GRPC_CHANNEL_READY:
      return "READY";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "TRANSIENT_FAILURE";
    case GRPC_CHANNEL_SHUTDOWN:
      return "SHUTDOWN";
  }
  return "UNKNOWN";
}

class LoadRun {
 public:
  LoadRun(const std::shared_ptr<grpc::Channel>& channel, const RequestSource& source,
          const LoadOptions& options)
      : stub_(channel), source_(source), options_(options), fixed_calls_(options.calls > 0) {}

  absl::StatusOr<LoadResult> Execute() {
    start_ = Clock::now();
    window_start_ = fixed_calls_ ? start_ : start_ + absl::ToChronoNanoseconds(options_.warmup);
    window_end_ = fixed_calls_ ? Clock::time_point::max()
                               : window_start_ + absl::ToChronoNanoseconds(options_.duration);

    std::vector<Recorder> recorders(static_cast<size_t>(options_.polling_threads));
    std::vector<std::thread> pollers;
    for (Recorder& recorder : recorders)
      pollers.emplace_back([this, &recorder] { Poll(&recorder); });

    if (options_.mode == LoadMode::kClosed) {
      for (int i = 0; i < options_.concurrency; ++i) {
        if (!StartNextClosed(start_)) break;
      }
    } else {
      Schedule();
    }
    // In the closed loop a completion starts its successor before it leaves the
    // count, so zero in flight means no call will start again.
    while (in_flight_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const Clock::time_point finished = Clock::now();
    cq_.Shutdown();
    for (std::thread& poller : pollers) poller.join();

    {
      absl::MutexLock lock(&mu_);
      if (!failure_.ok()) return failure_;
    }
    LoadResult result;
    int64_t ok_in_window = 0;
    for (const Recorder& recorder : recorders) {
      recorder.MergeInto(&result);
      ok_in_window += recorder.ok_in_window;
    }
    result.dropped = dropped_;
    const Clock::time_point window_end = fixed_calls_ ? finished : window_end_;
    result.seconds = std::chrono::duration<double>(window_end - window_start_).count();
    result.calls_per_second =
        result.seconds > 0 ? static_cast<double>(ok_in_window) / result.seconds : 0;
    return result;
  }

 private:
  // Closed loop: starts the next call unless the run is over. False when it did not.
  bool StartNextClosed(Clock::time_point now) {
    if (failed_.load()) return false;
    if (!fixed_calls_ && now >= window_end_) return false;
    const int64_t index = next_index_.fetch_add(1);
    if (fixed_calls_ && index >= options_.calls) return false;
    return StartCall(index, now);
  }

  // Open loop: call i is due at start + i / rate, whatever happened before.
  void Schedule() {
    const double interval_ns = 1e9 / options_.rate;
    for (int64_t i = 0; !failed_.load(); ++i) {
      const Clock::time_point due =
          start_ +
          std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(i) * interval_ns));
      if (due >= window_end_) break;
      if (due > Clock::now()) std::this_thread::sleep_until(due);
      if (in_flight_.load() >= options_.max_outstanding) {
        if (due >= window_start_) ++dropped_;
        continue;
      }
      StartCall(i, due);
    }
  }

  bool StartCall(int64_t index, Clock::time_point intended_start) {
    absl::StatusOr<grpc::ByteBuffer> request = source_.Request(index);
    if (!request.ok()) {
      Fail(request.status());
      return false;
    }
    auto* call = new Call;
    call->intended_start = intended_start;
    call->measured = intended_start >= window_start_;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(options_.call_timeout));
    if (!options_.authorization.empty()) {
      call->context.AddMetadata("authorization", options_.authorization);
    }
    in_flight_.fetch_add(1);
    call->reader = stub_.PrepareUnaryCall(&call->context, source_.method(), *request, &cq_);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
    return true;
  }

  void Poll(Recorder* recorder) {
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      const Clock::time_point done = Clock::now();
      Record(*call, done, recorder);
      call.reset();
      if (options_.mode == LoadMode::kClosed) StartNextClosed(done);
      in_flight_.fetch_sub(1);
    }
  }

  void Record(const Call& call, Clock::time_point done, Recorder* recorder) const {
    // Failed calls do not count as throughput: a run of refusals must not look fast.
    if (call.status.ok() && done >= window_start_ && done < window_end_) {
      ++recorder->ok_in_window;
    }
    if (!call.measured) return;
    ++recorder->calls;
    if (call.status.ok()) {
      ++recorder->ok;
      recorder->latency.Record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(done - call.intended_start).count());
      return;
    }
    ErrorCount& error = recorder->errors[GrpcCodeName(call.status.error_code())];
    if (error.count++ == 0) error.first_message = call.status.error_message();
  }

  void Fail(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    if (failure_.ok()) failure_ = status;
    failed_ = true;
  }

  grpc::GenericStub stub_;
  grpc::CompletionQueue cq_;
  const RequestSource& source_;
  const LoadOptions& options_;
  const bool fixed_calls_;
  Clock::time_point start_;
  Clock::time_point window_start_;
  Clock::time_point window_end_;
  std::atomic<int64_t> next_index_{0};
  std::atomic<int64_t> in_flight_{0};
  int64_t dropped_ = 0;  // scheduler thread only
  std::atomic<bool> failed_{false};
  absl::Mutex mu_;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status ValidateLoadOptions(const LoadOptions& o) {
  if (o.mode == LoadMode::kClosed && (o.concurrency < 1 || o.concurrency > 100000)) {
    return absl::InvalidArgumentError("--concurrency must be from 1 to 100000");
  }
  if (o.mode == LoadMode::kOpen && !(o.rate > 0 && o.rate <= 1e6)) {
    return absl::InvalidArgumentError("--rate must be above 0 and at most 1000000 calls/s");
  }
  if (o.max_outstanding < 1) return absl::InvalidArgumentError("--max_outstanding must be >= 1");
  if (o.calls < 0) return absl::InvalidArgumentError("--calls must be >= 0");
  if (o.calls > 0 && o.mode != LoadMode::kClosed) {
    return absl::InvalidArgumentError("--calls needs --mode=closed (a fixed number of calls)");
  }
  if (o.calls == 0 && o.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration must be above 0");
  }
  if (o.warmup < absl::ZeroDuration()) return absl::InvalidArgumentError("--warmup must be >= 0");
  if (o.call_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--timeout must be above 0");
  }
  if (o.polling_threads < 1 || o.polling_threads > 64) {
    return absl::InvalidArgumentError("--threads must be from 1 to 64");
  }
  return absl::OkStatus();
}

absl::StatusOr<LoadResult> RunLoad(const std::shared_ptr<grpc::Channel>& channel,
                                   const RequestSource& source, const LoadOptions& options) {
  if (absl::Status valid = ValidateLoadOptions(options); !valid.ok()) return valid;
  if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                 absl::ToChronoNanoseconds(options.connect_timeout))) {
    return absl::UnavailableError(absl::StrCat(
        "the channel did not connect within ", absl::FormatDuration(options.connect_timeout),
        " (state ", ChannelStateName(channel->GetState(false)),
        "): is the server up, and do --ca, --cert/--key, --server_name and --insecure match it?"));
  }
  LoadRun run(channel, source, options);
  return run.Execute();
}

}  // namespace cercles::bench
