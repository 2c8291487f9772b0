#ifndef CERCLES_TOOLS_CERCLESCTL_GLOBAL_OPTIONS_H_
#define CERCLES_TOOLS_CERCLESCTL_GLOBAL_OPTIONS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

enum class OutputFormat { kTable, kJson, kYaml };

struct Context;  // config.h

// How to reach and authenticate to one server; the same for every verb.
struct GlobalOptions {
  std::string address;      // host:port
  std::string ca_file;      // CA that signed the server's certificate
  std::string cert_file;    // client certificate (mTLS), optional
  std::string key_file;     // its private key
  std::string token;        // bearer token, given inline...
  std::string token_file;   // ...or read from this file
  std::string server_name;  // TLS target name override; empty: the address host
  bool insecure = false;    // plaintext
  OutputFormat output = OutputFormat::kTable;
  std::string config_file;  // --config or CERCLES_CONFIG; "": the XDG path (config.h)
  std::string service;      // the service the command's group belongs to; "": none
  std::string context;      // the context the address and files came from; "": none
  // The context's address of each service that has one, to name the service
  // that answered a call it does not offer.
  std::map<std::string, std::string> context_addresses;
  absl::Duration timeout = absl::Seconds(10);  // deadline of each call
  // W3C traceparent of every call: --traceparent, else a new trace's root span,
  // so the services' logs of one command share its trace id.
  std::string traceparent;
  // The user's locale (LC_ALL, else LC_MESSAGES, else LANG: "fr_CA.UTF-8"),
  // the default language of reports; "" when none is set.
  std::string locale;
  // The language of the services' error messages (sent as accept-language)
  // and of reports: --lang or CERCLES_LANG, else the locale's; "fr", "en", or
  // "" when neither says (the server's default language then).
  std::string lang;
};

// Reads an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnvironment();

// The options every verb accepts, with their environment fallbacks.
const std::vector<OptionSpec>& GlobalOptionSpecs();
// Environment variable of a global option ("ca" -> "CERCLES_CA"), or "".
std::string GlobalOptionEnvVar(const std::string& option);

// Where a command goes: the service its group belongs to and the context of
// the configuration file in use (nullptr: none), whose address of that
// service and files fill in what the command line and environment leave out.
struct ServerChoice {
  std::string service;
  const Context* context = nullptr;
  bool needs_server = true;  // false for commands that call no server (config, completion)
};

// "fr" for a locale such as "fr_CA.UTF-8", "en" for "en_US.UTF-8", else "" ("C",
// "POSIX", another language).
std::string LangOfLocaleName(absl::string_view locale);
// The user's locale: LC_ALL, else LC_MESSAGES, else LANG; "" when none is set.
std::string LocaleOf(const EnvLookup& env);
// The language cerclesctl speaks before the command line is parsed (help and
// usage errors come first): as GlobalOptions::lang resolves it (the last
// --lang among `args`, else CERCLES_LANG, else the locale's), French only for
// "fr" (any case); English otherwise, a malformed --lang included.
Lang CliLanguage(const std::vector<std::string>& args, const EnvLookup& env);

// Command line first, then the environment, then the context, then defaults.
// InvalidArgument (a usage error) names the option when a value is missing or
// malformed.
absl::StatusOr<GlobalOptions> ResolveGlobalOptions(const ParsedArgs& args, const EnvLookup& env,
                                                   const ServerChoice& choice = {});

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_GLOBAL_OPTIONS_H_
