// Verbs of the correction of a person's personal data (PeopleService.
// CorrectPerson and ListPersonCorrections; issue 14, item 3): `people correct`
// and `people corrections`.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::PeopleService;
using membership::v1::PersonCorrection;

// Who asked for a correction, as the tables print it.
std::string AskedBy(const PersonCorrection& correction) {
  return correction.requested_by_person() ? "person" : "fund";
}

int CorrectPerson(CommandContext& ctx) {
  membership::v1::CorrectPersonRequest request;
  absl::Status parsed =
      PersonFromOptions(ctx.args(), request.mutable_person(), request.mutable_update_mask());
  if (!parsed.ok()) return ctx.UsageError(parsed.message());
  if (request.update_mask().paths().empty()) {
    return ctx.UsageError("nothing to correct: give at least one field option");
  }
  request.mutable_person()->set_name(PersonResourceName(ctx.args().positionals()[0]));
  request.set_reason(ctx.args().Value("reason"));
  request.set_requested_by_person(ctx.args().Has("requested-by-person"));
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::CorrectPersonResponse response;
  grpc::Status status =
      CallWrite<PeopleService>(ctx, &PeopleService::Stub::CorrectPerson, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  for (const PersonCorrection& c : response.corrections()) {
    ctx.out() << "corrected " << c.field_path() << " (" << c.name() << ", asked by " << AskedBy(c)
              << ")\n";
  }
  PrintPerson(response.person(), ctx.out(), ctx.lang());
  return kExitOk;
}

int ListCorrections(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListPersonCorrectionsRequest request;
  request.set_person(PersonResourceName(ctx.args().positionals()[0]));
  request.set_field_path(ctx.args().Value("field"));
  membership::v1::ListPersonCorrectionsResponse response;
  grpc::Status status = ListPages<PeopleService>(
      ctx, &PeopleService::Stub::ListPersonCorrections, *paging, request, &response,
      [](membership::v1::ListPersonCorrectionsResponse* r) { return r->mutable_corrections(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table({"WHEN", "FIELD", "ASKED BY", "ACTOR", "REASON"});
  for (const PersonCorrection& c : response.corrections()) {
    table.AddRow(
        {FormatTimestamp(c.correct_time()), c.field_path(), AskedBy(c), c.actor(), c.reason()});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> CorrectionVerbs() {
  std::vector<Verb> verbs;
  std::vector<OptionSpec> correct_options =
      PersonOptionSpecs(/*names_required=*/false, /*personal_only=*/true);
  correct_options.push_back(
      {"reason",
       "TEXT",
       {"why the data is corrected, 1 to 500 characters (not the old value)",
        "pourquoi les renseignements sont corrigés, de 1 à 500 caractères (pas l'ancienne valeur)"},
       false,
       true});
  correct_options.push_back({"requested-by-person",
                             "",
                             {"the person asked for it (their right of rectification)",
                              "la personne l'a demandé (son droit de rectification)"}});
  correct_options.push_back(RequestIdOptionSpec());
  verbs.push_back(
      {{"people", "correct"},
       "people/ID",
       {"Corrects a person's personal fields given as options, with the reason; each "
        "field that changes is recorded in the person's correction history.",
        "Corrige les renseignements personnels donnés en options, avec la raison ; chaque champ "
        "modifié est consigné dans l'historique des corrections de la personne."},
       correct_options,
       1,
       1,
       CorrectPerson});
  std::vector<OptionSpec> list_options = {
      {"field",
       "PATH",
       {"only the corrections of this field (e.g. given_name, contact.email, or contact)",
        "seulement les corrections de ce champ (p. ex. given_name, contact.email ou contact)"}}};
  for (OptionSpec& spec : PageOptionSpecs("corrections")) list_options.push_back(std::move(spec));
  verbs.push_back(
      {{"people", "corrections"},
       "people/ID",
       {"Lists a person's corrections, newest first: which field, why, who asked and "
        "who made it (never the old value).",
        "Liste les corrections d'une personne, de la plus récente à la plus ancienne : quel champ, "
        "pourquoi, qui l'a demandée et qui l'a faite (jamais l'ancienne valeur)."},
       list_options,
       1,
       1,
       ListCorrections});
  return verbs;
}

}  // namespace cercles::cerclesctl
