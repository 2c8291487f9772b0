// cercles-echo-server: wiring only. The baseline of the benchmarks, served by the
// same runner and flags as the services, without a database.
#include <cstdlib>

#include "bench/echo_service.h"
#include "common/config/config.h"
#include "common/server/server.h"
#include "common/server/server_flags.h"
#include "common/util/log.h"
#include "common/util/process.h"

int main(int argc, char** argv) {
  using namespace cercles;           // NOLINT: main only
  util::SetServerProcessDefaults();  // as the services' ServiceProcess does
  server::BlockTerminationSignals();
  config::ParseFlagsWithEnv(
      argc, argv,
      "cercles-echo-server: the benchmarks' baseline, EchoService behind the services' runner");
  auto options = server::ServerOptionsFromFlags("echo");
  config::ExitIfError(options.status());

  server::ServerRunner runner(*options);
  config::ExitIfError(runner.Init());
  bench::EchoService service(runner.authorizer(), runner.handlers());
  runner.AddService(&service, bench::v1::EchoService::service_full_name());
  config::ExitIfError(runner.Start());
  log::Info("ready");
  runner.SetServing(true);
  runner.WaitForTermination();
  return EXIT_SUCCESS;
}
