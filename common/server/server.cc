#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/server_interceptor.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/observability/process_metrics.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "common/util/trace.h"

namespace cercles::server {
namespace {

namespace gx = grpc::experimental;

std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& md,
                          const char* key) {
  auto it = md.find(key);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

constexpr char kTraceparent[] = "traceparent";

// Keeps only grpc.health.v1.Health on a server: the process-wide builder plugins
// (server reflection) are dropped, and no service is registered.
class WithoutPlugins : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

}  // namespace

namespace {

class CallInterceptor : public gx::Interceptor {
 public:
  CallInterceptor(gx::ServerRpcInfo* info, const auth::Authenticator* authenticator,
                  RpcMetrics* metrics)
      : info_(info),
        authenticator_(authenticator),
        metrics_(metrics),
        method_(metrics->Find(info->method())),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      method_->started->Increment();
      auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        StartSpan(md);
        auto principal = authenticator_->Identify(MetadataValue(*md, "authorization"),
                                                  auth::PeerCommonName(*info_->server_context()));
        principal_ = principal.ok() ? principal->ToString() : "unauthenticated";
      }
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      method_->received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      method_->sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const absl::string_view method = info_->method();
      metrics_->Finish(*method_, status.error_code(), seconds);
      // Probes call health every few seconds: counted, but not one log line each.
      if (absl::StartsWith(method, "/grpc.health.v1.Health/") && status.ok()) {
        methods->Proceed();
        return;
      }
      log::Fields fields = {{"method", std::string(method)},
                            {"peer", std::move(principal_)},
                            {"code", std::string(GrpcCodeName(status.error_code()))},
                            {"latency_ms", seconds * 1000.0}};
      if (!span_.trace_id.empty()) {
        fields.emplace_back("trace_id", std::move(span_.trace_id));
        fields.emplace_back("span_id", std::move(span_.span_id));
        if (!span_.parent_span_id.empty()) {
          fields.emplace_back("parent_span_id", std::move(span_.parent_span_id));
        }
      }
      if (!status.ok()) fields.emplace_back("error", status.error_message());
      // One line per call, complete, written by the log's flusher (not a
      // write(2) per call).
      log::Buffered(log::Level::kInfo, "rpc", fields);
    }
    methods->Proceed();
  }

 private:
  // This call's span: a child of the caller's traceparent, or a new trace. The
  // caller's header is replaced by this span's, which the handler reads
  // (TraceParentOf) and passes on to the services it calls. The metadata map
  // refers to traceparent_, which lives as long as the call.
  void StartSpan(std::multimap<grpc::string_ref, grpc::string_ref>* md) {
    std::optional<trace::TraceContext> incoming;
    auto range = md->equal_range(kTraceparent);
    if (range.first != range.second) {
      incoming = trace::ParseTraceparent(
          absl::string_view(range.first->second.data(), range.first->second.size()));
    }
    span_ = trace::StartSpan(incoming);
    traceparent_ = span_.Traceparent();
    md->erase(range.first, range.second);
    md->emplace(grpc::string_ref(kTraceparent), grpc::string_ref(traceparent_));
  }

  gx::ServerRpcInfo* info_;
  const auth::Authenticator* authenticator_;
  RpcMetrics* metrics_;
  RpcMetrics::Method* method_;
  std::chrono::steady_clock::time_point start_;
  trace::TraceContext span_;
  std::string traceparent_;
  std::string principal_ = "anonymous";
};

class CallInterceptorFactory : public gx::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(const auth::Authenticator* authenticator, RpcMetrics* metrics)
      : authenticator_(authenticator), metrics_(metrics) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new CallInterceptor(info, authenticator_, metrics_);
  }

 private:
  const auth::Authenticator* authenticator_;
  RpcMetrics* metrics_;
};

}  // namespace

std::string TraceParentOf(const grpc::ServerContextBase& call) {
  return MetadataValue(call.client_metadata(), kTraceparent);
}

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
  if (!o.health_listen.empty()) {
    CERCLES_RETURN_IF_ERROR(config::RequireHostPort("health_listen", o.health_listen, true));
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
  StopHealthServer();
  handlers_.reset();
  if (metrics_server_ != nullptr) metrics_server_->Stop();
}

absl::Status ServerRunner::Init() {
  CERCLES_RETURN_IF_ERROR(ValidateServerOptions(options_));
  authenticator_ =
      std::make_unique<auth::Authenticator>(auth::TokenStore(), options_.trusted_services);
  authorizer_ = std::make_unique<auth::Authorizer>(authenticator_.get());
  if (!options_.tokens_file.empty()) {
    token_file_ =
        std::make_unique<auth::TokenFileWatcher>(options_.tokens_file, authenticator_.get());
    CERCLES_RETURN_IF_ERROR(token_file_->Load());
    metrics_.AddCallbackGauge(
        "cercles_auth_tokens", "Staff tokens in force (the tokens file).",
        [a = authenticator_.get()] { return static_cast<double>(a->token_count()); });
    if (options_.tokens_refresh > absl::ZeroDuration()) {
      const std::string help =
          "Re-reads of the tokens file by result: reloaded (a new set in force), "
          "kept_last_good (unreadable, malformed or empty: the previous set stays).";
      observability::Counter* reloaded =
          metrics_.GetCounter("cercles_auth_token_reloads_total", help, {{"result", "reloaded"}});
      observability::Counter* kept = metrics_.GetCounter("cercles_auth_token_reloads_total", help,
                                                         {{"result", "kept_last_good"}});
      token_refresher_.Start(options_.tokens_refresh, [this, reloaded, kept] {
        switch (token_file_->Reload()) {
          case auth::TokenFileWatcher::Result::kReloaded:
            reloaded->Increment();
            break;
          case auth::TokenFileWatcher::Result::kKeptLastGood:
            kept->Increment();
            break;
          case auth::TokenFileWatcher::Result::kUnchanged:
            break;
        }
      });
    }
  }
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
  // gRPC's own services are not in the generated pool: described here.
  std::vector<RpcMethod> methods = {
      {"/grpc.health.v1.Health/Check", "grpc.health.v1.Health", "Check", "unary"},
      {"/grpc.health.v1.Health/Watch", "grpc.health.v1.Health", "Watch", "server_stream"},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
       "grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo", "bidi_stream"}};
  for (const google::protobuf::ServiceDescriptor* service : service_descriptors_) {
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(DescribeRpc(*service->method(i)));
    }
  }
  call_metrics_ = std::make_unique<RpcMetrics>(&metrics_, RpcMetrics::Side::kServer, methods);
  grpc::ServerBuilder builder;
  if (options_.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(
                                   std::min(options_.max_connection_age, absl::Hours(24)))));
    // Calls in flight on an aged connection may finish, however long (event
    // streams): only new calls move to a new connection.
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, INT_MAX);
  }

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
  if (!options_.health_listen.empty()) {
    grpc::ServerBuilder health;
    health.SetOption(std::make_unique<WithoutPlugins>());
    // gRPC's health service runs on the callback API, which the builder cannot
    // see before it starts; it refuses a server with no queue it believes
    // polled. Nothing is ever queued on this one (no sync or async method):
    // it is shut down and drained with the server.
    health_queue_ = health.AddCompletionQueue(/*is_frequently_polled=*/true);
    health.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(),
                            &health_port_);
    health_server_ = health.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      StopHealthServer();
      return absl::UnavailableError(
          absl::StrCat("cannot listen on --health_listen (CERCLES_HEALTH_LISTEN) \"",
                       options_.health_listen, "\": address in use or not local"));
    }
  }
  // Health answers by service name too ("cercles.lending.v1.LendingService"),
  // on both listeners, each registered service with the server's status ("");
  // SetHealth then moves them all together.
  for (const google::protobuf::ServiceDescriptor* service : service_descriptors_) {
    server_->GetHealthCheckService()->SetServingStatus(service->full_name(), false);
    if (health_server_ != nullptr) {
      health_server_->GetHealthCheckService()->SetServingStatus(service->full_name(), false);
    }
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
                          {"metrics_port", static_cast<int64_t>(metrics_port())},
                          {"health_port", static_cast<int64_t>(health_port_)}});
  return absl::OkStatus();
}

void ServerRunner::SetHealth(bool serving) {
  if (server_ != nullptr) server_->GetHealthCheckService()->SetServingStatus(serving);
  if (health_server_ != nullptr) health_server_->GetHealthCheckService()->SetServingStatus(serving);
  if (metrics_server_ != nullptr) metrics_server_->SetServing(serving);
}

void ServerRunner::StopHealthServer() {
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
    health_server_.reset();
  }
  if (health_queue_ == nullptr) return;
  health_queue_->Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (health_queue_->Next(&tag, &ok)) {
  }
  health_queue_.reset();
}

int ServerRunner::metrics_port() const {
  return metrics_server_ == nullptr ? 0 : metrics_server_->port();
}

void ServerRunner::SetServing(bool serving) {
  if (server_ == nullptr) return;
  if (serving && draining_) return;
  SetHealth(serving);
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
  SetHealth(false);
  if (before_shutdown) before_shutdown();
  if (server_ != nullptr) {
    const absl::Time deadline = absl::Now() + options_.shutdown_grace;
    // Calls accepted but still waiting for a handler thread shortly before the
    // deadline are answered UNAVAILABLE (retried, on another replica) rather
    // than cancelled at the deadline. The margin lets that answer leave first.
    absl::Notification drained;
    std::thread refuser([&] {
      const absl::Duration margin = std::min(options_.shutdown_grace / 4, absl::Seconds(1));
      if (drained.WaitForNotificationWithDeadline(deadline - margin)) return;
      if (const int refused = handlers_->RefuseQueued(); refused > 0) {
        log::Warning("calls refused while draining", {{"calls", static_cast<int64_t>(refused)}});
      }
    });
    server_->Shutdown(absl::ToChronoTime(deadline));
    server_->Wait();
    drained.Notify();
    refuser.join();
    server_.reset();
  }
  StopHealthServer();  // NOT_SERVING to the probes until the calls have drained
  handlers_.reset();   // every call has been answered
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
  // Every method: one empty name matches them all.
  args.SetServiceConfigJSON(absl::StrCat(
      R"({"methodConfig":[{"name":[{}],"retryPolicy":{"maxAttempts":)", kChannelMaxAttempts,
      R"(,"initialBackoff":"0.05s","maxBackoff":"1s","backoffMultiplier":2,)"
      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})"));
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.insecure) {
    credentials = grpc::InsecureChannelCredentials();
  } else if (options.tls.ca.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a CA file is needed to verify ", options.address, " (or use insecure)"));
  } else if (options.tls_refresh > absl::ZeroDuration()) {
    // The files are watched, as the server's are: connections opened after a
    // renewal present the new certificate and trust the new CA bundle.
    CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_ca", options.tls.ca));
    const auto refresh_s =
        static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(options.tls_refresh)));
    std::shared_ptr<gx::CertificateProviderInterface> provider;
    if (options.tls.cert.empty()) {
      provider = std::make_shared<gx::FileWatcherCertificateProvider>(options.tls.ca, refresh_s);
    } else {
      CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_cert", options.tls.cert));
      CERCLES_RETURN_IF_ERROR(config::RequireReadableFile("tls_key", options.tls.key));
      provider = std::make_shared<gx::FileWatcherCertificateProvider>(
          options.tls.key, options.tls.cert, options.tls.ca, refresh_s);
    }
    gx::TlsChannelCredentialsOptions tls;
    tls.set_certificate_provider(std::move(provider));
    tls.watch_root_certs();
    if (!options.tls.cert.empty()) tls.watch_identity_key_cert_pairs();
    credentials = gx::TlsCredentials(tls);
  } else {
    grpc::SslCredentialsOptions ssl;
    CERCLES_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls.ca));
    if (!options.tls.cert.empty()) {
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(options.tls.cert));
      CERCLES_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(options.tls.key));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  if (options.metrics == nullptr)
    return grpc::CreateCustomChannel(options.address, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(ClientMetricsInterceptor(options.metrics));
  return grpc::experimental::CreateCustomChannelWithInterceptors(options.address, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace cercles::server
