// `cerclesctl health`: the standard gRPC health service, which every Cercles
// server runs; scripts use --wait to block until a server is up.

#include <grpcpp/client_context.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/health_check.h"

namespace cercles::cerclesctl {
namespace {

constexpr absl::Duration kRetryPause = absl::Milliseconds(250);

int Health(CommandContext& ctx) {
  absl::Duration wait = absl::ZeroDuration();
  if (ctx.args().Has("wait") &&
      (!absl::ParseDuration(ctx.args().Value("wait"), &wait) || wait < absl::ZeroDuration())) {
    return ctx.UsageError(absl::StrCat("--wait must be a duration such as 30s, not \"",
                                       ctx.args().Value("wait"), "\""));
  }
  auto channel = ctx.Channel();
  if (!channel.ok()) return ctx.Fail(channel.status());

  const absl::Time give_up = absl::Now() + wait;
  while (true) {
    // Each attempt gets --timeout, but never past the end of --wait.
    const absl::Duration remaining = give_up - absl::Now();
    grpc::ClientContext call;
    ctx.PrepareCall(&call, /*with_deadline=*/false);
    const absl::Duration timeout =
        wait > absl::ZeroDuration()
            ? std::max(std::min(ctx.global().timeout, remaining), absl::Milliseconds(100))
            : ctx.global().timeout;
    call.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    auto status = CheckHealth(*channel, &call, ctx.args().Value("service"));

    const bool serving = status.ok() && *status == ServingStatus::kServing;
    // Only a server that is not up yet is worth waiting for; a refused token
    // or a missing health service will not change by retrying.
    const bool may_come_up = status.ok() || absl::IsUnavailable(status.status()) ||
                             absl::IsDeadlineExceeded(status.status());
    if (serving || !may_come_up || absl::Now() + kRetryPause >= give_up) {
      if (!status.ok()) return ctx.Fail(status.status());
      if (ctx.json()) {
        ctx.out() << "{\"status\":\"" << ServingStatusName(*status) << "\"}\n";
      } else {
        ctx.out() << ServingStatusName(*status, ctx.lang()) << '\n';
      }
      return serving ? kExitOk : kExitFailure;
    }
    absl::SleepFor(kRetryPause);
  }
}

}  // namespace

std::vector<Verb> HealthVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"health"},
       "",
       {"Asks the server's gRPC health service; prints SERVING or NOT_SERVING, exits 0 only "
        "when SERVING.",
        "Interroge le service de santé gRPC du serveur ; affiche SERVING ou NOT_SERVING, code de "
        "sortie 0 seulement pour SERVING."},
       {{"wait",
         "DURATION",
         {"retry until SERVING or this much time has passed (e.g. 30s)",
          "réessayer jusqu'à SERVING ou jusqu'à ce que ce délai soit écoulé (p. ex. 30s)"}},
        {"service",
         "NAME",
         {"health of this service name (default \"\": the whole server)",
          "la santé de ce nom de service (par défaut \"\" : le serveur entier)"}}},
       0,
       0,
       Health});
  return verbs;
}

}  // namespace cercles::cerclesctl
