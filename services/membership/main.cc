// cercles-membership: wiring only. The logic lives in membership_lib.
#include "absl/flags/flag.h"
#include "common/service/context.h"
#include "common/service/process.h"
#include "common/util/log.h"
#include "services/membership/context.h"

ABSL_FLAG(bool, require_training, true,
          "A person joins a circle only after completing a training (false: the fund waives it)");

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  service::ServiceProcess process(argc, argv, "membership",
                                  "cercles-membership: people, trainings and circles of one fund",
                                  membership::MigrateMembership);
  service::ServiceRuntime runtime(process.db(), process.runner(), process.fund_id());
  membership::MembershipContext context{runtime.context(), {}};
  context.settings.require_training = absl::GetFlag(FLAGS_require_training);
  membership::MembershipServices services(context);
  services.RegisterWith(process.runner());
  const int exit_code = process.Run(
      [&]() -> absl::Status {
        log::Info("ready", {{"database", process.db().Describe()}, {"fund_id", process.fund_id()}});
        return absl::OkStatus();
      },
      [&] { runtime.Stop(); });
  runtime.LogStats();
  return exit_code;
}
