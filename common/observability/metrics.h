// Prometheus metrics: counters and histograms with labels, rendered in the text
// exposition format (version 0.0.4), and a tiny HTTP server that serves them.
#ifndef CERCLES_COMMON_OBSERVABILITY_METRICS_H_
#define CERCLES_COMMON_OBSERVABILITY_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace cercles::observability {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(double by = 1);
  double value() const;

 private:
  std::atomic<int64_t> milli_{0};  // fixed point: exact for whole increments
};

class Gauge {
 public:
  void Set(double v);
  void Add(double by);  // exact for whole numbers up to 2^53
  double value() const;

 private:
  std::atomic<double> value_{0};  // a ratio keeps its precision
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Cumulative counts per bound, plus +Inf last; sum; count.
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> buckets_ ABSL_GUARDED_BY(mu_);  // non-cumulative, size bounds+1
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// Default latency buckets in seconds: 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();
// For calls that take well under a millisecond (Redis on the local network):
// 50 us .. 1 s.
std::vector<double> FastLatencyBuckets();

// Owns every metric of a process. Families are created on first use; the same
// name with the same labels returns the same object (pointers stay valid for the
// registry's lifetime). Thread-safe.
class Registry {
 public:
  // Out of line: Family is only complete in metrics.cc.
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter* GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const Labels& labels = {},
                          std::vector<double> upper_bounds = LatencyBuckets());
  // A callback evaluated at render time (e.g. resident memory), as a gauge.
  void AddCallbackGauge(const std::string& name, const std::string& help,
                        std::function<double()> fn);
  // The same for a total that only grows and is kept elsewhere (e.g. the CPU
  // time the kernel counts), exported as a counter.
  void AddCallbackCounter(const std::string& name, const std::string& help,
                          std::function<double()> fn);

  // Prometheus text exposition of everything, families sorted by name.
  std::string Render() const;

 private:
  struct Family;
  Family& FamilyFor(const std::string& name, const std::string& help, const char* type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddCallback(const std::string& name, const std::string& help, const char* type,
                   std::function<double()> fn) ABSL_LOCKS_EXCLUDED(mu_);
  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
};

// Serves GET /metrics (the registry) and GET /healthz over plain HTTP/1.1 on its
// own thread. /healthz follows the process's gRPC health: 200 "ok" while it
// serves, 503 "not serving" before it is ready and while it drains (for load
// balancers and scripts that speak HTTP; the kubelet uses the gRPC probe).
// Anything else is 404. One request per connection.
class MetricsHttpServer {
 public:
  explicit MetricsHttpServer(const Registry* registry) : registry_(registry) {}
  ~MetricsHttpServer();
  // host:port, e.g. "127.0.0.1:9090"; port 0 picks a free one (see port()).
  absl::Status Start(const std::string& address);
  void Stop();
  int port() const { return port_; }
  // What /healthz answers (not serving until set).
  void SetServing(bool serving) { serving_.store(serving); }

 private:
  void Loop();
  const Registry* registry_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> serving_{false};
  std::thread thread_;
};

}  // namespace cercles::observability

#endif  // CERCLES_COMMON_OBSERVABILITY_METRICS_H_
