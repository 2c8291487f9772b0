// cercles-health-probe: polls a server's grpc.health.v1 Check every --interval
// (10 ms by default) until it answers SERVING, then prints the wall-clock time
// of that answer in microseconds since the epoch (and the polls made). Start it
// before the server, then the server: the difference with the server's exec
// time is the start-to-SERVING time, to within one interval.
//
//   cercles-health-probe --target 127.0.0.1:7101 --ca ca.pem --cert c.pem --key c.key
//     --server_name membership --ready_file /tmp/probe.ready
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "tools/cerclesctl/health_check.h"

ABSL_FLAG(std::string, target, "", "host:port of the server");
ABSL_FLAG(std::string, ca, "", "PEM CA that verifies the server's certificate");
ABSL_FLAG(std::string, cert, "", "PEM client certificate (mTLS)");
ABSL_FLAG(std::string, key, "", "PEM key of --cert");
ABSL_FLAG(std::string, server_name, "", "TLS name expected in the server's certificate");
ABSL_FLAG(absl::Duration, interval, absl::Milliseconds(10), "time between polls");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(60), "give up after this long");
ABSL_FLAG(std::string, ready_file, "", "created once the first poll was made");

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cercles-health-probe: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("polls grpc.health.v1 until SERVING; prints when, in epoch us");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty() || absl::GetFlag(FLAGS_ca).empty()) {
    std::fprintf(stderr, "cercles-health-probe: --target and --ca are required\n");
    return 2;
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = Slurp(absl::GetFlag(FLAGS_ca));
  if (!absl::GetFlag(FLAGS_cert).empty()) {
    tls.pem_cert_chain = Slurp(absl::GetFlag(FLAGS_cert));
    tls.pem_private_key = Slurp(absl::GetFlag(FLAGS_key));
  }
  const absl::Duration interval = absl::GetFlag(FLAGS_interval);
  const int interval_ms = static_cast<int>(absl::ToInt64Milliseconds(interval));
  grpc::ChannelArguments args;
  // Reconnect as often as we poll: gRPC's default back-off (1 s, growing)
  // would hide when the server came up.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, interval_ms);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, interval_ms);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, interval_ms);
  if (!absl::GetFlag(FLAGS_server_name).empty()) {
    args.SetSslTargetNameOverride(absl::GetFlag(FLAGS_server_name));
  }
  auto channel = grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), args);

  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_timeout);
  const std::string ready_file = absl::GetFlag(FLAGS_ready_file);
  for (int64_t polls = 1;; ++polls) {
    const absl::Time next = absl::Now() + interval;
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    auto status = cercles::cerclesctl::CheckHealth(channel, &call, "");
    if (status.ok() && *status == cercles::cerclesctl::ServingStatus::kServing) {
      std::printf("%lld %lld\n", static_cast<long long>(absl::ToUnixMicros(absl::Now())),
                  static_cast<long long>(polls));
      return 0;
    }
    if (polls == 1 && !ready_file.empty()) std::ofstream(ready_file) << "polling\n";
    if (absl::Now() >= give_up) {
      std::fprintf(stderr, "cercles-health-probe: %s not SERVING after %s\n", target.c_str(),
                   absl::FormatDuration(absl::GetFlag(FLAGS_timeout)).c_str());
      return 1;
    }
    absl::SleepFor(next - absl::Now());
  }
}
