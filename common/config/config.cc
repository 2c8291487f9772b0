#include "common/config/config.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/build_info.h"

namespace cercles::config {
namespace {

std::string& ProgramName() {
  static std::string* name = new std::string("cercles");
  return *name;
}

std::string Describe(absl::string_view flag_name) {
  return absl::StrCat("--", flag_name, " (", EnvNameFor(flag_name), ")");
}

// "--database-url=x" -> "--database_url=x"; values are left alone.
std::string NormaliseDashes(const std::string& arg) {
  if (!absl::StartsWith(arg, "--") || arg == "--") return arg;
  size_t end = arg.find('=');
  if (end == std::string::npos) end = arg.size();
  std::string out = arg;
  for (size_t i = 2; i < end; ++i) {
    if (out[i] == '-') out[i] = '_';
  }
  return out;
}

}  // namespace

std::string EnvNameFor(absl::string_view flag_name) {
  std::string env = "CERCLES_";
  for (char c : flag_name) {
    env.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return env;
}

absl::StatusOr<std::vector<std::string>> ParseFlagsWithEnvOrError(
    int argc, char** argv, const char* (*environ_lookup)(const char*)) {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const char* value = environ_lookup(EnvNameFor(name).c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(EnvNameFor(name), "=\"", value,
                                                     "\" is not valid for --", name, ": ", error));
    }
  }
  std::vector<std::string> normalised;
  normalised.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; ++i) normalised.push_back(i == 0 ? argv[i] : NormaliseDashes(argv[i]));
  // Parse strictly ourselves so that an unknown or malformed flag is reported as a
  // status (absl's ParseCommandLine exits with its own message).
  std::vector<std::string> positional;
  bool only_positional = false;
  for (size_t i = 1; i < normalised.size(); ++i) {
    const std::string& arg = normalised[i];
    if (only_positional || !absl::StartsWith(arg, "-") || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string body = arg.substr(absl::StartsWith(arg, "--") ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      negated = flag != nullptr && flag->IsOfType<bool>() && !has_value;
      if (!negated) flag = nullptr;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (flag->IsOfType<bool>()) {
        value = negated ? "false" : "true";
      } else if (i + 1 < normalised.size()) {
        value = normalised[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag->Name(), "=\"", value, "\" is not valid: ", error));
    }
  }
  return positional;
}

std::vector<std::string> ParseFlagsWithEnv(int argc, char** argv, absl::string_view usage) {
  std::string program = argc > 0 ? argv[0] : "cercles";
  if (size_t slash = program.rfind('/'); slash != std::string::npos)
    program = program.substr(slash + 1);
  ProgramName() = program;
  absl::SetProgramUsageMessage(absl::StrCat(
      usage, "\nEvery flag --name may also be set with the environment variable CERCLES_NAME."));
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--version") {
      std::printf("%s\n", build_info::VersionLine(program).c_str());
      std::exit(0);
    }
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      // Let absl print its usage (it exits).
      char* help_argv[] = {argv[0], const_cast<char*>("--helpfull")};
      absl::ParseCommandLine(2, help_argv);
    }
  }
  auto parsed = ParseFlagsWithEnvOrError(
      argc, argv, [](const char* n) -> const char* { return std::getenv(n); });
  ExitIfError(parsed.status());
  return *parsed;
}

void SetVersionForFlags(absl::string_view argv0) {
  std::string program(
      argv0.substr(argv0.rfind('/') == absl::string_view::npos ? 0 : argv0.rfind('/') + 1));
  absl::FlagsUsageConfig usage;
  usage.version_string = [program] { return build_info::VersionLine(program) + "\n"; };
  absl::SetFlagsUsageConfig(usage);
}

absl::Status RequireNonEmpty(absl::string_view flag_name, const std::string& value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(Describe(flag_name), " is required"));
}

absl::Status RequireReadableFile(absl::string_view flag_name, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Describe(flag_name), " is required"));
  }
  std::ifstream in(path);
  if (!in.good()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(flag_name), ": cannot read file \"", path, "\""));
  }
  return absl::OkStatus();
}

absl::Status RequireHostPort(absl::string_view flag_name, const std::string& value,
                             bool allow_zero_port) {
  size_t colon = value.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < (allow_zero_port ? 0 : 1) ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(Describe(flag_name), "=\"", value,
                                                   "\" must be host:port with a port from ",
                                                   allow_zero_port ? "0" : "1", " to 65535"));
  }
  return absl::OkStatus();
}

void ExitIfError(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s: %s\n", ProgramName().c_str(), std::string(status.message()).c_str());
  std::exit(2);
}

}  // namespace cercles::config
