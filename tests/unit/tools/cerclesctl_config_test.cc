// cerclesctl's contexts, routing, help, completion and YAML, without a
// server: the configuration file (its format, path, modes), each command's
// service and address, `help GROUP`, the bash completion script run by bash,
// and --output yaml's rendering of the JSON printer's output.
// (Suites start with "cerclesctl" so that `ctest -R cerclesctl` selects them.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/unit/tools/cli_runner.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/config.h"
#include "tools/cerclesctl/global_options.h"
#include "tools/cerclesctl/yaml.h"

namespace cercles::cerclesctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A fresh folder under the test's temporary directory.
std::string TempDir() {
  std::string pattern = absl::StrCat(::testing::TempDir(), "/cerclesctl-config-XXXXXX");
  char* dir = mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

mode_t Mode(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

TEST(cerclesctlConfig, TheFileReadsBackAsWritten) {
  Config config;
  config.current_context = "est";
  config.contexts.emplace_back();
  Context& est = config.contexts.back();
  est.name = "est";
  est.membership = "m.est:7101";
  est.lending = "l.est:7102";
  est.network = "n.est:7103";
  est.ca = "/etc/cercles/ca.pem";
  est.token_file = "/home/ana/token";
  config.contexts.emplace_back();
  config.contexts.back().name = "local";
  config.contexts.back().insecure = true;
  config.contexts.back().membership = "127.0.0.1:7101";
  const std::string text = FormatConfig(config);
  auto read = ParseConfig(text, "config");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(FormatConfig(*read), text);
  EXPECT_EQ(read->current_context, "est");
  ASSERT_NE(read->Find("local"), nullptr);
  EXPECT_TRUE(read->Find("local")->insecure);
  EXPECT_EQ(read->Find("est")->Address("lending"), "l.est:7102");
  EXPECT_EQ(read->Find("est")->Address("health"), "");
}

TEST(cerclesctlConfig, MistakesNameTheLine) {
  EXPECT_THAT(ParseConfig("[context a]\nmembership x\n", "f").status().message(),
              HasSubstr("f:2: expected KEY = VALUE"));
  EXPECT_THAT(ParseConfig("[context a]\ncolour = red\n", "f").status().message(),
              HasSubstr("f:2: unknown key \"colour\""));
  EXPECT_THAT(ParseConfig("membership = x\n", "f").status().message(),
              HasSubstr("f:1: only current-context comes before [context]"));
  EXPECT_THAT(ParseConfig("[context a b]\n", "f").status().message(), HasSubstr("f:1:"));
  EXPECT_THAT(ParseConfig("[context a]\n[context a]\n", "f").status().message(),
              HasSubstr("f:2: context a twice"));
  EXPECT_THAT(ParseConfig("[context a]\ninsecure = yes\n", "f").status().message(),
              HasSubstr("insecure must be true or false"));
}

TEST(cerclesctlConfig, ThePathIsTheFlagThenTheEnvironmentThenXdgThenHome) {
  EXPECT_EQ(*ConfigPath("/f", FakeEnv({{"CERCLES_CONFIG", "/e"}, {"HOME", "/h"}})), "/f");
  EXPECT_EQ(*ConfigPath("", FakeEnv({{"CERCLES_CONFIG", "/e"}, {"XDG_CONFIG_HOME", "/x"}})), "/e");
  EXPECT_EQ(*ConfigPath("", FakeEnv({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})),
            "/x/cercles/config");
  EXPECT_EQ(*ConfigPath("", FakeEnv({{"HOME", "/h"}})), "/h/.config/cercles/config");
  EXPECT_FALSE(ConfigPath("", FakeEnv({})).ok());
}

TEST(cerclesctlConfig, SavedPrivateAndATokenInAReadableFileIsRefused) {
  const std::string path = absl::StrCat(TempDir(), "/a/b/config");
  Config config;
  config.contexts.emplace_back();
  config.contexts.back().name = "x";
  config.contexts.back().token = "secret";
  ASSERT_TRUE(SaveConfig(path, config).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(path.substr(0, path.rfind('/'))), 0700u);
  EXPECT_TRUE(LoadConfig(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  auto refused = LoadConfig(path);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("chmod 600"));
  // Without a token a readable file is fine; a missing file is an empty one.
  config.contexts.back().token.clear();
  ASSERT_TRUE(SaveConfig(path, config).ok());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  EXPECT_TRUE(LoadConfig(path).ok());
  auto none = LoadConfig(absl::StrCat(path, ".missing"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->contexts.empty());
}

TEST(cerclesctlRouting, EachGroupHasItsService) {
  EXPECT_EQ(ServiceOfGroup("circles"), "membership");
  EXPECT_EQ(ServiceOfGroup("people"), "membership");
  EXPECT_EQ(ServiceOfGroup("import"), "membership");
  EXPECT_EQ(ServiceOfGroup("meetings"), "membership");
  EXPECT_EQ(ServiceOfGroup("lending"), "lending");
  EXPECT_EQ(ServiceOfGroup("network"), "network");
  EXPECT_EQ(ServiceOfGroup("report"), "network");
  EXPECT_EQ(ServiceOfGroup("privacy"), "membership");
  EXPECT_EQ(ServiceOfGroup("health"), "");
  // Every verb but health, config and completion goes to a service.
  for (const Verb& verb : AllVerbs()) {
    if (verb.path[0] == "health" || CallsNoServer(verb)) continue;
    EXPECT_NE(ServiceOfGroup(verb.path[0]), "") << verb.path[0];
  }
}

absl::StatusOr<GlobalOptions> Resolve(const std::vector<std::string>& args,
                                      const std::map<std::string, std::string>& env,
                                      const ServerChoice& choice) {
  auto parsed = ParseArgs(args, GlobalOptionSpecs());
  if (!parsed.ok()) return parsed.status();
  return ResolveGlobalOptions(*parsed, FakeEnv(env), choice);
}

TEST(cerclesctlRouting, TheContextGivesTheServicesAddressUnlessOneIsGiven) {
  Context context;
  context.name = "est";
  context.membership = "m:1";
  context.lending = "l:2";
  context.ca = "ctx-ca.pem";
  context.token_file = "ctx-token";
  auto lending = Resolve({}, {}, {"lending", &context});
  ASSERT_TRUE(lending.ok()) << lending.status();
  EXPECT_EQ(lending->address, "l:2");
  EXPECT_EQ(lending->ca_file, "ctx-ca.pem");
  EXPECT_EQ(lending->token_file, "ctx-token");
  EXPECT_EQ(lending->context, "est");
  EXPECT_EQ(Resolve({}, {}, {"membership", &context})->address, "m:1");
  // An explicit address, CA or token wins.
  auto flags =
      Resolve({"--address", "x:9", "--ca", "flag.pem", "--token", "t"}, {}, {"lending", &context});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->address, "x:9");
  EXPECT_EQ(flags->ca_file, "flag.pem");
  EXPECT_EQ(flags->token, "t");
  EXPECT_EQ(flags->token_file, "");
  EXPECT_EQ(Resolve({}, {{"CERCLES_ADDRESS", "e:8"}}, {"lending", &context})->address, "e:8");
  // No address of the command's service: say which and how to set it.
  auto network = Resolve({}, {}, {"network", &context});
  EXPECT_THAT(network.status().message(),
              HasSubstr("no address of network: pass --address HOST:PORT, or set it in a "
                        "context (cerclesctl config set-context est --network HOST:PORT)"));
}

class cerclesctlConfigCli : public ::testing::Test {
 protected:
  CliResult Run(std::vector<std::string> args) {
    return RunCerclesctl(std::move(args), {{"CERCLES_CONFIG", path_}});
  }
  const std::string path_ = absl::StrCat(TempDir(), "/config");
};

TEST_F(cerclesctlConfigCli, ContextsAreSetUsedAndListed) {
  CliResult set = Run({"config", "set-context", "est", "--membership", "m:1", "--lending", "l:2",
                       "--ca", "ca.pem", "--token-file", "tok"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr("created context \"est\""));
  EXPECT_EQ(Mode(path_), 0600u);
  EXPECT_EQ(Run({"config", "current-context"}).out, "est\n");  // the first is current
  ASSERT_EQ(Run({"config", "set-context", "ouest", "--network", "n:3", "--insecure"}).code, 0);
  EXPECT_EQ(Run({"config", "current-context"}).out, "est\n");
  // Changing one option keeps the others.
  ASSERT_EQ(Run({"config", "set-context", "est", "--network", "n:4"}).code, 0);
  const std::string text = ReadAll(path_);
  EXPECT_THAT(text, HasSubstr("[context est]\nmembership = m:1\nlending = l:2\nnetwork = n:4\n"
                              "ca = ca.pem\ntoken-file = tok\n"));
  CliResult list = Run({"config", "get-contexts"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("CURRENT"));
  EXPECT_THAT(list.out, HasSubstr("\n*"));  // the current one marked
  EXPECT_THAT(list.out, HasSubstr("(insecure)"));
  CliResult json = Run({"--output", "json", "config", "get-contexts"});
  EXPECT_THAT(json.out, HasSubstr("\"currentContext\":\"est\""));
  ASSERT_EQ(Run({"config", "use-context", "ouest"}).code, 0);
  EXPECT_EQ(Run({"config", "current-context"}).out, "ouest\n");
  CliResult missing = Run({"config", "use-context", "nord"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no context \"nord\""));
  EXPECT_EQ(Run({"config", "set-context", "a b"}).code, 2);
}

TEST_F(cerclesctlConfigCli, CommandsFindTheirServiceInTheCurrentContext) {
  ASSERT_EQ(Run({"config", "set-context", "local", "--membership", "127.0.0.1:1"}).code, 0);
  // No lending address in the context: the error says so (a usage error, no call made).
  CliResult lending = Run({"lending", "loans", "list"});
  EXPECT_EQ(lending.code, 2);
  EXPECT_THAT(lending.err, HasSubstr("no address of lending"));
  EXPECT_THAT(lending.err, HasSubstr("set-context local --lending HOST:PORT"));
  // A context that does not exist is named.
  CliResult other =
      RunCerclesctl({"--context", "nord", "circles", "list"}, {{"CERCLES_CONFIG", path_}});
  EXPECT_EQ(other.code, 2);
  EXPECT_THAT(other.err, HasSubstr("no context \"nord\""));
}

TEST(cerclesctlHelp, HelpGroupGroupHelpAndVerbHelp) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help", "circles"}, {"circles", "--help"}, {"circles", "-h"}}) {
    CliResult help = RunCerclesctl(args);
    EXPECT_EQ(help.code, 0) << help.err;
    EXPECT_THAT(help.out, StartsWith("usage: cerclesctl circles COMMAND"));
    EXPECT_THAT(help.out, Not(HasSubstr("lending loans")));
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help", "lending", "loans", "list"},
        {"lending", "loans", "list", "--help"}}) {
    CliResult help = RunCerclesctl(args);
    EXPECT_EQ(help.code, 0) << help.err;
    EXPECT_THAT(help.out, StartsWith("usage: cerclesctl lending loans list"));
  }
  EXPECT_THAT(RunCerclesctl({"help"}).out, HasSubstr("Commands:"));
  CliResult unknown = RunCerclesctl({"help", "nothing"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no command \"nothing\""));
}

TEST(cerclesctlHelp, OldSpellingsAreAliasesThatSayWhatReplacesThem) {
  CliResult schedule = RunCerclesctl({"help", "meetings", "schedule"});
  EXPECT_EQ(schedule.code, 0);
  EXPECT_THAT(schedule.out, HasSubstr("The old spelling of 'cerclesctl meetings update-schedule'"));
  EXPECT_THAT(schedule.out, HasSubstr("--frequency FREQUENCY"));
  EXPECT_THAT(RunCerclesctl({"meetings", "schedule-get", "--help"}).out,
              HasSubstr("The old spelling of 'cerclesctl meetings get-schedule'"));
  EXPECT_THAT(RunCerclesctl({"help", "network", "referrals", "set-status"}).out,
              HasSubstr("The old spelling of 'network referrals update referrals/ID --status"));
  EXPECT_THAT(RunCerclesctl({"network", "referrals", "update", "--help"}).out,
              HasSubstr("--status STATUS"));
  CliResult loans = RunCerclesctl({"lending", "loans", "list", "--help"});
  EXPECT_THAT(loans.out, HasSubstr("--status STATUS"));
  EXPECT_THAT(loans.out, HasSubstr("the old spelling of --status"));
}

// What bash completes after `words` (the last one being completed), sorted,
// each followed by a space.
std::string Complete(const std::string& script, const std::vector<std::string>& words) {
  const std::string dir = TempDir();
  std::ofstream(absl::StrCat(dir, "/completion.bash")) << script;
  std::ofstream(absl::StrCat(dir, "/driver.sh"))
      << "source \"$(dirname \"$0\")/completion.bash\"\n"
         "COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _cerclesctl\n"
         "printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '\n";
  std::string command = absl::StrCat("bash ", dir, "/driver.sh cerclesctl");
  for (const std::string& w : words) absl::StrAppend(&command, " '", w, "'");
  absl::StrAppend(&command, " > ", dir, "/out");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return ReadAll(absl::StrCat(dir, "/out"));
}

TEST(cerclesctlCompletion, BashCompletesTheCommandTable) {
  CliResult script = RunCerclesctl({"completion", "bash"});
  ASSERT_EQ(script.code, 0) << script.err;
  EXPECT_THAT(script.out, HasSubstr("complete -F _cerclesctl cerclesctl"));
  EXPECT_THAT(Complete(script.out, {""}), HasSubstr("circles "));
  EXPECT_THAT(Complete(script.out, {"lend"}), "lending ");
  EXPECT_THAT(Complete(script.out, {"lending", "lo"}), "loans ");
  EXPECT_THAT(Complete(script.out, {"config", "use"}), "use-context ");
  EXPECT_THAT(Complete(script.out, {"config", "set-context", "est", "--mem"}), "--membership ");
  // An option's value is skipped: the words after it still complete.
  EXPECT_THAT(Complete(script.out, {"--output", "json", "lending", "lo"}), "loans ");
  EXPECT_THAT(Complete(script.out, {"help", "netw"}), "network ");
  EXPECT_THAT(Complete(script.out, {"--out"}), "--output ");
}

TEST(cerclesctlYaml, TheJsonPrintersOutputAsYaml) {
  auto yaml =
      JsonToYaml(R"({"name":"circles/1","count":3,"ok":true,"none":null,"tags":["a","yes"],)"
                 R"("members":[{"person":"people/1","role":"x"},{"person":"people/2"}],)"
                 R"("empty":{},"list":[],"nested":{"inner":{"v":"1500"}},"odd key":"é \"q\""})");
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  EXPECT_EQ(*yaml,
            "name: \"circles/1\"\n"
            "count: 3\n"
            "ok: true\n"
            "none: null\n"
            "tags:\n"
            "  - \"a\"\n"
            "  - \"yes\"\n"
            "members:\n"
            "  - person: \"people/1\"\n"
            "    role: \"x\"\n"
            "  - person: \"people/2\"\n"
            "empty: {}\n"
            "list: []\n"
            "nested:\n"
            "  inner:\n"
            "    v: \"1500\"\n"
            "\"odd key\": \"é \\\"q\\\"\"\n");
  EXPECT_EQ(*JsonToYaml("{}"), "{}\n");
  EXPECT_FALSE(JsonToYaml("{\"a\":").ok());
  EXPECT_FALSE(JsonToYaml("[1] x").ok());
}

TEST(cerclesctlYaml, OutputYamlIsAnOutputFormat) {
  CliResult bad =
      RunCerclesctl({"--output", "xml", "circles", "list", "--address", "a:1", "--insecure"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--output must be table, json or yaml"));
}

}  // namespace
}  // namespace cercles::cerclesctl
