#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/network/directory_cache.h"
#include "services/network/directory_rules.h"
#include "services/network/directory_store.h"
#include "tests/support/servers.h"
#include "tests/support/status_matchers.h"

namespace cercles::network {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

cercles::membership::v1::Circle MembershipCircle(int64_t id, const std::string& sector) {
  cercles::membership::v1::Circle c;
  c.set_name("circles/" + std::to_string(id));
  c.set_display_name("Cercle " + std::to_string(id));
  c.set_status(cercles::membership::v1::CIRCLE_STATUS_ACTIVE);
  c.set_member_count(5);
  auto* ch = c.add_characteristics();
  ch->set_kind(cercles::membership::v1::CHARACTERISTIC_KIND_SECTOR);
  ch->set_value(sector);
  return c;
}

TEST(DirectoryRulesTest, NamesRoundTripAndBadNamesAreRefused) {
  auto key = ParseNetworkCircleName("funds/fund-a/circles/12", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->fund_id, "fund-a");
  EXPECT_EQ(key->circle_id, 12);
  EXPECT_EQ(NetworkCircleName(*key), "funds/fund-a/circles/12");
  for (const char* bad : {"circles/12", "funds//circles/1", "funds/A/circles/1",
                          "funds/a/circles/0", "funds/a/people/1", "funds/a/circles/1/x"}) {
    EXPECT_THAT(ParseNetworkCircleName(bad, "name").status().message(), HasSubstr("name must be"))
        << bad;
  }
}

TEST(DirectoryRulesTest, SummaryKeepsOnlyThePublicFields) {
  CircleKey key;
  auto summary = SummaryFromMembership(MembershipCircle(3, "food"), "fund-a", &key);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->name(), "funds/fund-a/circles/3");
  EXPECT_EQ(summary->member_count(), 5);
  EXPECT_EQ(key.circle_id, 3);
  EXPECT_THAT(SummaryFromMembership(MembershipCircle(3, "food"), "Bad Fund", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class DirectoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::Open("sqlite::memory:");
    ASSERT_TRUE(db.ok());
    db_ = *std::move(db);
    ASSERT_TRUE(MigrateNetwork(*db_).ok());
  }
  void Put(const std::string& fund, int64_t id, const std::string& sector) {
    ASSERT_TRUE(
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          CircleKey key;
          auto s = SummaryFromMembership(MembershipCircle(id, sector), fund, &key);
          if (!s.ok()) return s.status();
          return store_.Upsert(tx, key, *s, id);
        }).ok());
  }
  std::vector<std::string> Names(const cercles::network::v1::ListNetworkCirclesRequest& filter,
                                 std::optional<CircleKey> after = std::nullopt) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    auto list = store_.List(**tx, filter, after, 100);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> names;
    for (const auto& c : *list) names.push_back(c.name());
    return names;
  }
  std::unique_ptr<storage::Database> db_;
  DirectoryStore store_;
};

TEST_F(DirectoryStoreTest, UpsertReplacesAndFiltersCombine) {
  Put("fund-b", 1, "crafts");
  Put("fund-a", 2, "food");
  Put("fund-a", 1, "food");
  Put("fund-a", 1, "crafts");  // an update replaces the characteristics too
  cercles::network::v1::ListNetworkCirclesRequest all;
  EXPECT_THAT(Names(all), ::testing::ElementsAre("funds/fund-a/circles/1", "funds/fund-a/circles/2",
                                                 "funds/fund-b/circles/1"));
  cercles::network::v1::ListNetworkCirclesRequest crafts;
  auto* c = crafts.add_characteristics();
  c->set_kind(cercles::membership::v1::CHARACTERISTIC_KIND_SECTOR);
  c->set_value("crafts");
  EXPECT_THAT(Names(crafts),
              ::testing::ElementsAre("funds/fund-a/circles/1", "funds/fund-b/circles/1"));
  crafts.set_fund_id("fund-b");
  EXPECT_THAT(Names(crafts), ::testing::ElementsAre("funds/fund-b/circles/1"));
  EXPECT_THAT(Names(all, CircleKey{"fund-a", 2}), ::testing::ElementsAre("funds/fund-b/circles/1"));
}

TEST(DirectoryCacheTest, KeysAreNamespacedVersionedAndStableAcrossFieldOrder) {
  int64_t generation = 7;
  DirectoryCache cache(
      nullptr, "fund-a", absl::Seconds(60), [&] { return "m" + std::to_string(generation); },
      nullptr);
  cercles::network::v1::ListNetworkCirclesRequest request;
  request.set_page_size(50);
  std::string key = cache.KeyFor("directory", request);
  EXPECT_THAT(key, ::testing::StartsWith("cercles:v2:fund-a:directory:m7:"));
  EXPECT_EQ(key, cache.KeyFor("directory", request));
  generation = 8;  // an applied event makes the old entry unreachable
  EXPECT_NE(key, cache.KeyFor("directory", request));
  // Without Redis, every call loads from the store.
  int loads = 0;
  cercles::network::v1::ListNetworkCirclesResponse response;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cache
                    .GetOrLoad("directory", request, &response,
                               [&](google::protobuf::Message*) {
                                 ++loads;
                                 return absl::OkStatus();
                               })
                    .ok());
  }
  EXPECT_EQ(loads, 3);
}

TEST(DirectoryCacheTest, ConcurrentMissesShareOneLoadAndRedisServesTheRest) {
  auto redis = cercles::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  cache::RedisOptions options;
  options.port = (*redis)->port();
  cache::RedisCache client(options, nullptr);
  DirectoryCache cache(
      &client, "fund-a", absl::Seconds(60), [] { return std::string("g1"); }, nullptr);
  cercles::network::v1::ListNetworkCirclesRequest request;
  std::atomic<int> loads{0};
  auto load = [&](google::protobuf::Message* out) {
    ++loads;
    absl::SleepFor(absl::Milliseconds(200));  // a slow rebuild: everyone arrives meanwhile
    static_cast<cercles::network::v1::ListNetworkCirclesResponse*>(out)->set_next_page_token("t");
    return absl::OkStatus();
  };
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      cercles::network::v1::ListNetworkCirclesResponse response;
      if (cache.GetOrLoad("directory", request, &response, load).ok() &&
          response.next_page_token() == "t") {
        ++answered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 16);
  EXPECT_EQ(loads.load(), 1);
  cercles::network::v1::ListNetworkCirclesResponse again;
  ASSERT_TRUE(cache.GetOrLoad("directory", request, &again, load).ok());
  EXPECT_EQ(loads.load(), 1);  // served by Redis
  EXPECT_EQ(again.next_page_token(), "t");
}

// A hot key expiring under load: callers keep arriving for 1.5 s on a key that
// lives 300 ms, each rebuild taking 50 ms. Without coalescing every caller that
// misses during a rebuild would load; with it there is about one load per
// expiry, however many callers.
TEST(DirectoryCacheTest, AHotKeyExpiringUnderLoadIsRebuiltOncePerExpiry) {
  auto redis = cercles::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  cache::RedisOptions options;
  options.port = (*redis)->port();
  cache::RedisCache client(options, nullptr);
  DirectoryCache cache(
      &client, "fund-a", absl::Milliseconds(300), [] { return std::string("g1"); }, nullptr);
  cercles::network::v1::ListNetworkCirclesRequest request;
  auto load = [&](google::protobuf::Message* out) {
    absl::SleepFor(absl::Milliseconds(50));
    static_cast<cercles::network::v1::ListNetworkCirclesResponse*>(out)->set_next_page_token("t");
    return absl::OkStatus();
  };
  std::atomic<int> calls{0}, wrong{0};
  const absl::Time end = absl::Now() + absl::Milliseconds(1500);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      while (absl::Now() < end) {
        cercles::network::v1::ListNetworkCirclesResponse response;
        if (!cache.GetOrLoad("directory", request, &response, load).ok() ||
            response.next_page_token() != "t") {
          ++wrong;
        }
        ++calls;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(calls.load(), 200);
  // 1.5 s / 300 ms = 5 expiries (+1 for the first miss, +1 for timing slack).
  EXPECT_LE(cache.loads(), 7) << "calls: " << calls.load();
  EXPECT_GE(cache.loads(), 2);
}

// Redis stopped, then hung (accepts connections, never answers): every call is
// still answered from the store, and once the circuit breaker opens a call
// costs no Redis round trip at all.
TEST(DirectoryCacheTest, RedisStoppedOrHungStillAnswersWithBoundedLatency) {
  auto redis = cercles::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  cache::RedisOptions options;
  options.port = (*redis)->port();
  options.command_timeout_ms = 50;
  options.connect_timeout_ms = 100;
  FakeClock clock(absl::UnixEpoch());  // paces the circuit breaker
  cache::RedisCache client(options, nullptr, &clock);
  int64_t generation = 1;
  DirectoryCache cache(
      &client, "fund-a", absl::Seconds(60), [&] { return std::to_string(generation); }, nullptr);
  cercles::network::v1::ListNetworkCirclesRequest request;
  int version = 0;
  auto load = [&](google::protobuf::Message* out) {
    static_cast<cercles::network::v1::ListNetworkCirclesResponse*>(out)->set_next_page_token(
        "v" + std::to_string(version));
    return absl::OkStatus();
  };
  auto get = [&] {
    cercles::network::v1::ListNetworkCirclesResponse response;
    EXPECT_TRUE(cache.GetOrLoad("directory", request, &response, load).ok());
    return response.next_page_token();
  };
  EXPECT_EQ(get(), "v0");
  EXPECT_EQ(get(), "v0");
  EXPECT_EQ(cache.loads(), 1);
  for (auto stop : {std::function<void()>([&] { (*redis)->Pause(); }),
                    std::function<void()>([&] { (*redis)->Stop(); })}) {
    stop();
    ++version;
    ++generation;  // a change applied while Redis is unreachable
    absl::Duration slowest;
    for (int i = 0; i < 40; ++i) {
      const absl::Time start = absl::Now();
      EXPECT_EQ(get(), "v" + std::to_string(version));
      slowest = std::max(slowest, absl::Now() - start);
    }
    // At most one command timeout (connect + command) per call while the
    // breaker counts failures, then short-circuited calls.
    EXPECT_LT(slowest, absl::Milliseconds(400));
  }
  // Back up (empty): the generation still keeps old answers out.
  ASSERT_TRUE((*redis)->Restart().ok());
  clock.Advance(absl::Milliseconds(options.open_interval_ms));  // the breaker's open interval
  ++version;
  ++generation;
  EXPECT_EQ(get(), "v" + std::to_string(version));
}

}  // namespace
}  // namespace cercles::network
