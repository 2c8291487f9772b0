#include "tools/cerclesctl/command.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/error_details.h"
#include "common/util/build_info.h"
#include "common/util/status.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/config.h"
#include "tools/cerclesctl/connection.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/peer_commands.h"
#include "tools/cerclesctl/yaml.h"

namespace cercles::cerclesctl {

std::string VerbUsage(const Verb& verb) {
  std::string usage = absl::StrCat("cerclesctl ", absl::StrJoin(verb.path, " "));
  for (const OptionSpec& option : verb.options)
    absl::StrAppend(&usage, " ", OptionSynopsis(option));
  if (!verb.arguments.empty()) absl::StrAppend(&usage, " ", verb.arguments);
  return usage;
}

Verb AliasOf(const Verb& verb, std::vector<std::string> old_path) {
  Verb alias = verb;
  const std::string replacement = absl::StrJoin(verb.path, " ");
  alias.summary = {
      absl::StrCat("The old spelling of 'cerclesctl ", replacement, "', kept as an alias."),
      absl::StrCat("L'ancienne graphie de 'cerclesctl ", replacement, "', gardée comme alias.")};
  alias.path = std::move(old_path);
  return alias;
}

namespace {

// The help's words around the command table's texts.
const Bilingual kUsage{"usage: ", "utilisation : "};
const Bilingual kCommands{"Commands:", "Commandes :"};
const Bilingual kOptions{"Options:", "Options :"};
const Bilingual kSeeMainHelp{"Global options: see 'cerclesctl --help'.",
                             "Options globales : voir 'cerclesctl --help'."};
const Bilingual kListsCommands{" ('cerclesctl --help' lists the commands)",
                               " ('cerclesctl --help' liste les commandes)"};

// "cerclesctl: MESSAGE" (in `lang`) and the verb's usage line.
int VerbUsageError(const Verb& verb, absl::string_view message, Lang lang, std::ostream& err) {
  err << "cerclesctl: " << Localize(lang, message) << '\n'
      << kUsage.In(lang) << VerbUsage(verb) << '\n';
  return kExitUsage;
}

}  // namespace

CommandContext::CommandContext(const Verb& verb, ParsedArgs args, GlobalOptions global,
                               std::ostream& out, std::ostream& err)
    : verb_(verb), args_(std::move(args)), global_(std::move(global)), out_(out), err_(err) {}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CommandContext::Channel() {
  if (channel_ == nullptr) {
    auto token = LoadToken(global_);
    if (!token.ok()) return token.status();
    auto channel = OpenChannel(global_, err_);
    if (!channel.ok()) return channel.status();
    token_ = *std::move(token);
    channel_ = *std::move(channel);
  }
  return channel_;
}

void CommandContext::PrepareCall(grpc::ClientContext* call, bool with_deadline) const {
  cerclesctl::PrepareCall(call, token_, with_deadline ? global_.timeout : absl::ZeroDuration(),
                          global_.traceparent, global_.lang);
}

CommandContext CommandContext::ForService(const std::string& service, const std::string& address,
                                          const std::string& server_name) const {
  GlobalOptions global = global_;
  global.service = service;
  global.address = address;
  global.server_name = server_name;
  return CommandContext(verb_, args_, std::move(global), out_, err_);
}

int CommandContext::Fail(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    err_ << "cerclesctl: UNIMPLEMENTED: " << Localize(lang(), Unimplemented()) << '\n';
    return kExitFailure;
  }
  // gRPC's codes are abseil's canonical codes, so abseil names them; the
  // refusal's details (the trailer's google.rpc.Status) come along.
  return Fail(FromGrpcStatus(status));
}

std::string CommandContext::Unimplemented() const {
  const std::string command = absl::StrJoin(verb_.path, " ");
  std::string answered = absl::StrCat("the server at ", global_.address);
  for (const auto& [service, address] : global_.context_addresses) {
    if (address == global_.address) {
      absl::StrAppend(&answered, " (", service, " in context \"", global_.context, "\")");
    }
  }
  if (global_.service.empty()) {
    return absl::StrCat(answered, " does not offer \"", command, "\"");
  }
  std::string text = absl::StrCat("\"", command, "\" is a ", global_.service, " command and ",
                                  answered, " does not offer it: ");
  auto it = global_.context_addresses.find(global_.service);
  if (it != global_.context_addresses.end() && it->second != global_.address) {
    absl::StrAppend(&text, global_.service, " is at ", it->second, " in context \"",
                    global_.context, "\" (drop --address and CERCLES_ADDRESS to reach it)");
  } else {
    absl::StrAppend(&text, "pass ", global_.service,
                    "'s address with --address, or set it once with cerclesctl config "
                    "set-context NAME --",
                    global_.service, " HOST:PORT");
  }
  return text;
}

int CommandContext::Fail(const absl::Status& status) {
  // A server's message comes in the language asked for; cerclesctl's own, translated here.
  err_ << "cerclesctl: " << absl::StatusCodeToString(status.code()) << ": "
       << Localize(lang(), status.message()) << '\n';
  if (std::optional<google::rpc::ErrorInfo> info = api::ErrorInfoOf(status)) {
    err_ << "  reason: " << info->reason() << '\n';
  }
  if (std::optional<google::rpc::BadRequest> bad_request = api::BadRequestOf(status)) {
    for (const auto& violation : bad_request->field_violations()) {
      err_ << "  " << violation.field() << ": " << violation.description();
      if (!violation.reason().empty()) err_ << " (" << violation.reason() << ")";
      err_ << '\n';
    }
  }
  return kExitFailure;
}

int CommandContext::UsageError(absl::string_view message) {
  return VerbUsageError(verb_, message, lang(), err_);
}

int CommandContext::PrintJson(const google::protobuf::Message& message) {
  const bool yaml = global_.output == OutputFormat::kYaml;
  auto text = yaml ? ToYaml(message) : ToJson(message);
  if (!text.ok()) return Fail(text.status());
  out_ << *text << (yaml ? "" : "\n") << std::flush;  // YAML ends its own last line
  return kExitOk;
}

std::string ServiceOfGroup(absl::string_view group) {
  // `privacy`: membership unless --service names another (RunCli).
  for (const char* membership :
       {"circles", "advisors", "events", "import", "meetings", "people", "trainings", "privacy"}) {
    if (group == membership) return "membership";
  }
  if (group == "lending" || group == "network") return std::string(group);
  // `report impact`: the network's figures (the other reports: ServiceOfVerb).
  if (group == "report") return "network";
  return "";
}

std::string ServiceOfVerb(const std::vector<std::string>& path) {
  if (path.size() >= 2 && path[0] == "report") {
    if (path[1] == "portfolio") return "lending";
    // Membership's report; lending's arrears are joined through ForService.
    if (path[1] == "circles") return "membership";
  }
  return path.empty() ? "" : ServiceOfGroup(path[0]);
}

bool CallsNoServer(const Verb& verb) {
  return verb.path[0] == "config" || verb.path[0] == "completion";
}

std::vector<Verb> AllVerbs() {
  std::vector<Verb> verbs;
  for (auto group :
       {HealthVerbs(), MembershipVerbs(), PeopleVerbs(), ImportVerbs(), TrainingVerbs(),
        MeetingVerbs(), LendingVerbs(), NetworkVerbs(), NetworkPeerVerbs(), PrivacyVerbs(),
        AccessRequestVerbs(), PrivacyExportVerbs(), ErasureVerbs(), RetentionVerbs(),
        ConsentVerbs(), CorrectionVerbs(), ReportVerbs(), ConfigVerbs()}) {
    for (Verb& verb : group) verbs.push_back(std::move(verb));
  }
  return verbs;
}

namespace {

const Bilingual kMainUsage{"cerclesctl [global options] COMMAND [options] [arguments]",
                           "cerclesctl [options globales] COMMANDE [options] [arguments]"};
const Bilingual kGroupUsage{" COMMAND [options] [arguments]", " COMMANDE [options] [arguments]"};

bool StartsWithPath(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

void PrintVerbList(const std::vector<Verb>& verbs, const std::vector<std::string>& group, Lang lang,
                   std::ostream& out) {
  for (const Verb& verb : verbs) {
    if (!StartsWithPath(verb.path, group)) continue;
    out << "  " << VerbUsage(verb) << "\n      " << verb.summary.In(lang) << '\n';
  }
}

void PrintOptions(const std::vector<OptionSpec>& options, Lang lang, std::ostream& out) {
  size_t width = 0;
  for (const OptionSpec& option : options) {
    width = std::max(width, OptionLabel(option).size());
  }
  for (const OptionSpec& option : options) {
    const std::string label = OptionLabel(option);
    out << "  " << label << std::string(width - label.size() + 2, ' ') << option.help.In(lang)
        << '\n';
  }
}

void PrintMainHelp(const std::vector<Verb>& verbs, Lang lang, std::ostream& out) {
  const Bilingual about{
      "The command-line client of the Cercles services (membership, lending, network).",
      "Le client en ligne de commande des services Cercles (membership, lending, network)."};
  const Bilingual global{
      "Global options (anywhere on the line; each falls back to its environment variable):",
      "Options globales (n'importe où sur la ligne ; chacune se rabat sur sa variable "
      "d'environnement) :"};
  const Bilingual routing{
      "Each command goes to its group's service: the address, CA and token come from the\n"
      "current context ('cerclesctl config set-context'), unless given as options. Either\n"
      "--ca or --insecure is required. Exit status: 0 success, 1 the call failed (one line\n"
      "on stderr), 2 usage error. 'cerclesctl help GROUP [VERB]' details a command.\n",
      "Chaque commande va au service de son groupe : l'adresse, l'autorité de certification (CA)\n"
      "et le jeton viennent du contexte courant ('cerclesctl config set-context'), sauf s'ils\n"
      "sont donnés en options. --ca ou --insecure est obligatoire. Code de sortie : 0 succès,\n"
      "1 l'appel a échoué (une ligne sur stderr), 2 erreur d'utilisation. 'cerclesctl help\n"
      "GROUPE [VERBE]' détaille une commande.\n"};
  out << kUsage.In(lang) << kMainUsage.In(lang) << "\n\n"
      << about.In(lang) << "\n\n"
      << kCommands.In(lang) << '\n';
  PrintVerbList(verbs, {}, lang, out);
  out << '\n' << global.In(lang) << '\n';
  PrintOptions(GlobalOptionSpecs(), lang, out);
  out << '\n' << routing.In(lang);
}

void PrintGroupHelp(const std::vector<Verb>& verbs, const std::vector<std::string>& group,
                    Lang lang, std::ostream& out) {
  out << kUsage.In(lang) << "cerclesctl " << absl::StrJoin(group, " ") << kGroupUsage.In(lang)
      << "\n\n"
      << kCommands.In(lang) << '\n';
  PrintVerbList(verbs, group, lang, out);
  out << '\n' << kSeeMainHelp.In(lang) << '\n';
}

void PrintVerbHelp(const Verb& verb, Lang lang, std::ostream& out) {
  out << kUsage.In(lang) << VerbUsage(verb) << "\n\n" << verb.summary.In(lang) << '\n';
  if (!verb.options.empty()) {
    out << '\n' << kOptions.In(lang) << '\n';
    PrintOptions(verb.options, lang, out);
  }
  out << '\n' << kSeeMainHelp.In(lang) << '\n';
}

// `cerclesctl help [GROUP... [VERB]]`: the help of the longest run of words
// that names a verb or a group; the main help without words.
int Help(const std::vector<Verb>& verbs, const std::vector<std::string>& words, Lang lang,
         std::ostream& out, std::ostream& err) {
  std::vector<std::string> path;
  for (const std::string& word : words) {
    if (absl::StartsWith(word, "-")) break;
    path.push_back(word);
  }
  if (path.empty()) {
    PrintMainHelp(verbs, lang, out);
    return kExitOk;
  }
  for (const Verb& verb : verbs) {
    if (verb.path == path) {
      PrintVerbHelp(verb, lang, out);
      return kExitOk;
    }
  }
  for (const Verb& verb : verbs) {
    if (StartsWithPath(verb.path, path)) {
      PrintGroupHelp(verbs, path, lang, out);
      return kExitOk;
    }
  }
  err << "cerclesctl: "
      << Localize(lang, absl::StrCat("no command \"", absl::StrJoin(path, " "),
                                     "\" ('cerclesctl --help' lists the commands)"))
      << '\n';
  return kExitUsage;
}

int MainUsageError(absl::string_view message, Lang lang, std::ostream& err) {
  err << "cerclesctl: " << Localize(lang, message) << '\n'
      << kUsage.In(lang) << kMainUsage.In(lang) << kListsCommands.In(lang) << '\n';
  return kExitUsage;
}

const OptionSpec* FindGlobalOption(absl::string_view name) {
  for (const OptionSpec& spec : GlobalOptionSpecs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
           std::ostream& err) {
  std::vector<Verb> verbs = AllVerbs();
  // Help and usage errors come before the global options are resolved.
  const Lang lang = CliLanguage(args, env);
  verbs.push_back(CompletionVerb(&verbs));  // reads the table as it is when it runs

  // Global options may come before the command words; skip them (with their
  // values) to find where the command starts.
  size_t next = 0;
  bool help = false;
  while (next < args.size() && absl::StartsWith(args[next], "-") && args[next] != "-") {
    const std::string& arg = args[next];
    if (arg == "--help" || arg == "-h") {
      help = true;
      ++next;
      continue;
    }
    if (arg == "--version") {
      out << build_info::VersionLine("cerclesctl") << '\n';
      return 0;
    }
    if (arg == "--") return MainUsageError("\"--\" must come after the command", lang, err);
    const OptionSpec* spec = nullptr;
    if (absl::StartsWith(arg, "--")) {
      absl::string_view name = absl::string_view(arg).substr(2);
      spec = FindGlobalOption(name.substr(0, name.find('=')));
    }
    if (spec == nullptr)
      return MainUsageError(absl::StrCat("unknown global option ", arg), lang, err);
    const bool takes_next = !spec->value_name.empty() && !absl::StrContains(arg, "=");
    if (takes_next && next + 1 >= args.size()) {
      return MainUsageError(
          absl::StrCat("option --", spec->name, " needs a value (", spec->value_name, ")"), lang,
          err);
    }
    next += takes_next ? 2 : 1;
  }
  const std::vector<std::string> leading(args.begin(), args.begin() + next);

  // The longest run of words that names a verb.
  std::vector<std::string> words;
  const Verb* verb = nullptr;
  while (verb == nullptr && next < args.size() && !absl::StartsWith(args[next], "-")) {
    words.push_back(args[next++]);
    bool any = false;
    for (const Verb& candidate : verbs) {
      if (!StartsWithPath(candidate.path, words)) continue;
      any = true;
      if (candidate.path.size() == words.size()) verb = &candidate;
    }
    if (!any) {
      if (words.size() == 1 && words[0] == "help") {
        return Help(verbs, std::vector<std::string>(args.begin() + next, args.end()), lang, out,
                    err);
      }
      err << "cerclesctl: "
          << Localize(lang, absl::StrCat("unknown command \"", absl::StrJoin(words, " "), "\""))
          << '\n';
      words.pop_back();
      if (words.empty()) {
        err << kUsage.In(lang) << kMainUsage.In(lang) << kListsCommands.In(lang) << '\n';
      } else {
        PrintGroupHelp(verbs, words, lang, err);
      }
      return kExitUsage;
    }
  }
  if (verb == nullptr) {
    const bool help_after = std::find_if(args.begin() + next, args.end(), [](const std::string& a) {
                              return a == "--help" || a == "-h";
                            }) != args.end();
    if (words.empty()) {
      if (help || help_after) {
        PrintMainHelp(verbs, lang, out);
        return kExitOk;
      }
      return MainUsageError(args.empty() ? "no command given" : "no command given before options",
                            lang, err);
    }
    if (help || help_after) {
      PrintGroupHelp(verbs, words, lang, out);
      return kExitOk;
    }
    err << "cerclesctl: "
        << Localize(lang, absl::StrCat("\"", absl::StrJoin(words, " "), "\" needs a command"))
        << '\n';
    PrintGroupHelp(verbs, words, lang, err);
    return kExitUsage;
  }

  std::vector<OptionSpec> specs = verb->options;
  specs.insert(specs.end(), GlobalOptionSpecs().begin(), GlobalOptionSpecs().end());
  std::vector<std::string> rest = leading;
  rest.insert(rest.end(), args.begin() + next, args.end());
  auto parsed = ParseArgs(rest, specs);
  if (!parsed.ok()) return VerbUsageError(*verb, parsed.status().message(), lang, err);
  if (help || parsed->Has("help")) {
    PrintVerbHelp(*verb, lang, out);
    return kExitOk;
  }
  const int count = static_cast<int>(parsed->positionals().size());
  if (count < verb->min_arguments || count > verb->max_arguments) {
    std::string message = count < verb->min_arguments
                              ? absl::StrCat("missing argument ", verb->arguments)
                              : absl::StrCat("unexpected argument \"",
                                             parsed->positionals()[verb->max_arguments], "\"");
    return VerbUsageError(*verb, message, lang, err);
  }
  // The context of the configuration file, unless the command calls no server.
  auto path = ConfigPath(parsed->Has("config") ? parsed->Value("config") : "", env);
  Config config;
  ServerChoice choice{ServiceOfVerb(verb->path), nullptr, !CallsNoServer(*verb)};
  // `privacy` verbs call the service whose access log --service names
  // (membership, which also holds the contact and the incidents, by default).
  if (verb->path[0] == "privacy") {
    const std::string service = absl::AsciiStrToLower(parsed->Value("service", "membership"));
    if (service == "lending" || service == "network") choice.service = service;
  }
  if (path.ok() && choice.needs_server) {
    auto loaded = LoadConfig(*path);
    if (!loaded.ok()) {
      err << "cerclesctl: " << Localize(lang, loaded.status().message()) << '\n';
      return kExitFailure;
    }
    config = *std::move(loaded);
    const std::string name = parsed->Has("context")
                                 ? parsed->Value("context")
                                 : env("CERCLES_CONTEXT").value_or(config.current_context);
    choice.context = config.Find(name);
    if (!name.empty() && choice.context == nullptr) {
      return VerbUsageError(*verb,
                            absl::StrCat("no context \"", name, "\" in ", *path,
                                         " ('cerclesctl config get-contexts' lists them)"),
                            lang, err);
    }
  }
  auto global = ResolveGlobalOptions(*parsed, env, choice);
  if (!global.ok()) return VerbUsageError(*verb, global.status().message(), lang, err);
  if (path.ok()) global->config_file = *path;
  CommandContext context(*verb, *std::move(parsed), *std::move(global), out, err);
  return verb->run(context);
}

}  // namespace cercles::cerclesctl
