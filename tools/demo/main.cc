// cercles-demo: loads the demo fund of the run command (scripts/up) into a
// running membership service, through its public API, idempotently.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/connection.h"
#include "tools/cerclesctl/global_options.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/lending_loader.h"
#include "tools/demo/lending_plan.h"
#include "tools/demo/network_loader.h"

namespace {

constexpr char kUsage[] =
    R"(usage: cercles-demo --address HOST:PORT --ca FILE --token-file FILE [options]

Loads a demo community microcredit fund into a running membership service
through its public gRPC API (so the network and lending services see it through
events): 4 advisors, 8 training cohorts over the past year, about 250 people,
41 circles of 4 to 7 trained members (some under strength, one forming, one
suspended, two merged into one) with their past: formed after their cohort's
training, activated and left by some members at past dates (admin-only
effective times), their meeting schedules and the meetings of the past four
months, each listing the members of its day. Deterministic: every request has a
fixed id ("demo-person-17") and every date derives from the day the fund's first
demo advisor was created, so running it again creates nothing twice. Needs an
admin token (advisors, circle assignments and past dates are admin-only).

Connection options are cerclesctl's, with the same CERCLES_* fallbacks:
)";

constexpr char kOwnOptions[] = R"(
Demo options:
  --advisor-token-names NAMES  bind the first advisors to these staff token names,
                               comma-separated (e.g. advisor): their circles are theirs
  --seed N                     generator seed (default 2026)
  --concurrency N              calls in flight (default 8)
  --showcase-file FILE         write the name of an active circle ("circles/1") to FILE
  --lending-address HOST:PORT  also load the fund's loans into this lending service
                               (same CA and token; needs --approver-token-file)
  --approver-token-file FILE   token of a second admin: the fund's decisions on loans
                               (maker-checker: who requests a loan cannot approve it)
  --loan-showcase-file FILE    write the name of an active loan ("loans/3") to FILE
  --network-address HOST:PORT  also load partners, referrals and sister circles into this
                               network service (same CA and token)
)";

bool WriteLine(const std::string& path, const std::string& line) {
  std::ofstream out(path);
  out << line << "\n";
  if (!out) std::cerr << "cercles-demo: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cercles;  // NOLINT: main only
  std::vector<cerclesctl::OptionSpec> specs = cerclesctl::GlobalOptionSpecs();
  specs.push_back({"advisor-token-names", "NAMES", "staff token names of the first advisors"});
  specs.push_back({"seed", "N", "generator seed"});
  specs.push_back({"concurrency", "N", "calls in flight"});
  specs.push_back({"showcase-file", "FILE", "where to write an active circle's name"});
  specs.push_back({"lending-address", "HOST:PORT", "lending service to load loans into"});
  specs.push_back({"approver-token-file", "FILE", "a second admin's token (loan decisions)"});
  specs.push_back({"loan-showcase-file", "FILE", "where to write an active loan's name"});
  specs.push_back({"network-address", "HOST:PORT", "network service to load partners into"});
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = cerclesctl::ParseArgs(args, specs);
  auto usage = [&] {
    std::cerr << kUsage;
    for (const auto& spec : cerclesctl::GlobalOptionSpecs()) {
      std::cerr << "  " << cerclesctl::OptionLabel(spec) << "  " << spec.help.en << "\n";
    }
    std::cerr << kOwnOptions;
  };
  if (!parsed.ok()) {
    std::cerr << "cercles-demo: " << parsed.status().message() << "\n\n";
    usage();
    return 2;
  }
  if (parsed->Has("help")) {
    usage();
    return 0;
  }
  if (!parsed->positionals().empty()) {
    std::cerr << "cercles-demo: unexpected argument \"" << parsed->positionals().front() << "\"\n";
    return 2;
  }
  auto global = cerclesctl::ResolveGlobalOptions(*parsed, cerclesctl::ProcessEnvironment());
  if (!global.ok()) {
    std::cerr << "cercles-demo: " << global.status().message() << "\n";
    return 2;
  }

  demo::LoaderOptions options;
  options.timeout = global->timeout;
  if (parsed->Has("seed") && !absl::SimpleAtoi(parsed->Value("seed"), &options.seed)) {
    std::cerr << "cercles-demo: --seed must be a non-negative integer\n";
    return 2;
  }
  if (parsed->Has("concurrency") &&
      (!absl::SimpleAtoi(parsed->Value("concurrency"), &options.concurrency) ||
       options.concurrency < 1 || options.concurrency > 64)) {
    std::cerr << "cercles-demo: --concurrency must be 1 to 64\n";
    return 2;
  }
  for (absl::string_view name :
       absl::StrSplit(parsed->Value("advisor-token-names"), ',', absl::SkipWhitespace())) {
    options.advisor_token_names.emplace_back(name);
  }
  auto token = cerclesctl::LoadToken(*global);
  if (!token.ok()) {
    std::cerr << "cercles-demo: " << token.status().message() << "\n";
    return 2;
  }
  options.token = *token;
  auto channel = cerclesctl::OpenChannel(*global, std::cerr);
  if (!channel.ok()) {
    std::cerr << "cercles-demo: " << channel.status().message() << "\n";
    return 2;
  }

  auto summary = demo::LoadDemo(*channel, options);
  if (!summary.ok()) {
    std::cerr << "cercles-demo: " << summary.status().message() << "\n";
    return 1;
  }
  std::cout << demo::FormatSummary(*summary);
  if (parsed->Has("showcase-file") &&
      !WriteLine(parsed->Value("showcase-file"), summary->showcase)) {
    return 1;
  }
  if (parsed->Has("network-address")) {
    cerclesctl::GlobalOptions network_options = *global;
    network_options.address = parsed->Value("network-address");
    auto network_channel = cerclesctl::OpenChannel(network_options, std::cerr);
    if (!network_channel.ok()) {
      std::cerr << "cercles-demo: " << network_channel.status().message() << "\n";
      return 2;
    }
    demo::NetworkLoaderOptions network_load;
    network_load.token = *token;
    network_load.timeout = global->timeout;
    auto network = demo::LoadNetwork(*network_channel, *summary, network_load);
    if (!network.ok()) {
      std::cerr << "cercles-demo: " << network.status().message() << "\n";
      return 1;
    }
    std::cout << demo::FormatNetworkSummary(*network);
  }
  if (!parsed->Has("lending-address")) return 0;

  cerclesctl::GlobalOptions lending_options = *global;
  lending_options.address = parsed->Value("lending-address");
  lending_options.token = "";
  lending_options.token_file = parsed->Value("approver-token-file");
  auto approver = cerclesctl::LoadToken(lending_options);
  if (!approver.ok() || approver->empty()) {
    std::cerr << "cercles-demo: --lending-address needs --approver-token-file (a second admin's "
                 "token): "
              << approver.status().message() << "\n";
    return 2;
  }
  auto lending_channel = cerclesctl::OpenChannel(lending_options, std::cerr);
  if (!lending_channel.ok()) {
    std::cerr << "cercles-demo: " << lending_channel.status().message() << "\n";
    return 2;
  }
  demo::LendingLoaderOptions loan_options;
  loan_options.token = *token;
  loan_options.approver_token = *approver;
  loan_options.timeout = global->timeout;
  loan_options.concurrency = options.concurrency;
  auto lending = demo::LoadLending(*lending_channel, *summary,
                                   demo::PlanLending(summary->plan, options.seed), loan_options);
  if (!lending.ok()) {
    std::cerr << "cercles-demo: " << lending.status().message() << "\n";
    return 1;
  }
  std::cout << demo::FormatLendingSummary(*lending);
  if (parsed->Has("loan-showcase-file") &&
      !WriteLine(parsed->Value("loan-showcase-file"), lending->showcase)) {
    return 1;
  }
  return 0;
}
