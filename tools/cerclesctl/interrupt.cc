#include "tools/cerclesctl/interrupt.h"

#include <chrono>

namespace cercles::cerclesctl {
namespace {

volatile sig_atomic_t g_interrupted = 0;

void OnSignal(int) { g_interrupted = 1; }

}  // namespace

CancelOnInterrupt::CancelOnInterrupt(grpc::ClientContext* call) {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  watcher_ = std::thread([this, call] {
    while (!done_.load()) {
      if (g_interrupted) {
        call->TryCancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

CancelOnInterrupt::~CancelOnInterrupt() {
  done_.store(true);
  watcher_.join();
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool CancelOnInterrupt::interrupted() const { return g_interrupted != 0; }

}  // namespace cercles::cerclesctl
