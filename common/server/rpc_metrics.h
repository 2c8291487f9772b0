// RPC metrics by the go-grpc-prometheus conventions, server and client side:
// grpc_{server,client}_started_total, _handled_total (with grpc_code),
// _msg_received_total, _msg_sent_total and the _handling_seconds histogram,
// labelled grpc_service, grpc_method and grpc_type (unary, client_stream,
// server_stream, bidi_stream). Only methods this process knows (registered by
// the server, or in the generated descriptor pool for a client) become label
// values; any other path is one "unknown" series, so callers cannot grow the
// label set. The label strings and metric handles are made once per method:
// a call costs a lookup and a few atomic updates.
#ifndef CERCLES_COMMON_SERVER_RPC_METRICS_H_
#define CERCLES_COMMON_SERVER_RPC_METRICS_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/observability/metrics.h"

namespace cercles::server {

// One RPC by its labels: path "/pkg.Service/Method", grpc_service
// "pkg.Service", grpc_method "Method", grpc_type.
struct RpcMethod {
  std::string path, service, method, type;
};
RpcMethod DescribeRpc(const google::protobuf::MethodDescriptor& method);

class RpcMetrics {
 public:
  enum class Side { kServer, kClient };
  static constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED

  struct Method {
    observability::Labels labels;  // grpc_service, grpc_method, grpc_type
    observability::Counter* started = nullptr;
    observability::Counter* received = nullptr;
    observability::Counter* sent = nullptr;
    observability::Histogram* latency = nullptr;
    std::array<std::atomic<observability::Counter*>, kCodes> handled{};
  };

  // A server knows its methods up front (`methods`; Find never locks); a
  // client learns each method the generated descriptor pool knows on its
  // first call.
  RpcMetrics(observability::Registry* registry, Side side, const std::vector<RpcMethod>& methods);

  // The method's handles (the "unknown" ones for a path not known). Stable.
  Method* Find(absl::string_view path);
  // A finished call: its latency and status code.
  void Finish(Method& method, grpc::StatusCode code, double seconds);

 private:
  enum Kind { kStarted, kHandled, kReceived, kSent, kLatency };
  struct Family {
    const char* name;
    const char* help;
  };
  static const Family& FamilyOf(Side side, Kind kind);
  std::unique_ptr<Method> Make(const RpcMethod& method);

  observability::Registry* const registry_;
  const Side side_;
  std::unique_ptr<Method> unknown_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> fixed_;  // server: never changes
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> learned_ ABSL_GUARDED_BY(mu_);
};

// The client interceptors of a channel to another service: grpc_client_*
// metrics in `registry` (which must outlive the channel).
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> ClientMetricsInterceptor(
    observability::Registry* registry);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_RPC_METRICS_H_
