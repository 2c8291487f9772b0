// cercles-bare-echo: the benchmarks' floor. EchoService on gRPC's callback API
// with the same mTLS as the services and nothing else: no runner, no
// interceptor, no token check, no logging or metrics, no health service. What
// a scenario costs beyond this is what the suite adds to gRPC itself; it must
// never use the suite's runner (cercles-echo-server does, and is measured too).
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/config/config.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port to listen on");
ABSL_FLAG(std::string, tls_cert, "", "PEM server certificate");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA that verifies client certificates (mTLS)");
ABSL_FLAG(bool, insecure, false, "Plaintext instead of mTLS");

namespace {

class BareEcho final : public cercles::bench::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const cercles::bench::v1::EchoRequest* request,
                                 cercles::bench::v1::EchoResponse* response) override {
    response->set_message(request->message());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

std::string ReadFileOrDie(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cercles-bare-echo: --%s: cannot read \"%s\"\n", flag, path.c_str());
    std::exit(2);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cercles-bare-echo: EchoService on gRPC's callback API, mTLS and nothing else (the "
      "benchmarks' floor)");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (absl::GetFlag(FLAGS_insecure)) {
    credentials = grpc::InsecureServerCredentials();
  } else {
    grpc::SslServerCredentialsOptions tls(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_root_certs = ReadFileOrDie(absl::GetFlag(FLAGS_tls_ca), "tls_ca");
    tls.pem_key_cert_pairs.push_back({ReadFileOrDie(absl::GetFlag(FLAGS_tls_key), "tls_key"),
                                      ReadFileOrDie(absl::GetFlag(FLAGS_tls_cert), "tls_cert")});
    credentials = grpc::SslServerCredentials(tls);
  }
  BareEcho service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), credentials, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "cercles-bare-echo: cannot listen on %s\n",
                 absl::GetFlag(FLAGS_listen).c_str());
    return 2;
  }
  std::printf("{\"msg\":\"ready\",\"port\":%d}\n", port);
  std::fflush(stdout);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  server->Shutdown();
  return EXIT_SUCCESS;
}
