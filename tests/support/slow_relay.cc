#include "tests/support/slow_relay.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "tests/support/process.h"

namespace cercles::testing {

SlowRelay::SlowRelay(int target_port, absl::Duration delay)
    : target_port_(target_port), delay_(delay) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = LoopbackAddress(0);
  socklen_t size = sizeof(addr);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    return;  // port() stays 0: the caller's connection fails and says so
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

SlowRelay::~SlowRelay() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);  // wakes the pumps
    pumps.swap(pumps_);
  }
  for (std::thread& pump : pumps) pump.join();
  for (int fd : sockets_) ::close(fd);
  if (listener_ >= 0) ::close(listener_);
}

void SlowRelay::AcceptLoop() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (::poll(&ready, 1, 20) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = LoopbackAddress(target_port_);
    if (server < 0 ||
        ::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
      ::close(client);
      if (server >= 0) ::close(server);
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    sockets_.push_back(client);
    sockets_.push_back(server);
    pumps_.emplace_back([this, client, server] { Pump(client, server, absl::ZeroDuration()); });
    pumps_.emplace_back([this, client, server] { Pump(server, client, delay_); });
  }
}

void SlowRelay::Pump(int from, int to, absl::Duration first_delay) {
  char buffer[16384];
  bool first = true;
  while (true) {
    const ssize_t got = ::read(from, buffer, sizeof(buffer));
    if (got <= 0) break;
    if (first) {
      absl::SleepFor(first_delay);
      first = false;
    }
    for (ssize_t sent = 0; sent < got;) {
      const ssize_t n = ::send(to, buffer + sent, static_cast<size_t>(got - sent), MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += n;
    }
  }
  ::shutdown(to, SHUT_WR);  // the other side sees the end too
}

}  // namespace cercles::testing
