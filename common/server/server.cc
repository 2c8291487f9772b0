#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
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
#include "common/api/error_details.h"
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

// Server credentials from certificate files: watched (re-read every `refresh`)
// when refresh is positive, read once otherwise.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const TlsFiles& files, grpc_ssl_client_certificate_request_type request_type,
    absl::Duration refresh) {
  if (refresh > absl::ZeroDuration()) {
    // The files are watched: a rotated certificate (cert-manager, a renewed
    // Secret) is served to new connections within one refresh interval.
    auto provider = std::make_shared<gx::FileWatcherCertificateProvider>(
        files.key, files.cert, files.ca,
        static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(refresh))));
    gx::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    if (!files.ca.empty()) tls.watch_root_certs();
    tls.set_cert_request_type(request_type);
    return gx::TlsServerCredentials(tls);
  }
  CERCLES_ASSIGN_OR_RETURN(std::string cert, ReadFile(files.cert));
  CERCLES_ASSIGN_OR_RETURN(std::string key, ReadFile(files.key));
  grpc::SslServerCredentialsOptions ssl(request_type);
  if (!files.ca.empty()) {
    CERCLES_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(files.ca));
  }
  ssl.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

namespace {

class CallInterceptor : public gx::Interceptor {
 public:
  CallInterceptor(gx::ServerRpcInfo* info, const auth::Authenticator* authenticator,
                  RpcMetrics* metrics, const LanguageOptions& language)
      : info_(info),
        authenticator_(authenticator),
        metrics_(metrics),
        method_(metrics->Find(info->method())),
        language_options_(language),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      method_->started->Increment();
      auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        StartSpan(md);
        const std::shared_ptr<const grpc::AuthContext> auth =
            info_->server_context()->auth_context();
        auto principal =
            authenticator_->Identify(MetadataValue(*md, "authorization"),
                                     auth::PeerCommonName(*info_->server_context()), auth.get());
        principal_ = principal.ok() ? principal->ToString() : "unauthenticated";
        language_ =
            CallLanguage(MetadataValue(*md, "accept-language"),
                         principal.ok() && principal->kind == auth::Principal::Kind::kService,
                         language_options_);
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
      // The log keeps the English; the caller reads its language.
      if (!status.ok()) {
        methods->ModifySendStatus(LocalizedStatus(status, language_, language_options_, method));
      }
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
  const LanguageOptions language_options_;
  i18n::Language language_ = language_options_.default_language;
  std::chrono::steady_clock::time_point start_;
  trace::TraceContext span_;
  std::string traceparent_;
  std::string principal_ = "anonymous";
};

class CallInterceptorFactory : public gx::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(const auth::Authenticator* authenticator, RpcMetrics* metrics,
                         const LanguageOptions& language)
      : authenticator_(authenticator), metrics_(metrics), language_(language) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new CallInterceptor(info, authenticator_, metrics_, language_);
  }

 private:
  const auth::Authenticator* authenticator_;
  RpcMetrics* metrics_;
  const LanguageOptions language_;
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

// On the main port: a call to a service of an added listener is refused, saying
// where that service is served; any other unknown method is UNIMPLEMENTED.
class ServerRunner::ServedElsewhere : public grpc::CallbackGenericService {
 public:
  void Add(const std::string& service, const std::string& listener) { where_[service] = listener; }

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* call) override {
    class Refusal : public grpc::ServerGenericBidiReactor {
     public:
      explicit Refusal(const grpc::Status& status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    // "/cercles.network.v1.FederationService/ListDirectory"
    const std::string& method = call->method();
    const size_t slash = method.rfind('/');
    const std::string service =
        slash == std::string::npos || slash == 0 ? std::string() : method.substr(1, slash - 1);
    auto it = where_.find(service);
    if (it == where_.end()) {
      return new Refusal(
          ToGrpcStatus(absl::UnimplementedError(absl::StrCat("unknown method ", method))));
    }
    return new Refusal(ToGrpcStatus(
        api::WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                               method, " is not served on this port: only on the ", it->second,
                               " listener (--", it->second, "_listen), with a client certificate ",
                               "its CA bundle (--", it->second, "_ca) trusts")),
                           api::reason::kPermissionDeniedRole, {{"listener", it->second}})));
  }

 private:
  std::map<std::string, std::string> where_;  // service full name -> listener name
};

ServerRunner::ServerRunner(ServerOptions options) : options_(std::move(options)) {
  log::SetComponent(options_.name);
}

ServerRunner::~ServerRunner() { Shutdown(); }

void ServerRunner::Shutdown() {
  draining_ = true;
  StopServers(std::chrono::system_clock::now());
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

absl::Status ServerRunner::AddListener(ListenerOptions listener) {
  const std::string& n = listener.name;
  CERCLES_RETURN_IF_ERROR(config::RequireHostPort(n + "_listen", listener.listen, true));
  CERCLES_RETURN_IF_ERROR(config::RequireReadableFile(n + "_cert", listener.tls.cert));
  CERCLES_RETURN_IF_ERROR(config::RequireReadableFile(n + "_key", listener.tls.key));
  // Client certificates are required there: the CA bundle they chain to too.
  CERCLES_RETURN_IF_ERROR(config::RequireReadableFile(n + "_ca", listener.tls.ca));
  auto added = std::make_unique<Listener>();
  added->options = std::move(listener);
  listeners_.push_back(std::move(added));
  return absl::OkStatus();
}

int ServerRunner::listener_port(const std::string& name) const {
  for (const auto& listener : listeners_) {
    if (listener->options.name == name) return listener->side.port;
  }
  return 0;
}

void ServerRunner::AddService(grpc::Service* service, const char* service_full_name,
                              const std::string& listener) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  Listener* on = nullptr;
  for (auto& l : listeners_) {
    if (l->options.name == listener) on = l.get();
  }
  if (descriptor == nullptr || (!listener.empty() && on == nullptr)) {
    // A programming error (the generated code is linked in, the listener added
    // first): fail loudly at start-up.
    log::Error("service descriptor or listener not found",
               {{"service", std::string(service_full_name)}, {"listener", listener}});
    std::abort();
  }
  if (on != nullptr) {
    on->services.push_back(service);
    on->descriptors.push_back(descriptor);
  } else {
    services_.push_back(service);
    service_descriptors_.push_back(descriptor);
  }
  authorizer_->AddService(descriptor);
}

void ServerRunner::SideServer::Stop(std::chrono::system_clock::time_point deadline) {
  if (server != nullptr) {
    server->Shutdown(deadline);
    server->Wait();
    server.reset();
  }
  if (queue == nullptr) return;
  queue->Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) {
  }
  queue.reset();
}

namespace {

// A builder for a server beside the main one: no process-wide plugins
// (reflection), health only unless services are registered. gRPC's health
// service runs on the callback API, which the builder cannot see before it
// starts; it refuses a server with no queue it believes polled. Nothing is
// ever queued on this one (no sync or async method): it is shut down and
// drained with the server.
std::unique_ptr<grpc::ServerCompletionQueue> PrepareSideBuilder(grpc::ServerBuilder& builder) {
  builder.SetOption(std::make_unique<WithoutPlugins>());
  return builder.AddCompletionQueue(/*is_frequently_polled=*/true);
}

void SetMaxConnectionAge(grpc::ServerBuilder& builder, absl::Duration age) {
  if (age <= absl::ZeroDuration()) return;
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_AGE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(std::min(age, absl::Hours(24)))));
  // Calls in flight on an aged connection may finish, however long (event
  // streams): only new calls move to a new connection.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, INT_MAX);
}

}  // namespace

absl::Status ServerRunner::StartListener(Listener& listener) {
  const ListenerOptions& o = listener.options;
  grpc::ServerBuilder builder;
  listener.side.queue = PrepareSideBuilder(builder);
  SetMaxConnectionAge(builder, options_.max_connection_age);
  CERCLES_ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ServerCredentials> credentials,
      TlsServerCredentials(o.tls, GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY,
                           options_.tls_refresh));
  builder.AddListeningPort(o.listen, credentials, &listener.side.port);
  for (grpc::Service* service : listener.services) builder.RegisterService(service);
  std::vector<std::unique_ptr<gx::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallInterceptorFactory>(
      authenticator_.get(), call_metrics_.get(), options_.language));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  listener.side.server = builder.BuildAndStart();
  if (listener.side.server == nullptr || listener.side.port == 0) {
    listener.side.Stop(std::chrono::system_clock::now());
    return absl::UnavailableError(
        absl::StrCat("cannot listen on --", o.name, "_listen \"", o.listen,
                     "\": address in use, not local, or TLS material unusable"));
  }
  return absl::OkStatus();
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
  std::vector<const google::protobuf::ServiceDescriptor*> all = service_descriptors_;
  for (const auto& listener : listeners_) {
    all.insert(all.end(), listener->descriptors.begin(), listener->descriptors.end());
  }
  for (const google::protobuf::ServiceDescriptor* service : all) {
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(DescribeRpc(*service->method(i)));
    }
  }
  call_metrics_ = std::make_unique<RpcMetrics>(&metrics_, RpcMetrics::Side::kServer, methods);
  grpc::ServerBuilder builder;
  SetMaxConnectionAge(builder, options_.max_connection_age);
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
    CERCLES_ASSIGN_OR_RETURN(
        credentials, TlsServerCredentials(options_.tls, request_type, options_.tls_refresh));
  }
  builder.AddListeningPort(options_.listen, credentials, &port_);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  for (const auto& listener : listeners_) {
    for (const google::protobuf::ServiceDescriptor* service : listener->descriptors) {
      if (served_elsewhere_ == nullptr) served_elsewhere_ = std::make_unique<ServedElsewhere>();
      served_elsewhere_->Add(service->full_name(), listener->options.name);
    }
  }
  if (served_elsewhere_ != nullptr) builder.RegisterCallbackGenericService(served_elsewhere_.get());

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallInterceptorFactory>(
      authenticator_.get(), call_metrics_.get(), options_.language));
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
    health_.queue = PrepareSideBuilder(health);
    health.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(),
                            &health_.port);
    health_.server = health.BuildAndStart();
    if (health_.server == nullptr || health_.port == 0) {
      health_.Stop(std::chrono::system_clock::now());
      return absl::UnavailableError(
          absl::StrCat("cannot listen on --health_listen (CERCLES_HEALTH_LISTEN) \"",
                       options_.health_listen, "\": address in use or not local"));
    }
  }
  for (auto& listener : listeners_) CERCLES_RETURN_IF_ERROR(StartListener(*listener));
  // Health answers by service name too ("cercles.lending.v1.LendingService"),
  // each registered service with the server's status (""): the main port's
  // services on it and on --health_listen, a listener's on that listener;
  // SetHealth then moves them all together.
  for (const google::protobuf::ServiceDescriptor* service : service_descriptors_) {
    server_->GetHealthCheckService()->SetServingStatus(service->full_name(), false);
    if (health_.server != nullptr) {
      health_.server->GetHealthCheckService()->SetServingStatus(service->full_name(), false);
    }
  }
  for (const auto& listener : listeners_) {
    for (const google::protobuf::ServiceDescriptor* service : listener->descriptors) {
      listener->side.server->GetHealthCheckService()->SetServingStatus(service->full_name(), false);
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
  log::Fields fields = {{"port", static_cast<int64_t>(port_)},
                        {"tls", !options_.insecure},
                        {"mtls", !options_.insecure && !options_.tls.ca.empty()},
                        {"metrics_port", static_cast<int64_t>(metrics_port())},
                        {"health_port", static_cast<int64_t>(health_.port)}};
  for (const auto& listener : listeners_) {
    fields.emplace_back(absl::StrCat(listener->options.name, "_port"),
                        static_cast<int64_t>(listener->side.port));
  }
  log::Info("listening", fields);
  return absl::OkStatus();
}

void ServerRunner::SetHealth(bool serving) {
  if (server_ != nullptr) server_->GetHealthCheckService()->SetServingStatus(serving);
  if (health_.server != nullptr) health_.server->GetHealthCheckService()->SetServingStatus(serving);
  for (const auto& listener : listeners_) {
    if (listener->side.server != nullptr) {
      listener->side.server->GetHealthCheckService()->SetServingStatus(serving);
    }
  }
  if (metrics_server_ != nullptr) metrics_server_->SetServing(serving);
}

void ServerRunner::StopServers(std::chrono::system_clock::time_point deadline) {
  // The listeners' calls and the main port's drain side by side, by the same
  // deadline (a peer's open stream on a listener takes none of the main
  // port's grace); the health listener answers NOT_SERVING until they have.
  std::vector<std::thread> draining;
  for (auto& listener : listeners_) {
    draining.emplace_back([&side = listener->side, deadline] { side.Stop(deadline); });
  }
  if (server_ != nullptr) {
    server_->Shutdown(deadline);
    server_->Wait();
    server_.reset();
  }
  for (std::thread& thread : draining) thread.join();
  health_.Stop(std::chrono::system_clock::now());
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

}  // namespace cercles::server
