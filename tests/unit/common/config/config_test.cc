#include "common/config/config.h"

#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

ABSL_FLAG(std::string, test_database_url, "default-url", "for the test");
ABSL_FLAG(int64_t, test_grace_ms, 100, "for the test");
ABSL_FLAG(bool, test_insecure, false, "for the test");

namespace cercles::config {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

std::map<std::string, std::string>& FakeEnv() {
  static auto* env = new std::map<std::string, std::string>();
  return *env;
}
const char* Lookup(const char* name) {
  auto it = FakeEnv().find(name);
  return it == FakeEnv().end() ? nullptr : it->second.c_str();
}

absl::StatusOr<std::vector<std::string>> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseFlagsWithEnvOrError(static_cast<int>(argv.size()), argv.data(), &Lookup);
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeEnv().clear();
    absl::SetFlag(&FLAGS_test_database_url, "default-url");
    absl::SetFlag(&FLAGS_test_grace_ms, 100);
    absl::SetFlag(&FLAGS_test_insecure, false);
  }
};

TEST_F(ConfigTest, EnvironmentNameIsDerivedFromTheFlag) {
  EXPECT_EQ(EnvNameFor("database_url"), "CERCLES_DATABASE_URL");
  EXPECT_EQ(EnvNameFor("metrics-listen"), "CERCLES_METRICS_LISTEN");
}

TEST_F(ConfigTest, EnvironmentFillsFlagsAndCommandLineWins) {
  FakeEnv()["CERCLES_TEST_DATABASE_URL"] = "from-env";
  FakeEnv()["CERCLES_TEST_GRACE_MS"] = "250";
  ASSERT_TRUE(Parse({"--test-grace-ms=500"}).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_database_url), "from-env");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_grace_ms), 500);
}

TEST_F(ConfigTest, SeparateValuesBooleansAndPositionals) {
  auto positional = Parse({"--test_database_url", "x", "--test_insecure", "rest", "--", "--not"});
  ASSERT_TRUE(positional.ok()) << positional.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_test_database_url), "x");
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_insecure));
  EXPECT_THAT(*positional, ::testing::ElementsAre("rest", "--not"));
  ASSERT_TRUE(Parse({"--notest_insecure"}).ok());
  EXPECT_FALSE(absl::GetFlag(FLAGS_test_insecure));
}

TEST_F(ConfigTest, MalformedValuesAreNamed) {
  FakeEnv()["CERCLES_TEST_GRACE_MS"] = "soon";
  auto from_env = Parse({});
  EXPECT_THAT(from_env.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("CERCLES_TEST_GRACE_MS=\"soon\"")));
  FakeEnv().clear();
  auto from_flag = Parse({"--test_grace_ms=soon"});
  EXPECT_THAT(from_flag.status().message(), HasSubstr("--test_grace_ms=\"soon\""));
  auto unknown = Parse({"--no_such_flag=1"});
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown flag --no_such_flag"));
  auto missing = Parse({"--test_database_url"});
  EXPECT_THAT(missing.status().message(), HasSubstr("needs a value"));
}

TEST_F(ConfigTest, ChecksNameTheFlagAndItsVariable) {
  EXPECT_THAT(RequireNonEmpty("fund_id", "").message(), HasSubstr("--fund_id (CERCLES_FUND_ID)"));
  EXPECT_TRUE(RequireHostPort("listen", "127.0.0.1:7101").ok());
  EXPECT_TRUE(RequireHostPort("listen", "[::1]:7101").ok());
  EXPECT_THAT(RequireHostPort("listen", "127.0.0.1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequireHostPort("listen", "127.0.0.1:0"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(RequireHostPort("listen", "127.0.0.1:0", true).ok());
  EXPECT_THAT(RequireHostPort("listen", "host:99999"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequireReadableFile("tls_cert", "/nonexistent.pem").message(),
              HasSubstr("cannot read file \"/nonexistent.pem\""));
}

}  // namespace
}  // namespace cercles::config
