// Verbs of cercles.membership.v1.PeopleService, and `import people`.

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/outcome_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"
#include "tools/cerclesctl/people_import.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::PeopleService;
using membership::v1::Person;

int PrintPersonResponse(CommandContext& ctx, const google::protobuf::Message& response,
                        const Person& person) {
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPerson(person, ctx.out(), ctx.lang());
  return kExitOk;
}

int CreatePerson(CommandContext& ctx) {
  membership::v1::CreatePersonRequest request;
  google::protobuf::FieldMask named;
  absl::Status parsed = PersonFromOptions(ctx.args(), request.mutable_person(), &named);
  if (!parsed.ok()) return ctx.UsageError(parsed.message());
  request.set_request_id(RequestIdOption(ctx));
  request.set_validate_only(ctx.args().Has("validate-only"));
  membership::v1::CreatePersonResponse response;
  grpc::Status status =
      CallWrite<PeopleService>(ctx, &PeopleService::Stub::CreatePerson, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  return PrintPersonResponse(ctx, response, response.person());
}

int GetPerson(CommandContext& ctx) {
  membership::v1::GetPersonRequest request;
  request.set_name(PersonResourceName(ctx.args().positionals()[0]));
  membership::v1::GetPersonResponse response;
  grpc::Status status =
      ctx.Unary<PeopleService>(&PeopleService::Stub::GetPerson, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return PrintPersonResponse(ctx, response, response.person());
}

int UpdatePerson(CommandContext& ctx) {
  membership::v1::UpdatePersonRequest request;
  absl::Status parsed =
      PersonFromOptions(ctx.args(), request.mutable_person(), request.mutable_update_mask());
  if (!parsed.ok()) return ctx.UsageError(parsed.message());
  if (ctx.args().Has("clear-business")) {
    if (request.person().has_business()) {
      return ctx.UsageError("--clear-business removes the business: give no business option");
    }
    request.mutable_update_mask()->add_paths("business");
  }
  if (request.update_mask().paths().empty()) {
    return ctx.UsageError("nothing to change: give at least one field option");
  }
  request.mutable_person()->set_name(PersonResourceName(ctx.args().positionals()[0]));
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::UpdatePersonResponse response;
  grpc::Status status =
      CallWrite<PeopleService>(ctx, &PeopleService::Stub::UpdatePerson, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  return PrintPersonResponse(ctx, response, response.person());
}

int ListPeople(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListPeopleRequest request;
  request.set_name_prefix(ctx.args().Value("name-prefix"));
  if (ctx.args().Has("status")) {
    auto status = ParsePersonStatus(ctx.args().Value("status"));
    if (!status.ok()) return ctx.UsageError(absl::StrCat("--", status.status().message()));
    request.set_status(*status);
  }
  if (ctx.args().Has("circle")) {
    request.set_circle(CircleResourceName(ctx.args().Value("circle")));
  }
  if (ctx.args().Has("cohort")) {
    request.set_cohort(TrainingResourceName(ctx.args().Value("cohort")));
  }
  request.set_sector(ctx.args().Value("sector"));
  membership::v1::ListPeopleResponse response;
  grpc::Status status = ListPages<PeopleService>(
      ctx, &PeopleService::Stub::ListPeople, *paging, request, &response,
      [](membership::v1::ListPeopleResponse* r) { return r->mutable_people(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"GIVEN NAME", "PRÉNOM"},
                           {"FAMILY NAME", "NOM DE FAMILLE"},
                           {"STATUS", "STATUT"},
                           {"SECTOR", "SECTEUR"},
                           {"CIRCLE", "CERCLE"},
                           {"TRAININGS", "FORMATIONS"}});
  for (const Person& p : response.people()) {
    table.AddRow({p.name(), p.given_name(), p.family_name(),
                  PersonStatusName(p.status(), ctx.lang()), p.business().sector(),
                  p.current_circle().empty() ? "-" : p.current_circle(),
                  absl::StrCat(p.trainings_completed())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

// Links the event payload types into the binary so that `events watch
// --output json` can print them.
void LinkPeopleEventTypes() {
  membership::v1::PersonCreated::descriptor();
  membership::v1::PersonUpdated::descriptor();
  membership::v1::TrainingCreated::descriptor();
  membership::v1::PersonEnrolled::descriptor();
  membership::v1::TrainingCompleted::descriptor();
}

}  // namespace

std::vector<Verb> PeopleVerbs() {
  LinkPeopleEventTypes();
  std::vector<Verb> verbs;
  std::vector<OptionSpec> create_options = PersonOptionSpecs(/*names_required=*/true);
  create_options.push_back(RequestIdOptionSpec());
  create_options.push_back({"validate-only",
                            "",
                            {"check the person (every broken rule) and write nothing",
                             "vérifier la personne (chaque règle enfreinte) sans rien écrire"}});
  verbs.push_back({{"people", "create"},
                   "",
                   {"Records a person (an entrepreneur) in membership.",
                    "Consigne une personne (une ou un entrepreneur) dans membership."},
                   create_options,
                   0,
                   0,
                   CreatePerson});
  verbs.push_back({{"people", "get"},
                   "people/ID",
                   {"Shows one person, every field (a bare ID is accepted).",
                    "Affiche une personne, tous ses champs (un ID seul est accepté)."},
                   {},
                   1,
                   1,
                   GetPerson});
  std::vector<OptionSpec> update_options = PersonOptionSpecs(/*names_required=*/false);
  update_options.push_back(
      {"clear-business",
       "",
       {"remove the person's business", "retirer l'entreprise de la personne"}});
  update_options.push_back(RequestIdOptionSpec());
  verbs.push_back(
      {{"people", "update"},
       "people/ID",
       {"Changes the fields given as options, and only those (\"\" clears one).",
        "Modifie les champs donnés en options, et seulement ceux-là (\"\" en efface un)."},
       update_options,
       1,
       1,
       UpdatePerson});
  std::vector<OptionSpec> list_options = {
      {"name-prefix",
       "TEXT",
       {"given or family name starts with it (ignoring case and accents)",
        "le prénom ou le nom de famille commence ainsi (sans égard à la casse ni aux accents)"}},
      {"status",
       "active|withdrawn",
       {"only people in this status", "seulement les personnes à ce statut"}},
      {"circle",
       "circles/ID",
       {"only current members of this circle", "seulement les membres actuels de ce cercle"}},
      {"cohort",
       "trainings/ID",
       {"only people enrolled in this training",
        "seulement les personnes inscrites à cette formation"}},
      {"sector",
       "SECTOR",
       {"only people whose business is in this sector",
        "seulement les personnes dont l'entreprise est de ce secteur"}}};
  for (OptionSpec& spec : PageOptionSpecs("people")) list_options.push_back(std::move(spec));
  verbs.push_back(
      {{"people", "list"},
       "",
       {"Lists people, in creation order.", "Liste les personnes, dans l'ordre de leur création."},
       list_options,
       0,
       0,
       ListPeople});
  verbs.push_back(BusinessHistoryVerb());
  verbs.push_back(
      {{"import", "people"},
       "FILE.csv",
       {"Creates people from a CSV file with a header row (given_name, family_name, "
        "language, email, phone, ...; see the README). Every row is checked first "
        "and errors are reported as FILE:LINE: field: rule; re-running the same "
        "file changes nothing.",
        "Crée des personnes à partir d'un fichier CSV avec une ligne d'en-tête "
        "(given_name, family_name, language, email, phone, ... ; voir le README). "
        "Chaque ligne est d'abord vérifiée et les erreurs sont signalées sous la forme "
        "FICHIER:LIGNE: champ: règle ; relancer le même fichier ne change rien."},
       {{"dry-run",
         "",
         {"check every row and write nothing", "vérifier chaque ligne sans rien écrire"}}},
       1,
       1,
       ImportPeople});
  return verbs;
}

}  // namespace cercles::cerclesctl
