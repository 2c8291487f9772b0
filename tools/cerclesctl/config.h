#ifndef CERCLES_TOOLS_CERCLESCTL_CONFIG_H_
#define CERCLES_TOOLS_CERCLESCTL_CONFIG_H_

// cerclesctl's configuration file: named contexts, each the addresses of one
// suite's three services and the files that authenticate to them, and which
// context is current. Written by `cerclesctl config set-context` and
// `use-context`; a staff member sets it once and then runs commands without
// any address or certificate flag. The file is plain text:
//
//   current-context = fonds-est
//
//   [context fonds-est]
//   membership = membership.fonds-est.example:7101
//   lending = lending.fonds-est.example:7102
//   network = network.fonds-est.example:7103
//   ca = /home/ana/.config/cercles/ca.pem
//   token-file = /home/ana/.config/cercles/token
//
// Its path: --config, else CERCLES_CONFIG, else $XDG_CONFIG_HOME/cercles/config,
// else ~/.config/cercles/config. It is written with mode 0600 (its folder
// 0700); a file that holds a token (`token = ...`) and that its group or
// others may read is refused.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/cerclesctl/global_options.h"

namespace cercles::cerclesctl {

// One suite: where its services listen and how to authenticate to them.
struct Context {
  std::string name;
  std::string membership, lending, network;  // HOST:PORT each, any may be empty
  std::string ca, cert, key;                 // files
  std::string token_file;
  std::string token;  // inline token (set-context --token); makes the file secret
  std::string server_name;
  bool insecure = false;

  // The address of `service` ("membership", "lending" or "network").
  const std::string& Address(absl::string_view service) const;
};

struct Config {
  std::string current_context;
  std::vector<Context> contexts;

  const Context* Find(absl::string_view name) const;
  Context* Find(absl::string_view name);
};

// The keys a context may set, in the order the file lists them.
const std::vector<std::string>& ContextKeys();
// Sets `key` (one of ContextKeys()) of `context`; INVALID_ARGUMENT otherwise.
absl::Status SetContextKey(Context& context, absl::string_view key, absl::string_view value);

// The file's text as a Config; INVALID_ARGUMENT naming `path` and the line.
absl::StatusOr<Config> ParseConfig(absl::string_view text, absl::string_view path);
// The Config as the file's text (ParseConfig reads it back as it was).
std::string FormatConfig(const Config& config);

// The file's path (see the header comment); `flag` is --config's value or "".
// FAILED_PRECONDITION when neither XDG_CONFIG_HOME nor HOME is set.
absl::StatusOr<std::string> ConfigPath(const std::string& flag, const EnvLookup& env);

// The file at `path`; an empty Config when there is none. PERMISSION_DENIED
// when it holds a token and its group or others may read it.
absl::StatusOr<Config> LoadConfig(const std::string& path);
// Writes the file (mode 0600, through a temporary file and a rename), making
// its folder (0700) when missing.
absl::Status SaveConfig(const std::string& path, const Config& config);
// Writes `text` to `path` readable by its owner only (mode 0600), through a
// temporary file and a rename, so no one else ever sees it, even half written.
absl::Status WritePrivateFile(const std::string& path, const std::string& text);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CONFIG_H_
