#include "tools/cerclesctl/global_options.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/trace.h"
#include "tools/cerclesctl/config.h"

namespace cercles::cerclesctl {

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

const std::vector<OptionSpec>& GlobalOptionSpecs() {
  static const auto* const kSpecs = new std::vector<OptionSpec>{
      {"address",
       "HOST:PORT",
       {"server to call, instead of the context's address of the command's service "
        "(CERCLES_ADDRESS)",
        "serveur à appeler, au lieu de l'adresse du service de la commande dans le contexte "
        "(CERCLES_ADDRESS)"}},
      {"config",
       "FILE",
       {"configuration file of contexts (CERCLES_CONFIG; default "
        "$XDG_CONFIG_HOME/cercles/config or ~/.config/cercles/config)",
        "fichier de configuration des contextes (CERCLES_CONFIG ; par défaut "
        "$XDG_CONFIG_HOME/cercles/config ou ~/.config/cercles/config)"}},
      {"context",
       "NAME",
       {"context to use instead of the current one (CERCLES_CONTEXT)",
        "contexte à utiliser au lieu du contexte courant (CERCLES_CONTEXT)"}},
      {"ca",
       "FILE",
       {"CA certificate that verifies the server (CERCLES_CA)",
        "certificat de l'autorité (CA) qui vérifie le serveur (CERCLES_CA)"}},
      {"cert",
       "FILE",
       {"client certificate for mTLS, with --key (CERCLES_CERT)",
        "certificat client pour le mTLS, avec --key (CERCLES_CERT)"}},
      {"key",
       "FILE",
       {"private key of --cert (CERCLES_KEY)", "clé privée de --cert (CERCLES_KEY)"}},
      {"token",
       "TOKEN",
       {"bearer token sent as 'authorization' (CERCLES_TOKEN)",
        "jeton porteur envoyé comme 'authorization' (CERCLES_TOKEN)"}},
      {"token-file",
       "FILE",
       {"file holding the bearer token (CERCLES_TOKEN_FILE)",
        "fichier qui contient le jeton porteur (CERCLES_TOKEN_FILE)"}},
      {"insecure",
       "",
       {"plaintext, no TLS: for local tests only (CERCLES_INSECURE)",
        "en clair, sans TLS : pour les essais locaux seulement (CERCLES_INSECURE)"}},
      {"output",
       "table|json|yaml",
       {"output format of reads, default table (CERCLES_OUTPUT)",
        "format de sortie des lectures, table par défaut (CERCLES_OUTPUT)"}},
      {"timeout",
       "DURATION",
       {"deadline of each call, default 10s (CERCLES_TIMEOUT)",
        "délai de chaque appel, 10s par défaut (CERCLES_TIMEOUT)"}},
      {"lang",
       "fr|en",
       {"language of messages, help, tables and reports (CERCLES_LANG; default: from LC_ALL, "
        "LC_MESSAGES, LANG; neither: English here, the server's default for its messages)",
        "langue des messages, de l'aide, des tableaux et des rapports (CERCLES_LANG ; par "
        "défaut : selon LC_ALL, LC_MESSAGES, LANG ; sinon : l'anglais ici, la langue par défaut "
        "du serveur pour ses messages)"}},
      {"server-name",
       "NAME",
       {"name the server certificate must carry (CERCLES_SERVER_NAME)",
        "nom que le certificat du serveur doit porter (CERCLES_SERVER_NAME)"}},
      {"traceparent",
       "HEADER",
       {"W3C trace context sent with every call, 00-TRACE_ID-SPAN_ID-FLAGS; default: a new "
        "trace per command (CERCLES_TRACEPARENT)",
        "contexte de trace W3C envoyé avec chaque appel, 00-TRACE_ID-SPAN_ID-FLAGS ; par "
        "défaut : une nouvelle trace par commande (CERCLES_TRACEPARENT)"}},
      {"help", "", {"show usage", "afficher l'aide"}},
      {"version",
       "",
       {"print the version and git revision", "afficher la version et la révision git"}},
  };
  return *kSpecs;
}

std::string GlobalOptionEnvVar(const std::string& option) {
  if (option == "help" || option == "version") return "";
  std::string var = absl::StrCat("CERCLES_", option);
  absl::AsciiStrToUpper(&var);
  for (char& c : var) {
    if (c == '-') c = '_';
  }
  return var;
}

namespace {

// The option's value from the command line, else from its environment variable.
std::optional<std::string> Lookup(const ParsedArgs& args, const EnvLookup& env,
                                  const std::string& option) {
  if (args.Has(option)) return args.Value(option);
  return env(GlobalOptionEnvVar(option));
}

std::string ValueOr(const ParsedArgs& args, const EnvLookup& env, const std::string& option) {
  return Lookup(args, env, option).value_or("");
}

}  // namespace

std::string LangOfLocaleName(absl::string_view locale) {
  if (absl::StartsWithIgnoreCase(locale, "fr")) return "fr";
  if (absl::StartsWithIgnoreCase(locale, "en")) return "en";
  return "";
}

std::string LocaleOf(const EnvLookup& env) {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (auto value = env(name); value.has_value()) return *value;
  }
  return "";
}

Lang CliLanguage(const std::vector<std::string>& args, const EnvLookup& env) {
  std::optional<std::string> lang;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--lang" && i + 1 < args.size()) lang = args[i + 1];
    if (absl::StartsWith(args[i], "--lang=")) lang = args[i].substr(7);
  }
  if (!lang.has_value()) lang = env(GlobalOptionEnvVar("lang"));
  return LangOfCode(absl::AsciiStrToLower(lang.value_or(LangOfLocaleName(LocaleOf(env)))));
}

absl::StatusOr<GlobalOptions> ResolveGlobalOptions(const ParsedArgs& args, const EnvLookup& env,
                                                   const ServerChoice& choice) {
  GlobalOptions options;
  options.service = choice.service;
  options.config_file = ValueOr(args, env, "config");
  options.locale = LocaleOf(env);
  if (auto lang = Lookup(args, env, "lang")) {
    const std::string lower = absl::AsciiStrToLower(*lang);
    if (lower != "fr" && lower != "en") {
      return absl::InvalidArgumentError(
          absl::StrCat("--lang must be fr or en, got \"", *lang, "\""));
    }
    options.lang = lower;
  } else {
    options.lang = LangOfLocaleName(options.locale);
  }
  const std::string output = ValueOr(args, env, "output");
  if (output.empty() || output == "table") {
    options.output = OutputFormat::kTable;
  } else if (output == "json") {
    options.output = OutputFormat::kJson;
  } else if (output == "yaml") {
    options.output = OutputFormat::kYaml;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--output must be table, json or yaml, not \"", output, "\""));
  }

  if (auto traceparent = Lookup(args, env, "traceparent")) {
    if (!trace::ParseTraceparent(*traceparent).has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--traceparent must be a W3C traceparent such as "
                       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, not \"",
                       *traceparent, "\""));
    }
    options.traceparent = *traceparent;
  } else {
    options.traceparent = trace::NewTrace().Traceparent();
  }

  if (auto timeout = Lookup(args, env, "timeout")) {
    if (!absl::ParseDuration(*timeout, &options.timeout) ||
        options.timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout must be a positive duration such as 10s or 500ms, not \"", *timeout, "\""));
    }
  }
  const Context* context = choice.context;
  if (context != nullptr) {
    options.context = context->name;
    for (const char* service : {"membership", "lending", "network"}) {
      if (!context->Address(service).empty()) {
        options.context_addresses[service] = context->Address(service);
      }
    }
  }
  // The command line, else the environment, else the context's `from`.
  auto resolve = [&](const std::string& option, const std::string& from) {
    std::string value = ValueOr(args, env, option);
    return value.empty() && context != nullptr ? from : value;
  };
  options.address = ValueOr(args, env, "address");
  if (options.address.empty() && context != nullptr && !choice.service.empty()) {
    options.address = context->Address(choice.service);
  }
  if (!choice.needs_server) return options;
  if (options.address.empty()) {
    if (choice.service.empty()) {
      return absl::InvalidArgumentError(
          "no server address: pass --address HOST:PORT or set CERCLES_ADDRESS");
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "no address of ", choice.service, ": pass --address HOST:PORT, or set it in a context (",
        context == nullptr ? "cerclesctl config set-context NAME --"
                           : absl::StrCat("cerclesctl config set-context ", context->name, " --"),
        choice.service, " HOST:PORT)"));
  }

  if (args.Has("insecure")) {
    options.insecure = true;
  } else if (auto value = env("CERCLES_INSECURE")) {
    if (!absl::SimpleAtob(*value, &options.insecure)) {
      return absl::InvalidArgumentError(
          absl::StrCat("CERCLES_INSECURE must be true or false, not \"", *value, "\""));
    }
  } else if (context != nullptr) {
    options.insecure = context->insecure;
  }

  options.ca_file = resolve("ca", context ? context->ca : "");
  options.cert_file = resolve("cert", context ? context->cert : "");
  options.key_file = resolve("key", context ? context->key : "");
  options.server_name = resolve("server-name", context ? context->server_name : "");
  if (!options.insecure && options.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "no --ca (or CERCLES_CA): pass the CA certificate that signed the server's, or "
        "--insecure for a plaintext server");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("--cert and --key go together: pass both or neither");
  }

  // The two token options are one choice: the command line overrides the
  // environment (and the environment the context) as a pair, so an exported
  // CERCLES_TOKEN_FILE never fights --token.
  if (args.Has("token") && args.Has("token-file")) {
    return absl::InvalidArgumentError("pass --token or --token-file, not both");
  }
  if (args.Has("token")) {
    options.token = args.Value("token");
  } else if (args.Has("token-file")) {
    options.token_file = args.Value("token-file");
  } else {
    options.token = env("CERCLES_TOKEN").value_or("");
    options.token_file = env("CERCLES_TOKEN_FILE").value_or("");
    if (!options.token.empty() && !options.token_file.empty()) {
      return absl::InvalidArgumentError(
          "both CERCLES_TOKEN and CERCLES_TOKEN_FILE are set: unset one");
    }
    if (options.token.empty() && options.token_file.empty() && context != nullptr) {
      options.token = context->token;
      options.token_file = context->token_file;
    }
  }
  if (args.Has("token") && options.token.empty()) {
    return absl::InvalidArgumentError("--token is empty");
  }

  return options;
}

}  // namespace cercles::cerclesctl
