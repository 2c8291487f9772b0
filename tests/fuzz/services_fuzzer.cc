// A libFuzzer target for every unary RPC of the three services, in one process
// under AddressSanitizer and UndefinedBehaviorSanitizer (scripts/fuzz):
// membership, lending and network each run on their own ServerRunner (plaintext
// loopback, SQLite files in a temporary folder) with a demo fund loaded through
// their public APIs, as scripts/up does, so fuzzed requests meet real circles,
// people and loans.
//
// FederationService is left out: peers reach it on a listener of their own with
// a certificate (the main port refuses it). An input is "<package.Service>/<Method>\n", one byte
// choosing the caller (an admin, an advisor, nobody) and the request's bytes. Inputs whose bytes
// are not a request of that method are rejected (they teach the fuzzer nothing about the handlers:
// gRPC answers them before any handler runs). Mutations are made by reflection on the parsed
// request (RequestMutator, tests/fuzz/request_mutator.h), so nearly every input is a call. A call
// that ends INTERNAL, UNKNOWN, DATA_LOSS or DEADLINE_EXCEEDED (a stall) is a finding, as is
// anything the sanitizers report: the harness aborts and libFuzzer keeps the input
// (tests/fuzz/regressions/ keeps each one found, replayed by the tests).
//
// With CERCLES_FUZZ_SEED_DIR set, the harness first writes one seed per method
// there (its request with the demo fund's names in the fields that take them).
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "common/server/personal_reads.h"
#include "common/server/server.h"
#include "common/service/access_log.h"
#include "common/service/context.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "services/lending/context.h"
#include "services/lending/lending_service.h"
#include "services/lending/membership_client.h"
#include "services/lending/membership_events.h"
#include "services/membership/context.h"
#include "services/network/network_runtime.h"
#include "tests/fuzz/request_mutator.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/lending_loader.h"
#include "tools/demo/lending_plan.h"
#include "tools/demo/network_loader.h"

namespace cercles::fuzz {
namespace {

namespace gp = google::protobuf;

constexpr char kFundId[] = "fuzz-fund";
// Callers, chosen by the input's second part.
constexpr const char* kTokens[] = {"fuzz-admin-token", "fuzz-advisor-token", ""};

[[noreturn]] void Die(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "services_fuzzer: %s: %s\n", std::string(what).c_str(),
               status.ToString().c_str());
  std::abort();
}

void Check(absl::string_view what, const absl::Status& status) {
  if (!status.ok()) Die(what, status);
}

// One service's process, in this one: its database, runner and runtime.
struct Node {
  Node(const std::string& dir_in, const std::string& name_in, const std::string& tokens_file)
      : dir(dir_in), name(name_in) {
    auto opened = storage::Database::Open(absl::StrCat("sqlite://", dir, "/", name, ".db"));
    Check(name, opened.status());
    db = *std::move(opened);
    server::ServerOptions options;
    options.name = name;
    options.tls =
        server::TlsFiles{dir + "/" + name + ".pem", dir + "/" + name + ".key", dir + "/ca.pem"};
    options.trusted_services = {"membership", "lending", "network"};
    options.tokens_file = tokens_file;
    options.tokens_refresh = absl::ZeroDuration();
    options.tls_refresh = absl::ZeroDuration();
    options.shutdown_grace = absl::Seconds(1);
    options.handler_threads = 8;
    runner = std::make_unique<server::ServerRunner>(options);
    Check(name + " init", runner->Init());
    runtime = std::make_unique<service::ServiceRuntime>(*db, *runner, kFundId);
  }
  // A channel to this service as `caller` (a sibling's certificate), or as
  // staff (no certificate: the token is added per call).
  std::shared_ptr<grpc::Channel> Channel(const std::string& caller = "") const {
    server::ChannelOptions options;
    options.address = absl::StrCat("127.0.0.1:", runner->port());
    options.tls.ca = dir + "/ca.pem";
    if (!caller.empty()) {
      options.tls.cert = dir + "/" + caller + ".pem";
      options.tls.key = dir + "/" + caller + ".key";
    }
    options.server_name_override = name;
    auto channel = server::MakeChannel(options);
    Check("channel to " + name, channel.status());
    return *channel;
  }
  std::string dir, name;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<server::ServerRunner> runner;
  std::unique_ptr<service::ServiceRuntime> runtime;
};

struct Method {
  const gp::MethodDescriptor* descriptor;
  std::shared_ptr<grpc::Channel> channel;
};

// An empty request of `method`.
std::unique_ptr<gp::Message> NewRequest(const Method& method) {
  return std::unique_ptr<gp::Message>(gp::MessageFactory::generated_factory()
                                          ->GetPrototype(method.descriptor->input_type())
                                          ->New());
}

// The three services, started once per fuzzing process and never stopped (the
// process ends with the run).
class Suite {
 public:
  Suite() {
    char pattern[] = "/tmp/cercles-fuzz.XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) Die("mkdtemp", absl::InternalError("no temporary folder"));
    dir_ = made;
    // Certificates of a local CA for the three services (they call each other
    // with them), as the integration tests make them.
    const std::string certs = absl::StrCat("bash ", CERCLES_SOURCE_DIR, "/scripts/gen-certs ", dir_,
                                           " membership lending network >/dev/null 2>&1");
    if (std::system(certs.c_str()) != 0) Die(certs, absl::InternalError("gen-certs failed"));
    const std::string tokens_file = dir_ + "/tokens.txt";
    {
      std::ofstream tokens(tokens_file);
      tokens << Sha256Hex(kTokens[0]) << " admin alice\n"
             << Sha256Hex(kTokens[1]) << " advisor bob\n"
             << Sha256Hex("fuzz-approver-token") << " admin carol\n";
    }

    membership_ = std::make_unique<Node>(dir_, "membership", tokens_file);
    Check("membership schema", membership::MigrateMembership(*membership_->db));
    // As every service process does (service::ServiceProcess): the access log
    // of personal reads, written for the three services here into membership's.
    Check("membership access log schema", service::MigrateAccessLog(*membership_->db));
    access_log_ =
        std::make_unique<service::AccessLogWriter>(*membership_->db, SystemClock::Default());
    server::InstallPersonalReadLog(access_log_.get());
    membership_context_ = std::make_unique<membership::MembershipContext>(
        membership::MembershipContext{membership_->runtime->context(), {}});
    membership_services_ = std::make_unique<membership::MembershipServices>(*membership_context_);
    membership_services_->RegisterWith(*membership_->runner);
    Check("membership start", membership_->runner->Start());
    membership_->runner->SetServing(true);
    const std::shared_ptr<grpc::Channel> to_membership = membership_->Channel("lending");

    lending_ = std::make_unique<Node>(dir_, "lending", tokens_file);
    Check("lending schema", lending::MigrateLending(*lending_->db));
    Check("lending events schema", lending::MigrateMembershipEvents(*lending_->db));
    Check("lending access log schema", service::MigrateAccessLog(*lending_->db));
    membership_client_ =
        std::make_unique<lending::MembershipClient>(to_membership, absl::Seconds(5));
    lending_context_ = std::make_unique<lending::LendingContext>(
        lending::LendingContext{lending_->runtime->context(), membership_client_.get()});
    lending_service_ = std::make_unique<lending::LendingService>(*lending_context_);
    financing_service_ = std::make_unique<lending::FinancingService>(*lending_context_);
    lending_->runner->AddService(lending_service_.get(),
                                 lending::v1::LendingService::service_full_name());
    lending_->runner->AddService(financing_service_.get(),
                                 lending::v1::FinancingService::service_full_name());
    applier_ = std::make_unique<lending::MembershipEventApplier>(kFundId, lending_context_->clock);
    subscriber_ = lending::NewMembershipSubscriber(to_membership, lending_->db.get(),
                                                   applier_.get(), lending_->runner->metrics());
    Check("lending start", lending_->runner->Start());
    subscriber_->Start();
    lending_->runner->SetServing(true);

    network_ = std::make_unique<Node>(dir_, "network", tokens_file);
    Check("network schema", network::MigrateNetworkService(*network_->db));
    Check("network access log schema", service::MigrateAccessLog(*network_->db));
    network::NetworkRuntimeOptions options;
    options.fund_id = kFundId;
    options.membership = membership_->Channel("network");
    options.lending = lending_->Channel("network");
    network_runtime_ = std::make_unique<network::NetworkRuntime>(std::move(options), *network_->db,
                                                                 *network_->runner);
    Check("network start", network_->runner->Start());
    Check("network runtime", network_runtime_->Start());
    network_->runner->SetServing(true);

    LoadDemoFund(membership_->Channel());
    AddMethods(membership_->Channel(),
               {"cercles.membership.v1.MembershipService", "cercles.membership.v1.PeopleService",
                "cercles.membership.v1.TrainingService", "cercles.membership.v1.MeetingService",
                "cercles.membership.v1.PrivacyService"});
    AddMethods(lending_->Channel(),
               {"cercles.lending.v1.LendingService", "cercles.lending.v1.FinancingService"});
    AddMethods(network_->Channel(),
               {"cercles.network.v1.NetworkService", "cercles.network.v1.PartnerService",
                "cercles.network.v1.PeerFundService", "cercles.network.v1.PrivacyService"});
  }

  const std::map<std::string, Method>& methods() const { return methods_; }
  // The demo fund's resource names, for the mutator.
  std::vector<std::string> names() const { return {circle_, person_, loan_}; }

  // A request of `method` with the demo fund's names where a field takes one.
  std::unique_ptr<gp::Message> Example(const Method& method) const {
    std::unique_ptr<gp::Message> request(NewRequest(method));
    FillExample(*method.descriptor, request.get());
    return request;
  }

  // Writes one seed per method into `dir`.
  void WriteSeeds(const std::string& dir) const {
    for (const auto& [path, method] : methods_) {
      const std::unique_ptr<gp::Message> request = Example(method);
      std::string file = path;
      for (char& c : file) {
        if (c == '/' || c == '.') c = '_';
      }
      std::ofstream out(dir + "/seed_" + file, std::ios::binary);
      out << path << '\n' << '\0' << request->SerializeAsString();
    }
  }

 private:
  void LoadDemoFund(const std::shared_ptr<grpc::Channel>& to_membership) {
    demo::LoaderOptions load;
    load.token = kTokens[0];
    load.advisor_token_names = {"bob"};
    load.concurrency = 4;
    auto fund = demo::LoadDemo(to_membership, load);
    Check("demo fund", fund.status());
    circle_ = fund->showcase;
    if (!fund->person_names.empty()) person_ = fund->person_names.front();
    demo::LendingLoaderOptions lend;
    lend.token = kTokens[0];
    lend.approver_token = "fuzz-approver-token";
    lend.concurrency = 4;
    auto loans = demo::LoadLending(lending_->Channel(), *fund,
                                   demo::PlanLending(fund->plan, load.seed), lend);
    Check("demo loans", loans.status());
    loan_ = loans->showcase;
    demo::NetworkLoaderOptions net;
    net.token = kTokens[0];
    Check("demo network", demo::LoadNetwork(network_->Channel(), *fund, net).status());
  }

  // Every unary method of `services`, called over `channel`.
  void AddMethods(const std::shared_ptr<grpc::Channel>& channel,
                  std::initializer_list<const char*> services) {
    for (const char* service_name : services) {
      const gp::ServiceDescriptor* service =
          gp::DescriptorPool::generated_pool()->FindServiceByName(service_name);
      if (service == nullptr) Die(service_name, absl::NotFoundError("no such service"));
      for (int i = 0; i < service->method_count(); ++i) {
        const gp::MethodDescriptor* m = service->method(i);
        if (m->client_streaming() || m->server_streaming()) continue;  // unary only
        methods_[absl::StrCat(service->full_name(), "/", m->name())] = Method{m, channel};
      }
    }
  }

  // A request with the demo fund's names where a field takes one.
  void FillExample(const gp::MethodDescriptor& method, gp::Message* request) const {
    const gp::Descriptor* type = request->GetDescriptor();
    const gp::Reflection* reflection = request->GetReflection();
    for (int i = 0; i < type->field_count(); ++i) {
      const gp::FieldDescriptor* field = type->field(i);
      if (field->is_repeated()) continue;
      const std::string& name = field->name();
      if (field->cpp_type() == gp::FieldDescriptor::CPPTYPE_STRING) {
        std::string value;
        if (name == "request_id") value = absl::StrCat("seed-", method.full_name());
        if (name == "circle") value = circle_;
        if (name == "person" || name == "applicant") value = person_;
        if (name == "loan") value = loan_;
        if (name == "name") {
          value = absl::StrContains(method.name(), "Loan")     ? loan_
                  : absl::StrContains(method.name(), "Person") ? person_
                                                               : circle_;
        }
        if (!value.empty()) reflection->SetString(request, field, value);
      } else if (field->cpp_type() == gp::FieldDescriptor::CPPTYPE_INT32 && name == "page_size") {
        reflection->SetInt32(request, field, 10);
      }
    }
  }

  std::string dir_;
  std::string circle_, person_, loan_;
  std::unique_ptr<Node> membership_, lending_, network_;
  std::unique_ptr<membership::MembershipContext> membership_context_;
  std::unique_ptr<membership::MembershipServices> membership_services_;
  std::unique_ptr<lending::MembershipClient> membership_client_;
  std::unique_ptr<lending::LendingContext> lending_context_;
  std::unique_ptr<lending::LendingService> lending_service_;
  std::unique_ptr<lending::FinancingService> financing_service_;
  std::unique_ptr<lending::MembershipEventApplier> applier_;
  std::unique_ptr<events::EventSubscriber> subscriber_;
  std::unique_ptr<network::NetworkRuntime> network_runtime_;
  // Destroyed first: it writes into membership_'s database.
  std::unique_ptr<service::AccessLogWriter> access_log_;
  std::map<std::string, Method> methods_;
};

Suite* suite = nullptr;
RequestMutator* mutator = nullptr;

// Calls made, by the code they ended with (printed when the run ends).
std::map<grpc::StatusCode, int64_t> calls_by_code;

void PrintCalls() {
  int64_t total = 0;
  std::string by_code;
  for (const auto& [code, count] : calls_by_code) {
    total += count;
    absl::StrAppend(&by_code, " ", static_cast<int>(code), ":", count);
  }
  std::fprintf(stderr, "services_fuzzer: %lld calls to %zu methods; by code%s\n",
               static_cast<long long>(total), suite != nullptr ? suite->methods().size() : 0,
               by_code.c_str());
}

}  // namespace
}  // namespace cercles::fuzz

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using namespace cercles;  // NOLINT: entry point only
  log::SetMinLevel(log::Level::kError);
  // Mutated strings that are not UTF-8 fail to parse (the input is rejected);
  // protobuf would log each one.
  google::protobuf::SetLogHandler(nullptr);
  fuzz::suite = new fuzz::Suite();
  fuzz::mutator = new fuzz::RequestMutator(fuzz::suite->names());
  std::atexit(fuzz::PrintCalls);
  if (const char* seeds = std::getenv("CERCLES_FUZZ_SEED_DIR"); seeds != nullptr && *seeds) {
    fuzz::suite->WriteSeeds(seeds);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cercles;  // NOLINT: entry point only
  namespace gp = google::protobuf;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == absl::string_view::npos || newline + 1 >= input.size()) return -1;
  const auto found = fuzz::suite->methods().find(std::string(input.substr(0, newline)));
  if (found == fuzz::suite->methods().end()) return -1;
  const fuzz::Method& method = found->second;
  const unsigned char caller = static_cast<unsigned char>(input[newline + 1]);
  const absl::string_view bytes = input.substr(newline + 2);
  std::unique_ptr<gp::Message> request = fuzz::NewRequest(method);
  if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return -1;

  std::string serialized = request->SerializeAsString();
  grpc::Slice slice(serialized);
  grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  const char* token = fuzz::kTokens[caller % std::size(fuzz::kTokens)];
  if (*token != '\0') context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  const std::string path = absl::StrCat("/", found->first);
  const grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      method.channel.get(),
      grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC), &context,
      request_buffer, &response_buffer);
  ++fuzz::calls_by_code[status.error_code()];
  switch (status.error_code()) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::fprintf(stderr, "services_fuzzer: %s answered %d: %s\nrequest: %s\n", path.c_str(),
                   static_cast<int>(status.error_code()), status.error_message().c_str(),
                   request->ShortDebugString().c_str());
      std::abort();
    default:
      return 0;
  }
}

// Mutates the request of an input by reflection (RequestMutator), keeping its
// method; now and then the method or the caller changes, or raw bytes are
// flipped (so that the wire-format checks are fuzzed too). An input that names
// no method becomes a method's example request.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  using namespace cercles;  // NOLINT: entry point only
  std::mt19937_64 rng(seed);
  const auto& methods = fuzz::suite->methods();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  auto found = newline == absl::string_view::npos
                   ? methods.end()
                   : methods.find(std::string(input.substr(0, newline)));
  const size_t action = rng() % 32;
  if (found != methods.end() && action == 0) return LLVMFuzzerMutate(data, size, max_size);
  unsigned char caller = 0;
  std::unique_ptr<google::protobuf::Message> request;
  if (found == methods.end() || action == 1) {  // another method, its example
    found = std::next(methods.begin(), static_cast<long>(rng() % methods.size()));
    request = fuzz::suite->Example(found->second);
  } else {
    if (newline + 1 < size) caller = static_cast<unsigned char>(input[newline + 1]);
    if (action == 2) caller = static_cast<unsigned char>(rng());
    request = fuzz::NewRequest(found->second);
    const absl::string_view bytes = input.substr(std::min(size, newline + 2));
    if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      request = fuzz::suite->Example(found->second);
    }
    fuzz::mutator->Mutate(request.get(), rng);
  }
  std::string out = absl::StrCat(found->first, "\n");
  out.push_back(static_cast<char>(caller));
  out += request->SerializeAsString();
  if (out.size() > max_size) {  // too big for -max_len: the method's example instead
    out.resize(found->first.size() + 2);
    out += fuzz::suite->Example(found->second)->SerializeAsString();
    if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  }
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
