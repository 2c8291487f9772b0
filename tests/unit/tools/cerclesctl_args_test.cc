// cerclesctl's command line, without a server: option parsing, global options
// and their environment fallbacks, circle values, usage errors and help.
// (Suites start with "cerclesctl" so that `ctest -R cerclesctl` selects them.)

#include <gmock/gmock.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/support/slice.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/build_info.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/tools/cli_runner.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/global_options.h"
#include "tools/cerclesctl/health_check.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const std::vector<OptionSpec> kSpecs = {
    {"display-name", "NAME", "", false, true},
    {"characteristic", "KIND=VALUE", "", true},
    {"all", "", ""},
    {"help", "", ""},
};

TEST(cerclesctlArgs, ParsesValuesSwitchesAndPositionals) {
  auto parsed =
      ParseArgs({"--display-name", "Les Pionnières", "circles/1", "--characteristic=sector=food",
                 "--all", "--characteristic", "language=fr", "--", "--not-an-option"},
                kSpecs);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("display-name"), "Les Pionnières");
  EXPECT_THAT(parsed->Values("characteristic"), ElementsAre("sector=food", "language=fr"));
  EXPECT_TRUE(parsed->Has("all"));
  EXPECT_FALSE(parsed->Has("help"));
  EXPECT_THAT(parsed->positionals(), ElementsAre("circles/1", "--not-an-option"));
}

TEST(cerclesctlArgs, RejectsUnknownOptionByName) {
  auto parsed = ParseArgs({"--display-name", "x", "--colour", "red"}, kSpecs);
  ASSERT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(parsed.status().message(), "unknown option --colour");
  EXPECT_THAT(ParseArgs({"--display-name", "x", "-v"}, kSpecs),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(cerclesctlArgs, RejectsMissingValue) {
  auto at_end = ParseArgs({"--display-name"}, kSpecs);
  ASSERT_THAT(at_end, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(at_end.status().message(), "option --display-name needs a value (NAME)");
  auto before_option = ParseArgs({"--display-name", "--all"}, kSpecs);
  ASSERT_THAT(before_option, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(before_option.status().message(), HasSubstr("--display-name needs a value"));
}

TEST(cerclesctlArgs, RejectsRepeatsValuesOnSwitchesAndMissingRequired) {
  EXPECT_THAT(ParseArgs({"--display-name", "a", "--display-name", "b"}, kSpecs).status().message(),
              HasSubstr("given more than once"));
  EXPECT_THAT(ParseArgs({"--display-name", "a", "--all=yes"}, kSpecs).status().message(),
              HasSubstr("--all takes no value"));
  EXPECT_EQ(ParseArgs({"--all"}, kSpecs).status().message(),
            "missing required option --display-name");
  // --help needs nothing else.
  EXPECT_TRUE(ParseArgs({"-h"}, kSpecs).ok());
}

TEST(cerclesctlArgs, SynopsisShowsOptionalityAndRepetition) {
  EXPECT_EQ(OptionSynopsis(kSpecs[0]), "--display-name NAME");
  EXPECT_EQ(OptionSynopsis(kSpecs[1]), "[--characteristic KIND=VALUE]...");
  EXPECT_EQ(OptionSynopsis(kSpecs[2]), "[--all]");
}

absl::StatusOr<GlobalOptions> Resolve(std::vector<std::string> args,
                                      std::map<std::string, std::string> env = {}) {
  auto parsed = ParseArgs(args, GlobalOptionSpecs());
  if (!parsed.ok()) return parsed.status();
  return ResolveGlobalOptions(*parsed, FakeEnv(std::move(env)));
}

TEST(cerclesctlGlobalOptions, FlagsWinOverEnvironment) {
  auto options = Resolve({"--address", "flag:1", "--ca", "flag.pem", "--output", "json"},
                         {{"CERCLES_ADDRESS", "env:2"},
                          {"CERCLES_CA", "env.pem"},
                          {"CERCLES_OUTPUT", "table"},
                          {"CERCLES_TIMEOUT", "3s"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->address, "flag:1");
  EXPECT_EQ(options->ca_file, "flag.pem");
  EXPECT_EQ(options->output, OutputFormat::kJson);
  EXPECT_EQ(options->timeout, absl::Seconds(3));
  EXPECT_FALSE(options->insecure);
}

TEST(cerclesctlGlobalOptions, EnvironmentFallbacks) {
  auto options = Resolve({}, {{"CERCLES_ADDRESS", "127.0.0.1:7101"},
                              {"CERCLES_CA", "ca.pem"},
                              {"CERCLES_CERT", "c.pem"},
                              {"CERCLES_KEY", "c.key"},
                              {"CERCLES_TOKEN_FILE", "admin.token"},
                              {"CERCLES_SERVER_NAME", "membership"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->address, "127.0.0.1:7101");
  EXPECT_EQ(options->cert_file, "c.pem");
  EXPECT_EQ(options->key_file, "c.key");
  EXPECT_EQ(options->token_file, "admin.token");
  EXPECT_EQ(options->server_name, "membership");
  EXPECT_EQ(options->timeout, absl::Seconds(10));
  EXPECT_EQ(options->output, OutputFormat::kTable);
  EXPECT_EQ(GlobalOptionEnvVar("token-file"), "CERCLES_TOKEN_FILE");
}

TEST(cerclesctlGlobalOptions, TokenFlagOverridesTokenFileFromEnvironment) {
  auto options = Resolve({"--address", "a:1", "--insecure", "--token", "t0k"},
                         {{"CERCLES_TOKEN_FILE", "admin.token"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->token, "t0k");
  EXPECT_THAT(options->token_file, IsEmpty());
}

TEST(cerclesctlGlobalOptions, RequiresCaUnlessInsecure) {
  auto no_ca = Resolve({"--address", "a:1"});
  ASSERT_THAT(no_ca, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(no_ca.status().message(), HasSubstr("no --ca"));
  EXPECT_TRUE(Resolve({"--address", "a:1", "--insecure"}).ok());
  auto env_insecure = Resolve({"--address", "a:1"}, {{"CERCLES_INSECURE", "true"}});
  ASSERT_TRUE(env_insecure.ok());
  EXPECT_TRUE(env_insecure->insecure);
  EXPECT_THAT(Resolve({"--address", "a:1"}, {{"CERCLES_INSECURE", "maybe"}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(cerclesctlGlobalOptions, TraceparentIsGivenOrANewTracePerCommand) {
  const std::string given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto flag = Resolve({"--address", "a:1", "--insecure", "--traceparent", given});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->traceparent, given);
  auto env = Resolve({"--address", "a:1", "--insecure"}, {{"CERCLES_TRACEPARENT", given}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->traceparent, given);
  auto first = Resolve({"--address", "a:1", "--insecure"});
  auto second = Resolve({"--address", "a:1", "--insecure"});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_THAT(first->traceparent, ::testing::MatchesRegex("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
  EXPECT_NE(first->traceparent.substr(3, 32), second->traceparent.substr(3, 32));
  EXPECT_THAT(
      Resolve({"--address", "a:1", "--insecure", "--traceparent", "00-abc"}).status().message(),
      HasSubstr("--traceparent must be a W3C traceparent"));
}

// The language of error messages and reports: --lang, else CERCLES_LANG, else
// the locale (LC_ALL before LC_MESSAGES before LANG); none: the server's default.
TEST(cerclesctlGlobalOptions, LanguageFromFlagEnvironmentOrLocale) {
  auto lang = [](std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.end(), {"--address", "a:1", "--insecure"});
    auto options = Resolve(std::move(args), std::move(env));
    return options.ok() ? options->lang : std::string(options.status().message());
  };
  EXPECT_EQ(lang({}, {{"LANG", "fr_CA.UTF-8"}}), "fr");
  EXPECT_EQ(lang({}, {{"LANG", "fr_CA.UTF-8"}, {"LC_ALL", "en_US.UTF-8"}}), "en");
  EXPECT_EQ(lang({}, {{"LANG", "en_CA.UTF-8"}, {"LC_MESSAGES", "fr_FR.UTF-8"}}), "fr");
  EXPECT_EQ(lang({}, {{"LANG", "C.UTF-8"}}), "");
  EXPECT_EQ(lang({}, {}), "");
  EXPECT_EQ(lang({"--lang", "EN"}, {{"LANG", "fr_CA.UTF-8"}}), "en");
  EXPECT_EQ(lang({}, {{"CERCLES_LANG", "fr"}, {"LANG", "C"}}), "fr");
  EXPECT_EQ(lang({"--lang", "de"}, {}), "--lang must be fr or en, got \"de\"");
  EXPECT_EQ(LangOfLocaleName("fr"), "fr");
  EXPECT_EQ(LangOfLocaleName("POSIX"), "");
}

TEST(cerclesctlGlobalOptions, RejectsBadValues) {
  EXPECT_THAT(Resolve({"--insecure"}).status().message(), HasSubstr("no server address"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--insecure", "--output", "xml"}).status().message(),
              HasSubstr("--output must be table, json or yaml"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--insecure", "--timeout", "10"}).status().message(),
              HasSubstr("--timeout must be a positive duration"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--insecure", "--timeout", "0s"}).status().message(),
              HasSubstr("--timeout"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--ca", "c", "--cert", "x.pem"}).status().message(),
              HasSubstr("--cert and --key go together"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--insecure", "--token", "a", "--token-file", "f"})
                  .status()
                  .message(),
              HasSubstr("not both"));
  EXPECT_THAT(Resolve({"--address", "a:1", "--insecure"},
                      {{"CERCLES_TOKEN", "a"}, {"CERCLES_TOKEN_FILE", "f"}})
                  .status()
                  .message(),
              HasSubstr("both CERCLES_TOKEN and CERCLES_TOKEN_FILE"));
}

TEST(cerclesctlCircleArgs, Statuses) {
  EXPECT_EQ(*ParseCircleStatus("active"), membership::v1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(*ParseCircleStatus("under-strength"), membership::v1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_EQ(*ParseCircleStatus("under_strength"), membership::v1::CIRCLE_STATUS_UNDER_STRENGTH);
  EXPECT_EQ(*ParseCircleStatus("Merged"), membership::v1::CIRCLE_STATUS_MERGED);
  auto bad = ParseCircleStatus("unspecified");
  ASSERT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(bad.status().message(),
              HasSubstr("forming|active|under-strength|suspended|dissolved|merged"));
  EXPECT_THAT(ParseCircleStatus("CIRCLE_STATUS_ACTIVE"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(CircleStatusName(membership::v1::CIRCLE_STATUS_UNDER_STRENGTH, Lang::kEn),
            "under-strength");
  EXPECT_EQ(CircleStatusName(membership::v1::CIRCLE_STATUS_ACTIVE, Lang::kEn), "active");
}

TEST(cerclesctlCircleArgs, Characteristics) {
  auto sector = ParseCharacteristic("sector=food");
  ASSERT_TRUE(sector.ok());
  EXPECT_EQ(sector->kind(), membership::v1::CHARACTERISTIC_KIND_SECTOR);
  EXPECT_EQ(sector->value(), "food");
  EXPECT_THAT(sector->custom_kind(), IsEmpty());

  auto custom = ParseCharacteristic("quartier=Hochelaga=Est");  // the value may hold '='
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->kind(), membership::v1::CHARACTERISTIC_KIND_OTHER);
  EXPECT_EQ(custom->custom_kind(), "quartier");
  EXPECT_EQ(custom->value(), "Hochelaga=Est");

  EXPECT_EQ(ParseCharacteristic("other=x")->custom_kind(), "other");
  for (const char* bad : {"sector", "=food", "sector=", ""}) {
    EXPECT_THAT(ParseCharacteristic(bad).status().message(), HasSubstr("KIND=VALUE")) << bad;
  }

  membership::v1::Circle circle;
  *circle.add_characteristics() = *sector;
  *circle.add_characteristics() = *custom;
  *circle.add_characteristics() = *ParseCharacteristic("language=fr");
  EXPECT_EQ(FormatCharacteristics(circle.characteristics()),
            "sector=food,quartier=Hochelaga=Est,language=fr");
}

TEST(cerclesctlCircleArgs, ListOptions) {
  std::vector<OptionSpec> specs = CircleListOptionSpecs();
  auto parsed = ParseArgs({"--status", "active", "--characteristic", "gender=women", "--page-size",
                           "20", "--page-token", "abc", "--all"},
                          specs);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto options = ParseCircleListOptions(*parsed);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->status, membership::v1::CIRCLE_STATUS_ACTIVE);
  ASSERT_EQ(options->characteristics.size(), 1u);
  EXPECT_EQ(options->characteristics[0].kind(), membership::v1::CHARACTERISTIC_KIND_GENDER);
  EXPECT_EQ(options->page_size, 20);
  EXPECT_EQ(options->page_token, "abc");
  EXPECT_TRUE(options->all);

  auto bad_size = ParseArgs({"--page-size", "many"}, specs);
  ASSERT_TRUE(bad_size.ok());
  EXPECT_THAT(ParseCircleListOptions(*bad_size).status().message(), HasSubstr("--page-size"));
}

TEST(cerclesctlCircleArgs, NamesAndRequestIds) {
  EXPECT_EQ(CircleResourceName("9"), "circles/9");
  EXPECT_EQ(CircleResourceName("circles/9"), "circles/9");

  const std::string first = NewRequestId();
  EXPECT_THAT(first, ::testing::MatchesRegex(
                         "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(first, NewRequestId());
}

TEST(cerclesctlOutput, TableAlignsColumns) {
  Table table({"NAME", "STATUS"});
  table.AddRow({"circles/1", "active"});
  table.AddRow({"circles/10", "forming"});
  table.AddRow({"Pionnières", "active"});  // wide as many columns as it has letters
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME         STATUS\n"
            "circles/1    active\n"
            "circles/10   forming\n"
            "Pionnières   active\n");
  EXPECT_EQ(ShortEnumName("CHARACTERISTIC_KIND_SECTOR", "CHARACTERISTIC_KIND_"), "sector");
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(cerclesctlHealthWire, EncodesRequestAndDecodesResponse) {
  EXPECT_EQ(Flatten(EncodeHealthCheckRequest("")), "");  // proto3 leaves "" out
  EXPECT_EQ(Flatten(EncodeHealthCheckRequest("ab")), std::string("\x0a\x02"
                                                                 "ab",
                                                                 4));

  EXPECT_EQ(*DecodeHealthCheckResponse(Buffer(std::string("\x08\x01", 2))),
            ServingStatus::kServing);
  EXPECT_EQ(*DecodeHealthCheckResponse(Buffer(std::string("\x08\x02", 2))),
            ServingStatus::kNotServing);
  EXPECT_EQ(*DecodeHealthCheckResponse(Buffer("")), ServingStatus::kUnknown);
  // An unknown field before the status is skipped.
  EXPECT_EQ(*DecodeHealthCheckResponse(Buffer(std::string("\x12\x01x\x08\x01", 5))),
            ServingStatus::kServing);
  EXPECT_THAT(DecodeHealthCheckResponse(Buffer(std::string("\x08\x09", 2))),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeHealthCheckResponse(Buffer(std::string("\x0a\x05", 2))),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(ServingStatusName(ServingStatus::kNotServing), "NOT_SERVING");
}

TEST(cerclesctlCli, VersionPrintsTheReleaseAndRevision) {
  CliResult result = RunCerclesctl({"--version"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_THAT(result.out, StartsWith(absl::StrCat("cerclesctl ", build_info::Version(),
                                                  " (revision ", build_info::Revision(), ")")));
}

TEST(cerclesctlCli, HelpExitsZero) {
  for (auto args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"help"}}) {
    CliResult result = RunCerclesctl(args);
    EXPECT_EQ(result.code, kExitOk);
    EXPECT_THAT(result.out, StartsWith("usage: cerclesctl [global options] COMMAND"));
    EXPECT_THAT(result.out, HasSubstr("cerclesctl network circles get funds/F/circles/ID"));
    EXPECT_THAT(result.out, HasSubstr("--token-file FILE"));
  }
  CliResult group = RunCerclesctl({"circles", "--help"});
  EXPECT_EQ(group.code, kExitOk);
  EXPECT_THAT(group.out, HasSubstr("cerclesctl circles list"));
  EXPECT_THAT(group.out, ::testing::Not(HasSubstr("network circles")));

  CliResult verb =
      RunCerclesctl({"circles", "create", "--help"});  // required options are not required
  EXPECT_EQ(verb.code, kExitOk);
  EXPECT_THAT(verb.out, StartsWith("usage: cerclesctl circles create --display-name NAME "
                                   "[--characteristic KIND=VALUE]... [--request-id ID]\n"));
}

TEST(cerclesctlCli, UsageErrorsExitTwoWithTheVerbUsage) {
  const std::map<std::string, std::string> env = {{"CERCLES_ADDRESS", "127.0.0.1:1"},
                                                  {"CERCLES_INSECURE", "1"}};
  CliResult no_arg = RunCerclesctl({"circles", "get"}, env);
  EXPECT_EQ(no_arg.code, kExitUsage);
  EXPECT_EQ(no_arg.err,
            "cerclesctl: missing argument circles/ID\nusage: cerclesctl circles get circles/ID\n");
  EXPECT_THAT(no_arg.out, IsEmpty());

  CliResult extra = RunCerclesctl({"circles", "get", "1", "2"}, env);
  EXPECT_EQ(extra.code, kExitUsage);
  EXPECT_THAT(extra.err, HasSubstr("unexpected argument \"2\""));

  CliResult unknown = RunCerclesctl({"circles", "list", "--colour", "red"}, env);
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_THAT(unknown.err, StartsWith("cerclesctl: unknown option --colour\nusage: cerclesctl "
                                      "circles list [--status STATUS]"));

  CliResult bad_status = RunCerclesctl({"circles", "list", "--status", "sleeping"}, env);
  EXPECT_EQ(bad_status.code, kExitUsage);
  EXPECT_THAT(bad_status.err, HasSubstr("--status must be one of"));

  CliResult missing_required = RunCerclesctl({"circles", "create"}, env);
  EXPECT_EQ(missing_required.code, kExitUsage);
  EXPECT_THAT(missing_required.err, HasSubstr("missing required option --display-name"));

  CliResult bad_characteristic =
      RunCerclesctl({"circles", "create", "--display-name", "x", "--characteristic", "food"}, env);
  EXPECT_EQ(bad_characteristic.code, kExitUsage);
  EXPECT_THAT(bad_characteristic.err, HasSubstr("KIND=VALUE"));

  CliResult bad_limit = RunCerclesctl({"events", "watch", "--limit", "0"}, env);
  EXPECT_EQ(bad_limit.code, kExitUsage);
  EXPECT_THAT(bad_limit.err, HasSubstr("usage: cerclesctl events watch [--after N] [--limit N]"));

  CliResult bad_wait = RunCerclesctl({"health", "--wait", "soon"}, env);
  EXPECT_EQ(bad_wait.code, kExitUsage);
}

TEST(cerclesctlCli, CommandAndGlobalOptionErrors) {
  CliResult none = RunCerclesctl({});
  EXPECT_EQ(none.code, kExitUsage);
  EXPECT_THAT(none.err, HasSubstr("no command given"));

  CliResult unknown_command = RunCerclesctl({"loans", "list"});
  EXPECT_EQ(unknown_command.code, kExitUsage);
  EXPECT_THAT(unknown_command.err, StartsWith("cerclesctl: unknown command \"loans\""));

  CliResult unknown_verb = RunCerclesctl({"circles", "delete"});
  EXPECT_EQ(unknown_verb.code, kExitUsage);
  EXPECT_THAT(unknown_verb.err, StartsWith("cerclesctl: unknown command \"circles delete\""));
  EXPECT_THAT(unknown_verb.err, HasSubstr("cerclesctl circles get"));

  CliResult group_only = RunCerclesctl({"network", "circles"});
  EXPECT_EQ(group_only.code, kExitUsage);
  EXPECT_THAT(group_only.err, HasSubstr("needs a command"));

  CliResult unknown_global = RunCerclesctl({"--colour", "red", "health"});
  EXPECT_EQ(unknown_global.code, kExitUsage);
  EXPECT_THAT(unknown_global.err, StartsWith("cerclesctl: unknown global option --colour"));

  CliResult missing_value = RunCerclesctl({"--address"});
  EXPECT_EQ(missing_value.code, kExitUsage);
  EXPECT_THAT(missing_value.err, HasSubstr("option --address needs a value (HOST:PORT)"));

  // A verb option is not a global one.
  EXPECT_EQ(RunCerclesctl({"--all", "circles", "list"}).code, kExitUsage);

  CliResult no_ca = RunCerclesctl({"--address", "127.0.0.1:1", "health"});
  EXPECT_EQ(no_ca.code, kExitUsage);
  EXPECT_THAT(no_ca.err, HasSubstr("no --ca (or CERCLES_CA)"));
  EXPECT_THAT(no_ca.err, HasSubstr("usage: cerclesctl health"));
}

TEST(cerclesctlCli, GlobalOptionsMayFollowTheVerb) {
  CliResult result = RunCerclesctl({"circles", "list", "--bogus-after-verb", "--insecure"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, HasSubstr("unknown option --bogus-after-verb"));
  // Unreadable files are failures of the call (exit 1), not usage errors.
  CliResult missing_ca =
      RunCerclesctl({"health", "--address", "127.0.0.1:1", "--ca", "/nonexistent/ca.pem"});
  EXPECT_EQ(missing_ca.code, kExitFailure);
  EXPECT_THAT(missing_ca.err, StartsWith("cerclesctl: FAILED_PRECONDITION: cannot read --ca file "
                                         "\"/nonexistent/ca.pem\""));
}

}  // namespace
}  // namespace cercles::cerclesctl
