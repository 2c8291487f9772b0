// The walking skeleton end to end, through real processes on loopback: membership,
// lending and network over mTLS, a real redis-server, and each storage engine.
#include <arpa/inet.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.pb.h"
#include "cercles/network/v1/privacy.pb.h"
#include "common/server/server.h"
#include "common/storage/database.h"
#include "common/util/build_info.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;
namespace lv1 = cercles::lending::v1;
using ::testing::HasSubstr;

class FoundationTest : public EngineSuiteTest {
 protected:
  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    membership_ = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
    network_ = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    lending_ = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
    // The advisor token "bob" manages the circles it creates once it has a record.
    mv1::CreateAdvisorRequest advisor;
    advisor.set_request_id("advisor-bob");
    advisor.mutable_advisor()->set_display_name("Bob Gagnon");
    advisor.mutable_advisor()->set_email("bob@fonds.example");
    advisor.mutable_advisor()->set_principal_name("bob");
    mv1::CreateAdvisorResponse created;
    grpc::Status status = membership_->CreateAdvisor(Context(admin()).get(), advisor, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  const std::string& admin() const { return TestCredentials().admin_token; }
  const std::string& advisor() const { return TestCredentials().advisor_token; }

  grpc::Status Create(const std::string& request_id, const std::string& display_name,
                      mv1::Circle* out = nullptr, const std::string& sector = "food") {
    mv1::CreateCircleRequest request;
    request.set_request_id(request_id);
    request.mutable_circle()->set_display_name(display_name);
    auto* c = request.mutable_circle()->add_characteristics();
    c->set_kind(mv1::CHARACTERISTIC_KIND_SECTOR);
    c->set_value(sector);
    mv1::CreateCircleResponse response;
    grpc::Status status = membership_->CreateCircle(Context(advisor()).get(), request, &response);
    if (out != nullptr) *out = response.circle();
    return status;
  }

  int CountCircles() {
    int count = 0;
    mv1::ListCirclesRequest request;
    request.set_page_size(500);
    do {
      mv1::ListCirclesResponse response;
      grpc::Status status = membership_->ListCircles(Context(admin()).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += response.circles_size();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return count;
  }

  // The number of circle events in membership's outbox, read through WatchEvents.
  int CountEvents() {
    auto context = Context(admin(), absl::Seconds(1));
    mv1::WatchEventsRequest request;
    auto reader = membership_->WatchEvents(context.get(), request);
    mv1::WatchEventsResponse response;
    int n = 0;
    while (reader->Read(&response)) {
      if (absl::StartsWith(response.event().subject(), "circles/")) ++n;
    }
    return n;
  }

  int DirectorySize(std::string* error = nullptr) {
    nv1::ListNetworkCirclesRequest request;
    request.set_page_size(500);
    nv1::ListNetworkCirclesResponse response;
    grpc::Status status = network_->ListNetworkCircles(Context(admin()).get(), request, &response);
    if (!status.ok()) {
      if (error != nullptr) *error = status.error_message();
      return -1;
    }
    return response.circles_size();
  }

  std::unique_ptr<mv1::MembershipService::Stub> membership_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<lv1::LendingService::Stub> lending_;
};

TEST_P(FoundationTest, CircleCreatedInMembershipAppearsInNetworkDirectory) {
  mv1::Circle circle;
  ASSERT_TRUE(Create("create-1", "Les Entreprenantes", &circle).ok());
  EXPECT_EQ(circle.status(), mv1::CIRCLE_STATUS_FORMING);
  EXPECT_EQ(circle.fund_id(), "fund-test");

  nv1::GetNetworkCircleRequest get;
  get.set_name(absl::StrCat("funds/fund-test/", circle.name()));
  nv1::GetNetworkCircleResponse got;
  ASSERT_TRUE(
      Eventually([&] { return network_->GetNetworkCircle(Context(admin()).get(), get, &got).ok(); },
                 absl::Seconds(10)))
      << suite_->Log("network");
  EXPECT_EQ(got.circle().display_name(), "Les Entreprenantes");
  ASSERT_EQ(got.circle().characteristics_size(), 1);
  EXPECT_EQ(got.circle().characteristics(0).value(), "food");

  nv1::ListNetworkCirclesRequest filtered;
  auto* f = filtered.add_characteristics();
  f->set_kind(mv1::CHARACTERISTIC_KIND_SECTOR);
  f->set_value("food");
  nv1::ListNetworkCirclesResponse listed;
  ASSERT_TRUE(network_->ListNetworkCircles(Context(advisor()).get(), filtered, &listed).ok());
  ASSERT_EQ(listed.circles_size(), 1);
  EXPECT_EQ(listed.circles(0).name(), get.name());
}

TEST_P(FoundationTest, LendingAsksMembershipOverMutualTls) {
  mv1::Circle circle;
  ASSERT_TRUE(Create("create-l", "Cercle Rosemont", &circle).ok());
  lv1::GetCircleEligibilityRequest request;
  request.set_circle(circle.name());
  lv1::GetCircleEligibilityResponse response;
  // Lending learns the advisor (and the circle's assignment) from membership's
  // event stream: right after the circle is created it may not know them yet.
  grpc::Status status;
  Eventually(
      [&] {
        status = lending_->GetCircleEligibility(Context(advisor()).get(), request, &response);
        return status.error_code() != grpc::StatusCode::PERMISSION_DENIED;
      },
      absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.error_message() << suite_->Log("lending");
  EXPECT_EQ(response.eligibility().circle_status(), mv1::CIRCLE_STATUS_FORMING);
  EXPECT_FALSE(response.eligibility().may_guarantee());
  EXPECT_THAT(response.eligibility().reasons(0), HasSubstr("forming"));
  // Membership saw lending as a service identified by its certificate (the
  // access log is written within its flush period).
  EXPECT_TRUE(Eventually(
      [&] { return absl::StrContains(suite_->Log("membership"), "\"peer\":\"service:lending\""); },
      absl::Seconds(5)))
      << suite_->Log("membership");

  request.set_circle("circles/999999");
  status = lending_->GetCircleEligibility(Context(advisor()).get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND));
}

TEST_P(FoundationTest, LendingAnswersUnavailableWhenMembershipIsDown) {
  suite_->KillService("membership");
  lv1::GetCircleEligibilityRequest request;
  request.set_circle("circles/1");
  lv1::GetCircleEligibilityResponse response;
  grpc::Status status =
      lending_->GetCircleEligibility(Context(advisor()).get(), request, &response);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("membership is unavailable")));
  EXPECT_THAT(status.error_message(), HasSubstr("retry"));
}

TEST_P(FoundationTest, IdempotentReplayReturnsTheFirstAnswerAndConflictIsRefused) {
  mv1::Circle first, again;
  ASSERT_TRUE(Create("same-id", "Cercle Verdun", &first).ok());
  ASSERT_TRUE(Create("same-id", "Cercle Verdun", &again).ok());
  EXPECT_EQ(first.SerializeAsString(), again.SerializeAsString());
  EXPECT_EQ(CountCircles(), 1);
  EXPECT_EQ(CountEvents(), 1);

  grpc::Status conflict = Create("same-id", "Another name");
  EXPECT_THAT(conflict,
              StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("request_id \"same-id\"")));
  EXPECT_EQ(CountCircles(), 1);
  EXPECT_EQ(CountEvents(), 1);
}

TEST_P(FoundationTest, ConcurrentRetriesOfOneRequestCreateOneCircle) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::vector<std::string> names(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      mv1::Circle c;
      if (Create("racing-id", "Cercle Hochelaga", &c).ok()) {
        ++ok;
        names[static_cast<size_t>(i)] = c.name();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  for (const auto& n : names) EXPECT_EQ(n, names[0]);
  EXPECT_EQ(CountCircles(), 1);
  EXPECT_EQ(CountEvents(), 1);
}

TEST_P(FoundationTest, MalformedRequestNamesTheFieldAndWritesNothing) {
  grpc::Status status = Create("bad-1", "   ");
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("circle.display_name")));

  mv1::CreateCircleRequest request;
  request.set_request_id("bad-2");
  request.mutable_circle()->set_display_name("Cercle");
  request.mutable_circle()->add_characteristics()->set_value("x");  // no kind
  mv1::CreateCircleResponse response;
  status = membership_->CreateCircle(Context(admin()).get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("circle.characteristics[0].kind")));

  status = Create("", "Cercle sans id");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));

  mv1::GetCircleRequest get;
  get.set_name("circle/1");
  mv1::GetCircleResponse got;
  status = membership_->GetCircle(Context(admin()).get(), get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name must be \"circles/{id}\""));

  mv1::ListCirclesRequest list;
  list.set_page_token("garbage");
  mv1::ListCirclesResponse listed;
  status = membership_->ListCircles(Context(admin()).get(), list, &listed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("page_token")));

  EXPECT_EQ(CountCircles(), 0);
  EXPECT_EQ(CountEvents(), 0);
}

TEST_P(FoundationTest, ListCirclesPaginatesInCreationOrder) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Create(absl::StrCat("page-", i), absl::StrCat("Cercle ", i)).ok());
  }
  std::vector<std::string> seen;
  std::string token;
  do {
    mv1::ListCirclesRequest request;
    request.set_page_size(3);
    request.set_page_token(token);
    mv1::ListCirclesResponse response;
    ASSERT_TRUE(membership_->ListCircles(Context(admin()).get(), request, &response).ok());
    for (const auto& c : response.circles()) seen.push_back(c.display_name());
    token = response.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.front(), "Cercle 0");
  EXPECT_EQ(seen.back(), "Cercle 6");
}

TEST_P(FoundationTest, CredentialsAndRolesAreEnforced) {
  mv1::ListCirclesRequest request;
  mv1::ListCirclesResponse response;
  grpc::Status status = membership_->ListCircles(Context("").get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("needs credentials")));

  status = membership_->ListCircles(Context("not-a-real-token").get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("not recognised")));

  // An advisor may not follow the raw event stream (services and admins only).
  auto context = Context(advisor(), absl::Seconds(2));
  auto reader = membership_->WatchEvents(context.get(), mv1::WatchEventsRequest());
  mv1::WatchEventsResponse event;
  EXPECT_FALSE(reader->Read(&event));
  status = reader->Finish();
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("role advisor")));

  // A service identity may read what its own code reads (lending: a circle, by
  // name; proto/access_matrix.tsv), but not list circles, nor create them.
  auto as_lending = mv1::MembershipService::NewStub(suite_->CertChannel("membership", "lending"));
  mv1::GetCircleRequest get;
  get.set_name("circles/999");
  mv1::GetCircleResponse got;
  EXPECT_THAT(as_lending->GetCircle(Context("").get(), get, &got),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(as_lending->ListCircles(Context("").get(), request, &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("service:lending")));
  mv1::CreateCircleRequest create;
  create.set_request_id("svc-1");
  create.mutable_circle()->set_display_name("Cercle");
  mv1::CreateCircleResponse created;
  status = as_lending->CreateCircle(Context("").get(), create, &created);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("service:lending")));

  // A certificate from a CA this fund does not trust fails the TLS handshake.
  const Credentials& c = TestCredentials();
  server::ChannelOptions rogue;
  rogue.address = suite_->Address("membership");
  rogue.tls.ca = c.ca;
  rogue.tls.cert = c.Cert("rogue");
  rogue.tls.key = c.Key("rogue");
  rogue.server_name_override = "membership";
  auto rogue_stub = mv1::MembershipService::NewStub(*server::MakeChannel(rogue));
  status = rogue_stub->ListCircles(Context("", absl::Seconds(3)).get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE));

  // A client that does not trust the fund's CA refuses the server.
  server::ChannelOptions wrong_ca;
  wrong_ca.address = suite_->Address("membership");
  wrong_ca.tls.ca = c.rogue_ca;
  wrong_ca.server_name_override = "membership";
  auto wrong_stub = mv1::MembershipService::NewStub(*server::MakeChannel(wrong_ca));
  status = wrong_stub->ListCircles(Context(admin(), absl::Seconds(3)).get(), request, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAVAILABLE));
}

TEST_P(FoundationTest, NetworkKilledAndRestartedMidStreamLosesAndRepeatsNothing) {
  constexpr int kCircles = 30;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kCircles; ++i) {
      EXPECT_TRUE(Create(absl::StrCat("stream-", i), absl::StrCat("Cercle ", i)).ok());
      absl::SleepFor(absl::Milliseconds(15));
    }
    done = true;
  });
  absl::SleepFor(absl::Milliseconds(150));
  suite_->KillService("network");  // SIGKILL: no drain, mid-stream
  absl::SleepFor(absl::Milliseconds(150));
  ASSERT_TRUE(suite_->StartService("network").ok());
  writer.join();
  ASSERT_TRUE(Eventually([&] { return DirectorySize() == kCircles; }, absl::Seconds(15)))
      << "directory has " << DirectorySize() << "\n"
      << suite_->Log("network");

  // Exactly once: the cursor stands at membership's last event, and every circle's
  // row was written by the event that created it.
  std::map<int64_t, int64_t> created_by;  // circle id -> sequence of its CircleCreated
  int64_t last_sequence = 0;
  {
    auto membership_db = storage::Database::Open(suite_->DatabaseUrl("membership"));
    ASSERT_TRUE(membership_db.ok()) << membership_db.status();
    auto tx = (*membership_db)->Begin(storage::TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT sequence, type, subject FROM outbox ORDER BY sequence");
    ASSERT_TRUE(rows.ok());
    for (const auto& row : *rows) {
      last_sequence = row.Int(0);
      if (row.Text(1) == "cercles.membership.v1.CircleCreated") {
        created_by[std::stoll(row.Text(2).substr(8))] = row.Int(0);
      }
    }
  }
  ASSERT_EQ(created_by.size(), static_cast<size_t>(kCircles));
  auto db = storage::Database::Open(suite_->DatabaseUrl("network"));
  ASSERT_TRUE(db.ok()) << db.status();
  auto tx = (*db)->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto cursor = (*tx)->Query("SELECT sequence FROM event_cursors WHERE source = 'membership'");
  ASSERT_TRUE(cursor.ok());
  ASSERT_EQ(cursor->size(), 1u);
  EXPECT_EQ((*cursor)[0].Int(0), last_sequence);
  auto rows = (*tx)->Query("SELECT circle_id, source_sequence FROM network_circles");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), static_cast<size_t>(kCircles));
  for (const auto& row : *rows) EXPECT_EQ(row.Int(1), created_by[row.Int(0)]);
}

TEST_P(FoundationTest, DirectoryAnswersFromTheStoreWhenRedisIsDown) {
  ASSERT_TRUE(Create("redis-1", "Cercle Plateau").ok());
  ASSERT_TRUE(Eventually([&] { return DirectorySize() == 1; }, absl::Seconds(10)));
  EXPECT_EQ(DirectorySize(), 1);  // a cache hit now
  suite_->redis()->Stop();
  std::string error;
  EXPECT_EQ(DirectorySize(&error), 1) << error;
  ASSERT_TRUE(Create("redis-2", "Cercle Outremont").ok());
  EXPECT_TRUE(Eventually([&] { return DirectorySize() == 2; }, absl::Seconds(10)));
  // Redis hung (accepts connections, never answers): still answered.
  ASSERT_TRUE(suite_->redis()->Restart().ok());
  suite_->redis()->Pause();
  EXPECT_EQ(DirectorySize(&error), 2) << error;
  suite_->redis()->Resume();
}

TEST_P(FoundationTest, ReadAfterAppliedChangeNeverReturnsTheCachedPage) {
  ASSERT_TRUE(Create("cache-1", "Cercle A").ok());
  ASSERT_TRUE(Eventually([&] { return DirectorySize() == 1; }, absl::Seconds(10)));
  EXPECT_EQ(DirectorySize(), 1);  // cached
  ASSERT_TRUE(Create("cache-2", "Cercle B").ok());
  EXPECT_TRUE(Eventually([&] { return DirectorySize() == 2; }, absl::Seconds(10)));
}

TEST_P(FoundationTest, SigtermDrainsInFlightCallsAndExitsZero) {
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::vector<std::string> created;
  absl::Mutex mu;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        mv1::Circle c;
        grpc::Status s = Create(absl::StrCat("drain-", t, "-", i), "Cercle", &c);
        if (s.ok()) {
          ++ok;
          absl::MutexLock lock(&mu);
          created.push_back(c.name());
        } else if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   s.error_code() == grpc::StatusCode::CANCELLED) {
          // Refused while draining (UNAVAILABLE), or received by the transport but
          // never handed to a handler (CANCELLED): not acknowledged, safe to retry
          // with the same request_id.
          ++unavailable;
        } else {
          ++other;
          ADD_FAILURE() << s.error_code() << " " << s.error_message();
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(400));
  std::optional<int> code = suite_->TerminateService("membership", absl::Seconds(10));
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(code.has_value()) << "membership did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << suite_->Log("membership");
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_THAT(suite_->Log("membership"), HasSubstr("\"msg\":\"draining\""));
  // Every acknowledged write survived.
  ASSERT_TRUE(suite_->StartService("membership").ok());
  membership_ = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
  EXPECT_EQ(CountCircles(), static_cast<int>(created.size()));
}

// The enforcement is in every handler: call every RPC of every service without
// credentials, as a raw gRPC client would, and expect UNAUTHENTICATED.
TEST_P(FoundationTest, EveryRpcRefusesACallWithoutCredentials) {
  const std::vector<std::pair<std::string, std::string>> services = {
      {"membership", "cercles.membership.v1.MembershipService"},
      {"membership", "cercles.membership.v1.PeopleService"},
      {"membership", "cercles.membership.v1.TrainingService"},
      {"membership", "cercles.membership.v1.MeetingService"},
      {"lending", "cercles.lending.v1.LendingService"},
      {"lending", "cercles.lending.v1.FinancingService"},
      {"network", "cercles.network.v1.NetworkService"},
      {"network", "cercles.network.v1.PartnerService"},
      {"network", "cercles.network.v1.PrivacyService"},
      {"network", "cercles.network.v1.FederationService"},
      {"network", "cercles.network.v1.PeerFundService"}};
  // Link the generated descriptors in (they register on first use).
  ASSERT_NE(mv1::Circle::descriptor(), nullptr);
  ASSERT_NE(lv1::CircleEligibility::descriptor(), nullptr);
  ASSERT_NE(nv1::NetworkCircle::descriptor(), nullptr);
  ASSERT_NE(nv1::Partner::descriptor(), nullptr);
  ASSERT_NE(nv1::DirectoryPerson::descriptor(), nullptr);
  ASSERT_NE(nv1::PeerFund::descriptor(), nullptr);
  ASSERT_NE(mv1::Person::descriptor(), nullptr);
  ASSERT_NE(mv1::Training::descriptor(), nullptr);
  ASSERT_NE(mv1::Meeting::descriptor(), nullptr);
  int calls = 0;
  for (const auto& [process, full_name] : services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
    ASSERT_NE(service, nullptr) << full_name;
    auto channel = suite_->StaffChannel(process);
    for (int i = 0; i < service->method_count(); ++i) {
      std::string path = absl::StrCat("/", full_name, "/", service->method(i)->name());
      grpc::Status status = CallWithEmptyRequest(channel.get(), path, /*token=*/"",
                                                 service->method(i)->server_streaming());
      // FederationService is not served on the main port at all (peers call
      // it on network's federation listener): refused before any identity.
      const grpc::StatusCode expected = full_name == "cercles.network.v1.FederationService"
                                            ? grpc::StatusCode::PERMISSION_DENIED
                                            : grpc::StatusCode::UNAUTHENTICATED;
      EXPECT_THAT(status, StatusIs(expected)) << path << ": " << status.error_message();
      ++calls;
    }
  }
  EXPECT_GE(calls, 90);
}

// The call metrics name only the RPCs the service registered: a path a client
// makes up is counted as grpc_service/grpc_method/grpc_type="unknown" (a caller
// cannot grow the label set), and a registered call under its service, method,
// type and code.
TEST_P(FoundationTest, CallMetricsNameRegisteredMethodsAndCountAnyOtherPathAsUnknown) {
  mv1::ListCirclesRequest list;
  mv1::ListCirclesResponse listed;
  ASSERT_TRUE(membership_->ListCircles(Context(admin()).get(), list, &listed).ok());
  auto channel = suite_->StaffChannel("membership");
  for (const std::string path :
       {"/cercles.membership.v1.MembershipService/NoSuchMethod", "/made.up.Service/Invented"}) {
    grpc::Status status = CallWithEmptyRequest(channel.get(), path, admin());
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNIMPLEMENTED)) << path;
  }
  std::string metrics;
  EXPECT_TRUE(Eventually(
      [&] {
        metrics = ScrapeMetrics(suite_->Log("membership"));
        return absl::StrContains(metrics, "grpc_method=\"unknown\"");
      },
      absl::Seconds(5)))
      << metrics.substr(0, 2000);
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
                                 "\"ListCircles\",grpc_service=\"cercles.membership.v1."
                                 "MembershipService\",grpc_type=\"unary\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("grpc_server_started_total{grpc_method=\"unknown\",grpc_service="
                                 "\"unknown\",grpc_type=\"unknown\"} 2"));
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("NoSuchMethod")));
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("Invented")));
  // The database's statements are kept prepared: reuses are counted.
  EXPECT_THAT(metrics, ::testing::ContainsRegex("\ncercles_db_statements_reused [1-9]"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FoundationTest, AllEngines(), EngineParamName);

std::string ServedCertificate(int port, const std::string& ca) {
  server::ChannelOptions o;
  o.address = absl::StrCat("127.0.0.1:", port);
  o.tls.ca = ca;
  o.server_name_override = "membership";
  auto stub = mv1::MembershipService::NewStub(*server::MakeChannel(o));
  auto context = Context(TestCredentials().admin_token);
  mv1::ListCirclesResponse response;
  grpc::Status status = stub->ListCircles(context.get(), mv1::ListCirclesRequest(), &response);
  if (!status.ok()) return "error: " + status.error_message();
  auto values = context->auth_context()->FindPropertyValues("x509_pem_cert");
  return values.empty() ? "" : std::string(values[0].data(), values[0].size());
}

// Tests that start a service by hand: no suite, only the work folder.
class OwnProcessTest : public SuiteTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override { return std::nullopt; }
};
using TlsTest = OwnProcessTest;
using StartupTest = OwnProcessTest;

// A renewed certificate is served without a restart (cert-manager, a new Secret).
TEST_F(TlsTest, RotatedCertificateIsServedWithoutARestart) {
  const std::string& dir = work_dir();
  const std::string scripts = absl::StrCat(CERCLES_SOURCE_DIR, "/scripts");
  auto run = [](const std::string& cmd) { return std::system(cmd.c_str()); };
  ASSERT_EQ(
      run(absl::StrCat("bash ", scripts, "/gen-certs ", dir, "/old membership >/dev/null 2>&1")),
      0);
  // The same CA signs the renewal.
  ASSERT_EQ(
      run(absl::StrCat("mkdir -p ", dir, "/new && cp ", dir, "/old/ca.* ", dir, "/new/ && bash ",
                       scripts, "/gen-certs ", dir, "/new membership >/dev/null 2>&1")),
      0);
  ASSERT_EQ(run(absl::StrCat("cp ", dir, "/old/membership.pem ", dir, "/live.pem && cp ", dir,
                             "/old/membership.key ", dir, "/live.key")),
            0);
  const int port = FreePort();
  Process::Options options;
  options.argv = {absl::StrCat(CERCLES_BINARY_DIR, "/services/membership/cercles-membership"),
                  absl::StrCat("--listen=127.0.0.1:", port),
                  absl::StrCat("--tls_cert=", dir, "/live.pem"),
                  absl::StrCat("--tls_key=", dir, "/live.key"),
                  absl::StrCat("--tls_ca=", dir, "/old/ca.pem"),
                  "--tls_refresh_s=1",
                  absl::StrCat("--tokens_file=", TestCredentials().tokens_file),
                  absl::StrCat("--database_url=sqlite://", dir, "/m.db"),
                  "--fund_id=fund-test"};
  options.log_path = dir + "/membership.log";
  auto process = Process::Start(options);
  ASSERT_TRUE(process.ok());
  const std::string ca = dir + "/old/ca.pem";
  ASSERT_TRUE(Eventually(
      [&] { return ServedCertificate(port, ca) == ReadTextFile(dir + "/old/membership.pem"); },
      absl::Seconds(20)))
      << ServedCertificate(port, ca) << (*process)->ReadLog();
  // Replace key and certificate the way a Secret update does: new files renamed in.
  ASSERT_EQ(
      run(absl::StrCat("cp ", dir, "/new/membership.key ", dir, "/live.key.tmp && cp ", dir,
                       "/new/membership.pem ", dir, "/live.pem.tmp && mv ", dir, "/live.key.tmp ",
                       dir, "/live.key && mv ", dir, "/live.pem.tmp ", dir, "/live.pem")),
      0);
  EXPECT_TRUE(Eventually(
      [&] { return ServedCertificate(port, ca) == ReadTextFile(dir + "/new/membership.pem"); },
      absl::Seconds(20)))
      << ServedCertificate(port, ca);
  EXPECT_NE(ReadTextFile(dir + "/old/membership.pem"), ReadTextFile(dir + "/new/membership.pem"));
}

// Configuration mistakes stop start-up with a message naming the flag.
TEST_F(StartupTest, MalformedConfigurationStopsStartUpNamingTheItem) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
    std::string expected;
  };
  const std::string binary =
      absl::StrCat(CERCLES_BINARY_DIR, "/services/membership/cercles-membership");
  const Credentials& c = TestCredentials();
  std::vector<Case> cases = {
      {{"--fund_id=fund-a", "--insecure"}, {}, "--database_url (CERCLES_DATABASE_URL) is required"},
      {{"--database_url=sqlite:///tmp/x.db", "--insecure"}, {}, "--fund_id (CERCLES_FUND_ID)"},
      {{"--fund_id=fund-a", "--database_url=sqlite:///tmp/x.db"},
       {},
       "--tls_cert (CERCLES_TLS_CERT)"},
      {{"--fund_id=fund-a", "--database_url=mysql://x", "--insecure"},
       {},
       "database_url must start"},
      {{"--no_such_flag"}, {}, "unknown flag --no_such_flag"},
      {{"--listen=nowhere"}, {}, "--listen (CERCLES_LISTEN)=\"nowhere\""},
      {{}, {{"CERCLES_SHUTDOWN_GRACE_MS", "soon"}}, "CERCLES_SHUTDOWN_GRACE_MS=\"soon\""},
      {{"--fund_id=fund-a", "--database_url=sqlite:///tmp/x.db",
        absl::StrCat("--tls_cert=", c.Cert("membership")), "--tls_key=/nonexistent.key"},
       {},
       "--tls_key (CERCLES_TLS_KEY): cannot read file \"/nonexistent.key\""},
      {{"--fund_id=fund-a", "--database_url=sqlite:///tmp/x.db", "--insecure",
        "--tokens_file=" + c.dir + "/alice.token"},
       {},
       "expected \"<sha256 hex> <admin|advisor> <name>\""},
  };
  const std::string& dir = work_dir();
  int n = 0;
  for (const Case& test_case : cases) {
    Process::Options options;
    options.argv = {binary};
    options.argv.insert(options.argv.end(), test_case.args.begin(), test_case.args.end());
    options.env = test_case.env;
    options.log_path = absl::StrCat(dir, "/", n++, ".log");
    auto process = Process::Start(options);
    ASSERT_TRUE(process.ok());
    std::optional<int> code = (*process)->Wait(absl::Seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0) << test_case.expected;
    EXPECT_THAT((*process)->ReadLog(), HasSubstr(test_case.expected));
  }
}

// A start that fails once the server listens (here a migration that meets a
// table it did not create) stops the server before anything main built is
// destroyed: the process logs why and exits 1, never by a signal or a
// sanitizer report. The same for the three services (common/service/process.h).
TEST_F(StartupTest, FailedMigrationExitsOneAfterStoppingTheServer) {
  const std::string& dir = work_dir();
  const std::vector<std::pair<std::string, std::string>> services = {
      {"membership", "circles"}, {"lending", "fund_settings"}, {"network", "network_circles"}};
  for (const auto& [service, table] : services) {
    SCOPED_TRACE(service);
    const std::string db_path = absl::StrCat(dir, "/", service, "-taken.db");
    {
      auto db = storage::Database::Open(absl::StrCat("sqlite://", db_path));
      ASSERT_TRUE(db.ok()) << db.status();
      // (The binding is named through a copy: C++17 lambdas cannot capture one.)
      auto create = [&, table = table](storage::Transaction& tx) {
        return tx.Exec(absl::StrCat("CREATE TABLE ", table, " (taken INTEGER)")).status();
      };
      ASSERT_THAT(storage::RunInTransaction(**db, storage::TxMode::kWrite, create), IsOk());
    }
    const int port = FreePort();
    Process::Options options;
    options.argv = {absl::StrCat(CERCLES_BINARY_DIR, "/services/", service, "/cercles-", service),
                    absl::StrCat("--listen=127.0.0.1:", port),
                    "--insecure",
                    absl::StrCat("--database_url=sqlite://", db_path),
                    "--fund_id=fund-test",
                    absl::StrCat("--membership_address=127.0.0.1:", FreePort())};
    if (service == "membership") options.argv.pop_back();
    options.log_path = absl::StrCat(dir, "/", service, "-taken.log");
    auto process = Process::Start(options);
    ASSERT_TRUE(process.ok());
    std::optional<int> code = (*process)->Wait(absl::Seconds(20));
    ASSERT_TRUE(code.has_value()) << (*process)->ReadLog();
    const std::string log = (*process)->ReadLog();
    EXPECT_EQ(*code, 1) << log;
    EXPECT_THAT(log, HasSubstr("migration failed"));
    EXPECT_THAT(log, HasSubstr(table));
    EXPECT_THAT(log, ::testing::Not(HasSubstr("Sanitizer")));
  }
}

// Every binary of a release says which one it is: `--version` prints the
// version and git revision and exits 0, and each service's /metrics carries
// them as cercles_build_info (common/util/build_info.h).
TEST_F(StartupTest, EveryBinaryPrintsItsVersionAndServicesExportBuildInfo) {
  const std::string version =
      absl::StrCat(build_info::Version(), " (revision ", build_info::Revision(), ")");
  const std::vector<std::string> binaries = {"services/membership/cercles-membership",
                                             "services/lending/cercles-lending",
                                             "services/network/cercles-network",
                                             "tools/cerclesctl/cerclesctl",
                                             "bench/cercles-loadgen",
                                             "bench/cercles-fsync-baseline"};
  for (const std::string& binary : binaries) {
    Process::Options options;
    options.argv = {absl::StrCat(CERCLES_BINARY_DIR, "/", binary), "--version"};
    options.log_path = absl::StrCat(work_dir(), "/version.log");
    auto process = Process::Start(options);
    ASSERT_TRUE(process.ok()) << binary;
    std::optional<int> code = (*process)->Wait(absl::Seconds(10));
    ASSERT_TRUE(code.has_value()) << binary;
    EXPECT_EQ(*code, 0) << binary;
    const std::string name = binary.substr(binary.rfind('/') + 1);
    EXPECT_THAT((*process)->ReadLog(), HasSubstr(absl::StrCat(name, " ", version))) << binary;
  }

  Process::Options options;
  options.argv = {absl::StrCat(CERCLES_BINARY_DIR, "/services/membership/cercles-membership"),
                  absl::StrCat("--listen=127.0.0.1:", FreePort()),
                  "--metrics_listen=127.0.0.1:0",
                  "--insecure",
                  absl::StrCat("--database_url=sqlite://", work_dir(), "/build-info.db"),
                  "--fund_id=fund-test"};
  options.log_path = absl::StrCat(work_dir(), "/build-info.log");
  auto process = Process::Start(options);
  ASSERT_TRUE(process.ok());
  std::string metrics;
  EXPECT_TRUE(Eventually(
      [&] {
        metrics = ScrapeMetrics((*process)->ReadLog());
        return absl::StrContains(metrics, "cercles_build_info");
      },
      absl::Seconds(20)))
      << (*process)->ReadLog();
  EXPECT_THAT(metrics,
              HasSubstr(absl::StrCat("cercles_build_info{revision=\"", build_info::Revision(),
                                     "\",version=\"", build_info::Version(), "\"} 1")));
}

}  // namespace
}  // namespace cercles::testing
