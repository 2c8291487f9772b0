#include "common/observability/metrics.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cercles::observability {
namespace {

// Fixed point keeps Increment lock-free and exact for whole numbers; three
// decimals is plenty for the fractional values we export (seconds, ratios).
int64_t ToMilli(double v) {
  if (!std::isfinite(v)) return 0;
  return static_cast<int64_t>(std::llround(v * 1000.0));
}

double FromMilli(int64_t milli) { return static_cast<double>(milli) / 1000.0; }

// Shortest text that parses back to the same double, so 0.1 prints as "0.1" rather
// than "0.10000000000000001", and whole values print as integers.
std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// HELP text escapes backslash and newline only (quotes are legal there).
std::string EscapeHelp(absl::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The canonical form is also the rendered form (without braces): labels sorted by
// name so that {a,b} and {b,a} are the same series.
std::string CanonicalLabels(Labels labels) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    absl::StrAppend(&out, name, "=\"", EscapeLabelValue(value), "\"");
  }
  return out;
}

std::string SeriesName(absl::string_view name, absl::string_view labels) {
  if (labels.empty()) return std::string(name);
  return absl::StrCat(name, "{", labels, "}");
}

}  // namespace

void Counter::Increment(double by) {
  // Counters only go up; a negative increment would break rate() downstream.
  if (!(by > 0)) return;
  milli_.fetch_add(ToMilli(by), std::memory_order_relaxed);
}

double Counter::value() const { return FromMilli(milli_.load(std::memory_order_relaxed)); }

void Gauge::Set(double v) { value_.store(v, std::memory_order_relaxed); }

void Gauge::Add(double by) {
  double seen = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(seen, seen + by, std::memory_order_relaxed)) {
  }
}

double Gauge::value() const { return value_.load(std::memory_order_relaxed); }

namespace {
// Bounds must be strictly increasing and finite: +Inf is implicit.
std::vector<double> NormalizeBounds(std::vector<double> bounds) {
  bounds.erase(
      std::remove_if(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); }),
      bounds.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}
}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(NormalizeBounds(std::move(upper_bounds))), buckets_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;  // would poison _sum forever
  // Prometheus buckets are "less than or equal": the first bound >= value.
  const size_t index = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  absl::MutexLock lock(&mu_);
  ++buckets_[index];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  absl::MutexLock lock(&mu_);
  s.cumulative.reserve(buckets_.size());
  uint64_t running = 0;
  for (uint64_t b : buckets_) {
    running += b;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> FastLatencyBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1};
}

struct Registry::Family {
  std::string type;  // "counter", "gauge" or "histogram"
  std::string help;
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };
  std::map<std::string, Series> series;  // keyed by canonical labels
  // Handed out when a caller asks for this name with another type: the caller gets
  // a working object (no crash, no null check needed) that is simply never exported.
  std::vector<std::unique_ptr<Counter>> orphan_counters;
  std::vector<std::unique_ptr<Gauge>> orphan_gauges;
  std::vector<std::unique_ptr<Histogram>> orphan_histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::FamilyFor(const std::string& name, const std::string& help,
                                      const char* type) {
  auto& slot = families_[name];
  if (slot == nullptr) {
    slot = std::make_unique<Family>();
    slot->type = type;
    slot->help = help;
  }
  return *slot;
}

namespace {
void ReportTypeClash(const std::string& name, const std::string& existing, const char* requested) {
  std::fprintf(stderr, "metrics: %s is a %s, not a %s; the new metric will not be exported\n",
               name.c_str(), existing.c_str(), requested);
}
}  // namespace

Counter* Registry::GetCounter(const std::string& name, const std::string& help,
                              const Labels& labels) {
  absl::MutexLock lock(&mu_);
  Family& family = FamilyFor(name, help, "counter");
  if (family.type != "counter") {
    ReportTypeClash(name, family.type, "counter");
    family.orphan_counters.push_back(std::make_unique<Counter>());
    return family.orphan_counters.back().get();
  }
  auto& series = family.series[CanonicalLabels(labels)];
  if (series.counter == nullptr) series.counter = std::make_unique<Counter>();
  return series.counter.get();
}

Gauge* Registry::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  absl::MutexLock lock(&mu_);
  Family& family = FamilyFor(name, help, "gauge");
  if (family.type != "gauge") {
    ReportTypeClash(name, family.type, "gauge");
    family.orphan_gauges.push_back(std::make_unique<Gauge>());
    return family.orphan_gauges.back().get();
  }
  auto& series = family.series[CanonicalLabels(labels)];
  if (series.gauge == nullptr) series.gauge = std::make_unique<Gauge>();
  return series.gauge.get();
}

Histogram* Registry::GetHistogram(const std::string& name, const std::string& help,
                                  const Labels& labels, std::vector<double> upper_bounds) {
  absl::MutexLock lock(&mu_);
  Family& family = FamilyFor(name, help, "histogram");
  if (family.type != "histogram") {
    ReportTypeClash(name, family.type, "histogram");
    family.orphan_histograms.push_back(std::make_unique<Histogram>(std::move(upper_bounds)));
    return family.orphan_histograms.back().get();
  }
  auto& series = family.series[CanonicalLabels(labels)];
  if (series.histogram == nullptr) {
    series.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  }
  return series.histogram.get();
}

void Registry::AddCallback(const std::string& name, const std::string& help, const char* type,
                           std::function<double()> fn) {
  absl::MutexLock lock(&mu_);
  Family& family = FamilyFor(name, help, type);
  if (family.type != type) {
    ReportTypeClash(name, family.type, type);
    return;
  }
  // Registering again replaces the callback: the newest owner knows best.
  family.series[""].callback = std::move(fn);
}

void Registry::AddCallbackGauge(const std::string& name, const std::string& help,
                                std::function<double()> fn) {
  AddCallback(name, help, "gauge", std::move(fn));
}

void Registry::AddCallbackCounter(const std::string& name, const std::string& help,
                                  std::function<double()> fn) {
  AddCallback(name, help, "counter", std::move(fn));
}

std::string Registry::Render() const {
  // Copy what is needed under the lock, then render without it: callbacks may be
  // slow (they read /proc) or even touch the registry themselves. Metric objects
  // are never destroyed before the registry, so the raw pointers stay valid.
  struct SeriesView {
    std::string labels;
    const Counter* counter;
    const Gauge* gauge;
    const Histogram* histogram;
    std::function<double()> callback;
  };
  struct FamilyView {
    std::string name;
    std::string type;
    std::string help;
    std::vector<SeriesView> series;
  };
  std::vector<FamilyView> families;
  {
    absl::MutexLock lock(&mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      if (family->series.empty()) continue;
      FamilyView view{name, family->type, family->help, {}};
      for (const auto& [labels, s] : family->series) {
        view.series.push_back(
            {labels, s.counter.get(), s.gauge.get(), s.histogram.get(), s.callback});
      }
      families.push_back(std::move(view));
    }
  }

  std::string out;
  for (const FamilyView& family : families) {
    absl::StrAppend(&out, "# HELP ", family.name, " ", EscapeHelp(family.help), "\n");
    absl::StrAppend(&out, "# TYPE ", family.name, " ", family.type, "\n");
    for (const SeriesView& s : family.series) {
      if (s.histogram != nullptr) {
        const Histogram::Snapshot snap = s.histogram->snapshot();
        const std::string prefix = s.labels.empty() ? "" : absl::StrCat(s.labels, ",");
        for (size_t i = 0; i < snap.cumulative.size(); ++i) {
          const std::string le = i < snap.upper_bounds.size() ? FormatNumber(snap.upper_bounds[i])
                                                              : std::string("+Inf");
          absl::StrAppend(&out, family.name, "_bucket{", prefix, "le=\"", le, "\"} ",
                          snap.cumulative[i], "\n");
        }
        absl::StrAppend(&out, SeriesName(family.name + "_sum", s.labels), " ",
                        FormatNumber(snap.sum), "\n");
        absl::StrAppend(&out, SeriesName(family.name + "_count", s.labels), " ", snap.count, "\n");
        continue;
      }
      double value = 0;
      if (s.callback) {
        value = s.callback();
      } else if (s.counter != nullptr) {
        value = s.counter->value();
      } else if (s.gauge != nullptr) {
        value = s.gauge->value();
      }
      absl::StrAppend(&out, SeriesName(family.name, s.labels), " ", FormatNumber(value), "\n");
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// MetricsHttpServer

namespace {

constexpr int kAcceptPollMs = 200;  // bounds how long Stop() waits for the loop
constexpr auto kRequestReadBudget = std::chrono::milliseconds(1000);
constexpr size_t kMaxRequestBytes = 8192;

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads until the end of the request headers: closing a socket with unread input
// makes the kernel send RST, which can destroy the response before the client
// reads it. A slow or silent client gets a bounded budget, then is dropped.
std::string ReadRequestHead(int fd) {
  std::string request;
  const auto deadline = std::chrono::steady_clock::now() + kRequestReadBudget;
  char buf[1024];
  while (request.size() < kMaxRequestBytes && request.find("\r\n\r\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    request.append(buf, static_cast<size_t>(n));
  }
  return request;
}

std::string HttpResponse(absl::string_view status, absl::string_view content_type,
                         absl::string_view body) {
  return absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
}

}  // namespace

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

absl::Status MetricsHttpServer::Start(const std::string& address) {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("metrics server already started");
  }
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address must be host:port, got \"", address, "\""));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // "[::1]:9090"
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  const std::string port_text = std::to_string(port);
  const int gai =
      ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &result);
  if (gai != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address ", address, ": ", ::gai_strerror(gai)));
  }

  int fd = -1;
  std::string last_error = "no usable address";
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 16) == 0) break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(result);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("metrics server cannot listen on ", address, ": ", last_error));
  }

  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    return absl::InternalError(absl::StrCat("metrics server on ", address, ": ", error));
  }
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  stopping_.store(false);
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void MetricsHttpServer::Stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

void MetricsHttpServer::Loop() {
  while (!stopping_.load()) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, kAcceptPollMs);
    if (ready <= 0) continue;  // timeout or EINTR: re-check stopping_
    const int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    // A client that stops reading must not wedge the only serving thread.
    const timeval send_timeout{1, 0};
    ::setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));

    const std::string request = ReadRequestHead(conn);
    const size_t line_end = request.find("\r\n");
    const std::string line = request.substr(0, line_end);
    // "GET /metrics HTTP/1.1": method, target, version separated by single spaces.
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
    std::string method;
    std::string path;
    if (sp1 != std::string::npos) {
      method = line.substr(0, sp1);
      path = line.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
      path = path.substr(0, path.find('?'));  // scrapers may add ?name[]=...
    }

    std::string response;
    if (method == "GET" && path == "/metrics") {
      response = HttpResponse("200 OK", "text/plain; version=0.0.4",
                              registry_ != nullptr ? registry_->Render() : "");
    } else if (method == "GET" && path == "/healthz") {
      response = serving_.load()
                     ? HttpResponse("200 OK", "text/plain", "ok")
                     : HttpResponse("503 Service Unavailable", "text/plain", "not serving");
    } else {
      response = HttpResponse("404 Not Found", "text/plain; charset=utf-8", "not found");
    }
    SendAll(conn, response);
    ::close(conn);
  }
}

}  // namespace cercles::observability
