#include "common/server/rpc_metrics.h"

#include <grpcpp/support/interceptor.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace cercles::server {
namespace {

namespace gx = grpc::experimental;

const char* RpcType(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) return method.server_streaming() ? "bidi_stream" : "client_stream";
  return method.server_streaming() ? "server_stream" : "unary";
}

class ClientInterceptor : public gx::Interceptor {
 public:
  ClientInterceptor(RpcMetrics* metrics, RpcMetrics::Method* method)
      : metrics_(metrics), method_(method), start_(std::chrono::steady_clock::now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      method_->started->Increment();
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      method_->sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      method_->received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::POST_RECV_STATUS)) {
      const grpc::Status* status = methods->GetRecvStatus();
      metrics_->Finish(
          *method_, status == nullptr ? grpc::StatusCode::UNKNOWN : status->error_code(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    methods->Proceed();
  }

 private:
  RpcMetrics* metrics_;
  RpcMetrics::Method* method_;
  std::chrono::steady_clock::time_point start_;
};

class ClientInterceptorFactory : public gx::ClientInterceptorFactoryInterface {
 public:
  explicit ClientInterceptorFactory(observability::Registry* registry)
      : metrics_(registry, RpcMetrics::Side::kClient, {}) {}
  gx::Interceptor* CreateClientInterceptor(gx::ClientRpcInfo* info) override {
    return new ClientInterceptor(&metrics_, metrics_.Find(info->method()));
  }

 private:
  RpcMetrics metrics_;
};

}  // namespace

RpcMethod DescribeRpc(const google::protobuf::MethodDescriptor& method) {
  return RpcMethod{absl::StrCat("/", method.service()->full_name(), "/", method.name()),
                   method.service()->full_name(), method.name(), RpcType(method)};
}

RpcMetrics::RpcMetrics(observability::Registry* registry, Side side,
                       const std::vector<RpcMethod>& methods)
    : registry_(registry),
      side_(side),
      unknown_(Make({"unknown", "unknown", "unknown", "unknown"})) {
  for (const RpcMethod& method : methods) fixed_.emplace(method.path, Make(method));
}

RpcMetrics::Method* RpcMetrics::Find(absl::string_view path) {
  if (side_ == Side::kServer) {
    auto it = fixed_.find(path);
    return it == fixed_.end() ? unknown_.get() : it->second.get();
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = learned_.find(path);
    if (it != learned_.end()) return it->second.get();
  }
  // "/pkg.Service/Method": a method of the generated pool, or unknown.
  const size_t slash = path.rfind('/');
  const google::protobuf::ServiceDescriptor* service =
      slash == absl::string_view::npos || slash == 0
          ? nullptr
          : google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
                std::string(path.substr(1, slash - 1)));
  const google::protobuf::MethodDescriptor* method =
      service == nullptr ? nullptr : service->FindMethodByName(std::string(path.substr(slash + 1)));
  if (method == nullptr) return unknown_.get();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = learned_.try_emplace(std::string(path));
  if (inserted) it->second = Make(DescribeRpc(*method));
  return it->second.get();
}

void RpcMetrics::Finish(Method& m, grpc::StatusCode code, double seconds) {
  m.latency->Observe(seconds);
  const int index = static_cast<int>(code);
  if (index < 0 || index >= kCodes) return;
  observability::Counter* handled = m.handled[index].load(std::memory_order_acquire);
  if (handled == nullptr) {  // first call with this code: the registry keeps one per labels
    observability::Labels labels = m.labels;
    labels.emplace_back("grpc_code", GrpcCodeName(code));
    const Family& family = FamilyOf(side_, kHandled);
    handled = registry_->GetCounter(family.name, family.help, labels);
    m.handled[index].store(handled, std::memory_order_release);
  }
  handled->Increment();
}

const RpcMetrics::Family& RpcMetrics::FamilyOf(Side side, Kind kind) {
  // go-grpc-prometheus's names and help texts, written out (tests/deploy reads
  // the metric names the code exports from its string literals).
  static const Family kServer[] = {
      {"grpc_server_started_total", "Total number of RPCs started on the server."},
      {"grpc_server_handled_total",
       "Total number of RPCs completed on the server, regardless of success or failure."},
      {"grpc_server_msg_received_total",
       "Total number of RPC stream messages received on the server."},
      {"grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server."},
      {"grpc_server_handling_seconds",
       "Histogram of response latency (seconds) of gRPC that had been application-level "
       "handled by the server."},
  };
  static const Family kClient[] = {
      {"grpc_client_started_total", "Total number of RPCs started on the client."},
      {"grpc_client_handled_total",
       "Total number of RPCs completed by the client, regardless of success or failure."},
      {"grpc_client_msg_received_total",
       "Total number of RPC stream messages received by the client."},
      {"grpc_client_msg_sent_total", "Total number of gRPC stream messages sent by the client."},
      {"grpc_client_handling_seconds",
       "Histogram of response latency (seconds) of the gRPC until it is finished by the "
       "application."},
  };
  return (side == Side::kServer ? kServer : kClient)[kind];
}

std::unique_ptr<RpcMetrics::Method> RpcMetrics::Make(const RpcMethod& method) {
  auto m = std::make_unique<Method>();
  m->labels = {
      {"grpc_service", method.service}, {"grpc_method", method.method}, {"grpc_type", method.type}};
  auto counter = [&](Kind kind) {
    const Family& family = FamilyOf(side_, kind);
    return registry_->GetCounter(family.name, family.help, m->labels);
  };
  m->started = counter(kStarted);
  m->received = counter(kReceived);
  m->sent = counter(kSent);
  const Family& latency = FamilyOf(side_, kLatency);
  m->latency = registry_->GetHistogram(latency.name, latency.help, m->labels);
  return m;
}

std::unique_ptr<gx::ClientInterceptorFactoryInterface> ClientMetricsInterceptor(
    observability::Registry* registry) {
  return std::make_unique<ClientInterceptorFactory>(registry);
}

}  // namespace cercles::server
