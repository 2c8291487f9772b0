#include "tools/demo/demo_call.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/util/trace.h"
#include "tools/cerclesctl/connection.h"

namespace cercles::demo {

absl::Status CallWithRetries(const CallOptions& options, const std::string& what,
                             const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  // Each demo call is a trace of its own (its retries included), so the
  // services' log lines of one step share a trace id.
  const std::string traceparent = trace::NewTrace().Traceparent();
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    cerclesctl::PrepareCall(&context, options.token, options.timeout, traceparent);
    const grpc::Status status = rpc(&context);
    if (options.calls != nullptr) ++*options.calls;
    if (status.ok()) return absl::OkStatus();
    const auto code = status.error_code();
    const bool retry = code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::ABORTED ||
                       code == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (retry && attempt < 4) {
      absl::SleepFor(absl::Milliseconds(100) * (1 << attempt));
      continue;
    }
    std::string hint;
    if (code == grpc::StatusCode::ALREADY_EXISTS ||
        (code == grpc::StatusCode::FAILED_PRECONDITION &&
         status.error_message().find("last recorded change") != std::string::npos)) {
      hint =
          " (a request id of the demo was used before for something else: the database was "
          "loaded by another version of cercles-demo; start from an empty database)";
    } else if (code == grpc::StatusCode::PERMISSION_DENIED) {
      hint = " (cercles-demo needs admin tokens)";
    }
    return absl::Status(static_cast<absl::StatusCode>(code),
                        absl::StrCat(what, ": ", status.error_message(), hint));
  }
}

// Runs task(0..n-1) with at most `concurrency` in flight; stops handing out
// tasks after the first failure and returns it.
absl::Status RunParallel(size_t n, int concurrency,
                         const std::function<absl::Status(size_t)>& task) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first_error;
  auto worker = [&] {
    while (!failed.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= n) return;
      absl::Status status = task(i);
      if (!status.ok()) {
        absl::MutexLock lock(&mu);
        if (first_error.ok()) first_error = status;
        failed = true;
      }
    }
  };
  std::vector<std::thread> threads;
  const size_t count = std::min(n, static_cast<size_t>(std::max(1, concurrency)));
  for (size_t i = 0; i < count; ++i) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return first_error;
}

}  // namespace cercles::demo
