// ServerRunner's drain on SIGTERM: NOT_SERVING, wait for the calls to stop
// arriving, refuse what never started, then close the door (apart from the
// runner's setup in server.cc).
#include <signal.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/handler_pool.h"
#include "common/server/server.h"
#include "common/util/log.h"

namespace cercles::server {

void ServerRunner::WaitForCallsToStop(absl::Time not_serving_since) const {
  // Clients that watch health (MakeChannel's, where they know several
  // replicas) stop sending here once they hear NOT_SERVING; the door is closed after calls have
  // stopped arriving for kQuiet, or at a quarter of the grace (at most 2 s) for
  // clients that keep calling. Why: gRPC answers a call that reaches a server
  // already shut down, but was sent before the client heard its GOAWAY,
  // CANCELLED rather than UNAVAILABLE (grpc/grpc#41785), and a client must not
  // retry CANCELLED.
  constexpr absl::Duration kQuiet = absl::Milliseconds(100);
  const absl::Time until =
      not_serving_since + std::min(options_.shutdown_grace / 4, absl::Seconds(2));
  while (true) {
    const absl::Time now = absl::Now();
    const absl::Time last_call = handlers_ != nullptr
                                     ? std::max(handlers_->last_submitted(), not_serving_since)
                                     : not_serving_since;
    if (now - last_call >= kQuiet || now >= until) return;
    absl::SleepFor(std::min(kQuiet - (now - last_call), until - now));
  }
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
  const absl::Time started = absl::Now();
  const absl::Time deadline = started + options_.shutdown_grace;
  SetHealth(false);
  if (before_shutdown) before_shutdown();
  WaitForCallsToStop(started);
  // Calls accepted but still waiting for a handler thread shortly before the
  // deadline are answered UNAVAILABLE (retried, on another replica) rather
  // than cancelled at the deadline. The margin lets that answer leave first.
  absl::Notification drained;
  std::thread refuser([&] {
    const absl::Duration margin = std::min(options_.shutdown_grace / 4, absl::Seconds(1));
    if (drained.WaitForNotificationWithDeadline(deadline - margin)) return;
    if (const int refused = handlers_ != nullptr ? handlers_->RefuseQueued() : 0; refused > 0) {
      log::Warning("calls refused while draining", {{"calls", static_cast<int64_t>(refused)}});
    }
  });
  StopServers(absl::ToChronoTime(deadline));
  drained.Notify();
  refuser.join();
  handlers_.reset();  // every call has been answered
  if (metrics_server_ != nullptr) metrics_server_->Stop();
  log::Info("stopped");
}

}  // namespace cercles::server
