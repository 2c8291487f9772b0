// Configuration: command-line flags with CERCLES_* environment fallbacks.
//
// Precedence: a flag on the command line wins over the environment, which wins
// over the default. `--database-url` and `--database_url` are the same flag.
// Anything malformed stops start-up with a message naming the flag and its
// environment variable; the process exits with status 2.
#ifndef CERCLES_COMMON_CONFIG_CONFIG_H_
#define CERCLES_COMMON_CONFIG_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::config {

// "CERCLES_DATABASE_URL" for "database_url".
std::string EnvNameFor(absl::string_view flag_name);

// Applies CERCLES_* environment values to every registered flag that has one,
// then parses argv (which overrides them). Returns the positional arguments.
// On any error prints "<program>: <message>" to stderr and exits with status 2.
std::vector<std::string> ParseFlagsWithEnv(int argc, char** argv, absl::string_view usage);

// `--version` prints "<program> <version> (revision <git revision>)" and exits 0
// (common/util/build_info.h); ParseFlagsWithEnv does it itself. Tools that
// parse with absl::ParseCommandLine call this first for the same line.
void SetVersionForFlags(absl::string_view argv0);

// Same, but returns the error instead of exiting (for tests). `environ_lookup`
// returns the value of an environment variable or nullptr.
absl::StatusOr<std::vector<std::string>> ParseFlagsWithEnvOrError(
    int argc, char** argv, const char* (*environ_lookup)(const char*));

// Checks used by mains after parsing. Each message names the flag and its env var.
absl::Status RequireNonEmpty(absl::string_view flag_name, const std::string& value);
absl::Status RequireReadableFile(absl::string_view flag_name, const std::string& path);
// host:port with a port in 1..65535 (0 allowed when allow_zero_port).
absl::Status RequireHostPort(absl::string_view flag_name, const std::string& value,
                             bool allow_zero_port = false);

// Prints "<program>: <status message>" and exits 2 when !status.ok().
void ExitIfError(const absl::Status& status);

}  // namespace cercles::config

#endif  // CERCLES_COMMON_CONFIG_CONFIG_H_
