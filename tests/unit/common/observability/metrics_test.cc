#include "common/observability/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/observability/process_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::observability {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CounterTest, WholeAndFractionalIncrements) {
  Counter c;
  c.Increment();
  c.Increment(2);
  c.Increment(0.25);
  EXPECT_DOUBLE_EQ(c.value(), 3.25);
  c.Increment(-5);  // counters never go down
  EXPECT_DOUBLE_EQ(c.value(), 3.25);
}

TEST(GaugeTest, SetAndAdd) {
  Gauge g;
  g.Set(10);
  g.Add(-2.5);
  EXPECT_DOUBLE_EQ(g.value(), 7.5);
}

TEST(GaugeTest, KeepsARatiosPrecisionAndRendersIt) {
  Registry r;
  Gauge* g = r.GetGauge("share_ratio", "A share.");
  g->Set(6071 / 10000.0);  // 60.71 %: a milli fixed point would say 0.607
  EXPECT_DOUBLE_EQ(g->value(), 0.6071);
  EXPECT_NE(r.Render().find("\nshare_ratio 0.6071\n"), std::string::npos) << r.Render();
}

TEST(GaugeTest, ConcurrentAddsAreNotLost) {
  Gauge g;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&g] {
      for (int i = 0; i < 10000; ++i) g.Add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(g.value(), 40000);
}

TEST(CounterTest, ConcurrentIncrementsAreNotLost) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.Increment();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.value(), 40000);
}

TEST(HistogramTest, SnapshotIsCumulativeWithInf) {
  Histogram h({1, 0.5, 2});  // unsorted on purpose
  h.Observe(0.5);            // le is inclusive
  h.Observe(0.7);
  h.Observe(3);
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.upper_bounds, (std::vector<double>{0.5, 1, 2}));
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 2, 2, 3}));
  EXPECT_DOUBLE_EQ(s.sum, 4.2);
  EXPECT_EQ(s.count, 3u);
}

TEST(RegistryTest, SameNameAndLabelsIsSameObject) {
  Registry r;
  Counter* a = r.GetCounter("x_total", "help", {{"a", "1"}, {"b", "2"}});
  Counter* b = r.GetCounter("x_total", "help", {{"b", "2"}, {"a", "1"}});
  Counter* c = r.GetCounter("x_total", "help", {{"a", "2"}, {"b", "2"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(RegistryTest, RendersCounterWithLabelsExactly) {
  Registry r;
  r.GetCounter("http_requests_total", "Requests served.", {{"method", "GET"}, {"code", "200"}})
      ->Increment(3);
  r.GetCounter("http_requests_total", "Requests served.", {{"method", "POST"}, {"code", "500"}})
      ->Increment();
  r.GetGauge("a_gauge", "Comes first.")->Set(1.5);
  EXPECT_EQ(r.Render(),
            "# HELP a_gauge Comes first.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge 1.5\n"
            "# HELP http_requests_total Requests served.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"200\",method=\"GET\"} 3\n"
            "http_requests_total{code=\"500\",method=\"POST\"} 1\n");
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry r;
  r.GetCounter("esc_total", "Back\\slash and\nnewline \"quoted\".",
               {{"path", "C:\\dir\\\"x\"\nend"}})
      ->Increment();
  EXPECT_EQ(r.Render(),
            "# HELP esc_total Back\\\\slash and\\nnewline \"quoted\".\n"
            "# TYPE esc_total counter\n"
            "esc_total{path=\"C:\\\\dir\\\\\\\"x\\\"\\nend\"} 1\n");
}

TEST(RegistryTest, RendersHistogramBucketsSumAndCount) {
  Registry r;
  Histogram* h = r.GetHistogram("rpc_seconds", "RPC latency.", {{"rpc", "Get"}}, {0.1, 0.5, 1});
  h->Observe(0.05);
  h->Observe(0.1);
  h->Observe(0.3);
  h->Observe(7);
  EXPECT_EQ(r.Render(),
            "# HELP rpc_seconds RPC latency.\n"
            "# TYPE rpc_seconds histogram\n"
            "rpc_seconds_bucket{rpc=\"Get\",le=\"0.1\"} 2\n"
            "rpc_seconds_bucket{rpc=\"Get\",le=\"0.5\"} 3\n"
            "rpc_seconds_bucket{rpc=\"Get\",le=\"1\"} 3\n"
            "rpc_seconds_bucket{rpc=\"Get\",le=\"+Inf\"} 4\n"
            "rpc_seconds_sum{rpc=\"Get\"} 7.45\n"
            "rpc_seconds_count{rpc=\"Get\"} 4\n");
}

TEST(RegistryTest, HistogramWithoutLabels) {
  Registry r;
  r.GetHistogram("h", "H.", {}, {1})->Observe(2);
  EXPECT_EQ(r.Render(),
            "# HELP h H.\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\n"
            "h_bucket{le=\"+Inf\"} 1\n"
            "h_sum 2\n"
            "h_count 1\n");
}

TEST(RegistryTest, DefaultLatencyBucketsSpanHalfMillisecondToTenSeconds) {
  const std::vector<double> b = LatencyBuckets();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 10);
  Registry r;
  r.GetHistogram("lat_seconds", "L.")->Observe(0.0007);
  EXPECT_THAT(r.Render(), HasSubstr("lat_seconds_bucket{le=\"0.0005\"} 0\n"
                                    "lat_seconds_bucket{le=\"0.001\"} 1\n"));
}

TEST(RegistryTest, TypeClashReturnsWorkingUnexportedMetric) {
  Registry r;
  r.GetCounter("clash", "A counter.")->Increment(2);
  Gauge* g = r.GetGauge("clash", "Now a gauge?");
  ASSERT_NE(g, nullptr);
  g->Set(5);
  Histogram* h = r.GetHistogram("clash", "Or a histogram?");
  ASSERT_NE(h, nullptr);
  h->Observe(1);
  r.AddCallbackGauge("clash", "Or a callback?", [] { return 9.0; });
  EXPECT_EQ(r.Render(),
            "# HELP clash A counter.\n"
            "# TYPE clash counter\n"
            "clash 2\n");
}

TEST(RegistryTest, CallbackGaugeIsEvaluatedAtRenderTime) {
  Registry r;
  double v = 1;
  r.AddCallbackGauge("cb", "Callback.", [&v] { return v; });
  EXPECT_THAT(r.Render(), HasSubstr("\ncb 1\n"));
  v = 0.125;
  EXPECT_THAT(r.Render(), HasSubstr("\ncb 0.125\n"));
}

// The value of an unlabelled series in a rendered page (-1 when absent).
double value_of_text(const std::string& text, const std::string& name) {
  const size_t pos = text.find("\n" + name + " ");
  if (pos == std::string::npos) return -1.0;
  const size_t start = pos + name.size() + 2;
  double v = -1;
  if (!absl::SimpleAtod(text.substr(start, text.find('\n', start) - start), &v)) return -1.0;
  return v;
}

TEST(RegistryTest, ProcessMetrics) {
  Registry r;
  RegisterProcessMetrics(&r);
  const std::string text = r.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE process_resident_memory_bytes gauge\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE process_start_time_seconds gauge\n"));

  auto value_of = [&text](const std::string& name) {
    const size_t pos = text.find("\n" + name + " ");
    EXPECT_NE(pos, std::string::npos) << name;
    if (pos == std::string::npos) return -1.0;
    const size_t start = pos + name.size() + 2;
    double v = -1;
    EXPECT_TRUE(absl::SimpleAtod(text.substr(start, text.find('\n', start) - start), &v));
    return v;
  };
  EXPECT_GT(value_of("process_resident_memory_bytes"), 1024 * 1024);
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  const double start = value_of("process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);  // this test binary did not start yesterday

  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  // Burn a little CPU: the counter moves with it.
  const double cpu = value_of("process_cpu_seconds_total");
  EXPECT_GE(cpu, 0);
  volatile uint64_t sink = 0;
  for (const absl::Time until = absl::Now() + absl::Milliseconds(50); absl::Now() < until;) ++sink;
  EXPECT_GT(value_of_text(r.Render(), "process_cpu_seconds_total"), cpu);
  // stdin, stdout and stderr at least, below the limit.
  const double fds = value_of("process_open_fds");
  EXPECT_GE(fds, 3);
  EXPECT_GT(value_of("process_max_fds"), fds);
  EXPECT_GE(value_of("process_threads"), 1);
  EXPECT_GT(value_of("process_virtual_memory_bytes"), value_of("process_resident_memory_bytes"));
}

TEST(RegistryTest, FastLatencyBucketsStartAtFiftyMicroseconds) {
  const std::vector<double> b = FastLatencyBuckets();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.00005);
  EXPECT_DOUBLE_EQ(b.back(), 1);
  Registry r;
  r.GetHistogram("redis_seconds", "R.", {}, FastLatencyBuckets())->Observe(0.00012);
  EXPECT_THAT(r.Render(), HasSubstr("redis_seconds_bucket{le=\"0.0001\"} 0\n"
                                    "redis_seconds_bucket{le=\"0.00025\"} 1\n"));
}

// --- MetricsHttpServer over a real socket ---

std::string HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, n);
    }
  }
  ::close(fd);
  return response;
}

TEST(MetricsHttpServerTest, ServesMetricsHealthzAnd404) {
  Registry registry;
  registry.GetCounter("served_total", "Served.", {{"k", "v"}})->Increment(7);
  MetricsHttpServer server(&registry);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  ASSERT_GT(server.port(), 0);

  const std::string metrics = HttpGet(server.port(), "/metrics");
  EXPECT_THAT(metrics, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(metrics, HasSubstr("Content-Type: text/plain; version=0.0.4\r\n"));
  const std::string body = registry.Render();
  EXPECT_THAT(metrics, HasSubstr(absl::StrCat("Content-Length: ", body.size(), "\r\n")));
  EXPECT_TRUE(absl::EndsWith(metrics, "\r\n\r\n" + body)) << metrics;
  EXPECT_THAT(body, HasSubstr("served_total{k=\"v\"} 7\n"));

  // /healthz follows the gRPC health: not serving until told, then ok, then
  // not serving again while draining.
  std::string health = HttpGet(server.port(), "/healthz");
  EXPECT_THAT(health, StartsWith("HTTP/1.1 503 Service Unavailable\r\n"));
  EXPECT_TRUE(absl::EndsWith(health, "\r\n\r\nnot serving")) << health;
  server.SetServing(true);
  health = HttpGet(server.port(), "/healthz");
  EXPECT_THAT(health, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(absl::EndsWith(health, "\r\n\r\nok")) << health;
  server.SetServing(false);
  EXPECT_THAT(HttpGet(server.port(), "/healthz"), StartsWith("HTTP/1.1 503 "));

  EXPECT_THAT(HttpGet(server.port(), "/nope"), StartsWith("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_THAT(HttpGet(server.port(), "/metricsx"), StartsWith("HTTP/1.1 404 Not Found\r\n"));

  const absl::Time before = absl::Now();
  server.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(2));  // poll timeout, not a hang
}

TEST(MetricsHttpServerTest, AddressInUseIsAnErrorNamingTheAddress) {
  Registry registry;
  MetricsHttpServer first(&registry);
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  MetricsHttpServer second(&registry);
  const std::string address = absl::StrCat("127.0.0.1:", first.port());
  const absl::Status status = second.Start(address);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(status.message()), HasSubstr(address));
}

TEST(MetricsHttpServerTest, MalformedAddressIsRejected) {
  Registry registry;
  MetricsHttpServer server(&registry);
  EXPECT_THAT(server.Start("no-port-here"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(server.Start("127.0.0.1:99999"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MetricsHttpServerTest, StopWithoutStartAndTwice) {
  Registry registry;
  MetricsHttpServer server(&registry);
  server.Stop();
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  server.Stop();
  server.Stop();
}

}  // namespace
}  // namespace cercles::observability
