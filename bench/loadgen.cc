// cercles-loadgen: wiring only. The engine lives in cercles_bench_lib.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/load_generator.h"
#include "bench/report.h"
#include "bench/request_source.h"
#include "common/config/config.h"
#include "common/server/server.h"

ABSL_FLAG(std::string, target, "", "host:port of the server");
ABSL_FLAG(std::string, ca, "", "PEM CA bundle that verifies the server's certificate");
ABSL_FLAG(std::string, cert, "", "PEM client certificate (mTLS); needs --key");
ABSL_FLAG(std::string, key, "", "PEM private key of --cert");
ABSL_FLAG(std::string, server_name, "", "TLS name expected in the server's certificate");
ABSL_FLAG(bool, insecure, false, "Plaintext (only against a server started with --insecure)");
ABSL_FLAG(std::string, token, "", "Bearer token sent as 'authorization: Bearer <token>'");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token (e.g. from scripts/gen-token)");
ABSL_FLAG(std::string, method, "", "Unary method to call: /package.Service/Method");
ABSL_FLAG(std::string, request, "{}",
          "Request in JSON (proto3 JSON mapping); {{n}} is replaced by a counter, {{n%K}} "
          "by 1 + counter mod K");
ABSL_FLAG(int64_t, counter_start, 1, "First value of {{n}}");
ABSL_FLAG(int64_t, counter_cycle, 0,
          "With K > 0, {{n}} cycles through K values (pre-rendered); 0: never repeats");
ABSL_FLAG(std::string, mode, "closed",
          "closed: --concurrency calls always in flight; open: --rate calls/s on a fixed schedule");
ABSL_FLAG(int32_t, concurrency, 64, "Closed loop: calls in flight");
ABSL_FLAG(double, rate, 1000, "Open loop: calls per second");
ABSL_FLAG(int64_t, max_outstanding, 10000,
          "Open loop: calls in flight beyond which calls are dropped");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measured time, e.g. 10s");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "Unmeasured time before it, e.g. 2s");
ABSL_FLAG(int64_t, calls, 0,
          "Closed loop: make exactly this many calls ({{n}} = start .. start+calls-1), all "
          "measured, instead of --warmup and --duration (for loading data)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "Deadline of each call");
ABSL_FLAG(int32_t, threads, 1, "Completion queue polling threads");
ABSL_FLAG(std::string, label, "", "Name of the run in the report (default: the method's name)");
ABSL_FLAG(std::string, output, "table", "table, or json (one object per line)");

namespace {

constexpr char kUsage[] = R"(drives load at one unary gRPC method and reports
throughput and latency percentiles (p50, p90, p99, p99.9).

  cercles-loadgen --target 127.0.0.1:7001 --ca certs/ca.pem --token_file tokens/bench.token \
    --server_name echo --method /cercles.bench.v1.EchoService/Echo \
    --request '{"message":"hello"}' --mode closed --concurrency 64 --duration 10s

The request is built once from --request (JSON) with the method's message type
from the protos this program was built with, and the same bytes are sent every
time; {{n}} in it is replaced by a counter (--counter_start, --counter_cycle).
Closed loop measures latency from each call's start; open loop from its
scheduled start (no coordinated omission) and drops calls past
--max_outstanding. Calls not OK are errors, counted by status code, and make the
exit status 1; errors in the set-up exit 2.)";

std::string ReadToken() {
  std::string token = absl::GetFlag(FLAGS_token);
  const std::string file = absl::GetFlag(FLAGS_token_file);
  if (!token.empty() && !file.empty()) {
    cercles::config::ExitIfError(
        absl::InvalidArgumentError("--token and --token_file: give one, not both"));
  }
  if (!file.empty()) {
    auto contents = cercles::server::ReadFile(file);
    cercles::config::ExitIfError(contents.status());
    token = std::string(absl::StripAsciiWhitespace(*contents));
    if (token.empty()) {
      cercles::config::ExitIfError(
          absl::InvalidArgumentError(absl::StrCat("--token_file \"", file, "\" is empty")));
    }
  }
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  config::ParseFlagsWithEnv(argc, argv, kUsage);
  const std::string target = absl::GetFlag(FLAGS_target);
  config::ExitIfError(config::RequireHostPort("target", target));
  const std::string method = absl::GetFlag(FLAGS_method);
  config::ExitIfError(config::RequireNonEmpty("method", method));
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "table" && output != "json") {
    config::ExitIfError(absl::InvalidArgumentError("--output must be table or json"));
  }

  bench::LoadOptions load;
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "closed") {
    load.mode = bench::LoadMode::kClosed;
  } else if (mode == "open") {
    load.mode = bench::LoadMode::kOpen;
  } else {
    config::ExitIfError(absl::InvalidArgumentError("--mode must be closed or open"));
  }
  load.concurrency = absl::GetFlag(FLAGS_concurrency);
  load.rate = absl::GetFlag(FLAGS_rate);
  load.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  load.duration = absl::GetFlag(FLAGS_duration);
  load.warmup = absl::GetFlag(FLAGS_warmup);
  load.calls = absl::GetFlag(FLAGS_calls);
  load.call_timeout = absl::GetFlag(FLAGS_timeout);
  load.polling_threads = absl::GetFlag(FLAGS_threads);
  if (const std::string token = ReadToken(); !token.empty()) {
    load.authorization = "Bearer " + token;
  }
  config::ExitIfError(bench::ValidateLoadOptions(load));

  auto source = bench::RequestSource::Create(method, absl::GetFlag(FLAGS_request),
                                             absl::GetFlag(FLAGS_counter_start),
                                             absl::GetFlag(FLAGS_counter_cycle));
  config::ExitIfError(source.status());

  server::ChannelOptions channel_options;
  channel_options.address = target;
  channel_options.tls = {absl::GetFlag(FLAGS_cert), absl::GetFlag(FLAGS_key),
                         absl::GetFlag(FLAGS_ca)};
  channel_options.insecure = absl::GetFlag(FLAGS_insecure);
  channel_options.server_name_override = absl::GetFlag(FLAGS_server_name);
  if (channel_options.tls.cert.empty() != channel_options.tls.key.empty()) {
    config::ExitIfError(absl::InvalidArgumentError("--cert and --key go together"));
  }
  if (channel_options.insecure && !channel_options.tls.ca.empty()) {
    config::ExitIfError(absl::InvalidArgumentError("--insecure contradicts --ca: choose one"));
  }
  auto channel = server::MakeChannel(channel_options);
  config::ExitIfError(channel.status());

  auto result = bench::RunLoad(*channel, *source, load);
  if (!result.ok()) {
    config::ExitIfError(absl::Status(result.status().code(),
                                     absl::StrCat(target, ": ", result.status().message())));
  }

  bench::RunDescription run;
  run.label = absl::GetFlag(FLAGS_label);
  if (run.label.empty()) run.label = source->descriptor()->name();
  run.method = method;
  run.options = load;
  const std::string report =
      output == "json" ? bench::FormatJson(run, *result) + "\n" : bench::FormatTable(run, *result);
  std::fputs(report.c_str(), stdout);
  return result->error_count() > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
