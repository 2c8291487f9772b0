// One demo call with retries, shared by the membership and lending loaders:
// UNAVAILABLE, ABORTED and DEADLINE_EXCEEDED may have left the change done or
// not; the same request id makes the retry safe.
#ifndef CERCLES_TOOLS_DEMO_DEMO_CALL_H_
#define CERCLES_TOOLS_DEMO_DEMO_CALL_H_

#include <grpcpp/client_context.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cercles::demo {

struct CallOptions {
  std::string token;  // bearer token of the staff member making the call
  absl::Duration timeout = absl::Seconds(10);
  std::atomic<int64_t>* calls = nullptr;  // counts every attempt when set
};

// Every attempt carries the same new W3C traceparent. The error names `what`;
// an ALREADY_EXISTS (a request id reused for another
// request) or PERMISSION_DENIED adds a hint about the demo's usual causes.
absl::Status CallWithRetries(const CallOptions& options, const std::string& what,
                             const std::function<grpc::Status(grpc::ClientContext*)>& rpc);

// Runs task(0..n-1) with at most `concurrency` in flight; stops handing out
// tasks after the first failure and returns it.
absl::Status RunParallel(size_t n, int concurrency,
                         const std::function<absl::Status(size_t)>& task);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_DEMO_CALL_H_
