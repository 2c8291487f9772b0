#ifndef CERCLES_TOOLS_CERCLESCTL_INTERRUPT_H_
#define CERCLES_TOOLS_CERCLESCTL_INTERRUPT_H_

#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <thread>

namespace cercles::cerclesctl {

// While alive, Ctrl-C (SIGINT) and SIGTERM cancel `call` instead of killing the
// process, so a stream ends through its normal path. The handler only sets a
// flag; a small thread turns the flag into TryCancel(), which is not
// async-signal-safe.
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(grpc::ClientContext* call);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  bool interrupted() const;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_INTERRUPT_H_
