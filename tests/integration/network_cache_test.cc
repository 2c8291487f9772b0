// Network's Redis cache with a real redis-server and the real processes
// (SQLite and PostgreSQL): hits once warm; after a change is applied (an event
// from membership, or network's own write) no query returns the old answer;
// every key is namespaced and has a TTL; one rebuild per key under concurrent
// load; Redis stopped or hung → every query still answered from the store
// within bounded latency, and the cache is used again once Redis is back.
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/network_fixtures.h"

namespace cercles::testing {
namespace {

using ::testing::HasSubstr;

const auto kRegion = mv1::CHARACTERISTIC_KIND_REGION;
const auto kSector = mv1::CHARACTERISTIC_KIND_SECTOR;

// Output of a shell command ("" on failure).
std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// What the four cached queries say about circle A.
struct Views {
  int circle_members = -1;
  int neighbourhood_members = -1;
  int suggested_seats = -1;
  int stats_members = -1;
  bool operator==(const Views& o) const {
    return circle_members == o.circle_members && neighbourhood_members == o.neighbourhood_members &&
           suggested_seats == o.suggested_seats && stats_members == o.stats_members;
  }
};

class NetworkCacheTest : public NetworkSuiteTest {
 protected:
  void SetUpFund() {
    CreateAdvisor("bob");
    a_ = CircleWithMembers("Bouffe Rosemont", {{kRegion, "Rosemont"}, {kSector, "food"}}, 4);
    b_ = CircleWithMembers("Artisans Rosemont", {{kRegion, "Rosemont"}}, 4);
    WaitForNetwork(a_);
    WaitForNetwork(b_);
  }

  // Reads the four cached queries; `ok` reports whether all answered.
  Views Read(bool* ok = nullptr, absl::Duration* slowest = nullptr) {
    Views v;
    bool all = true;
    auto timed = [&](const std::function<grpc::Status()>& call) {
      const absl::Time start = absl::Now();
      grpc::Status status = call();
      if (slowest != nullptr) *slowest = std::max(*slowest, absl::Now() - start);
      if (!status.ok()) {
        all = false;
        ADD_FAILURE() << status.error_message();
      }
    };
    timed([&] {
      nv1::GetNetworkCircleRequest request;
      request.set_name(Net(a_.name()));
      nv1::GetNetworkCircleResponse response;
      grpc::Status s = network_->GetNetworkCircle(Admin().get(), request, &response);
      v.circle_members = response.circle().member_count();
      return s;
    });
    timed([&] {
      nv1::GetCircleNeighbourhoodRequest request;
      request.set_circle(Net(b_.name()));
      request.set_depth(2);
      nv1::GetCircleNeighbourhoodResponse response;
      grpc::Status s = network_->GetCircleNeighbourhood(Admin().get(), request, &response);
      for (const auto& n : response.nodes()) {
        if (n.name() == Net(a_.name())) v.neighbourhood_members = n.member_count();
      }
      return s;
    });
    timed([&] {
      nv1::SuggestCirclesRequest request;
      request.set_sector("food");
      nv1::SuggestCirclesResponse response;
      grpc::Status s = network_->SuggestCircles(Bob().get(), request, &response);
      for (const auto& x : response.suggestions()) {
        if (x.circle().name() == Net(a_.name())) v.suggested_seats = x.circle().open_seats();
      }
      return s;
    });
    timed([&] {
      nv1::GetNetworkStatsRequest request;
      nv1::GetNetworkStatsResponse response;
      grpc::Status s = network_->GetNetworkStats(Admin().get(), request, &response);
      if (response.funds_size() == 1) v.stats_members = response.funds(0).members();
      return s;
    });
    if (ok != nullptr) *ok = all;
    return v;
  }

  double TotalLoads() {
    double total = 0;
    for (const char* q : {"circle", "neighbourhood", "suggestions", "stats", "directory"}) {
      total += CacheLoads(q);
    }
    return total;
  }

  // Waits until a query never asked before (so never cached: its key is new)
  // shows circle A with `members`: from then on the change is applied.
  void WaitUntilApplied(int members) {
    ASSERT_TRUE(Eventually(
        [&] {
          nv1::ListNetworkCirclesRequest request;
          request.set_page_size(++probe_);  // a fresh key each time
          request.set_fund_id(Fund());
          nv1::ListNetworkCirclesResponse response;
          if (!network_->ListNetworkCircles(Admin().get(), request, &response).ok()) return false;
          for (const auto& c : response.circles()) {
            if (c.name() == Net(a_.name())) return c.member_count() == members;
          }
          return false;
        },
        absl::Seconds(20)))
        << suite_->Log("network");
  }

  mv1::Circle a_, b_;
  int probe_ = 100;
};

TEST_P(NetworkCacheTest, AReadAfterAnAppliedChangeNeverReturnsTheOldAnswer) {
  SetUpFund();
  const Views before = Read();
  EXPECT_EQ(before.circle_members, 4);
  EXPECT_EQ(before.neighbourhood_members, 4);
  EXPECT_EQ(before.suggested_seats, 3);
  EXPECT_EQ(before.stats_members, 8);
  const double loads = TotalLoads();
  EXPECT_TRUE(Read() == before);
  EXPECT_EQ(TotalLoads(), loads) << "a warm cache answers without the store";

  // Every key is namespaced by schema version and fund, and expires.
  const std::string keys =
      Shell(absl::StrCat("redis-cli -p ", suite_->redis()->port(), " --scan --pattern '*'"));
  int counted = 0;
  for (absl::string_view key : absl::StrSplit(keys, '\n', absl::SkipEmpty())) {
    EXPECT_THAT(std::string(key), ::testing::StartsWith("cercles:v2:fund-test:"));
    const std::string ttl =
        Shell(absl::StrCat("redis-cli -p ", suite_->redis()->port(), " PTTL '", key, "'"));
    EXPECT_GT(std::atoi(ttl.c_str()), 0) << key;
    ++counted;
  }
  EXPECT_GE(counted, 4);

  // A change from membership's events.
  ASSERT_TRUE(AddMember(a_.name(), Person("Newcomer")).ok());
  WaitUntilApplied(5);
  const Views after = Read();
  EXPECT_EQ(after.circle_members, 5);
  EXPECT_EQ(after.neighbourhood_members, 5);
  EXPECT_EQ(after.suggested_seats, 2);
  EXPECT_EQ(after.stats_members, 9);

  // A write of network's own is seen by the very next read.
  nv1::GetCircleNeighbourhoodRequest sisters;
  sisters.set_circle(Net(a_.name()));
  sisters.set_depth(1);
  sisters.add_edge_kinds(nv1::EDGE_KIND_SISTER);
  nv1::GetCircleNeighbourhoodResponse alone;
  ASSERT_TRUE(network_->GetCircleNeighbourhood(Admin().get(), sisters, &alone).ok());
  EXPECT_EQ(alone.nodes_size(), 1);
  nv1::DeclareSisterCirclesRequest declare;
  declare.set_request_id("sister-1");
  declare.set_circle(Net(a_.name()));
  declare.set_sister(Net(b_.name()));
  nv1::DeclareSisterCirclesResponse declared;
  ASSERT_TRUE(network_->DeclareSisterCircles(Bob().get(), declare, &declared).ok());
  nv1::GetCircleNeighbourhoodResponse paired;
  ASSERT_TRUE(network_->GetCircleNeighbourhood(Admin().get(), sisters, &paired).ok());
  EXPECT_EQ(paired.nodes_size(), 2);
}

TEST_P(NetworkCacheTest, ConcurrentCallersOfAnExpiredKeyShareOneRebuild) {
  SetUpFund();
  Read();
  ASSERT_TRUE(AddMember(a_.name(), Person("Newcomer")).ok());  // every key is now stale
  WaitUntilApplied(5);
  const double before = CacheLoads("suggestions");
  std::vector<std::thread> callers;
  std::atomic<int> answered{0};
  for (int i = 0; i < 32; ++i) {
    callers.emplace_back([&] {
      nv1::SuggestCirclesRequest request;
      request.set_sector("food");
      nv1::SuggestCirclesResponse response;
      if (network_->SuggestCircles(Bob().get(), request, &response).ok() &&
          response.suggestions_size() == 1 && response.suggestions(0).circle().open_seats() == 2) {
        ++answered;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(answered.load(), 32);
  EXPECT_EQ(CacheLoads("suggestions") - before, 1) << "one rebuild for 32 concurrent callers";
}

TEST_P(NetworkCacheTest, RedisHungOrStoppedEveryQueryIsAnsweredFromTheStore) {
  SetUpFund();
  Read();
  int members = 4;
  for (const char* how : {"hung", "stopped"}) {
    SCOPED_TRACE(how);
    if (std::string(how) == "hung") {
      suite_->redis()->Pause();
    } else {
      suite_->redis()->Stop();
    }
    // A change applied while Redis cannot be told about it.
    ASSERT_TRUE(AddMember(a_.name(), Person(absl::StrCat("Newcomer", how))).ok());
    ++members;
    WaitUntilApplied(members);
    absl::Duration slowest;
    for (int round = 0; round < 10; ++round) {
      bool ok = false;
      const Views v = Read(&ok, &slowest);
      ASSERT_TRUE(ok);
      EXPECT_EQ(v.circle_members, members);
      EXPECT_EQ(v.neighbourhood_members, members);
      EXPECT_EQ(v.stats_members, 4 + members);
    }
    // Redis' timeouts are 50 ms; the circuit breaker then skips Redis.
    EXPECT_LT(slowest, absl::Milliseconds(500));
    const std::string metrics = NetworkMetrics();
    EXPECT_GT(MetricValue(metrics, "cercles_cache_requests_total{result=\"short_circuit\"}"), 0);
  }
  // Back (empty): after the breaker's interval the cache serves hits again,
  // and the old entries are gone for good (their generation has passed). The
  // service's breaker runs on its real clock: Eventually polls through the
  // interval instead of a fixed sleep.
  ASSERT_TRUE(suite_->redis()->Restart().ok());
  const double hits = MetricValue(NetworkMetrics(), "cercles_cache_requests_total{result=\"hit\"}");
  ASSERT_TRUE(Eventually(
      [&] {
        Read();
        return MetricValue(NetworkMetrics(), "cercles_cache_requests_total{result=\"hit\"}") > hits;
      },
      absl::Seconds(10)));
  EXPECT_EQ(Read().circle_members, members);
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkCacheTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
