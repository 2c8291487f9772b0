// A TCP relay on 127.0.0.1 that holds back the first bytes the server sends on
// each connection: a slow link or a busy server, as a client sees it (its TLS
// handshake and the server's first HTTP/2 SETTINGS frame arrive late).
#ifndef CERCLES_TESTS_SUPPORT_SLOW_RELAY_H_
#define CERCLES_TESTS_SUPPORT_SLOW_RELAY_H_

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace cercles::testing {

class SlowRelay {
 public:
  // Listens on a free port of 127.0.0.1 and relays each connection to
  // 127.0.0.1:target_port, delaying the server's first bytes by `delay`.
  SlowRelay(int target_port, absl::Duration delay);
  ~SlowRelay();
  SlowRelay(const SlowRelay&) = delete;
  SlowRelay& operator=(const SlowRelay&) = delete;

  int port() const { return port_; }

 private:
  void AcceptLoop();
  void Pump(int from, int to, absl::Duration first_delay);

  const int target_port_;
  const absl::Duration delay_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> sockets_;        // guarded by mu_
  std::vector<std::thread> pumps_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_SLOW_RELAY_H_
