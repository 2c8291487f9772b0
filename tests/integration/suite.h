// A whole Cercles fund on loopback for integration tests: real processes of the
// three services, a real redis-server, SQLite files or real PostgreSQL databases,
// a local CA with per-service certificates and staff tokens.
#ifndef CERCLES_TESTS_INTEGRATION_SUITE_H_
#define CERCLES_TESTS_INTEGRATION_SUITE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace cercles::testing {

enum class Engine { kSqlite, kPostgres };
std::string EngineName(Engine engine);

// Where the test's certificates and tokens are (shared by every suite of a run).
struct Credentials {
  std::string dir;
  std::string ca, rogue_ca;
  std::string admin_token, advisor_token;  // alice (admin), bob (advisor)
  std::string other_advisor_token;         // dora (advisor)
  std::string tokens_file;
  std::string Cert(const std::string& name) const { return dir + "/" + name + ".pem"; }
  std::string Key(const std::string& name) const { return dir + "/" + name + ".key"; }
};
// Made with scripts/gen-certs and scripts/gen-token once per build tree and
// shared by every test process; read-only (a test that changes a file copies
// it into its work_dir() first). Also holds the federation funds' certificates
// (federation_fixtures.h).
const Credentials& TestCredentials();
// The funds of the federation tests, each with a CA of its own ("fund-a-ca"
// signs fund-a's certificate): their certificates are in TestCredentials().
const std::vector<std::string>& FederationFundIds();

class Suite {
 public:
  struct Options {
    Engine engine = Engine::kSqlite;
    std::string fund_id = "fund-test";
    bool with_redis = true;
    // Non-empty: the suite's Redis requires this password (requirepass).
    std::string redis_requirepass;
    int64_t shutdown_grace_ms = 5000;
    // More command-line flags per service, e.g. {"network", {"--federation_cert=..."}}.
    std::map<std::string, std::vector<std::string>> extra_flags;
  };

  explicit Suite(Options options);
  ~Suite();

  // Creates databases, starts Redis and the three services, waits for SERVING.
  absl::Status Start();

  // Service lifecycle, by name "membership", "lending" or "network", or the
  // name of a replica (below).
  absl::Status StartService(const std::string& name);
  // Starts `replica` (e.g. "lending-2"), one more process of `service` on the
  // same database, with the same flags and identity, on a port of its own;
  // Address, StaffChannel, KillService... then take the replica's name.
  absl::Status StartReplica(const std::string& service, const std::string& replica);
  void KillService(const std::string& name);  // SIGKILL, no drain
  // SIGTERM; returns the exit code (nullopt if it did not exit in time).
  std::optional<int> TerminateService(const std::string& name, absl::Duration timeout);
  int Port(const std::string& name) const { return ports_.at(name); }
  // The service's process id (0 when it is not running), e.g. to read /proc.
  pid_t Pid(const std::string& name) const;
  std::string Address(const std::string& name) const;
  // Where a network process serves FederationService to peer funds (its
  // --federation_listen, a free port the first start bound, kept on restarts).
  std::string FederationAddress(const std::string& name = "network") const;
  std::string Log(const std::string& name) const;
  std::string DatabaseUrl(const std::string& name) const { return database_urls_.at(name); }
  RedisServer* redis() { return redis_.get(); }
  const Options& options() const { return options_; }

  // Channels: as staff over TLS (token added per call), or with a client
  // certificate (a service identity, or the rogue one).
  std::shared_ptr<grpc::Channel> StaffChannel(const std::string& service) const;
  std::shared_ptr<grpc::Channel> CertChannel(const std::string& service,
                                             const std::string& cert_name,
                                             bool rogue_ca = false) const;

  // Health of a service: true when SERVING.
  bool Serving(const std::string& service) const;
  absl::Status WaitServing(const std::string& service, absl::Duration timeout) const;

 private:
  std::vector<std::string> CommonFlags(const std::string& name) const;
  // StartService's two halves: the process started and its port known (its
  // log's "listening" line), then SERVING.
  absl::Status LaunchService(const std::string& name);
  absl::Status WaitStarted(const std::string& name);
  // The service a process name runs: itself, or what it is a replica of.
  std::string ServiceOf(const std::string& name) const;

  Options options_;
  std::string dir_;
  std::unique_ptr<RedisServer> redis_;
  std::map<std::string, int> ports_;
  std::map<std::string, int> federation_ports_;  // network processes only
  std::map<std::string, std::string> database_urls_;
  std::map<std::string, std::unique_ptr<Process>> processes_;
  std::map<std::string, std::string> replica_of_;  // replica name -> service
};

// Calls `path` with an empty request as a raw gRPC client would (no generated
// stub), within `timeout`, with `token` unless it is empty: for the checks that
// walk every RPC of a service, and for paths no service has. A server-streaming
// method is called as one (its first message, if any, is dropped).
grpc::Status CallWithEmptyRequest(grpc::Channel* channel, const std::string& path,
                                  const std::string& token = "", bool server_streaming = false,
                                  absl::Duration timeout = absl::Seconds(5));

// Adds "authorization: Bearer <token>" to a context.
void AddToken(grpc::ClientContext* context, const std::string& token);
// A context with a deadline of `timeout` from now.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             absl::Duration timeout = absl::Seconds(10));

// A whole text file ("" when unreadable).
std::string ReadTextFile(const std::string& path);

// The real cerclesctl binary run against one service of the suite as staff
// (TLS with the test CA), its output captured through files in `work_dir`.
struct CtlResult {
  int code = -1;
  std::string out, err;
};
CtlResult RunCerclesctl(const Suite& suite, const std::string& service, const std::string& token,
                        const std::vector<std::string>& args, const std::string& work_dir);
// Any command line (argv, each word quoted for the shell; leading NAME=VALUE words
// set its environment, where LC_ALL, LC_MESSAGES, LANG and CERCLES_LANG are unset
// unless so given), its output captured
// the same way; CerclesctlBinary() is the path of the built cerclesctl.
CtlResult RunCommand(const std::vector<std::string>& command, const std::string& work_dir);
std::string CerclesctlBinary();

// The port a service's "listening" log line reports under `key`
// ("metrics_port", "health_port"); 0 when the log has none.
int LoggedPort(const std::string& log, const std::string& key);
// The body of GET http://127.0.0.1:port/path ("" on any failure), and the
// HTTP status in *status when given (0 without an answer).
std::string HttpGet(int port, const std::string& path, int* status = nullptr);
// What a service's /metrics says (plain HTTP GET on the port its "listening"
// line reports, from its log); "" when it cannot be read.
std::string ScrapeMetrics(const std::string& log);
// The value of one series (`name` or `name{labels}` as rendered) in a
// Prometheus text page; 0 when absent.
double MetricValue(const std::string& page, const std::string& series);

// Polls `condition` until it is true or `timeout` passes: after 2 ms, then
// twice as long each time up to every 50 ms.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout);

// The base of every integration test fixture. SetUp skips a PostgreSQL run when
// scripts/test gave no server, then starts one fund's Suite (its databases,
// Redis and the three services, each SERVING on the port it reported); the
// certificates and tokens are TestCredentials(). A fixture derives, overrides
// SetUp, calls the base first and returns at once if it skipped or failed:
//
//   void SetUp() override {
//     SuiteTest::SetUp();
//     if (IsSkipped() || HasFatalFailure()) return;
//     ...
//   }
//
// The suite's folder and work_dir() are removed after a test that passed and
// kept, with the services' logs and databases, after one that failed.
class SuiteTest : public ::testing::Test {
 protected:
  // SQLite, unless the fixture runs on every engine (EngineSuiteTest).
  virtual Engine engine() const { return Engine::kSqlite; }
  // The suite SetUp starts: by default on engine() with Redis. Override to add
  // flags or drop Redis, or return nullopt for a fixture that starts no suite
  // (or several funds of its own).
  virtual std::optional<Suite::Options> SuiteOptions() const;

  void SetUp() override;
  void TearDown() override;

  // A temporary folder for the test's own files (CSV, cerclesctl output, ...),
  // made on first use.
  const std::string& work_dir();

  // Call contexts with the staff's tokens: alice (admin), bob and dora (advisors).
  static std::unique_ptr<grpc::ClientContext> Admin();
  static std::unique_ptr<grpc::ClientContext> Bob();
  static std::unique_ptr<grpc::ClientContext> Dora();

  std::unique_ptr<Suite> suite_;  // null when SuiteOptions() is nullopt

 private:
  std::string work_dir_;
};

// The same tests on SQLite and on PostgreSQL:
//   INSTANTIATE_TEST_SUITE_P(Engines, MyTest, AllEngines(), EngineParamName);
class EngineSuiteTest : public SuiteTest, public ::testing::WithParamInterface<Engine> {
 protected:
  Engine engine() const override { return GetParam(); }
};

inline auto AllEngines() { return ::testing::Values(Engine::kSqlite, Engine::kPostgres); }
inline std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info) {
  return EngineName(info.param);
}

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_SUITE_H_
