// `cerclesctl config ...`: the contexts of the configuration file (config.h),
// set once so that every other command finds its service's address, the CA,
// the client certificate and the token without a flag. None calls a server.
#include <google/protobuf/struct.pb.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/config.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {
namespace {

// The file of ctx's --config (or its default) and what it holds.
int Load(CommandContext& ctx, Config* config) {
  if (ctx.global().config_file.empty()) {
    return ctx.Fail(absl::FailedPreconditionError(
        "no configuration file: set HOME, XDG_CONFIG_HOME or CERCLES_CONFIG, or pass --config"));
  }
  auto loaded = LoadConfig(ctx.global().config_file);
  if (!loaded.ok()) return ctx.Fail(loaded.status());
  *config = *std::move(loaded);
  return kExitOk;
}

int Save(CommandContext& ctx, const Config& config) {
  if (absl::Status saved = SaveConfig(ctx.global().config_file, config); !saved.ok()) {
    return ctx.Fail(saved);
  }
  return kExitOk;
}

int SetContext(CommandContext& ctx) {
  Config config;
  if (int code = Load(ctx, &config)) return code;
  const std::string name = ctx.args().positionals()[0];
  // Checked by the file's own rules: a name it could not read back is refused.
  if (!ParseConfig(absl::StrCat("[context ", name, "]\n"), "NAME").ok()) {
    return ctx.UsageError(absl::StrCat("context name \"", name,
                                       "\" must be 1 to 63 letters, digits, '-', '_' or '.'"));
  }
  Context* context = config.Find(name);
  const bool created = context == nullptr;
  if (created) {
    config.contexts.emplace_back();
    context = &config.contexts.back();
    context->name = name;
  }
  if (ctx.args().Has("token") && ctx.args().Has("token-file")) {
    return ctx.UsageError("pass --token or --token-file, not both");
  }
  for (const std::string& key : ContextKeys()) {
    if (!ctx.args().Has(key)) continue;
    const std::string value = key == "insecure" ? "true" : ctx.args().Value(key);
    if (absl::Status set = SetContextKey(*context, key, value); !set.ok()) {
      return ctx.UsageError(set.message());
    }
    // One token source per context.
    if (key == "token") context->token_file.clear();
    if (key == "token-file") context->token.clear();
  }
  if (config.current_context.empty()) config.current_context = name;
  if (int code = Save(ctx, config)) return code;
  if (ctx.lang() == Lang::kFr) {
    ctx.out() << "contexte « " << name << " » " << (created ? "créé" : "modifié") << " dans "
              << ctx.global().config_file
              << (config.current_context == name ? " (le contexte courant)" : "") << '\n';
  } else {
    ctx.out() << (created ? "created" : "updated") << " context \"" << name << "\" in "
              << ctx.global().config_file
              << (config.current_context == name ? " (the current context)" : "") << '\n';
  }
  return kExitOk;
}

int UseContext(CommandContext& ctx) {
  Config config;
  if (int code = Load(ctx, &config)) return code;
  const std::string name = ctx.args().positionals()[0];
  if (config.Find(name) == nullptr) {
    return ctx.Fail(absl::NotFoundError(
        absl::StrCat("no context \"", name, "\" in ", ctx.global().config_file,
                     " (cerclesctl config set-context ", name, " ... makes it)")));
  }
  config.current_context = name;
  if (int code = Save(ctx, config)) return code;
  ctx.out() << (ctx.lang() == Lang::kFr ? absl::StrCat("contexte courant : « ", name, " »")
                                        : absl::StrCat("now using context \"", name, "\""))
            << '\n';
  return kExitOk;
}

int CurrentContext(CommandContext& ctx) {
  Config config;
  if (int code = Load(ctx, &config)) return code;
  if (config.current_context.empty()) {
    return ctx.Fail(
        absl::NotFoundError(absl::StrCat("no current context in ", ctx.global().config_file,
                                         " (cerclesctl config use-context NAME chooses one)")));
  }
  ctx.out() << config.current_context << '\n';
  return kExitOk;
}

int GetContexts(CommandContext& ctx) {
  Config config;
  if (int code = Load(ctx, &config)) return code;
  if (ctx.json()) {
    google::protobuf::Struct out;
    (*out.mutable_fields())["currentContext"].set_string_value(config.current_context);
    auto* list = (*out.mutable_fields())["contexts"].mutable_list_value();
    for (const Context& c : config.contexts) {
      auto& fields = *list->add_values()->mutable_struct_value()->mutable_fields();
      fields["name"].set_string_value(c.name);
      fields["membership"].set_string_value(c.membership);
      fields["lending"].set_string_value(c.lending);
      fields["network"].set_string_value(c.network);
      fields["ca"].set_string_value(c.ca);
      fields["cert"].set_string_value(c.cert);
      fields["key"].set_string_value(c.key);
      fields["tokenFile"].set_string_value(c.token_file);
      fields["hasToken"].set_bool_value(!c.token.empty());  // never the token itself
      fields["insecure"].set_bool_value(c.insecure);
    }
    return ctx.PrintJson(out);
  }
  const Lang lang = ctx.lang();
  Table table(lang, {{"CURRENT", "COURANT"},
                     {"NAME", "NOM"},
                     {"MEMBERSHIP", "MEMBERSHIP"},
                     {"LENDING", "LENDING"},
                     {"NETWORK", "NETWORK"},
                     {"CA", "AC"},
                     {"TOKEN", "JETON"}});
  for (const Context& c : config.contexts) {
    const std::string token =
        !c.token.empty() ? Bilingual("(inline)", "(dans le fichier)").In(lang) : c.token_file;
    table.AddRow({c.name == config.current_context ? "*" : "", c.name, c.membership, c.lending,
                  c.network, c.insecure ? Bilingual("(insecure)", "(sans TLS)").In(lang) : c.ca,
                  token});
  }
  table.Print(ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> ConfigVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"config", "set-context"},
       "NAME",
       {"create or change a context (only the options given change); the first one made "
        "becomes the current one",
        "Crée ou modifie un contexte (seules les options données changent) ; le premier créé "
        "devient le contexte courant."},
       {{"membership", "HOST:PORT", {"membership's address", "l'adresse de membership"}},
        {"lending", "HOST:PORT", {"lending's address", "l'adresse de lending"}},
        {"network", "HOST:PORT", {"network's address", "l'adresse de network"}},
        {"ca",
         "FILE",
         {"CA certificate that verifies the servers",
          "certificat de l'autorité qui vérifie les serveurs"}},
        {"cert",
         "FILE",
         {"client certificate for mTLS, with --key", "certificat client pour le mTLS, avec --key"}},
        {"key", "FILE", {"private key of --cert", "la clé privée de --cert"}},
        {"token-file",
         "FILE",
         {"file holding the bearer token", "fichier qui contient le jeton porteur"}},
        {"token",
         "TOKEN",
         {"the bearer token itself, kept in the file (mode 0600)",
          "le jeton porteur lui-même, gardé dans le fichier (mode 0600)"}},
        {"server-name",
         "NAME",
         {"name the servers' certificates must carry",
          "le nom que doivent porter les certificats des serveurs"}},
        {"insecure",
         "",
         {"plaintext, no TLS: for local tests only",
          "en clair, sans TLS : pour les essais locaux seulement"}}},
       1,
       1,
       SetContext});
  verbs.push_back({{"config", "use-context"},
                   "NAME",
                   {"make NAME the current context", "Fait de NAME le contexte courant."},
                   {},
                   1,
                   1,
                   UseContext});
  verbs.push_back({{"config", "get-contexts"},
                   "",
                   {"list the contexts; * marks the current one",
                    "Liste les contextes ; * marque le contexte courant."},
                   {},
                   0,
                   0,
                   GetContexts});
  verbs.push_back({{"config", "current-context"},
                   "",
                   {"print the current context's name", "Affiche le nom du contexte courant."},
                   {},
                   0,
                   0,
                   CurrentContext});
  return verbs;
}

}  // namespace cercles::cerclesctl
