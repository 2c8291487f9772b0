// Verbs of cercles.membership.v1.MembershipService: circles and the event stream.

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/interrupt.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/pagination.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::Circle;
using membership::v1::MembershipService;

int PrintCircle(CommandContext& ctx, const Circle& circle) {
  Table table = CircleTable(ctx.lang());
  AddCircleRow(circle, &table, ctx.lang());
  table.Print(ctx.out());
  return kExitOk;
}

int CreateCircle(CommandContext& ctx) {
  membership::v1::CreateCircleRequest request;
  request.mutable_circle()->set_display_name(ctx.args().Value("display-name"));
  for (const std::string& text : ctx.args().Values("characteristic")) {
    auto characteristic = ParseCharacteristic(text);
    if (!characteristic.ok()) return ctx.UsageError(characteristic.status().message());
    *request.mutable_circle()->add_characteristics() = *std::move(characteristic);
  }
  const bool generated_id = !ctx.args().Has("request-id");
  request.set_request_id(generated_id ? NewRequestId() : ctx.args().Value("request-id"));

  membership::v1::CreateCircleResponse response;
  grpc::Status status =
      ctx.Unary<MembershipService>(&MembershipService::Stub::CreateCircle, request, &response);
  if (!status.ok()) {
    const int code = ctx.Fail(status);
    // The circle may exist even though no answer came back: retrying with the
    // same id returns it rather than creating a second one.
    if (generated_id && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
      ctx.err() << "cerclesctl: "
                << Localize(ctx.lang(), absl::StrCat("to retry safely, add --request-id ",
                                                     request.request_id()))
                << '\n';
    }
    return code;
  }
  if (ctx.json()) return ctx.PrintJson(response);
  return PrintCircle(ctx, response.circle());
}

int GetCircle(CommandContext& ctx) {
  membership::v1::GetCircleRequest request;
  request.set_name(CircleResourceName(ctx.args().positionals()[0]));
  membership::v1::GetCircleResponse response;
  grpc::Status status =
      ctx.Unary<MembershipService>(&MembershipService::Stub::GetCircle, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  return PrintCircle(ctx, response.circle());
}

int ListCircles(CommandContext& ctx) {
  auto options = ParseCircleListOptions(ctx.args());
  if (!options.ok()) return ctx.UsageError(options.status().message());
  membership::v1::ListCirclesResponse response;
  grpc::Status status =
      ListCirclePages<MembershipService>(ctx, &MembershipService::Stub::ListCircles, *options,
                                         membership::v1::ListCirclesRequest(), &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = CircleTable(ctx.lang());
  for (const Circle& circle : response.circles()) AddCircleRow(circle, &table, ctx.lang());
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int WatchEvents(CommandContext& ctx) {
  membership::v1::WatchEventsRequest request;
  int64_t after = 0;
  if (ctx.args().Has("after") &&
      (!absl::SimpleAtoi(ctx.args().Value("after"), &after) || after < 0)) {
    return ctx.UsageError(absl::StrCat("--after must be a sequence number of at least 0, not \"",
                                       ctx.args().Value("after"), "\""));
  }
  request.set_after_sequence(after);
  int64_t limit = 0;
  if (ctx.args().Has("limit") &&
      (!absl::SimpleAtoi(ctx.args().Value("limit"), &limit) || limit < 1)) {
    return ctx.UsageError(absl::StrCat("--limit must be a number of events of at least 1, not \"",
                                       ctx.args().Value("limit"), "\""));
  }
  auto stub = ctx.NewStub<MembershipService>();
  if (!stub.ok()) return ctx.Fail(stub.status());

  // Links the payload types into the binary so that JSON can print them.
  membership::v1::CircleCreated::descriptor();
  membership::v1::CircleUpdated::descriptor();
  membership::v1::CircleMemberAdded::descriptor();
  membership::v1::CircleMemberRemoved::descriptor();
  membership::v1::CirclesMerged::descriptor();
  membership::v1::AdvisorCreated::descriptor();

  constexpr char kRowFormat[] = "%-10s %-40s %-24s %s\n";
  grpc::ClientContext call;
  ctx.PrepareCall(&call, /*with_deadline=*/false);  // runs until --limit or Ctrl-C
  CancelOnInterrupt cancel_on_interrupt(&call);
  auto reader = (*stub)->WatchEvents(&call, request);
  membership::v1::WatchEventsResponse response;
  int64_t count = 0;
  bool warned_payload = false;
  while (reader->Read(&response)) {
    const common::v1::Event& event = response.event();
    if (ctx.json()) {
      auto json = ToJson(event);
      if (!json.ok()) {
        // A payload type this build does not know: print the envelope.
        if (!warned_payload) {
          ctx.err() << "cerclesctl: warning: " << json.status().message()
                    << "; printing such events without their payload\n";
          warned_payload = true;
        }
        common::v1::Event envelope = event;
        envelope.clear_payload();
        json = ToJson(envelope);
        if (!json.ok()) return ctx.Fail(json.status());
      }
      ctx.out() << *json << '\n';
    } else {
      // The header waits for the first event, so that a refused call prints
      // only its error.
      if (count == 0) {
        // printf pads bytes: "SÉQUENCE" (9 bytes, 8 letters) takes one space less.
        if (ctx.lang() == Lang::kFr) {
          ctx.out() << absl::StrFormat("%-11s %-40s %-24s %s\n", "SÉQUENCE", "TYPE", "SUJET",
                                       "MOMENT");
        } else {
          ctx.out() << absl::StrFormat(kRowFormat, "SEQUENCE", "TYPE", "SUBJECT", "TIME");
        }
      }
      ctx.out() << absl::StrFormat(kRowFormat, absl::StrCat(event.sequence()), event.type(),
                                   event.subject(), FormatTimestamp(event.occur_time()));
    }
    ctx.out() << std::flush;
    if (++count == limit) {
      call.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  const bool stopped_by_us = (limit > 0 && count == limit) || cancel_on_interrupt.interrupted();
  if (status.ok() || (stopped_by_us && status.error_code() == grpc::StatusCode::CANCELLED)) {
    return kExitOk;
  }
  return ctx.Fail(status);
}

// Short lists (members, history, advisors) are shown whole.
const PageOptions kEveryPage{500, "", true};

// Accepts "people/7" or a bare "7" (likewise advisors).
std::string ResourceName(absl::string_view collection, const std::string& text) {
  if (absl::StartsWith(text, absl::StrCat(collection, "/"))) return text;
  return absl::StrCat(collection, "/", text);
}

// Runs one idempotent mutation: a request id (given, or a fresh one that is
// printed when the outcome is unknown so that the retry is safe).
template <typename Request, typename Response, typename Method>
int Mutate(CommandContext& ctx, Method method, Request& request, Response* response) {
  const bool generated_id = !ctx.args().Has("request-id");
  request.set_request_id(generated_id ? NewRequestId() : ctx.args().Value("request-id"));
  grpc::Status status = ctx.Unary<MembershipService>(method, request, response);
  if (!status.ok()) {
    const int code = ctx.Fail(status);
    if (generated_id && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
      ctx.err() << "cerclesctl: "
                << Localize(ctx.lang(), absl::StrCat("to retry safely, add --request-id ",
                                                     request.request_id()))
                << '\n';
    }
    return code;
  }
  return kExitOk;
}

template <typename Response>
int PrintCircleResponse(CommandContext& ctx, const Response& response) {
  if (ctx.json()) return ctx.PrintJson(response);
  return PrintCircle(ctx, response.circle());
}

int UpdateCircle(CommandContext& ctx) {
  membership::v1::UpdateCircleRequest request;
  request.mutable_circle()->set_name(CircleResourceName(ctx.args().positionals()[0]));
  if (ctx.args().Has("display-name")) {
    request.mutable_circle()->set_display_name(ctx.args().Value("display-name"));
    request.mutable_update_mask()->add_paths("display_name");
  }
  if (ctx.args().Has("characteristic") || ctx.args().Has("clear-characteristics")) {
    for (const std::string& text : ctx.args().Values("characteristic")) {
      auto characteristic = ParseCharacteristic(text);
      if (!characteristic.ok()) return ctx.UsageError(characteristic.status().message());
      *request.mutable_circle()->add_characteristics() = *std::move(characteristic);
    }
    request.mutable_update_mask()->add_paths("characteristics");
  }
  if (request.update_mask().paths().empty()) {
    return ctx.UsageError("nothing to change: give --display-name and/or --characteristic");
  }
  membership::v1::UpdateCircleResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::UpdateCircle, request, &response)) {
    return code;
  }
  return PrintCircleResponse(ctx, response);
}

int AddMember(CommandContext& ctx) {
  membership::v1::AddCircleMemberRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  request.set_person(ResourceName("people", ctx.args().positionals()[1]));
  request.set_reason(ctx.args().Value("reason", "newcomer"));
  membership::v1::AddCircleMemberResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::AddCircleMember, request, &response)) {
    return code;
  }
  return PrintCircleResponse(ctx, response);
}

int RemoveMember(CommandContext& ctx) {
  membership::v1::RemoveCircleMemberRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  request.set_person(ResourceName("people", ctx.args().positionals()[1]));
  request.set_reason(ctx.args().Value("reason"));
  membership::v1::RemoveCircleMemberResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::RemoveCircleMember, request, &response)) {
    return code;
  }
  return PrintCircleResponse(ctx, response);
}

int ListMembers(CommandContext& ctx) {
  membership::v1::ListCircleMembersRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  request.set_include_former(ctx.args().Has("include-former"));
  membership::v1::ListCircleMembersResponse all;
  grpc::Status status =
      ListPages<MembershipService>(ctx, &MembershipService::Stub::ListCircleMembers, kEveryPage,
                                   request, &all, [](auto* r) { return r->mutable_members(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(all);
  Table table(ctx.lang(), {{"PERSON", "PERSONNE"},
                           {"JOINED", "ARRIVÉE"},
                           {"REASON", "RAISON"},
                           {"LEFT", "DÉPART"},
                           {"WHY", "POURQUOI"}});
  for (const auto& m : all.members()) {
    table.AddRow({m.person(), FormatTimestamp(m.join_time()), m.join_reason(),
                  m.has_leave_time() ? FormatTimestamp(m.leave_time()) : "", m.leave_reason()});
  }
  table.Print(ctx.out());
  return kExitOk;
}

int History(CommandContext& ctx) {
  membership::v1::ListCircleHistoryRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  membership::v1::ListCircleHistoryResponse all;
  grpc::Status status =
      ListPages<MembershipService>(ctx, &MembershipService::Stub::ListCircleHistory, kEveryPage,
                                   request, &all, [](auto* r) { return r->mutable_entries(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(all);
  Table table(ctx.lang(), {{"TIME", "MOMENT"},
                           {"WHAT", "QUOI"},
                           {"WHO / STATUS", "QUI / STATUT"},
                           {"WHY", "POURQUOI"}});
  for (const auto& e : all.entries()) {
    const bool status_change = e.kind() == membership::v1::CIRCLE_HISTORY_KIND_STATUS_CHANGED;
    table.AddRow({FormatTimestamp(e.time()),
                  (status_change ? Bilingual("status", "statut")
                   : e.kind() == membership::v1::CIRCLE_HISTORY_KIND_MEMBER_JOINED
                       ? Bilingual("joined", "arrivée")
                       : Bilingual("left", "départ"))
                      .In(ctx.lang()),
                  status_change ? CircleStatusName(e.status(), ctx.lang()) : e.person(),
                  e.reason()});
  }
  table.Print(ctx.out());
  return kExitOk;
}

template <typename Request, typename Response>
int StatusVerb(CommandContext& ctx,
               grpc::Status (MembershipService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*)) {
  Request request;
  request.set_name(CircleResourceName(ctx.args().positionals()[0]));
  if constexpr (!std::is_same_v<Request, membership::v1::ActivateCircleRequest>) {
    request.set_reason(ctx.args().Value("reason"));
  }
  Response response;
  if (int code = Mutate(ctx, method, request, &response)) return code;
  return PrintCircleResponse(ctx, response);
}

int Merge(CommandContext& ctx) {
  membership::v1::MergeCirclesRequest request;
  for (const std::string& circle : ctx.args().positionals()) {
    request.add_circles(CircleResourceName(circle));
  }
  request.set_display_name(ctx.args().Value("display-name"));
  for (const std::string& text : ctx.args().Values("characteristic")) {
    auto characteristic = ParseCharacteristic(text);
    if (!characteristic.ok()) return ctx.UsageError(characteristic.status().message());
    *request.add_characteristics() = *std::move(characteristic);
  }
  membership::v1::MergeCirclesResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::MergeCircles, request, &response)) {
    return code;
  }
  return PrintCircleResponse(ctx, response);
}

int AssignAdvisor(CommandContext& ctx) {
  membership::v1::AssignCircleAdvisorRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  request.set_advisor(ResourceName("advisors", ctx.args().positionals()[1]));
  membership::v1::AssignCircleAdvisorResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::AssignCircleAdvisor, request, &response)) {
    return code;
  }
  return PrintCircleResponse(ctx, response);
}

void PrintAdvisors(CommandContext& ctx,
                   const google::protobuf::RepeatedPtrField<membership::v1::Advisor>& advisors) {
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"DISPLAY NAME", "NOM AFFICHÉ"},
                           {"EMAIL", "COURRIEL"},
                           {"TOKEN NAME", "NOM DU JETON"}});
  for (const auto& a : advisors) {
    table.AddRow({a.name(), a.display_name(), a.email(), a.principal_name()});
  }
  table.Print(ctx.out());
}

int CreateAdvisor(CommandContext& ctx) {
  membership::v1::CreateAdvisorRequest request;
  request.mutable_advisor()->set_display_name(ctx.args().Value("display-name"));
  request.mutable_advisor()->set_email(ctx.args().Value("email"));
  request.mutable_advisor()->set_principal_name(ctx.args().Value("token-name"));
  membership::v1::CreateAdvisorResponse response;
  if (int code = Mutate(ctx, &MembershipService::Stub::CreateAdvisor, request, &response)) {
    return code;
  }
  if (ctx.json()) return ctx.PrintJson(response);
  google::protobuf::RepeatedPtrField<membership::v1::Advisor> one;
  *one.Add() = response.advisor();
  PrintAdvisors(ctx, one);
  return kExitOk;
}

// cerclesctl reads and sends the deprecated string field, which servers of
// every version fill and read (a 0.1.0 server knows no enum beside it).
int ListAdvisors(CommandContext& ctx) {
  membership::v1::ListAdvisorsResponse all;
  grpc::Status status = ListPages<MembershipService>(
      ctx, &MembershipService::Stub::ListAdvisors, kEveryPage,
      membership::v1::ListAdvisorsRequest(), &all, [](auto* r) { return r->mutable_advisors(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(all);
  PrintAdvisors(ctx, all.advisors());
  return kExitOk;
}

}  // namespace

std::vector<Verb> MembershipVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"circles", "create"},
       "",
       {"Creates a circle (status forming) in membership.",
        "Crée un cercle (au statut en formation) dans membership."},
       {{"display-name",
         "NAME",
         {"name the members chose, 1 to 120 characters",
          "le nom choisi par les membres, de 1 à 120 caractères"},
         false,
         true},
        {"characteristic",
         "KIND=VALUE",
         {"sector, gender, affinity, savings, language, region, or a fund-defined "
          "kind (repeatable)",
          "sector (secteur), gender (genre), affinity (affinité), savings (épargne), language "
          "(langue), region (région), ou un type défini par le fonds (répétable)"},
         true},
        {"request-id",
         "ID",
         {"idempotency key: a retry with the same id creates nothing new (default: a "
          "random UUID)",
          "clé d'idempotence : une reprise avec le même identifiant ne crée rien de nouveau (par "
          "défaut : un UUID aléatoire)"}}},
       0,
       0,
       CreateCircle});
  verbs.push_back({{"circles", "get"},
                   "circles/ID",
                   {"Shows one circle of membership (a bare ID is accepted).",
                    "Affiche un cercle de membership (un ID seul est accepté)."},
                   {},
                   1,
                   1,
                   GetCircle});
  verbs.push_back({{"circles", "list"},
                   "",
                   {"Lists membership's circles, in creation order.",
                    "Liste les cercles de membership, dans l'ordre de leur création."},
                   CircleListOptionSpecs(),
                   0,
                   0,
                   ListCircles});
  verbs.push_back(
      {{"events", "watch"},
       "",
       {"Streams membership's events, one line each, until --limit or Ctrl-C.",
        "Diffuse les événements de membership, un par ligne, jusqu'à --limit ou Ctrl-C."},
       {{"after",
         "N",
         {"start after this sequence number (default 0: from the start)",
          "commencer après ce numéro de séquence (0 par défaut : depuis le début)"}},
        {"limit", "N", {"stop after N events", "s'arrêter après N événements"}}},
       0,
       0,
       WatchEvents});
  const OptionSpec request_id = RequestIdOptionSpec();
  const OptionSpec reason{"reason",
                          "TEXT",
                          {"why, 1 to 500 characters", "pourquoi, de 1 à 500 caractères"},
                          false,
                          true};
  verbs.push_back(
      {{"circles", "update"},
       "circles/ID",
       {"Changes a circle's display name and/or characteristics.",
        "Modifie le nom d'un cercle et/ou ses caractéristiques."},
       {{"display-name", "NAME", {"new name", "nouveau nom"}},
        {"characteristic",
         "KIND=VALUE",
         {"the new characteristics (repeatable)", "les nouvelles caractéristiques (répétable)"},
         true},
        {"clear-characteristics",
         "",
         {"remove every characteristic", "retirer toutes les caractéristiques"}},
        request_id},
       1,
       1,
       UpdateCircle});
  verbs.push_back(
      {{"circles", "add-member"},
       "circles/ID people/ID",
       {"Adds a person to a circle (at most 7; trained; one circle per person).",
        "Ajoute une personne à un cercle (7 au plus ; formée ; un seul cercle par personne)."},
       {{"reason",
         "TEXT",
         {"why (default: newcomer)", "pourquoi (par défaut : newcomer, nouvelle personne)"}},
        request_id},
       2,
       2,
       AddMember});
  verbs.push_back({{"circles", "remove-member"},
                   "circles/ID people/ID",
                   {"Records a member's departure (an active circle below 4 is under strength).",
                    "Consigne le départ d'un membre (un cercle actif de moins de 4 membres est en "
                    "sous-effectif)."},
                   {reason, request_id},
                   2,
                   2,
                   RemoveMember});
  verbs.push_back(
      {{"circles", "members"},
       "circles/ID",
       {"Lists a circle's members.", "Liste les membres d'un cercle."},
       {{"include-former", "", {"also people who left", "aussi les personnes qui sont parties"}}},
       1,
       1,
       ListMembers});
  verbs.push_back({{"circles", "history"},
                   "circles/ID",
                   {"Shows a circle's joins, departures and status changes over time.",
                    "Affiche les arrivées, les départs et les changements de statut d'un cercle au "
                    "fil du temps."},
                   {},
                   1,
                   1,
                   History});
  verbs.push_back({{"circles", "activate"},
                   "circles/ID",
                   {"Activates a forming circle of 4 to 7 trained members.",
                    "Active un cercle en formation de 4 à 7 membres formés."},
                   {request_id},
                   1,
                   1,
                   [](CommandContext& ctx) {
                     return StatusVerb(ctx, &MembershipService::Stub::ActivateCircle);
                   }});
  verbs.push_back({{"circles", "suspend"},
                   "circles/ID",
                   {"Suspends an active circle.", "Suspend un cercle actif."},
                   {reason, request_id},
                   1,
                   1,
                   [](CommandContext& ctx) {
                     return StatusVerb(ctx, &MembershipService::Stub::SuspendCircle);
                   }});
  verbs.push_back({{"circles", "resume"},
                   "circles/ID",
                   {"Resumes a suspended circle.", "Réactive un cercle suspendu."},
                   {reason, request_id},
                   1,
                   1,
                   [](CommandContext& ctx) {
                     return StatusVerb(ctx, &MembershipService::Stub::ResumeCircle);
                   }});
  verbs.push_back(
      {{"circles", "dissolve"},
       "circles/ID",
       {"Ends a circle; its members leave it.", "Met fin à un cercle ; ses membres le quittent."},
       {reason, request_id},
       1,
       1,
       [](CommandContext& ctx) {
         return StatusVerb(ctx, &MembershipService::Stub::DissolveCircle);
       }});
  verbs.push_back(
      {{"circles", "merge"},
       "circles/A circles/B [circles/C...]",
       {"Merges 2 to 4 circles into a new one of 4 to 7 members.",
        "Fusionne de 2 à 4 cercles en un nouveau cercle de 4 à 7 membres."},
       {{"display-name",
         "NAME",
         {"name of the merged circle", "nom du cercle issu de la fusion"},
         false,
         true},
        {"characteristic",
         "KIND=VALUE",
         {"characteristics of the result (default: the union of the sources')",
          "caractéristiques du résultat (par défaut : l'union de celles des cercles fusionnés)"},
         true},
        request_id},
       2,
       4,
       Merge});
  verbs.push_back({{"circles", "assign-advisor"},
                   "circles/ID advisors/ID",
                   {"Assigns a circle to an advisor (admins).",
                    "Confie un cercle à une personne-conseil (administrateurs)."},
                   {request_id},
                   2,
                   2,
                   AssignAdvisor});
  verbs.push_back({{"advisors", "create"},
                   "",
                   {"Registers an advisor, bound to the name of their staff token (admins).",
                    "Inscrit une personne-conseil, liée au nom de son jeton de membre du personnel "
                    "(administrateurs)."},
                   {{"display-name",
                     "NAME",
                     {"the advisor's name", "le nom de la personne-conseil"},
                     false,
                     true},
                    {"email", "ADDRESS", {"work e-mail", "courriel de travail"}, false, true},
                    {"token-name",
                     "NAME",
                     {"name of their staff token (tokens file)",
                      "nom de son jeton de membre du personnel (fichier des jetons)"},
                     false,
                     true},
                    request_id},
                   0,
                   0,
                   CreateAdvisor});
  verbs.push_back({{"advisors", "list"},
                   "",
                   {"Lists advisors.", "Liste les personnes-conseils."},
                   {},
                   0,
                   0,
                   ListAdvisors});
  for (Verb& verb : ProposalVerbs()) verbs.push_back(std::move(verb));
  return verbs;
}

}  // namespace cercles::cerclesctl
