// The one server runner every Cercles service (and the bench echo server) uses:
// TLS/mTLS from certificate files, health and reflection, a logging and metrics
// interceptor, Prometheus metrics over HTTP, and a graceful drain on SIGTERM.
#ifndef CERCLES_COMMON_SERVER_SERVER_H_
#define CERCLES_COMMON_SERVER_SERVER_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/observability/metrics.h"
#include "common/server/handler_pool.h"
#include "common/server/localized_status.h"
#include "common/server/rpc_metrics.h"
#include "common/util/periodic.h"

namespace cercles::server {

struct TlsFiles {
  std::string cert;  // PEM certificate chain of this process
  std::string key;   // PEM private key
  std::string ca;    // PEM CA bundle client certificates must chain to (mTLS)
};

// Another gRPC listener of the same process (ServerRunner::AddListener): its own
// address, its own TLS identity and its own CA bundle, client certificates
// required, and only the services added to it by name (plus grpc.health.v1;
// no reflection). Those services are not served on the main port: a call to
// one of them there is answered PERMISSION_DENIED, naming the listener. The
// flags named in messages are --<name>_listen, --<name>_cert, --<name>_key and
// --<name>_ca (e.g. network's --federation_listen for peer funds).
struct ListenerOptions {
  std::string name;    // "federation": logs ("federation_port"), messages, flags
  std::string listen;  // host:port (port 0: any free port, see listener_port)
  // cert/key: what this listener serves; ca: the bundle client certificates
  // must chain to (required). Re-read every tls_refresh, as the main port's.
  TlsFiles tls;
};

struct ServerOptions {
  std::string name;  // "membership"; used in logs and metrics
  std::string listen = "127.0.0.1:0";
  std::string metrics_listen;  // empty: no metrics HTTP server
  // A plaintext listener serving grpc.health.v1.Health only (the kubelet's
  // native gRPC probe speaks no TLS), reporting what the main port's health
  // service reports. Empty: none.
  std::string health_listen;
  TlsFiles tls;
  bool insecure = false;             // plaintext, only when asked for explicitly
  bool require_client_cert = false;  // refuse TLS handshakes without a client certificate
  std::string tokens_file;           // staff bearer tokens (hashed)
  // How often the tokens file is re-read, so a revoked token is refused (and a
  // new one accepted) without a restart. Zero: read once at start.
  absl::Duration tokens_refresh = absl::Seconds(5);
  std::set<std::string> trusted_services;  // certificate CNs that are our own services
  absl::Duration shutdown_grace = absl::Seconds(10);
  // How often certificate, key and CA files are re-read, so rotated certificates
  // are served without a restart. Zero: read once at start.
  absl::Duration tls_refresh = absl::Seconds(60);
  // Threads that run the unary handlers' bodies (HandlerPool); 0: the machine's
  // default, HandlerPool::DefaultThreads().
  int handler_threads = 0;
  // Connections are closed (GOAWAY) after this long, +/- 10 % jitter, so the
  // clients of a service that was scaled up spread to the new replicas. Calls in
  // flight on a closed connection finish (streams too); new calls open another
  // connection. Zero: connections live as long as the client keeps them.
  absl::Duration max_connection_age = absl::Minutes(5);
  // The language of refusals to callers without accept-language, and whether
  // untranslated messages are logged (localized_status.h).
  LanguageOptions language;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates
// afterwards, so the runner can wait for them synchronously. Call first in main.
void BlockTerminationSignals();

// Checks the options (files readable, addresses well formed) and says which flag
// is wrong.
absl::Status ValidateServerOptions(const ServerOptions& options);

class ServerRunner {
 public:
  explicit ServerRunner(ServerOptions options);
  ~ServerRunner();

  observability::Registry* metrics() { return &metrics_; }
  auth::Authenticator* authenticator() { return authenticator_.get(); }
  const auth::Authorizer* authorizer() const { return authorizer_.get(); }
  // Where unary handlers run their bodies (server::Serve). Valid from Init until
  // the server has drained.
  HandlerPool* handlers() { return handlers_.get(); }

  // Loads tokens and TLS material, starts the handler pool. Must be called
  // before AddService.
  absl::Status Init();
  // Adds a listener (see ListenerOptions), after Init and before AddService
  // names it. Checks its address and files (the error names the flag).
  absl::Status AddListener(ListenerOptions listener);
  // Registers a service and its RPCs' access policies, found by the service's
  // full name in the generated descriptor pool, on the main port or, when
  // `listener` is given, on that added listener only. Before Start.
  void AddService(grpc::Service* service, const char* service_full_name,
                  const std::string& listener = "");

  // Starts listening. Health reports NOT_SERVING until SetServing(true), for
  // "" (the server) and for each added service by its full name, on the main
  // port and on --health_listen alike. Reflection is grpc.reflection.v1alpha
  // only: the gRPC of Debian 12 (1.51) has no grpc.reflection.v1.
  absl::Status Start();
  void SetServing(bool serving);
  int port() const { return port_; }
  int metrics_port() const;
  int health_port() const { return health_.port; }
  // The port an added listener bound (0 before Start or when unknown).
  int listener_port(const std::string& name) const;
  bool draining() const { return draining_.load(); }

  // Waits for SIGTERM/SIGINT (or RequestStop), then drains: health NOT_SERVING,
  // `before_shutdown` (stop background work), Shutdown with the grace deadline
  // (in-flight calls finish, streams are cancelled at the deadline; calls still
  // waiting for a handler thread shortly before it are answered UNAVAILABLE,
  // HandlerPool::RefuseQueued), Wait.
  void WaitForTermination(const std::function<void()>& before_shutdown = {});
  void RequestStop() { stop_requested_ = true; }
  // Stops at once: in-flight calls are cancelled, then waits for the handlers
  // to return. Idempotent; for a start that fails after Start().
  void Shutdown();

 private:
  // A server beside the main one (--health_listen, an added listener): started
  // after it, stopped after it (so probes see NOT_SERVING until calls drained).
  struct SideServer {
    std::unique_ptr<grpc::Server> server;
    std::unique_ptr<grpc::ServerCompletionQueue> queue;
    int port = 0;
    void Stop(std::chrono::system_clock::time_point deadline);
  };
  struct Listener {
    ListenerOptions options;
    std::vector<grpc::Service*> services;
    std::vector<const google::protobuf::ServiceDescriptor*> descriptors;
    SideServer side;
  };
  class ServedElsewhere;

  // Every health service (the main port's, --health_listen's, the added
  // listeners'), every name.
  void SetHealth(bool serving);
  // Drains the added listeners and the main port by `deadline`, then stops
  // --health_listen.
  void StopServers(std::chrono::system_clock::time_point deadline);
  // Returns once unary calls have stopped arriving after NOT_SERVING was
  // announced (or a bounded wait has passed): why in server.cc.
  void WaitForCallsToStop(absl::Time not_serving_since) const;
  absl::Status StartListener(Listener& listener);

  ServerOptions options_;
  observability::Registry metrics_;
  std::unique_ptr<observability::MetricsHttpServer> metrics_server_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<auth::TokenFileWatcher> token_file_;
  util::Periodic token_refresher_;  // re-reads token_file_; stopped before it goes
  std::vector<grpc::Service*> services_;
  std::vector<const google::protobuf::ServiceDescriptor*> service_descriptors_;
  std::unique_ptr<RpcMetrics> call_metrics_;  // outlives server_ (declared before it)
  // Answers, on the main port, calls to services served on an added listener.
  std::unique_ptr<ServedElsewhere> served_elsewhere_;
  std::unique_ptr<grpc::Server> server_;
  SideServer health_;                                 // --health_listen; stops after server_
  std::vector<std::unique_ptr<Listener>> listeners_;  // stop after server_
  // Destroyed after server_ has drained: in-flight calls are answered on it.
  std::unique_ptr<HandlerPool> handlers_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stop_requested_{false};
};

// Client side: a channel to another service or fund, TLS by default (mTLS when a
// certificate and key are given), plaintext only with insecure.
struct ChannelOptions {
  std::string address;
  TlsFiles tls;  // ca verifies the server; cert/key are our client identity
  bool insecure = false;
  std::string server_name_override;  // e.g. "membership" when dialling an IP
  // How often the cert, key and CA files are re-read: a renewed client
  // certificate or CA is used for the channel's new connections without a
  // restart (gRPC's file-watcher certificate provider). Zero: read once.
  absl::Duration tls_refresh = absl::ZeroDuration();
  // grpc_client_* metrics of the channel's calls go here (none when null); must
  // outlive the channel.
  observability::Registry* metrics = nullptr;
  // Client-side health checking where the address lists several replicas
  // ("ipv4:a:1,b:2"): round_robin over them, each watched with grpc.health.v1.
  // Health/Watch, so a replica answering NOT_SERVING — one that is draining —
  // gets no new calls. One address keeps pick_first: round_robin would fail
  // calls at once while its only backend restarts and wait out its reconnect
  // backoff, where pick_first reconnects on the next call. Off for servers that
  // may not serve the health service.
  bool health_checked = true;
};
// Calls on these channels answered UNAVAILABLE (a replica draining, a
// connection lost before the call was sent) are retried by gRPC itself, up to
// kChannelMaxAttempts in all, 50 ms to 1 s apart (the service config's
// retryPolicy): callers see UNAVAILABLE only when every attempt got it. No
// other code is retried: only UNAVAILABLE promises that nothing was done.
inline constexpr int kChannelMaxAttempts = 3;
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ChannelOptions& options);

// The `traceparent` header of the call's own span: the server's interceptor
// replaces the caller's header with it (same trace, this hop's new span id), so
// the calls a handler makes to other services carry this span as their parent.
// "" before the interceptor ran (a server without it).
std::string TraceParentOf(const grpc::ServerContextBase& call);

// Reads a whole file ("" and an error naming the file when it cannot).
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_SERVER_H_
