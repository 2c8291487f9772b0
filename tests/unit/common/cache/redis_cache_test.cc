#include "common/cache/redis_cache.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/observability/metrics.h"
#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"
#include "tests/support/status_matchers.h"

namespace cercles::cache {
namespace {

using ::cercles::testing::Process;
using ::cercles::testing::RedisServer;
using ::cercles::testing::StatusIs;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// ParseRedisUrl

TEST(ParseRedisUrlTest, AcceptedForms) {
  std::string error;
  auto a = ParseRedisUrl("redis://cache.internal:6380", &error);
  ASSERT_TRUE(a.has_value()) << error;
  EXPECT_EQ(a->host, "cache.internal");
  EXPECT_EQ(a->port, 6380);

  auto b = ParseRedisUrl("127.0.0.1:7000", &error);
  ASSERT_TRUE(b.has_value()) << error;
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 7000);

  auto c = ParseRedisUrl("redis://redis", &error);
  ASSERT_TRUE(c.has_value()) << error;
  EXPECT_EQ(c->host, "redis");
  EXPECT_EQ(c->port, 6379);

  auto d = ParseRedisUrl("redis://redis:6379/0", &error);
  ASSERT_TRUE(d.has_value()) << error;
  EXPECT_EQ(d->port, 6379);
}

TEST(ParseRedisUrlTest, RejectedFormsNameTheRule) {
  for (const std::string url :
       {"", "redis://", "redis://:6379", "host", "redis://host:0", "redis://host:65536",
        "redis://host:abc", "http://host:6379", "redis://host:6379/3", "redis://u:p@host:1"}) {
    std::string error;
    EXPECT_FALSE(ParseRedisUrl(url, &error).has_value()) << url;
    EXPECT_THAT(error, HasSubstr("redis://host[:port] or host:port")) << url;
  }
  EXPECT_FALSE(ParseRedisUrl("nope", nullptr).has_value());  // null error is allowed
}

// ---------------------------------------------------------------------------
// CircuitBreaker, on a fake clock

class CircuitBreakerTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::UnixEpoch()};
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailures) {
  CircuitBreaker b(3, absl::Milliseconds(1000), &clock_);
  EXPECT_TRUE(b.Allow());
  b.RecordFailure();
  b.RecordFailure();
  EXPECT_FALSE(b.is_open());
  EXPECT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_TRUE(b.is_open());
  EXPECT_FALSE(b.Allow());
  clock_.Advance(absl::Milliseconds(999));
  EXPECT_FALSE(b.Allow());
}

TEST_F(CircuitBreakerTest, SuccessResetsTheFailureCount) {
  CircuitBreaker b(2, absl::Milliseconds(1000), &clock_);
  b.RecordFailure();
  b.RecordSuccess();
  b.RecordFailure();
  EXPECT_FALSE(b.is_open());
  EXPECT_TRUE(b.Allow());
}

TEST_F(CircuitBreakerTest, ExactlyOneProbeAfterTheInterval) {
  CircuitBreaker b(1, absl::Milliseconds(1000), &clock_);
  b.RecordFailure();
  clock_.Advance(absl::Milliseconds(1000));
  EXPECT_FALSE(b.is_open());  // the next caller would be the probe
  EXPECT_TRUE(b.Allow());     // the probe
  EXPECT_TRUE(b.is_open());   // probe in flight: everyone else is refused
  EXPECT_FALSE(b.Allow());
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_FALSE(b.Allow());
}

TEST_F(CircuitBreakerTest, ProbeSuccessCloses) {
  CircuitBreaker b(2, absl::Milliseconds(100), &clock_);
  b.RecordFailure();
  b.RecordFailure();
  clock_.Advance(absl::Milliseconds(100));
  ASSERT_TRUE(b.Allow());
  b.RecordSuccess();
  EXPECT_FALSE(b.is_open());
  EXPECT_TRUE(b.Allow());
  EXPECT_TRUE(b.Allow());
}

TEST_F(CircuitBreakerTest, ProbeFailureReopensForAnotherInterval) {
  CircuitBreaker b(2, absl::Milliseconds(100), &clock_);
  b.RecordFailure();
  b.RecordFailure();
  clock_.Advance(absl::Milliseconds(150));
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_TRUE(b.is_open());
  clock_.Advance(absl::Milliseconds(99));
  EXPECT_FALSE(b.Allow());
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(b.Allow());  // next probe
}

TEST_F(CircuitBreakerTest, LostProbeDoesNotLockOutForever) {
  CircuitBreaker b(1, absl::Milliseconds(100), &clock_);
  b.RecordFailure();
  clock_.Advance(absl::Milliseconds(100));
  ASSERT_TRUE(b.Allow());  // probe that never reports
  clock_.Advance(absl::Milliseconds(50));
  EXPECT_FALSE(b.Allow());
  clock_.Advance(absl::Milliseconds(50));
  EXPECT_TRUE(b.Allow());
}

TEST_F(CircuitBreakerTest, RealTimeAloneNeverClosesIt) {
  CircuitBreaker b(1, absl::Milliseconds(1), &clock_);
  b.RecordFailure();
  absl::SleepFor(absl::Milliseconds(20));  // the fake clock has not moved
  EXPECT_TRUE(b.is_open());
  EXPECT_FALSE(b.Allow());
}

// ---------------------------------------------------------------------------
// RedisCache against a real redis-server

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = std::move(*server);
    options_.host = "127.0.0.1";
    options_.port = redis_->port();
    options_.connect_timeout_ms = 100;
    options_.command_timeout_ms = 50;
    options_.failure_threshold = 3;
    options_.open_interval_ms = 300;
    cache_ = std::make_unique<RedisCache>(options_, &registry_, &clock_);
  }

  double Requests(const std::string& result) {
    return registry_.GetCounter("cercles_cache_requests_total", "", {{"result", result}})->value();
  }

  // Paces the breaker: a test moves it on instead of sleeping through the interval.
  FakeClock clock_{absl::UnixEpoch()};
  observability::Registry registry_;
  std::unique_ptr<RedisServer> redis_;
  RedisOptions options_;
  std::unique_ptr<RedisCache> cache_;
};

TEST_F(RedisCacheTest, SetThenGet) {
  EXPECT_EQ(cache_->Get("k"), std::nullopt);
  cache_->Set("k", "v1", milliseconds(10000));
  EXPECT_EQ(cache_->Get("k"), "v1");
  cache_->Set("k", "v2", milliseconds(10000));
  EXPECT_EQ(cache_->Get("k"), "v2");
  EXPECT_TRUE(cache_->Ping());
}

TEST_F(RedisCacheTest, TtlExpires) {
  cache_->Set("short", "lived", milliseconds(100));
  EXPECT_EQ(cache_->Get("short"), "lived");
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(cache_->Get("short"), std::nullopt);
}

TEST_F(RedisCacheTest, NonPositiveTtlIsNotStored) {
  cache_->Set("forever", "no", milliseconds(0));
  EXPECT_EQ(cache_->Get("forever"), std::nullopt);
  EXPECT_FALSE(cache_->SetIfAbsent("forever", "no", milliseconds(-1)));
}

TEST_F(RedisCacheTest, BinarySafeKeysAndValues) {
  const std::string key("bin\0key\r\n", 9);
  const std::string value("\0\x01\xff\r\n$3\r\nend\0", 14);
  cache_->Set(key, value, milliseconds(10000));
  const std::optional<std::string> got = cache_->Get(key);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, value);
  EXPECT_EQ(got->size(), 14u);
  EXPECT_EQ(cache_->Get(std::string("bin")), std::nullopt);  // no truncation at NUL

  const std::string big(1 << 20, '\0');
  cache_->Set("big", big, milliseconds(10000));
  EXPECT_EQ(cache_->Get("big"), big);
}

TEST_F(RedisCacheTest, SetIfAbsent) {
  EXPECT_TRUE(cache_->SetIfAbsent("lock", "a", milliseconds(10000)));
  EXPECT_FALSE(cache_->SetIfAbsent("lock", "b", milliseconds(10000)));
  EXPECT_EQ(cache_->Get("lock"), "a");
  cache_->Delete({"lock"});
  EXPECT_TRUE(cache_->SetIfAbsent("lock", "c", milliseconds(100)));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(cache_->SetIfAbsent("lock", "d", milliseconds(10000)));  // the short lock expired
}

TEST_F(RedisCacheTest, DeleteSeveralKeys) {
  cache_->Set("a", "1", milliseconds(10000));
  cache_->Set("b", "2", milliseconds(10000));
  cache_->Set("c", "3", milliseconds(10000));
  cache_->Delete({"a", "b", "missing"});
  cache_->Delete({});
  EXPECT_EQ(cache_->Get("a"), std::nullopt);
  EXPECT_EQ(cache_->Get("b"), std::nullopt);
  EXPECT_EQ(cache_->Get("c"), "3");
}

TEST_F(RedisCacheTest, WrongTypeIsAnErrorNotAnOutage) {
  // A hash under the key: GET answers WRONGTYPE. Redis is fine, so the breaker
  // must stay closed however often it happens.
  if (std::system("command -v redis-cli >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "redis-cli not installed";
  }
  ASSERT_EQ(
      std::system(absl::StrCat("redis-cli -p ", redis_->port(), " HSET h f v >/dev/null").c_str()),
      0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache_->Get("h"), std::nullopt);
  EXPECT_EQ(Requests("error"), 5);
  cache_->Set("ok", "yes", milliseconds(10000));
  EXPECT_EQ(cache_->Get("ok"), "yes");
  EXPECT_EQ(Requests("short_circuit"), 0);
}

TEST_F(RedisCacheTest, MetricsCountHitsMissesAndLatency) {
  cache_->Set("m", "v", milliseconds(10000));
  cache_->Get("m");
  cache_->Get("m");
  cache_->Get("nothing");
  EXPECT_EQ(Requests("hit"), 2);
  EXPECT_EQ(Requests("miss"), 1);
  EXPECT_EQ(Requests("error"), 0);
  EXPECT_EQ(Requests("short_circuit"), 0);
  const std::string text = registry_.Render();
  EXPECT_THAT(text, HasSubstr("cercles_cache_requests_total{result=\"hit\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE cercles_cache_latency_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("cercles_cache_latency_seconds_count 4\n"));  // SET + 3 GET
}

TEST_F(RedisCacheTest, WorksWithoutMetrics) {
  RedisCache cache(options_, nullptr);
  cache.Set("x", "y", milliseconds(10000));
  EXPECT_EQ(cache.Get("x"), "y");
}

TEST_F(RedisCacheTest, ConcurrentCallersBeyondPoolSize) {
  RedisOptions options = options_;
  options.pool_size = 2;
  options.command_timeout_ms = 1000;  // a loaded CI box must not turn into errors
  RedisCache cache(options, &registry_);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string key = absl::StrCat("t", t, "_", i);
        cache.Set(key, key, milliseconds(10000));
        if (cache.Get(key) != key) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(Requests("error"), 0);
}

TEST_F(RedisCacheTest, StoppedRedisReadsAsMissesQuickly) {
  cache_->Set("k", "v", milliseconds(10000));
  ASSERT_EQ(cache_->Get("k"), "v");  // the pool now holds a live connection
  redis_->Stop();

  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(cache_->Get("k"), std::nullopt);
  cache_->Set("k", "v", milliseconds(10000));  // dropped, not thrown
  cache_->Delete({"k"});
  EXPECT_FALSE(cache_->SetIfAbsent("k", "v", milliseconds(10000)));
  EXPECT_FALSE(cache_->Ping());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));

  // The breaker opened after `failure_threshold` errors; the rest never touched
  // the network.
  EXPECT_EQ(Requests("error"), options_.failure_threshold);
  EXPECT_GE(Requests("short_circuit"), 20 - options_.failure_threshold);
}

TEST_F(RedisCacheTest, HungRedisCostsAtMostTheCommandTimeout) {
  cache_->Set("k", "v", milliseconds(10000));
  redis_->Pause();

  for (int i = 0; i < options_.failure_threshold; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_EQ(cache_->Get("k"), std::nullopt);
    // 50 ms command timeout (plus connect); loose bound for slow machines.
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  }
  EXPECT_EQ(Requests("error"), options_.failure_threshold);

  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(cache_->Get("k"), std::nullopt);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));  // all short-circuited
  EXPECT_EQ(Requests("short_circuit"), 20);

  redis_->Resume();
  EXPECT_EQ(cache_->Get("k"), std::nullopt);  // still open: its interval has not passed
  clock_.Advance(absl::Milliseconds(options_.open_interval_ms));
  EXPECT_EQ(cache_->Get("k"), "v");
}

TEST_F(RedisCacheTest, RecoversAfterRedisRestarts) {
  cache_->Set("k", "v", milliseconds(10000));
  redis_->Stop();
  for (int i = 0; i < 10; ++i) cache_->Get("k");
  ASSERT_GT(Requests("short_circuit"), 0);

  ASSERT_TRUE(redis_->Restart().ok()) << redis_->ReadLog();
  // Still open: the breaker has not waited its interval yet.
  cache_->Set("k", "fresh", milliseconds(10000));
  EXPECT_EQ(cache_->Get("k"), std::nullopt);
  clock_.Advance(absl::Milliseconds(options_.open_interval_ms));

  // The first call after the interval is the probe: it reconnects (stale pooled
  // connections were discarded) and closes the breaker.
  cache_->Set("k", "fresh", milliseconds(10000));
  EXPECT_EQ(cache_->Get("k"), "fresh");
  EXPECT_TRUE(cache_->Ping());
}

TEST_F(RedisCacheTest, RestartWithoutInterveningCallsCostsOneError) {
  cache_->Set("k", "v", milliseconds(10000));
  ASSERT_TRUE(redis_->Restart().ok()) << redis_->ReadLog();
  // The pooled connection points at the old server: the first call fails and
  // discards it; the next one reconnects.
  cache_->Get("k");
  cache_->Set("k", "again", milliseconds(10000));
  EXPECT_EQ(cache_->Get("k"), "again");
  EXPECT_EQ(Requests("error"), 1);
}

// A Redis that requires a password (requirepass): the cache sends AUTH from its
// password file on every new connection. A missing or wrong password is an
// outage like a down Redis (misses, the breaker trips, the caller is answered
// from the store); the right one gives hits; the file is read at each connect,
// so a corrected (rotated) password is used without a new client.
class RedisAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start("s3cret-pass");
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = std::move(*server);
    dir_ = ::cercles::testing::MakeTempDir("redis-auth");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<RedisCache> Cache(const std::string& password_file) {
    RedisOptions options;
    options.port = redis_->port();
    options.command_timeout_ms = 200;
    options.failure_threshold = 3;
    options.open_interval_ms = 300;
    options.password_file = password_file;
    return std::make_unique<RedisCache>(options, &registry_, &clock_);
  }
  std::string PasswordFile(const std::string& name, const std::string& password) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << password << "\n";  // as a Secret's file may end
    return path;
  }
  double Requests(const std::string& result) {
    return registry_.GetCounter("cercles_cache_requests_total", "", {{"result", result}})->value();
  }

  FakeClock clock_{absl::UnixEpoch()};
  observability::Registry registry_;
  std::unique_ptr<RedisServer> redis_;
  std::string dir_;
};

TEST_F(RedisAuthTest, TheRightPasswordGivesHits) {
  auto cache = Cache(PasswordFile("right", "s3cret-pass"));
  cache->Set("k", "v", milliseconds(10000));
  EXPECT_EQ(cache->Get("k"), "v");
  EXPECT_EQ(Requests("hit"), 1);
  EXPECT_EQ(Requests("error"), 0);
  EXPECT_TRUE(cache->Ping());
}

TEST_F(RedisAuthTest, AMissingOrWrongPasswordBypassesTheCacheLikeAnOutage) {
  for (const std::string& file :
       {std::string(), PasswordFile("wrong", "not-it"), dir_ + "/no-such-file"}) {
    SCOPED_TRACE(file.empty() ? "no password file" : file);
    auto cache = Cache(file);
    cache->Set("k", "v", milliseconds(10000));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(cache->Get("k"), std::nullopt);
    EXPECT_FALSE(cache->Ping());
  }
  EXPECT_EQ(Requests("hit"), 0);
  EXPECT_EQ(Requests("miss"), 0);  // never a miss: Redis was not asked
  // Counted as errors until the breaker opens, then refused without a call.
  EXPECT_GE(Requests("error"), 9);
  EXPECT_GE(Requests("short_circuit"), 3);
  // Nothing was written without the password.
  EXPECT_EQ(Cache(PasswordFile("right", "s3cret-pass"))->Get("k"), std::nullopt);
}

TEST_F(RedisAuthTest, ACorrectedPasswordFileIsUsedFromTheNextConnection) {
  const std::string file = PasswordFile("live", "old-pass");
  auto cache = Cache(file);
  for (int i = 0; i < 3; ++i) cache->Set("k", "v", milliseconds(10000));
  EXPECT_EQ(cache->Get("k"), std::nullopt);  // the breaker is open
  PasswordFile("live", "s3cret-pass");
  clock_.Advance(absl::Milliseconds(301));  // the breaker lets a probe through
  cache->Set("k", "v", milliseconds(10000));
  EXPECT_EQ(cache->Get("k"), "v");
}

TEST(RedisCacheUnreachableTest, NothingListeningIsAMissNotACrash) {
  RedisOptions options;
  options.port = cercles::testing::FreePort();
  RedisCache cache(options, nullptr);
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  EXPECT_FALSE(cache.Ping());
}

// ---------------------------------------------------------------------------
// tests/support Process, which the fixtures above rely on

TEST(ProcessTest, ExitCodeAndSignal) {
  auto ok = Process::Start({{"sh", "-c", "exit 3"}, {}, "", ""});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->Wait(absl::Seconds(10)), 3);
  EXPECT_FALSE((*ok)->Running());

  auto sleeper = Process::Start({{"sleep", "30"}, {}, "", ""});
  ASSERT_TRUE(sleeper.ok()) << sleeper.status();
  EXPECT_TRUE((*sleeper)->Running());
  EXPECT_EQ((*sleeper)->Wait(absl::Milliseconds(50)), std::nullopt);
  EXPECT_TRUE((*sleeper)->Signal(SIGKILL));
  EXPECT_EQ((*sleeper)->Wait(absl::Seconds(10)), 128 + SIGKILL);
}

TEST(ProcessTest, MissingBinaryIsAnError) {
  EXPECT_THAT(Process::Start({{"/nonexistent/cercles-binary"}, {}, "", ""}),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Process::Start({{"cercles-no-such-program-on-path"}, {}, "", ""}),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Process::Start({{}, {}, "", ""}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProcessTest, EnvWorkingDirAndLog) {
  const std::string dir = cercles::testing::MakeTempDir("cercles-process-");
  ASSERT_FALSE(dir.empty());
  Process::Options options;
  options.argv = {"sh", "-c", "echo \"$CERCLES_X\"; pwd; echo err >&2"};
  options.env = {{"CERCLES_X", "hello"}};
  options.log_path = dir + "/log.txt";
  options.working_dir = dir;
  auto p = Process::Start(options);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->Wait(absl::Seconds(10)), 0);
  EXPECT_EQ((*p)->ReadLog(), absl::StrCat("hello\n", dir, "\nerr\n"));

  options.working_dir = dir + "/missing";
  EXPECT_THAT(Process::Start(options), StatusIs(absl::StatusCode::kFailedPrecondition));
  std::system(absl::StrCat("rm -rf '", dir, "'").c_str());
}

TEST(ProcessTest, DestructorKillsTheProcessGroup) {
  const std::string dir = cercles::testing::MakeTempDir("cercles-process-");
  ASSERT_FALSE(dir.empty());
  pid_t grandchild = 0;
  {
    Process::Options options;
    // The shell starts a background sleeper (same process group) and waits.
    options.argv = {"sh", "-c", "sleep 30 & echo $! > " + dir + "/pid; wait"};
    auto p = Process::Start(options);
    ASSERT_TRUE(p.ok()) << p.status();
    for (int i = 0; i < 200 && grandchild == 0; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
      FILE* f = std::fopen((dir + "/pid").c_str(), "r");
      if (f != nullptr) {
        int pid = 0;
        if (std::fscanf(f, "%d", &pid) == 1) grandchild = pid;
        std::fclose(f);
      }
    }
    ASSERT_GT(grandchild, 0);
  }
  // Killed, the grandchild is a zombie until init reaps it, which some container
  // inits do lazily: a zombie counts as gone.
  auto gone_or_zombie = [grandchild] {
    if (::kill(grandchild, 0) != 0) return true;
    std::ifstream stat(absl::StrCat("/proc/", grandchild, "/stat"));
    std::string pid, comm, state;
    return (stat >> pid >> comm >> state) && state == "Z";
  };
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = gone_or_zombie();
    if (!gone) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(gone);
  std::system(absl::StrCat("rm -rf '", dir, "'").c_str());
}

TEST(SupportTest, FreePortAndWaitForTcpPort) {
  const int port = cercles::testing::FreePort();
  ASSERT_GT(port, 0);
  EXPECT_FALSE(cercles::testing::WaitForTcpPort(port, absl::Milliseconds(50)));
  auto redis = RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  EXPECT_TRUE(cercles::testing::WaitForTcpPort((*redis)->port(), absl::Seconds(1)));
  EXPECT_EQ((*redis)->url(), absl::StrCat("redis://127.0.0.1:", (*redis)->port()));
}

}  // namespace
}  // namespace cercles::cache
