#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/server_interceptor.h>
#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/observability/process_metrics.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace cercles::server {
namespace {

namespace gx = grpc::experimental;

std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& md,
                          const char* key) {
  auto it = md.find(key);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

// W3C trace context: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>".
std::string TraceIdFromTraceparent(const std::string& traceparent) {
  if (traceparent.size() < 55 || traceparent[2] != '-' || traceparent[35] != '-') return "";
  std::string id = traceparent.substr(3, 32);
  if (id.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
  if (id == std::string(32, '0')) return "";
  return id;
}

}  // namespace

// Per-method metric handles, made once before the server starts for every
// registered method and gRPC's own health and reflection methods, so a call
// costs a hash lookup and two atomic updates. Any other path a client sends is
// counted as grpc_method="unknown": callers cannot grow the label set.
class CallMetrics {
 public:
  CallMetrics(observability::Registry* registry, const std::vector<std::string>& methods)
      : registry_(registry), unknown_(Make("unknown")) {
    for (const std::string& method : methods) methods_.emplace(method, Make(method));
  }

  void Record(absl::string_view method, grpc::StatusCode code, double seconds) {
    auto it = methods_.find(method);
    Method& m = it == methods_.end() ? *unknown_ : *it->second;
    m.latency->Observe(seconds);
    const int index = static_cast<int>(code);
    if (index < 0 || index >= kCodes) return;
    observability::Counter* handled = m.handled[index].load(std::memory_order_acquire);
    if (handled == nullptr) {  // first call with this code: the registry keeps one per labels
      handled = registry_->GetCounter("cercles_grpc_server_handled_total",
                                      "RPCs completed, by method and status code.",
                                      {{"grpc_method", m.name}, {"grpc_code", GrpcCodeName(code)}});
      m.handled[index].store(handled, std::memory_order_release);
    }
    handled->Increment();
  }

 private:
  static constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED
  struct Method {
    std::string name;
    observability::Histogram* latency = nullptr;
    std::array<std::atomic<observability::Counter*>, kCodes> handled{};
  };

  std::unique_ptr<Method> Make(const std::string& name) {
    auto m = std::make_unique<Method>();
    m->name = name;
    m->latency = registry_->GetHistogram("cercles_grpc_server_handling_seconds",
                                         "RPC latency from receipt to status, by method.",
                                         {{"grpc_method", name}});
    return m;
  }

  observability::Registry* registry_;
  std::unique_ptr<Method> unknown_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;
};

namespace {

class CallInterceptor : public gx::Interceptor {
 public:
  CallInterceptor(gx::ServerRpcInfo* info, const auth::Authenticator* authenticator,
                  CallMetrics* metrics)
      : info_(info),
        authenticator_(authenticator),
        metrics_(metrics),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        trace_id_ = TraceIdFromTraceparent(MetadataValue(*md, "traceparent"));
        auto principal = authenticator_->Identify(MetadataValue(*md, "authorization"),
                                                  auth::PeerCommonName(*info_->server_context()));
        principal_ = principal.ok() ? principal->ToString() : "unauthenticated";
      }
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const absl::string_view method = info_->method();
      metrics_->Record(method, status.error_code(), seconds);
      // Probes call health every few seconds: counted, but not one log line each.
      if (absl::StartsWith(method, "/grpc.health.v1.Health/") && status.ok()) {
        methods->Proceed();
        return;
      }
      log::Fields fields = {{"method", std::string(method)},
                            {"peer", std::move(principal_)},
                            {"code", std::string(GrpcCodeName(status.error_code()))},
                            {"latency_ms", seconds * 1000.0}};
      if (!trace_id_.empty()) fields.emplace_back("trace_id", std::move(trace_id_));
      if (!status.ok()) fields.emplace_back("error", status.error_message());
      // One line per call, complete, written by the log's flusher (not a
      // write(2) per call).
      log::Buffered(log::Level::kInfo, "rpc", fields);
    }
    methods->Proceed();
  }

 private:
  gx::ServerRpcInfo* info_;
  const auth::Authenticator* authenticator_;
  CallMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
  std::string trace_id_;
  std::string principal_ = "anonymous";
};

class CallInterceptorFactory : public gx::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(const auth::Authenticator* authenticator, CallMetrics* metrics)
      : authenticator_(authenticator), metrics_(metrics) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new CallInterceptor(info, authenticator_, metrics_);
  }

 private:
  const auth::Authenticator* authenticator_;
  CallMetrics* metrics_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good())
    return absl::InvalidArgumentError(absl::StrCat("cannot read file \"", path, "\""));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status ValidateServerOptions(const ServerOptions& o) {
  CERCLES_RETURN_IF_ERROR(config::RequireHostPort("listen", o.listen, /*allow_zero_port=*/true));
  if (!o.metrics_listen.empty()) {
    CERCLES_RETURN_IF_ERROR(config::RequireHostPort("metrics_listen", o.metrics_listen, true));
  }
  if (!o.insecure) {
    CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_cert", o.tls.cert));
    CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_key", o.tls.key));
    if (!o.tls.ca.empty()) CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_ca", o.tls.ca));
    if (o.require_client_cert && o.tls.ca.empty()) {
      return absl::InvalidArgumentError(
          "--require_client_cert needs --tls_ca (CERCLES_TLS_CA) to verify client certificates");
    }
  } else if (!o.tls.cert.empty() || !o.tls.key.empty()) {
    return absl::InvalidArgumentError(
        "--insecure (CERCLES_INSECURE) contradicts --tls_cert/--tls_key: choose one");
  }
  if (!o.tokens_file.empty()) {
    CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tokens_file", o.tokens_file));
  }
  if (o.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--shutdown_grace_ms (CERCLES_SHUTDOWN_GRACE_MS) must be >= 0");
  }
  return absl::OkStatus();
}

ServerRunner::ServerRunner(ServerOptions options) : options_(std::move(options)) {
  log::SetComponent(options_.name);
}

ServerRunner::~ServerRunner() { Shutdown(); }

void ServerRunner::Shutdown() {
  draining_ = true;
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    server_.reset();
  }
  handlers_.reset();
  if (metrics_server_ != nullptr) metrics_server_->Stop();
}

absl::Status ServerRunner::Init() {
  CERCLES_RETURN_IF_ERROR(ValidateServerOptions(options_));
  auth::TokenStore tokens;
  if (!options_.tokens_file.empty()) {
    CERCLES_ASSIGN_OR_RETURN(tokens, auth::TokenStore::LoadFile(options_.tokens_file));
  }
  authenticator_ =
      std::make_unique<auth::Authenticator>(std::move(tokens), options_.trusted_services);
  authorizer_ = std::make_unique<auth::Authorizer>(authenticator_.get());
  observability::RegisterProcessMetrics(&metrics_);
  handlers_ = std::make_unique<HandlerPool>(
      options_.handler_threads > 0 ? options_.handler_threads : HandlerPool::DefaultThreads(),
      &metrics_);
  return absl::OkStatus();
}

void ServerRunner::AddService(grpc::Service* service, const char* service_full_name) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  if (descriptor == nullptr) {
    // A programming error (the generated code is linked in): fail loudly at start-up.
    log::Error("service descriptor not found", {{"service", std::string(service_full_name)}});
    std::abort();
  }
  services_.push_back(service);
  service_descriptors_.push_back(descriptor);
  authorizer_->AddService(descriptor);
}

absl::Status ServerRunner::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::vector<std::string> methods = {
      "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"};
  for (const google::protobuf::ServiceDescriptor* service : service_descriptors_) {
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(absl::StrCat("/", service->full_name(), "/", service->method(i)->name()));
    }
  }
  call_metrics_ = std::make_unique<CallMetrics>(&metrics_, methods);
  grpc::ServerBuilder builder;

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options_.insecure) {
    log::Warning("serving PLAINTEXT because --insecure was given: no TLS, no client certificates",
                 {{"listen", options_.listen}});
    credentials = grpc::InsecureServerCredentials();
  } else {
    const grpc_ssl_client_certificate_request_type request_type =
        options_.tls.ca.empty()        ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
        : options_.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                       : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
    if (options_.tls_refresh > absl::ZeroDuration()) {
      // The files are watched: a rotated certificate (cert-manager, a renewed
      // Secret) is served to new connections within one refresh interval.
      auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          options_.tls.key, options_.tls.cert, options_.tls.ca,
          static_cast<unsigned int>(absl::ToInt64Seconds(options_.tls_refresh)));
      grpc::experimental::TlsServerCredentialsOptions tls(provider);
      tls.watch_identity_key_cert_pairs();
      if (!options_.tls.ca.empty()) tls.watch_root_certs();
      tls.set_cert_request_type(request_type);
      credentials = grpc::experimental::TlsServerCredentials(tls);
    } else {
      CERCLES_ASSIGN_OR_RETURN(std::string cert, ReadFile(options_.tls.cert));
      CERCLES_ASSIGN_OR_RETURN(std::string key, ReadFile(options_.tls.key));
      grpc::SslServerCredentialsOptions ssl(request_type);
      if (!options_.tls.ca.empty()) {
        CERCLES_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options_.tls.ca));
      }
      ssl.pem_key_cert_pairs.push_back({key, cert});
      credentials = grpc::SslServerCredentials(ssl);
    }
  }
  builder.AddListeningPort(options_.listen, credentials, &port_);
  for (grpc::Service* service : services_) builder.RegisterService(service);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(
      std::make_unique<CallInterceptorFactory>(authenticator_.get(), call_metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on --listen (CERCLES_LISTEN) \"", options_.listen,
                     "\": address in use, not local, or TLS material unusable"));
  }
  SetServing(false);

  if (!options_.metrics_listen.empty()) {
    metrics_server_ = std::make_unique<observability::MetricsHttpServer>(&metrics_);
    absl::Status status = metrics_server_->Start(options_.metrics_listen);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("--metrics_listen (CERCLES_METRICS_LISTEN): ", status.message()));
    }
  }
  log::Info("listening", {{"port", static_cast<int64_t>(port_)},
                          {"tls", !options_.insecure},
                          {"mtls", !options_.insecure && !options_.tls.ca.empty()},
                          {"metrics_port", static_cast<int64_t>(metrics_port())}});
  return absl::OkStatus();
}

int ServerRunner::metrics_port() const {
  return metrics_server_ == nullptr ? 0 : metrics_server_->port();
}

void ServerRunner::SetServing(bool serving) {
  if (server_ == nullptr) return;
  if (serving && draining_) return;
  server_->GetHealthCheckService()->SetServingStatus(serving);
  log::Info(serving ? "serving" : "not serving");
}

void ServerRunner::WaitForTermination(const std::function<void()>& before_shutdown) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  while (!stop_requested_) {
    timespec timeout{0, 200 * 1000 * 1000};
    int sig = sigtimedwait(&set, nullptr, &timeout);
    if (sig > 0) {
      signal_number = sig;
      break;
    }
  }
  log::Info("draining", {{"signal", static_cast<int64_t>(signal_number)},
                         {"grace_ms", absl::ToInt64Milliseconds(options_.shutdown_grace)}});
  draining_ = true;
  if (server_ != nullptr) server_->GetHealthCheckService()->SetServingStatus(false);
  if (before_shutdown) before_shutdown();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(options_.shutdown_grace));
    server_->Wait();
    server_.reset();
  }
  handlers_.reset();  // every call has been answered
  if (metrics_server_ != nullptr) metrics_server_->Stop();
  log::Info("stopped");
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options) {
  grpc::ChannelArguments args;
  if (!options.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.server_name_override);
  }
  // Keep connections warm across idle periods between event batches.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.insecure) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    if (options.tls.ca.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a CA file is needed to verify ", options.address, " (or use insecure)"));
    }
    CERCLES_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls.ca));
    if (!options.tls.cert.empty()) {
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(options.tls.cert));
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(options.tls.key));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(options.address, credentials, args);
}

}  // namespace cercles::server
