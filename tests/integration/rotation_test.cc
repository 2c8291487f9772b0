// Secrets that rotate without a restart (issue 13, item 5), on running
// processes: the staff tokens file is re-read (a removed token is refused within
// seconds, a new one accepted, a broken file changes nothing), a service's
// channel to another presents its renewed client certificate on new
// connections, and network authenticates to a Redis that requires a password.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/server/server.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;

int Shell(const std::string& command) { return std::system(command.c_str()); }

// Replaces `path` the way a Secret update does: a new file renamed in.
void Replace(const std::string& path, const std::string& text) {
  std::ofstream(path + ".tmp") << text;
  ASSERT_EQ(std::rename((path + ".tmp").c_str(), path.c_str()), 0) << path;
}

class TokenRotationTest : public SuiteTest {
 protected:
  void SetUp() override {
    tokens_file_ = work_dir() + "/tokens.txt";
    Replace(tokens_file_, ReadTextFile(TestCredentials().tokens_file));
    SuiteTest::SetUp();
  }
  std::optional<Suite::Options> SuiteOptions() const override {
    Suite::Options options;
    options.with_redis = false;
    options.extra_flags["membership"] = {absl::StrCat("--tokens_file=", tokens_file_),
                                         "--tokens_refresh_s=1"};
    return options;
  }

  grpc::StatusCode ListCirclesAs(const std::string& token) {
    auto stub = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
    mv1::ListCirclesResponse response;
    return stub->ListCircles(Context(token).get(), mv1::ListCirclesRequest(), &response)
        .error_code();
  }

  std::string tokens_file_;
};

TEST_F(TokenRotationTest, ARemovedTokenIsRefusedAndANewOneAcceptedWithoutARestart) {
  const Credentials& c = TestCredentials();
  const pid_t pid = suite_->Pid("membership");
  // bob (an advisor with no advisor record here) is identified: let in, or
  // refused by his scope, never UNAUTHENTICATED.
  ASSERT_NE(ListCirclesAs(c.advisor_token), grpc::StatusCode::UNAUTHENTICATED);
  const std::string new_token = "erin-rotated-token-0123456789";
  ASSERT_EQ(ListCirclesAs(new_token), grpc::StatusCode::UNAUTHENTICATED);

  // bob's line out, erin's in.
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(ReadTextFile(tokens_file_), '\n')) {
    if (!line.empty() && !absl::EndsWith(line, " bob")) lines.emplace_back(line);
  }
  lines.push_back(absl::StrCat(Sha256Hex(new_token), " admin erin"));
  const absl::Time revoked = absl::Now();
  Replace(tokens_file_, absl::StrJoin(lines, "\n") + "\n");
  EXPECT_TRUE(Eventually(
      [&] { return ListCirclesAs(c.advisor_token) == grpc::StatusCode::UNAUTHENTICATED; },
      absl::Seconds(10)))
      << suite_->Log("membership");
  std::printf("revoked token refused after %.1f s (--tokens_refresh_s=1)\n",
              absl::ToDoubleSeconds(absl::Now() - revoked));
  EXPECT_EQ(ListCirclesAs(new_token), grpc::StatusCode::OK);
  EXPECT_EQ(ListCirclesAs(c.admin_token), grpc::StatusCode::OK);

  // A broken file (cut short mid-line) keeps the last good set, with a warning.
  Replace(tokens_file_, absl::StrCat(lines[0], "\n", lines[1].substr(0, 30)));
  EXPECT_TRUE(Eventually(
      [&] {
        return absl::StrContains(suite_->Log("membership"), "the last good tokens stay in force");
      },
      absl::Seconds(10)))
      << suite_->Log("membership");
  EXPECT_EQ(ListCirclesAs(new_token), grpc::StatusCode::OK);
  EXPECT_EQ(ListCirclesAs(c.admin_token), grpc::StatusCode::OK);
  EXPECT_EQ(ListCirclesAs(c.advisor_token), grpc::StatusCode::UNAUTHENTICATED);

  EXPECT_EQ(suite_->Pid("membership"), pid) << "membership was restarted";
  const std::string metrics = ScrapeMetrics(suite_->Log("membership"));
  EXPECT_GE(MetricValue(metrics, "cercles_auth_token_reloads_total{result=\"reloaded\"}"), 1);
  EXPECT_GE(MetricValue(metrics, "cercles_auth_token_reloads_total{result=\"kept_last_good\"}"), 1);
  const auto tokens = std::count_if(lines.begin(), lines.end(),
                                    [](const std::string& line) { return line[0] != '#'; });
  EXPECT_EQ(MetricValue(metrics, "cercles_auth_tokens"), static_cast<double>(tokens));
  EXPECT_THAT(suite_->Log("membership"), HasSubstr("\"msg\":\"tokens reloaded\""));
}

// Lending's client certificate is renewed by a new CA while both CAs are
// trusted; then membership stops trusting the old CA. Lending still reaches
// membership: its channel presents the renewed certificate on the connections
// it opens after the renewal (membership closes each after a second), with no
// restart and no new channel. A lending that kept its first certificate would
// be refused from then on.
class ChannelRotationTest : public SuiteTest {
 protected:
  void SetUp() override {
    const std::string& dir = work_dir();
    const Credentials& c = TestCredentials();
    ASSERT_EQ(Shell(absl::StrCat("bash ", CERCLES_SOURCE_DIR, "/scripts/gen-certs ", dir,
                                 "/renewed lending >/dev/null 2>&1")),
              0);
    both_cas_ = ReadTextFile(c.ca) + ReadTextFile(dir + "/renewed/ca.pem");
    Replace(dir + "/both-cas.pem", both_cas_);
    Replace(dir + "/membership-trust.pem", both_cas_);
    Replace(dir + "/lending.pem", ReadTextFile(c.Cert("lending")));
    Replace(dir + "/lending.key", ReadTextFile(c.Key("lending")));
    SuiteTest::SetUp();
  }
  std::optional<Suite::Options> SuiteOptions() const override {
    const std::string& dir = const_cast<ChannelRotationTest*>(this)->work_dir();
    Suite::Options options;
    options.with_redis = false;
    options.extra_flags["lending"] = {absl::StrCat("--tls_cert=", dir, "/lending.pem"),
                                      absl::StrCat("--tls_key=", dir, "/lending.key"),
                                      absl::StrCat("--tls_ca=", dir, "/both-cas.pem"),
                                      "--tls_refresh_s=1"};
    options.extra_flags["membership"] = {absl::StrCat("--tls_ca=", dir, "/membership-trust.pem"),
                                         "--tls_refresh_s=1", "--max_connection_age_s=1"};
    return options;
  }

  // Lending asks membership for the circle: NOT_FOUND when it reached it. (Its
  // served certificate is renewed too: verified with both CAs.)
  grpc::Status AskLending() {
    server::ChannelOptions o;
    o.address = suite_->Address("lending");
    o.tls.ca = work_dir() + "/both-cas.pem";
    o.server_name_override = "lending";
    auto stub = lv1::LendingService::NewStub(*server::MakeChannel(o));
    lv1::GetCircleEligibilityRequest request;
    request.set_circle("circles/999999");
    lv1::GetCircleEligibilityResponse response;
    return stub->GetCircleEligibility(Admin().get(), request, &response);
  }

  std::string both_cas_;
};

TEST_F(ChannelRotationTest, ARenewedClientCertificateIsUsedWithoutARestart) {
  const std::string& dir = work_dir();
  const pid_t pid = suite_->Pid("lending");
  ASSERT_THAT(AskLending(), StatusIs(grpc::StatusCode::NOT_FOUND)) << suite_->Log("lending");

  // Renewed by the new CA: key and certificate renamed in.
  Replace(dir + "/lending.key", ReadTextFile(dir + "/renewed/lending.key"));
  Replace(dir + "/lending.pem", ReadTextFile(dir + "/renewed/lending.pem"));
  // Membership now trusts the new CA only (lending's watcher re-reads its own
  // files every second meanwhile).
  Replace(dir + "/membership-trust.pem", ReadTextFile(dir + "/renewed/ca.pem"));
  mv1::GetCircleRequest get;
  get.set_name("circles/999999");
  EXPECT_TRUE(Eventually(
      [&] {
        // The first certificate (old CA) on a new connection: refused.
        auto old_cert =
            mv1::MembershipService::NewStub(suite_->CertChannel("membership", "lending"));
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        mv1::GetCircleResponse response;
        return old_cert->GetCircle(&context, get, &response).error_code() ==
               grpc::StatusCode::UNAVAILABLE;
      },
      absl::Seconds(20)))
      << suite_->Log("membership");
  // Past the age of lending's connections open before: every call goes over a
  // connection opened since.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(AskLending(), StatusIs(grpc::StatusCode::NOT_FOUND)) << suite_->Log("lending");
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  }
  EXPECT_EQ(suite_->Pid("lending"), pid) << "lending was restarted";
}

// Network's cache behind a Redis that requires a password (requirepass): with
// the right password file the cache is used (hits); with a wrong one it is
// bypassed like a Redis that is down, said once in the log, and every query is
// still answered from the store.
class RedisPasswordTest : public SuiteTest {
 protected:
  virtual std::string PasswordInFile() const = 0;
  void SetUp() override {
    password_file_ = work_dir() + "/redis-password";
    Replace(password_file_, PasswordInFile() + "\n");
    SuiteTest::SetUp();
  }
  std::optional<Suite::Options> SuiteOptions() const override {
    Suite::Options options;
    options.redis_requirepass = "redis-s3cret";
    options.extra_flags["network"] = {absl::StrCat("--redis_password_file=", password_file_)};
    return options;
  }
  // GetNetworkStats, a cached query, three times: every answer must be OK.
  void AskNetwork() {
    auto network = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    for (int i = 0; i < 3; ++i) {
      nv1::GetNetworkStatsResponse response;
      grpc::Status status =
          network->GetNetworkStats(Admin().get(), nv1::GetNetworkStatsRequest(), &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
  }
  double CacheRequests(const std::string& result) {
    return MetricValue(ScrapeMetrics(suite_->Log("network")),
                       absl::StrCat("cercles_cache_requests_total{result=\"", result, "\"}"));
  }

  std::string password_file_;
};

class RedisRightPasswordTest : public RedisPasswordTest {
  std::string PasswordInFile() const override { return "redis-s3cret"; }
};
class RedisWrongPasswordTest : public RedisPasswordTest {
  std::string PasswordInFile() const override { return "not-the-password"; }
};

TEST_F(RedisRightPasswordTest, TheCacheIsUsed) {
  AskNetwork();
  EXPECT_GT(CacheRequests("hit"), 0) << suite_->Log("network");
  EXPECT_EQ(CacheRequests("error"), 0) << suite_->Log("network");
  EXPECT_THAT(suite_->Log("network"), ::testing::Not(HasSubstr("the cache is bypassed")));
}

TEST_F(RedisWrongPasswordTest, TheCacheIsBypassedAndQueriesAreStillAnswered) {
  AskNetwork();
  EXPECT_EQ(CacheRequests("hit"), 0);
  EXPECT_GT(CacheRequests("error"), 0);
  EXPECT_TRUE(Eventually(
      [&] {
        return absl::StrContains(suite_->Log("network"),
                                 "Redis refused the password of \\\"" + password_file_);
      },
      absl::Seconds(5)))
      << suite_->Log("network");
}

}  // namespace
}  // namespace cercles::testing
