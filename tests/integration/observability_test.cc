// What an operator's tools see of the real processes: the plaintext
// health-only port the kubelet probes, one trace across cerclesctl, lending and
// membership with a span per hop in the services' logs, and lending's client,
// group-commit, database pool and process metrics.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "cercles/network/v1/privacy.grpc.pb.h"
#include "common/server/server.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/health.h"

namespace cercles::testing {
namespace {

using ::testing::HasSubstr;

// A JSON log line's string field ("" when absent): the services write flat
// objects of string, number and boolean fields, strings escaped by JsonQuote.
std::string Field(const std::string& line, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t at = line.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return line.substr(start, line.find('"', start) - start);
}

// The access-log lines of `log` in the trace `trace_id`.
std::vector<std::string> LinesOfTrace(const std::string& log, const std::string& trace_id) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (Field(std::string(line), "trace_id") == trace_id) lines.emplace_back(line);
  }
  return lines;
}

class ObservabilityTest : public LendingFixture {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = LendingFixture::SuiteOptions();
    for (const char* service : {"membership", "lending", "network"}) {
      options->extra_flags[service].push_back("--health_listen=127.0.0.1:0");
    }
    return options;
  }
};

TEST_P(ObservabilityTest, HealthPortAnswersInPlaintextAndServesNothingElse) {
  for (const char* service : {"membership", "lending"}) {
    const int port = LoggedPort(suite_->Log(service), "health_port");
    ASSERT_GT(port, 0) << service;
    auto plaintext =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    absl::StatusOr<Health> health = CheckHealth(plaintext.get());
    ASSERT_TRUE(health.ok()) << service << ": " << health.status();
    EXPECT_EQ(*health, Health::kServing) << service;
    for (const std::string path :
         {"/cercles.membership.v1.MembershipService/ListCircles",
          "/cercles.lending.v1.LendingService/ListLoans",
          "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
      EXPECT_EQ(
          CallWithEmptyRequest(plaintext.get(), path, TestCredentials().admin_token).error_code(),
          grpc::StatusCode::UNIMPLEMENTED)
          << service << " " << path;
    }
    // The metrics port's /healthz says the same as the gRPC health.
    int status = 0;
    EXPECT_EQ(HttpGet(LoggedPort(suite_->Log(service), "metrics_port"), "/healthz", &status), "ok");
    EXPECT_EQ(status, 200) << service;
  }
}

// Health by service name (issue 17): every service each process registers
// answers SERVING by its full name, on the TLS port and on the plaintext
// health-only port (FederationService: on network's federation listener
// only); a name it does not serve is NOT_FOUND.
TEST_P(ObservabilityTest, EveryServiceAnswersHealthByItsFullNameOnBothListeners) {
  const std::map<std::string, std::vector<std::string>> services = {
      {"membership",
       {membership::v1::MembershipService::service_full_name(),
        membership::v1::PeopleService::service_full_name(),
        membership::v1::TrainingService::service_full_name(),
        membership::v1::MeetingService::service_full_name()}},
      {"lending",
       {lending::v1::LendingService::service_full_name(),
        lending::v1::FinancingService::service_full_name()}},
      {"network",
       {network::v1::NetworkService::service_full_name(),
        network::v1::PartnerService::service_full_name(),
        network::v1::PrivacyService::service_full_name(),
        network::v1::PeerFundService::service_full_name()}},
  };
  for (const auto& [process, names] : services) {
    const int port = LoggedPort(suite_->Log(process), "health_port");
    ASSERT_GT(port, 0) << process;
    auto plaintext =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    auto tls = suite_->StaffChannel(process);
    for (grpc::Channel* channel : {tls.get(), plaintext.get()}) {
      for (const std::string& name : names) {
        absl::StatusOr<Health> health = CheckHealth(channel, name);
        ASSERT_TRUE(health.ok()) << process << " " << name << ": " << health.status();
        EXPECT_EQ(*health, Health::kServing) << process << " " << name;
      }
      EXPECT_EQ(CheckHealth(channel, "cercles.lending.v1.NoSuchService").status().code(),
                absl::StatusCode::kNotFound)
          << process;
    }
  }
  // FederationService answers on network's federation listener only (any
  // client certificate of its CA bundle reaches health there).
  const Credentials& c = TestCredentials();
  server::ChannelOptions federation;
  federation.address = suite_->FederationAddress();
  federation.tls = {c.Cert("lending"), c.Key("lending"), c.ca};
  federation.server_name_override = "network";
  auto door = *server::MakeChannel(federation);
  const std::string federation_service = network::v1::FederationService::service_full_name();
  EXPECT_EQ(CheckHealth(door.get(), federation_service).value(), Health::kServing);
  EXPECT_EQ(CheckHealth(door.get()).value(), Health::kServing);
  EXPECT_EQ(
      CheckHealth(door.get(), network::v1::NetworkService::service_full_name()).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(CheckHealth(suite_->StaffChannel("network").get(), federation_service).status().code(),
            absl::StatusCode::kNotFound);
}

// The done-when of issue 16: a trace id set by cerclesctl appears with distinct
// span ids in the logs of lending and membership for one loan submission, each
// membership span a child of lending's.
TEST_P(ObservabilityTest, OneLoanSubmissionIsOneTraceWithASpanPerHop) {
  std::vector<std::string> members;
  const std::string circle = Circle("Traces", 5, &members);
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  const std::string cli_span = "b7ad6b7169203331";
  CtlResult submitted = RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                                      {"--traceparent",
                                       absl::StrCat("00-", trace_id, "-", cli_span, "-01"),
                                       "lending",
                                       "loans",
                                       "submit",
                                       "--circle",
                                       circle,
                                       "--applicant",
                                       members[0],
                                       "--amount",
                                       "500",
                                       "--rate",
                                       "6%",
                                       "--instalments",
                                       "6",
                                       "--frequency",
                                       "monthly",
                                       "--purpose",
                                       "Un four",
                                       "--plan-summary",
                                       "Boulangerie de quartier"},
                                      work_dir());
  ASSERT_EQ(submitted.code, 0) << submitted.err;

  std::vector<std::string> lending, membership;
  ASSERT_TRUE(Eventually(  // access lines are flushed within 20 ms
      [&] {
        lending = LinesOfTrace(suite_->Log("lending"), trace_id);
        membership = LinesOfTrace(suite_->Log("membership"), trace_id);
        return lending.size() == 1 && !membership.empty();
      },
      absl::Seconds(5)))
      << lending.size() << " lending lines, " << membership.size() << " membership lines";
  EXPECT_THAT(lending[0], HasSubstr("LendingService/SubmitLoanRequest"));
  const std::string lending_span = Field(lending[0], "span_id");
  EXPECT_THAT(lending_span, ::testing::MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(Field(lending[0], "parent_span_id"), cli_span);

  std::set<std::string> spans = {cli_span, lending_span};
  for (const std::string& line : membership) {
    EXPECT_EQ(Field(line, "parent_span_id"), lending_span) << line;
    EXPECT_TRUE(spans.insert(Field(line, "span_id")).second) << "span id seen twice: " << line;
  }
  EXPECT_EQ(spans.size(), membership.size() + 2);

  // The event the submission emitted carries lending's span to its consumers
  // (the outbox's traceparent, sent in Event.traceparent).
  auto db = storage::Database::Open(suite_->DatabaseUrl("lending"));
  ASSERT_TRUE(db.ok()) << db.status();
  auto tx = (*db)->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok()) << tx.status();
  auto rows = (*tx)->Query("SELECT traceparent FROM outbox ORDER BY sequence DESC LIMIT 1");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), absl::StrCat("00-", trace_id, "-", lending_span, "-01"));

  // Lending counted its calls to membership as a client.
  const std::string metrics = ScrapeMetrics(suite_->Log("lending"));
  EXPECT_THAT(metrics, ::testing::ContainsRegex(
                           "grpc_client_handled_total\\{grpc_code=\"OK\",grpc_method=\"GetCircle\","
                           "grpc_service=\"cercles.membership.v1.MembershipService\",grpc_type="
                           "\"unary\"\\} [1-9]"));
  // And the write path's and the process's own figures: the submission was one
  // group-committed write on a pooled connection.
  for (const char* series :
       {"\ncercles_group_commit_writes_total [1-9]",
        "\ncercles_group_commit_transactions_total [1-9]",
        "\ncercles_db_pool_max_connections [1-9]", "\ncercles_db_pool_idle_connections [0-9]",
        "\nprocess_cpu_seconds_total [0-9]", "\nprocess_open_fds [1-9]",
        "\nprocess_threads [1-9]"}) {
    EXPECT_THAT(metrics, ::testing::ContainsRegex(series)) << series;
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ObservabilityTest, ::testing::Values(Engine::kSqlite),
                         EngineParamName);

}  // namespace
}  // namespace cercles::testing
