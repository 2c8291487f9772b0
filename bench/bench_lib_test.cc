// The load generator's parts alone: histogram arithmetic, request building,
// reports, and the loops against an in-process server. No timing is asserted.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "bench/latency_histogram.h"
#include "bench/load_generator.h"
#include "bench/report.h"
#include "bench/request_source.h"
#include "cercles/bench/v1/echo.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::bench {
namespace {

using ::testing::HasSubstr;

constexpr char kEcho[] = "/cercles.bench.v1.EchoService/Echo";

TEST(LatencyHistogramTest, BucketsTileTheRangeWithBoundedWidth) {
  for (int b = 0; b + 1 < LatencyHistogram::BucketCount(); ++b) {
    ASSERT_EQ(LatencyHistogram::BucketHighest(b) + 1, LatencyHistogram::BucketLowest(b + 1)) << b;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLowest(b)), b);
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketHighest(b)), b);
    const int64_t lowest = LatencyHistogram::BucketLowest(b);
    const int64_t width = LatencyHistogram::BucketHighest(b) - lowest + 1;
    if (lowest >= 256) {  // below, every value has its own bucket
      ASSERT_LE(static_cast<double>(width) / static_cast<double>(lowest), 1.0 / 128) << b;
    } else {
      ASSERT_EQ(width, 1) << b;
    }
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(INT64_MAX), LatencyHistogram::BucketCount() - 1);
  EXPECT_EQ(LatencyHistogram::BucketOf(-5), 0);
}

TEST(LatencyHistogramTest, QuantilesOfAUniformSpreadAreCloseToExact) {
  LatencyHistogram h;
  for (int64_t us = 1; us <= 10000; ++us) h.Record(us * 1000);
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_EQ(h.min(), 1000);
  EXPECT_EQ(h.max(), 10000000);
  EXPECT_NEAR(h.mean(), 5000.5 * 1000, 1);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = q * 10000 * 1000;
    EXPECT_NEAR(static_cast<double>(h.ValueAtQuantile(q)), exact, exact / 256) << q;
  }
  EXPECT_EQ(h.ValueAtQuantile(1.0), 10000000);
  EXPECT_EQ(h.ValueAtQuantile(0.0), 1000);
}

TEST(LatencyHistogramTest, MergeAddsAndEmptyIsZero) {
  LatencyHistogram a, b, empty;
  EXPECT_EQ(empty.ValueAtQuantile(0.5), 0);
  EXPECT_EQ(empty.mean(), 0);
  a.Record(100);
  b.Record(300);
  b.Record(200);
  a.Merge(b);
  a.Merge(empty);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 100);
  EXPECT_EQ(a.max(), 300);
  EXPECT_EQ(a.ValueAtQuantile(0.5), 200);
}

TEST(RequestSourceTest, SaysWhatIsWrongWithTheMethod) {
  EXPECT_THAT(std::string(RequestSource::Create("Echo", "{}").status().message()),
              HasSubstr("/package.Service/Method"));
  EXPECT_THAT(std::string(RequestSource::Create("/nope.v1.Nope/Echo", "{}").status().message()),
              HasSubstr("no service \"nope.v1.Nope\""));
  EXPECT_THAT(
      std::string(
          RequestSource::Create("/cercles.bench.v1.EchoService/Ech", "{}").status().message()),
      HasSubstr("it has: Echo"));
  EXPECT_THAT(std::string(RequestSource::Create(
                              "/cercles.membership.v1.MembershipService/WatchEvents", "{}")
                              .status()
                              .message()),
              HasSubstr("streaming"));
  EXPECT_THAT(std::string(RequestSource::Create(kEcho, "{\"mesage\":1}").status().message()),
              HasSubstr("cercles.bench.v1.EchoRequest"));
}

std::string EchoMessage(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  v1::EchoRequest request;
  EXPECT_TRUE(request.ParseFromString(bytes));
  return request.message();
}

TEST(RequestSourceTest, BuildsTheRequestOnceOrPerCounterValue) {
  auto plain = RequestSource::Create(kEcho, R"({"message":"hi"})");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->templated());
  EXPECT_EQ(EchoMessage(*plain->Request(7)), "hi");

  auto counted = RequestSource::Create(kEcho, R"({"message":"c-{{n}}-{{n}}"})", 10);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_TRUE(counted->templated());
  EXPECT_EQ(EchoMessage(*counted->Request(0)), "c-10-10");
  EXPECT_EQ(EchoMessage(*counted->Request(5)), "c-15-15");

  auto cycled = RequestSource::Create(kEcho, R"({"message":"circles/{{n}}"})", 1, 3);
  ASSERT_TRUE(cycled.ok()) << cycled.status();
  EXPECT_EQ(EchoMessage(*cycled->Request(0)), "circles/1");
  EXPECT_EQ(EchoMessage(*cycled->Request(2)), "circles/3");
  EXPECT_EQ(EchoMessage(*cycled->Request(3)), "circles/1");
}

TEST(RequestSourceTest, ModuloSpreadsDistinctCountersOverKResources) {
  auto spread = RequestSource::Create(kEcho, R"({"message":"r-{{n}} loans/{{n%3}}"})", 1);
  ASSERT_TRUE(spread.ok()) << spread.status();
  EXPECT_TRUE(spread->templated());
  EXPECT_EQ(EchoMessage(*spread->Request(0)), "r-1 loans/2");
  EXPECT_EQ(EchoMessage(*spread->Request(1)), "r-2 loans/3");
  EXPECT_EQ(EchoMessage(*spread->Request(2)), "r-3 loans/1");
  auto only_modulo = RequestSource::Create(kEcho, R"({"message":"{{n%2}}"})", 0);
  ASSERT_TRUE(only_modulo.ok()) << only_modulo.status();
  EXPECT_TRUE(only_modulo->templated());
  EXPECT_EQ(EchoMessage(*only_modulo->Request(1)), "2");
  for (const char* bad :
       {R"({"message":"{{n%0}}"})", R"({"message":"{{n%x}}"})", R"({"message":"{{n%5"})"}) {
    EXPECT_EQ(RequestSource::Create(kEcho, bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ReportTest, JsonIsOneLineWithCountsByCodeAndEscapedText) {
  RunDescription run;
  run.label = "a \"quoted\" label";
  run.method = kEcho;
  LoadResult result;
  result.calls = 3;
  result.ok = 1;
  result.errors["PERMISSION_DENIED"] = {2, "staff:x may not call"};
  result.latency.Record(2000000);
  result.seconds = 1;
  result.calls_per_second = 3;
  const std::string json = FormatJson(run, result);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_THAT(json, HasSubstr(R"("label":"a \"quoted\" label")"));
  EXPECT_THAT(json, HasSubstr(R"("calls":3,"ok":1,"errors":2)"));
  EXPECT_THAT(json, HasSubstr(R"("errors_by_code":{"PERMISSION_DENIED":2})"));
  EXPECT_THAT(json, HasSubstr(R"("p50_ms":2.)"));
  EXPECT_THAT(FormatTable(run, result), HasSubstr("PERMISSION_DENIED x2, first: staff:x may not"));
}

TEST(LoadOptionsTest, RefusesContradictions) {
  LoadOptions o;
  EXPECT_TRUE(ValidateLoadOptions(o).ok());
  o.mode = LoadMode::kOpen;
  o.calls = 10;
  EXPECT_THAT(std::string(ValidateLoadOptions(o).message()), HasSubstr("--calls"));
  o.calls = 0;
  o.rate = 0;
  EXPECT_THAT(std::string(ValidateLoadOptions(o).message()), HasSubstr("--rate"));
}

// An in-process echo that remembers what it was sent and refuses "deny".
class RecordingEcho final : public v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const v1::EchoRequest* request,
                    v1::EchoResponse* response) override {
    if (request->message() == "deny") return {grpc::StatusCode::PERMISSION_DENIED, "no"};
    absl::MutexLock lock(&mu_);
    seen_.insert(request->message());
    ++calls_;
    response->set_message(request->message());
    return grpc::Status::OK;
  }
  std::set<std::string> seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> seen_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class LoadGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&echo_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  RecordingEcho echo_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(LoadGeneratorTest, FixedCallsSendEveryCounterValueOnce) {
  auto source = RequestSource::Create(kEcho, R"({"message":"m{{n}}"})");
  ASSERT_TRUE(source.ok());
  LoadOptions options;
  options.concurrency = 8;
  options.calls = 100;
  options.polling_threads = 2;
  auto result = RunLoad(channel_, *source, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->calls, 100);
  EXPECT_EQ(result->ok, 100);
  EXPECT_EQ(result->latency.count(), 100u);
  EXPECT_EQ(echo_.calls(), 100);
  std::set<std::string> expected;
  for (int n = 1; n <= 100; ++n) expected.insert("m" + std::to_string(n));
  EXPECT_EQ(echo_.seen(), expected);
}

TEST_F(LoadGeneratorTest, ClosedAndOpenLoopsMeasureOnlyTheWindow) {
  auto source = RequestSource::Create(kEcho, R"({"message":"x"})");
  ASSERT_TRUE(source.ok());
  LoadOptions options;
  options.concurrency = 4;
  options.warmup = absl::Milliseconds(100);
  options.duration = absl::Milliseconds(300);
  auto closed = RunLoad(channel_, *source, options);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_GT(closed->calls, 0);
  EXPECT_EQ(closed->error_count(), 0);
  EXPECT_LE(closed->calls, echo_.calls());  // the warm-up's calls are not measured

  options.mode = LoadMode::kOpen;
  options.rate = 200;
  auto open = RunLoad(channel_, *source, options);
  ASSERT_TRUE(open.ok()) << open.status();
  // 60 calls are due in the window; the loop never sends more than scheduled.
  EXPECT_GT(open->calls + open->dropped, 0);
  EXPECT_LE(open->calls + open->dropped, 61);
  EXPECT_EQ(open->error_count(), 0);
}

TEST_F(LoadGeneratorTest, ErrorsAreCountedByCodeWithTheirMessage) {
  auto source = RequestSource::Create(kEcho, R"({"message":"deny"})");
  ASSERT_TRUE(source.ok());
  LoadOptions options;
  options.concurrency = 2;
  options.calls = 10;
  auto result = RunLoad(channel_, *source, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->error_count(), 10);
  EXPECT_EQ(result->errors["PERMISSION_DENIED"].count, 10);
  EXPECT_EQ(result->errors["PERMISSION_DENIED"].first_message, "no");
  EXPECT_EQ(result->latency.count(), 0u);
  EXPECT_EQ(result->calls_per_second, 0);  // refusals are not throughput
}

TEST(LoadGeneratorConnectTest, AnUnreachableTargetIsAnErrorNotARun) {
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  auto source = RequestSource::Create(kEcho, "{}");
  ASSERT_TRUE(source.ok());
  LoadOptions options;
  options.connect_timeout = absl::Milliseconds(300);
  auto result = RunLoad(channel, *source, options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("did not connect"));
}

}  // namespace
}  // namespace cercles::bench
