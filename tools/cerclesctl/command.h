#ifndef CERCLES_TOOLS_CERCLESCTL_COMMAND_H_
#define CERCLES_TOOLS_CERCLESCTL_COMMAND_H_

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/global_options.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the call failed; stderr says why (and its reason)
inline constexpr int kExitUsage = 2;    // the command line is wrong

class CommandContext;

// One verb: "circles create", "network circles list"...
struct Verb {
  std::vector<std::string> path;
  std::string arguments;  // synopsis of the positionals, e.g. "circles/ID"
  // One sentence for --help, in English and French: {"Lists people.", "Liste les personnes."}.
  Bilingual summary;
  std::vector<OptionSpec> options;
  int min_arguments = 0;
  int max_arguments = 0;
  std::function<int(CommandContext&)> run;  // returns the exit code
};

// The service a group of verbs belongs to, where its commands are sent:
// circles, advisors, events, import, meetings, people, trainings ->
// "membership"; lending -> "lending"; network, report -> "network"; "" for any other
// (health names its server with --address).
std::string ServiceOfGroup(absl::string_view group);
// Where a verb is sent: its group's service, but for the reports each service
// makes (`report portfolio`: lending; `report circles`: membership).
std::string ServiceOfVerb(const std::vector<std::string>& path);
// Whether the verb calls no server (config, completion): it needs no address.
bool CallsNoServer(const Verb& verb);

// `verb` under its old spelling `old_path`, kept so that scripts written for
// it still work; its help says which spelling replaces it.
Verb AliasOf(const Verb& verb, std::vector<std::string> old_path);

// "cerclesctl circles get circles/ID", with the verb's options.
std::string VerbUsage(const Verb& verb);

// What a verb runs with: its parsed arguments, the global options, the output
// streams and, on demand, the connection to --address.
class CommandContext {
 public:
  CommandContext(const Verb& verb, ParsedArgs args, GlobalOptions global, std::ostream& out,
                 std::ostream& err);

  const ParsedArgs& args() const { return args_; }
  const GlobalOptions& global() const { return global_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  // Whether reads print data (--output json or yaml) rather than a table;
  // PrintJson prints it in the chosen format.
  bool json() const { return global_.output != OutputFormat::kTable; }
  // The language of what the command prints for a person (tables, messages):
  // --lang, CERCLES_LANG or the locale's; English when none says French.
  Lang lang() const { return LangOfCode(global_.lang); }

  // A stub of Service on the channel to --address (opened on first use).
  template <typename Service>
  absl::StatusOr<std::unique_ptr<typename Service::Stub>> NewStub() {
    auto channel = Channel();
    if (!channel.ok()) return channel.status();
    return Service::NewStub(*channel);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel();

  // Adds the bearer token and the --timeout deadline to a call; streams that
  // run until stopped pass with_deadline = false.
  void PrepareCall(grpc::ClientContext* call, bool with_deadline = true) const;

  // One unary call with the token and the deadline, e.g.
  //   ctx.Unary<MembershipService>(&MembershipService::Stub::GetCircle, request, &response)
  // A connection that cannot be set up (an unreadable --ca...) comes back as its status.
  template <typename Service, typename Request, typename Response>
  grpc::Status Unary(grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                     const Request& request, Response* response) {
    auto stub = NewStub<Service>();
    if (!stub.ok()) {
      return grpc::Status(static_cast<grpc::StatusCode>(stub.status().code()),
                          std::string(stub.status().message()));
    }
    grpc::ClientContext call;
    PrepareCall(&call);
    return ((**stub).*method)(&call, request, response);
  }

  // Print "cerclesctl: CODE: message" on stderr, then the refusal's reason
  // ("  reason: FIELD_REQUIRED") and one line per field violation
  // ("  person.language: is required (FIELD_REQUIRED)") when the server sent
  // them, and return kExitFailure.
  // UNIMPLEMENTED says which service answered (when the context knows its
  // address) and which one offers the command.
  int Fail(const grpc::Status& status);
  int Fail(const absl::Status& status);
  // Print "cerclesctl: message" and the verb's usage line; return kExitUsage.
  int UsageError(absl::string_view message);
  // The same verb, arguments, credentials and output against `service` at
  // `address`, its TLS name `server_name` ("": the address's host): a report
  // that joins two services' answers calls the second one through it.
  CommandContext ForService(const std::string& service, const std::string& address,
                            const std::string& server_name) const;
  // Print the message as one line of JSON (or, with --output yaml, as YAML);
  // kExitOk, or kExitFailure if it can't.
  int PrintJson(const google::protobuf::Message& message);

 private:
  std::string Unimplemented() const;

  const Verb& verb_;
  ParsedArgs args_;
  GlobalOptions global_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
};

// The verbs of every group, in the order --help lists them.
std::vector<Verb> AllVerbs();

// The whole command line (without argv[0]). Returns the exit code.
int RunCli(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
           std::ostream& err);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_COMMAND_H_
