#include "tests/integration/suite.h"

#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/server/localized_status.h"
#include "common/server/server.h"
#include "gtest/gtest.h"
#include "tests/support/health.h"

namespace cercles::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::string s = ReadTextFile(path);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string Quote(const std::string& arg) {
  return absl::StrCat("'", absl::StrReplaceAll(arg, {{"'", "'\\''"}}), "'");
}

// The port of the first "listening" line a service logged, 0 if none yet.
int PortFromLog(const std::string& log) {
  static const std::string kListening = "\"msg\":\"listening\",\"port\":";
  const size_t at = log.find(kListening);
  if (at == std::string::npos) return 0;
  int port = 0;
  for (size_t i = at + kListening.size(); i < log.size() && log[i] >= '0' && log[i] <= '9'; ++i) {
    port = port * 10 + (log[i] - '0');
  }
  return port;
}

std::string Binary(const std::string& name) {
  return absl::StrCat(CERCLES_BINARY_DIR, "/services/", name, "/cercles-", name);
}

}  // namespace

std::string EngineName(Engine engine) { return engine == Engine::kSqlite ? "sqlite" : "postgres"; }

const std::vector<std::string>& FederationFundIds() {
  static const std::vector<std::string> ids = {"fund-a", "fund-b", "fund-c"};
  return ids;
}

namespace {

// The shell command that fills $1 (a folder) with every certificate, key and
// token of the tests: the services', the peer fund's and the rogue CA's
// (gen-certs), three tokens (gen-token), and each federation fund's
// certificate signed by a CA of its own, with the bundles PeerCas and AllCas
// name (see federation_fixtures.h).
std::string CredentialsCommand() {
  const std::string scripts = absl::StrCat(CERCLES_SOURCE_DIR, "/scripts");
  std::string cmd =
      absl::StrCat("set -e; d=\"$1\"; bash ", scripts,
                   "/gen-certs \"$d\" membership lending network fund-peer >/dev/null 2>&1; bash ",
                   scripts, "/gen-token \"$d\" admin alice >/dev/null; bash ", scripts,
                   "/gen-token \"$d\" advisor bob >/dev/null; bash ", scripts,
                   "/gen-token \"$d\" advisor dora >/dev/null");
  const std::vector<std::string>& ids = FederationFundIds();
  for (const std::string& id : ids) {
    absl::StrAppend(&cmd, "; bash ", scripts, "/gen-certs --ca ", id, "-ca \"$d\" ", id,
                    " >/dev/null 2>&1");
  }
  for (const std::string& id : ids) {
    absl::StrAppend(&cmd, "; : >\"$d/peers-of-", id, ".pem\"");
    for (const std::string& other : ids) {
      if (other != id)
        absl::StrAppend(&cmd, "; cat \"$d/", other, "-ca.pem\" >>\"$d/peers-of-", id, ".pem\"");
    }
  }
  absl::StrAppend(&cmd, "; cat \"$d/ca.pem\"");
  for (const std::string& id : ids) absl::StrAppend(&cmd, " \"$d/", id, "-ca.pem\"");
  absl::StrAppend(&cmd, " >\"$d/all-cas.pem\"");
  return cmd;
}

// Where the credentials are: made once per build tree and shared by every
// test process (ctest runs each test in a process of its own, and making them
// takes ~0.7 s of openssl, as long as a whole small test). The folder's name
// is a hash of what makes them (the command and both scripts) and the month,
// so a changed script makes new ones and none is kept near its expiry (825
// days). They are made in a fresh folder renamed into place: a process racing
// another takes the folder that landed first and removes its own.
std::string SharedCredentialsDir() {
  const std::string scripts = absl::StrCat(CERCLES_SOURCE_DIR, "/scripts");
  const std::string command = CredentialsCommand();
  const std::string month = absl::FormatTime("%Y-%m", absl::Now(), absl::UTCTimeZone());
  const size_t key = std::hash<std::string>{}(
      absl::StrCat(command, "\n", ReadTextFile(scripts + "/gen-certs"), "\n",
                   ReadTextFile(scripts + "/gen-token"), "\n", month));
  const std::string root = absl::StrCat(CERCLES_BINARY_DIR, "/test-credentials");
  const std::string dir = absl::StrCat(root, "/", absl::Hex(key, absl::kZeroPad16));
  if (std::filesystem::exists(dir + "/all-cas.pem")) return dir;
  std::error_code error;
  std::filesystem::create_directories(root, error);
  std::string fresh = absl::StrCat(root, "/making-XXXXXX");
  if (::mkdtemp(fresh.data()) == nullptr) {
    std::fprintf(stderr, "cannot make a folder in %s\n", root.c_str());
    std::abort();
  }
  const std::string run = absl::StrCat("bash -c ", Quote(command), " _ ", Quote(fresh));
  if (std::system(run.c_str()) != 0) {
    std::fprintf(stderr, "cannot make test certificates: %s\n", run.c_str());
    std::abort();
  }
  // rename() refuses a non-empty target: then another process got there first.
  if (::rename(fresh.c_str(), dir.c_str()) != 0) std::filesystem::remove_all(fresh, error);
  return dir;
}

// The services whose every error message the tests provoke must have a French
// translation: an untranslated one fails the test. Those of RequiredTranslations()
// (the three), and those $CERCLES_I18N_REQUIRED names ("membership,lending" or
// "all"; a test may set it). Every message is also written to
// $CERCLES_UNTRANSLATED_OUT when set (scripts/i18n-untranslated).
const std::vector<absl::string_view>& RequiredTranslations() {
  static const auto* const kServices =
      new std::vector<absl::string_view>{"membership", "lending", "network"};
  return *kServices;
}
bool TranslationsRequired(absl::string_view service) {
  for (absl::string_view required : RequiredTranslations()) {
    if (required == service) return true;
  }
  const char* env = std::getenv("CERCLES_I18N_REQUIRED");
  if (env == nullptr) return false;
  for (absl::string_view named : absl::StrSplit(env, ',')) {
    if (named == "all" || named == service) return true;
  }
  return false;
}

// A JSON string's text from just after its opening quote (log lines escape
// only quotes, backslashes and control characters).
std::string JsonText(absl::string_view from) {
  std::string out;
  for (size_t i = 0; i < from.size() && from[i] != '"'; ++i) {
    if (from[i] == '\\' && i + 1 < from.size()) {
      const char c = from[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(from[i]);
    }
  }
  return out;
}

// Every error message a service of the suite answered without a French
// translation: the lines its strict mode (--strict_translations) logged.
void CheckTranslations(const std::string& dir) {
  std::error_code error;
  const char* out_path = std::getenv("CERCLES_UNTRANSLATED_OUT");
  std::ofstream out;
  if (out_path != nullptr && *out_path != '\0') out.open(out_path, std::ios::app);
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".log") continue;
    const std::string process = entry.path().stem().string();
    const std::string service = process.substr(0, process.find('-'));  // "lending-2": lending
    for (absl::string_view line : absl::StrSplit(ReadTextFile(entry.path().string()), '\n')) {
      if (!absl::StrContains(line, server::kUntranslatedMarker)) continue;
      const size_t at = line.find("\"message\":\"");
      if (at == absl::string_view::npos) continue;
      const std::string message = JsonText(line.substr(at + 11));
      if (out.is_open()) out << service << '\t' << message << '\n';
      if (TranslationsRequired(service)) {
        ADD_FAILURE() << process << " answered an error message that common/i18n/messages_fr.tsv "
                      << "does not translate: " << message;
      } else {
        std::fprintf(stderr, "untranslated (%s): %s\n", service.c_str(), message.c_str());
      }
    }
  }
}

}  // namespace

const Credentials& TestCredentials() {
  static const Credentials* credentials = [] {
    auto* c = new Credentials();
    c->dir = SharedCredentialsDir();
    c->ca = c->dir + "/ca.pem";
    c->rogue_ca = c->dir + "/rogue-ca.pem";
    c->admin_token = ReadAll(c->dir + "/alice.token");
    c->advisor_token = ReadAll(c->dir + "/bob.token");
    c->other_advisor_token = ReadAll(c->dir + "/dora.token");
    c->tokens_file = c->dir + "/tokens.txt";
    return c;
  }();
  return *credentials;
}

Suite::Suite(Options options) : options_(std::move(options)) {
  dir_ = MakeTempDir("cercles-suite");
  // Port 0: each service binds a free port itself and logs it (a port picked here
  // could be taken by a parallel test before the service binds it).
  for (const char* name : {"membership", "lending", "network"}) ports_[name] = 0;
}

Suite::~Suite() {
  for (auto& [name, process] : processes_) {
    if (process != nullptr && process->Running()) {
      process->Signal(SIGKILL);
      process->Wait(absl::Seconds(5));
    }
  }
  processes_.clear();
  CheckTranslations(dir_);
  if (options_.engine == Engine::kPostgres) {
    for (const auto& [name, url] : database_urls_) {
      DropPostgresDatabase(PostgresBaseUrlFromEnv(), url);
    }
  }
  // Keep the logs and databases of a failed test for a look; drop the others.
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

std::string Suite::Address(const std::string& name) const {
  return absl::StrCat("127.0.0.1:", ports_.at(name));
}

std::string Suite::FederationAddress(const std::string& name) const {
  auto it = federation_ports_.find(name);
  return absl::StrCat("127.0.0.1:", it == federation_ports_.end() ? 0 : it->second);
}

std::string Suite::Log(const std::string& name) const {
  return ReadAll(absl::StrCat(dir_, "/", name, ".log"));
}

absl::Status Suite::Start() {
  for (const char* name : {"membership", "lending", "network"}) {
    if (options_.engine == Engine::kSqlite) {
      database_urls_[name] = absl::StrCat("sqlite://", dir_, "/", name, ".db");
    } else {
      std::string base = PostgresBaseUrlFromEnv();
      if (base.empty())
        return absl::FailedPreconditionError("CERCLES_TEST_POSTGRES_URL is not set");
      absl::StatusOr<std::string> migrated = MigratedPostgresTemplate(base, Binary(name));
      if (!migrated.ok()) return migrated.status();
      absl::StatusOr<std::string> url =
          CreatePostgresDatabase(base, absl::StrCat("cercles_", name), *migrated);
      if (!url.ok()) return url.status();
      database_urls_[name] = *url;
    }
  }
  if (options_.with_redis) {
    absl::StatusOr<std::unique_ptr<RedisServer>> redis =
        RedisServer::Start(options_.redis_requirepass);
    if (!redis.ok()) return redis.status();
    redis_ = *std::move(redis);
  }
  // Each service needs only the address of the one before it, known once that
  // one listens: the three start side by side, their migrations overlapping,
  // and are then waited for together (a test's start was three starts in a row).
  for (const char* name : {"membership", "lending", "network"}) {
    absl::Status status = LaunchService(name);
    if (!status.ok()) return status;
  }
  for (const char* name : {"membership", "lending", "network"}) {
    absl::Status status = WaitStarted(name);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string Suite::ServiceOf(const std::string& name) const {
  auto it = replica_of_.find(name);
  return it == replica_of_.end() ? name : it->second;
}

std::vector<std::string> Suite::CommonFlags(const std::string& name) const {
  const Credentials& c = TestCredentials();
  const std::string service = ServiceOf(name);
  return {Binary(service), absl::StrCat("--listen=", Address(name)), "--metrics_listen=127.0.0.1:0",
          absl::StrCat("--tls_cert=", c.Cert(service)), absl::StrCat("--tls_key=", c.Key(service)),
          absl::StrCat("--tls_ca=", c.ca), absl::StrCat("--tokens_file=", c.tokens_file),
          "--trusted_services=membership,lending,network",
          absl::StrCat("--database_url=", database_urls_.at(service)),
          absl::StrCat("--fund_id=", options_.fund_id),
          absl::StrCat("--shutdown_grace_ms=", options_.shutdown_grace_ms),
          // Every error message the tests provoke must have its French translation.
          "--strict_translations"};
}

absl::Status Suite::StartReplica(const std::string& service, const std::string& replica) {
  if (ports_.count(service) == 0 || ports_.count(replica) > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot start ", replica, " as a replica of ", service));
  }
  replica_of_[replica] = service;
  ports_[replica] = 0;
  return StartService(replica);
}

absl::Status Suite::StartService(const std::string& name) {
  absl::Status launched = LaunchService(name);
  if (!launched.ok()) return launched;
  return WaitStarted(name);
}

absl::Status Suite::LaunchService(const std::string& name) {
  const std::string service = ServiceOf(name);
  Process::Options p;
  p.argv = CommonFlags(name);
  if (service != "membership") {
    p.argv.push_back(absl::StrCat("--membership_address=", Address("membership")));
  } else if (ports_.count("lending") > 0 && ports_.at("lending") != 0) {
    // Lending's reminder events (followed when --smtp_url is given): known once
    // lending has started, i.e. when membership is restarted after it.
    p.argv.push_back(absl::StrCat("--lending_address=", Address("lending")));
  }
  if (service == "network") {
    // Lending's event stream feeds the network's loan statistics.
    p.argv.push_back(absl::StrCat("--lending_address=", Address("lending")));
    // Peer funds call in on a listener of their own (FederationService only).
    p.argv.push_back(absl::StrCat("--federation_listen=", FederationAddress(name)));
  }
  if (service == "network" && redis_ != nullptr) {
    p.argv.push_back(absl::StrCat("--redis_url=", redis_->url()));
  }
  if (auto extra = options_.extra_flags.find(service); extra != options_.extra_flags.end()) {
    p.argv.insert(p.argv.end(), extra->second.begin(), extra->second.end());
  }
  p.log_path = absl::StrCat(dir_, "/", name, ".log");
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Start(p);
  if (!process.ok()) return process.status();
  processes_[name] = *std::move(process);
  if (ports_[name] == 0) {
    // The first start binds port 0; restarts reuse the port it got.
    const bool bound = Eventually(
        [&] {
          ports_[name] = PortFromLog(Log(name));
          return ports_[name] != 0 || !processes_[name]->Running();
        },
        absl::Seconds(30));
    if (!bound || ports_[name] == 0) {
      return absl::UnavailableError(
          absl::StrCat(name, " did not report its port\nlog:\n", Log(name)));
    }
    if (service == "network") federation_ports_[name] = LoggedPort(Log(name), "federation_port");
  }
  return absl::OkStatus();
}

absl::Status Suite::WaitStarted(const std::string& name) {
  absl::Status serving = WaitServing(name, absl::Seconds(30));
  if (!serving.ok()) {
    return absl::UnavailableError(absl::StrCat(serving.message(), "\nlog:\n", Log(name)));
  }
  return absl::OkStatus();
}

void Suite::KillService(const std::string& name) {
  auto it = processes_.find(name);
  if (it == processes_.end() || it->second == nullptr) return;
  it->second->Signal(SIGKILL);
  it->second->Wait(absl::Seconds(10));
}

pid_t Suite::Pid(const std::string& name) const {
  auto it = processes_.find(name);
  if (it == processes_.end() || it->second == nullptr || !it->second->Running()) return 0;
  return it->second->pid();
}

std::optional<int> Suite::TerminateService(const std::string& name, absl::Duration timeout) {
  auto it = processes_.find(name);
  if (it == processes_.end() || it->second == nullptr) return std::nullopt;
  it->second->Signal(SIGTERM);
  return it->second->Wait(timeout);
}

std::shared_ptr<grpc::Channel> Suite::StaffChannel(const std::string& service) const {
  server::ChannelOptions o;
  o.address = Address(service);
  o.tls.ca = TestCredentials().ca;
  o.server_name_override = ServiceOf(service);
  return *server::MakeChannel(o);
}

std::shared_ptr<grpc::Channel> Suite::CertChannel(const std::string& service,
                                                  const std::string& cert_name,
                                                  bool rogue_ca) const {
  const Credentials& c = TestCredentials();
  server::ChannelOptions o;
  o.address = Address(service);
  o.tls.ca = c.ca;
  o.tls.cert = c.Cert(cert_name);
  o.tls.key = c.Key(cert_name);
  (void)rogue_ca;
  o.server_name_override = ServiceOf(service);
  return *server::MakeChannel(o);
}

bool Suite::Serving(const std::string& service) const {
  absl::StatusOr<Health> health = CheckHealth(StaffChannel(service).get());
  return health.ok() && *health == Health::kServing;
}

absl::Status Suite::WaitServing(const std::string& service, absl::Duration timeout) const {
  if (Eventually([&] { return Serving(service); }, timeout)) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(service, " did not report SERVING in time"));
}

grpc::Status CallWithEmptyRequest(grpc::Channel* channel, const std::string& path,
                                  const std::string& token, bool server_streaming,
                                  absl::Duration timeout) {
  grpc::ClientContext context;
  AddToken(&context, token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::Slice empty("", 0);
  grpc::ByteBuffer request(&empty, 1), response;
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel,
      grpc::internal::RpcMethod(path.c_str(), server_streaming
                                                  ? grpc::internal::RpcMethod::SERVER_STREAMING
                                                  : grpc::internal::RpcMethod::NORMAL_RPC),
      &context, request, &response);
}

void AddToken(grpc::ClientContext* context, const std::string& token) {
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  AddToken(context.get(), token);
  return context;
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string CerclesctlBinary() {
  return absl::StrCat(CERCLES_BINARY_DIR, "/tools/cerclesctl/cerclesctl");
}

CtlResult RunCerclesctl(const Suite& suite, const std::string& service, const std::string& token,
                        const std::vector<std::string>& args, const std::string& work_dir) {
  std::vector<std::string> command = {CerclesctlBinary(),
                                      "--address",
                                      suite.Address(service),
                                      "--ca",
                                      TestCredentials().ca,
                                      "--server-name",
                                      service,
                                      "--token",
                                      token};
  command.insert(command.end(), args.begin(), args.end());
  return RunCommand(command, work_dir);
}

CtlResult RunCommand(const std::vector<std::string>& command, const std::string& work_dir) {
  // The test's own locale never decides the language of what cerclesctl reads
  // (a command may begin with NAME=VALUE words to set one).
  std::vector<std::string> quoted = {"env", "-u",   "LC_ALL", "-u",          "LC_MESSAGES",
                                     "-u",  "LANG", "-u",     "CERCLES_LANG"};
  for (const std::string& a : command) quoted.push_back(Quote(a));
  const std::string out = work_dir + "/ctl.out", err = work_dir + "/ctl.err";
  const int raw = std::system(
      absl::StrCat(absl::StrJoin(quoted, " "), " >", Quote(out), " 2>", Quote(err), " </dev/null")
          .c_str());
  CtlResult result;
  result.code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = ReadTextFile(out);
  result.err = ReadTextFile(err);
  return result;
}

std::optional<Suite::Options> SuiteTest::SuiteOptions() const {
  Suite::Options options;
  options.engine = engine();
  return options;
}

// A test of cerclesctl's verbs: named "Cerclesctl…", or of a "…CliTest" fixture.
// The verbs are the same code whatever engine the services run on, and the
// RPCs they call are tested on both engines by the API tests: these run on
// SQLite only (on PostgreSQL they cost ~190 s of a full run for nothing more).
static bool IsCliTest(const ::testing::TestInfo& test) {
  return absl::StartsWith(test.name(), "Cerclesctl") ||
         absl::EndsWith(test.test_suite_name(), "CliTest");
}

void SuiteTest::SetUp() {
  if (engine() == Engine::kPostgres && PostgresBaseUrlFromEnv().empty()) {
    GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set (scripts/test sets it)";
  }
  if (engine() == Engine::kPostgres &&
      IsCliTest(*::testing::UnitTest::GetInstance()->current_test_info())) {
    GTEST_SKIP() << "cerclesctl's verbs run on SQLite only (tests/integration/suite.cc IsCliTest)";
  }
  std::optional<Suite::Options> options = SuiteOptions();
  if (!options.has_value()) return;
  suite_ = std::make_unique<Suite>(*std::move(options));
  absl::Status started = suite_->Start();
  ASSERT_TRUE(started.ok()) << started;
}

void SuiteTest::TearDown() {
  if (!work_dir_.empty() && !HasFailure()) std::filesystem::remove_all(work_dir_);
}

const std::string& SuiteTest::work_dir() {
  if (work_dir_.empty()) {
    // Named after the test, so that a kept folder says whose it is.
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    work_dir_ = MakeTempDir(absl::StrReplaceAll(
        absl::StrCat("cercles-", test->test_suite_name(), "-", test->name(), "-"), {{"/", "-"}}));
  }
  return work_dir_;
}

std::unique_ptr<grpc::ClientContext> SuiteTest::Admin() {
  return Context(TestCredentials().admin_token);
}
std::unique_ptr<grpc::ClientContext> SuiteTest::Bob() {
  return Context(TestCredentials().advisor_token);
}
std::unique_ptr<grpc::ClientContext> SuiteTest::Dora() {
  return Context(TestCredentials().other_advisor_token);
}

int LoggedPort(const std::string& log, const std::string& key) {
  const std::string quoted = absl::StrCat("\"", key, "\":");
  const size_t at = log.find(quoted);
  if (at == std::string::npos) return 0;
  return std::atoi(log.c_str() + at + quoted.size());
}

std::string HttpGet(int port, const std::string& path, int* status) {
  if (status != nullptr) *status = 0;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: localhost\r\n\r\n");
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) response.append(buffer, n);
    }
  }
  ::close(fd);
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
  int code = 0;
  if (response.size() > 12 && absl::StartsWith(response, "HTTP/1.") &&
      absl::SimpleAtoi(response.substr(9, 3), &code) && status != nullptr) {
    *status = code;
  }
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::string ScrapeMetrics(const std::string& log) {
  const int port = LoggedPort(log, "metrics_port");
  return port == 0 ? "" : HttpGet(port, "/metrics");
}

double MetricValue(const std::string& page, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (line.size() > series.size() && line.substr(0, series.size()) == series &&
        line[series.size()] == ' ') {
      double value = 0;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
    }
  }
  return 0;
}

bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time end = absl::Now() + timeout;
  // 2, 4, 8... then every 50 ms: most conditions hold within a few
  // milliseconds (a service logging its port), and a test runs through
  // dozens of them (each service's start waits on two).
  absl::Duration pause = absl::Milliseconds(2);
  while (absl::Now() < end) {
    if (condition()) return true;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return condition();
}

}  // namespace cercles::testing
