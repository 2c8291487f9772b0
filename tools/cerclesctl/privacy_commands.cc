// Verbs of the privacy officer: the access log of personal reads (each
// service's ListPersonalReads), the officer's published contact and the
// confidentiality-incident register (membership's PrivacyService).

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/util/clock.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::Incident;
using membership::v1::PrivacyService;

// "people/7" or "7"; "alice" or "staff:alice"; RFC 3339 instants.
template <typename Request>
absl::Status FillReadsFilter(const CommandContext& ctx, Request* request) {
  if (ctx.args().Has("person")) request->set_person(PersonResourceName(ctx.args().Value("person")));
  if (ctx.args().Has("staff")) {
    std::string staff = ctx.args().Value("staff");
    request->set_principal(absl::StartsWith(staff, "staff:") ? staff : "staff:" + staff);
  }
  for (const char* option : {"since", "until"}) {
    if (!ctx.args().Has(option)) continue;
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, ctx.args().Value(option), &time, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, " must be an RFC 3339 instant (2026-12-01T00:00:00Z)"));
    }
    SetTimestamp(time, std::string(option) == "since" ? request->mutable_start_time()
                                                      : request->mutable_end_time());
  }
  return absl::OkStatus();
}

template <typename Service, typename Request, typename Response>
int ListReadsOf(CommandContext& ctx,
                grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*)) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  Request request;
  if (absl::Status filled = FillReadsFilter(ctx, &request); !filled.ok()) {
    return ctx.UsageError(filled.message());
  }
  Response response;
  grpc::Status status = ListPages<Service>(ctx, method, *paging, request, &response,
                                           [](Response* r) { return r->mutable_reads(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(),
              {{"TIME", "MOMENT"}, {"STAFF", "PERSONNEL"}, {"PERSON", "PERSONNE"}, {"RPC", "RPC"}});
  for (const auto& read : response.reads()) {
    table.AddRow({FormatTimestamp(read.read_time()), read.principal(), read.person(), read.rpc()});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int ListAccessLog(CommandContext& ctx) {
  const std::string service = absl::AsciiStrToLower(ctx.args().Value("service", "membership"));
  if (service == "membership") {
    return ListReadsOf<PrivacyService>(ctx, &PrivacyService::Stub::ListPersonalReads);
  }
  if (service == "lending") {
    return ListReadsOf<lending::v1::LendingService>(
        ctx, &lending::v1::LendingService::Stub::ListPersonalReads);
  }
  if (service == "network") {
    return ListReadsOf<network::v1::NetworkService>(
        ctx, &network::v1::NetworkService::Stub::ListPersonalReads);
  }
  return ctx.UsageError(
      absl::StrCat("--service must be membership, lending or network, got \"", service, "\""));
}

void PrintContact(const membership::v1::PrivacyContact& contact, Lang lang, std::ostream& out) {
  PrintFields(lang,
              {{{"name", "nom"}, contact.display_name()},
               {{"email", "courriel"}, contact.email()},
               {{"phone", "téléphone"}, contact.phone().empty() ? "-" : contact.phone()},
               {{"updated", "modifié le"}, FormatTimestamp(contact.update_time())}},
              out);
}

int GetContact(CommandContext& ctx) {
  membership::v1::GetPrivacyContactResponse response;
  grpc::Status status =
      ctx.Unary<PrivacyService>(&PrivacyService::Stub::GetPrivacyContact,
                                membership::v1::GetPrivacyContactRequest(), &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintContact(response.contact(), ctx.lang(), ctx.out());
  return kExitOk;
}

int SetContact(CommandContext& ctx) {
  membership::v1::UpdatePrivacyContactRequest request;
  request.mutable_contact()->set_display_name(ctx.args().Value("name"));
  request.mutable_contact()->set_email(ctx.args().Value("email"));
  request.mutable_contact()->set_phone(ctx.args().Value("phone"));
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::UpdatePrivacyContactResponse response;
  grpc::Status status = CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::UpdatePrivacyContact,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintContact(response.contact(), ctx.lang(), ctx.out());
  return kExitOk;
}

std::string RiskName(membership::v1::IncidentRisk risk) {
  switch (risk) {
    case membership::v1::INCIDENT_RISK_ASSESSMENT_PENDING:
      return "pending";
    case membership::v1::INCIDENT_RISK_NO_SERIOUS_INJURY:
      return "none";
    case membership::v1::INCIDENT_RISK_SERIOUS_INJURY:
      return "serious";
    default:
      return "-";
  }
}

std::string NotificationText(const membership::v1::IncidentNotification& n, Lang lang) {
  if (n.has_notify_date() && n.notify_date().year() != 0) return FormatDay(n.notify_date());
  if (!n.not_notified_reason().empty()) {
    return Bilingual("not notified: ", "non avisé : ").In(lang) + n.not_notified_reason();
  }
  return "-";
}

void PrintIncident(const Incident& i, Lang lang, std::ostream& out) {
  const bool fr = lang == Lang::kFr;
  PrintFields(lang,
              {{{"name", "nom"},
                absl::StrCat(i.name(), fr ? " (révision " : " (revision ", i.revision(),
                             fr ? ", par " : ", by ", i.update_principal(), ", ",
                             FormatTimestamp(i.update_time()), ")")},
               {{"summary", "résumé"}, i.summary()},
               {{"occurred", "survenu le"}, FormatDay(i.occur_date())},
               {{"discovered", "découvert le"}, FormatDay(i.discover_date())},
               {{"affected", "personnes touchées"},
                absl::StrCat(i.affected_count(), " (", i.affected_people_size(),
                             fr ? " connues)" : " known)")},
               {{"risk", "risque"}, RiskName(i.risk())},
               {{"assessment", "évaluation"}, i.risk_assessment()},
               {{"regulator", "CAI"}, NotificationText(i.regulator_notification(), lang)},
               {{"people", "personnes"}, NotificationText(i.people_notification(), lang)},
               {{"measures", "mesures"}, i.measures()},
               {{"kept until", "gardé jusqu'au"}, FormatDay(i.retain_until())}},
              out);
}

// Applies the options given to `incident` (an update keeps what is not given).
absl::Status ApplyIncidentOptions(const ParsedArgs& args, Incident* incident) {
  if (args.Has("summary")) incident->set_summary(args.Value("summary"));
  if (args.Has("measures")) incident->set_measures(args.Value("measures"));
  if (args.Has("assessment")) incident->set_risk_assessment(args.Value("assessment"));
  const struct {
    const char* option;
    common::v1::Date* date;
  } days[] = {
      {"occurred", incident->mutable_occur_date()},
      {"discovered", incident->mutable_discover_date()},
      {"regulator-notified", incident->mutable_regulator_notification()->mutable_notify_date()},
      {"people-notified", incident->mutable_people_notification()->mutable_notify_date()}};
  for (const auto& day : days) {
    if (!args.Has(day.option)) continue;
    auto parsed = ParseDay(args.Value(day.option));
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", day.option, " ", parsed.status().message()));
    }
    *day.date = *parsed;
  }
  if (args.Has("regulator-not-notified")) {
    incident->mutable_regulator_notification()->set_not_notified_reason(
        args.Value("regulator-not-notified"));
  }
  if (args.Has("people-not-notified")) {
    incident->mutable_people_notification()->set_not_notified_reason(
        args.Value("people-not-notified"));
  }
  if (args.Has("affected")) {
    incident->clear_affected_people();
    for (const std::string& person : args.Values("affected")) {
      incident->add_affected_people(PersonResourceName(person));
    }
  }
  if (args.Has("affected-count")) {
    int32_t count = 0;
    if (!absl::SimpleAtoi(args.Value("affected-count"), &count)) {
      return absl::InvalidArgumentError("--affected-count must be a whole number");
    }
    incident->set_affected_count(count);
  }
  if (args.Has("risk")) {
    const std::string risk = absl::AsciiStrToLower(args.Value("risk"));
    if (risk == "pending") {
      incident->set_risk(membership::v1::INCIDENT_RISK_ASSESSMENT_PENDING);
    } else if (risk == "none") {
      incident->set_risk(membership::v1::INCIDENT_RISK_NO_SERIOUS_INJURY);
    } else if (risk == "serious") {
      incident->set_risk(membership::v1::INCIDENT_RISK_SERIOUS_INJURY);
    } else {
      return absl::InvalidArgumentError("--risk must be pending, none or serious");
    }
  }
  return absl::OkStatus();
}

std::string IncidentName(absl::string_view text) {
  return absl::StartsWith(text, "incidents/") ? std::string(text)
                                              : absl::StrCat("incidents/", text);
}

int CreateIncident(CommandContext& ctx) {
  membership::v1::CreateIncidentRequest request;
  if (absl::Status applied = ApplyIncidentOptions(ctx.args(), request.mutable_incident());
      !applied.ok()) {
    return ctx.UsageError(applied.message());
  }
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::CreateIncidentResponse response;
  grpc::Status status =
      CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::CreateIncident, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintIncident(response.incident(), ctx.lang(), ctx.out());
  return kExitOk;
}

int UpdateIncident(CommandContext& ctx) {
  // Read the latest revision, change what the options say, send it back with
  // the revision read (a concurrent change is refused, FAILED_PRECONDITION).
  membership::v1::GetIncidentRequest get;
  get.set_name(IncidentName(ctx.args().positionals()[0]));
  membership::v1::GetIncidentResponse current;
  grpc::Status status =
      ctx.Unary<PrivacyService>(&PrivacyService::Stub::GetIncident, get, &current);
  if (!status.ok()) return ctx.Fail(status);
  membership::v1::UpdateIncidentRequest request;
  *request.mutable_incident() = current.incident();
  if (absl::Status applied = ApplyIncidentOptions(ctx.args(), request.mutable_incident());
      !applied.ok()) {
    return ctx.UsageError(applied.message());
  }
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::UpdateIncidentResponse response;
  status =
      CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::UpdateIncident, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintIncident(response.incident(), ctx.lang(), ctx.out());
  return kExitOk;
}

int GetIncident(CommandContext& ctx) {
  membership::v1::GetIncidentRequest request;
  request.set_name(IncidentName(ctx.args().positionals()[0]));
  if (ctx.args().Has("revision")) {
    int32_t revision = 0;
    if (!absl::SimpleAtoi(ctx.args().Value("revision"), &revision)) {
      return ctx.UsageError("--revision must be a whole number");
    }
    request.set_revision(revision);
  }
  membership::v1::GetIncidentResponse response;
  grpc::Status status =
      ctx.Unary<PrivacyService>(&PrivacyService::Stub::GetIncident, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintIncident(response.incident(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListIncidents(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListIncidentsResponse response;
  grpc::Status status = ListPages<PrivacyService>(
      ctx, &PrivacyService::Stub::ListIncidents, *paging, membership::v1::ListIncidentsRequest(),
      &response, [](membership::v1::ListIncidentsResponse* r) { return r->mutable_incidents(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"REVISION", "RÉVISION"},
                           {"DISCOVERED", "DÉCOUVERT LE"},
                           {"AFFECTED", "TOUCHÉES"},
                           {"RISK", "RISQUE"},
                           {"REGULATOR", "CAI"},
                           {"KEPT UNTIL", "GARDÉ JUSQU'AU"}});
  for (const Incident& i : response.incidents()) {
    table.AddRow({i.name(), absl::StrCat(i.revision()), FormatDay(i.discover_date()),
                  absl::StrCat(i.affected_count()), RiskName(i.risk()),
                  NotificationText(i.regulator_notification(), ctx.lang()),
                  FormatDay(i.retain_until())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

std::vector<OptionSpec> IncidentOptionSpecs(bool create) {
  return {
      {"summary",
       "TEXT",
       {"what happened (1 to 4000 characters)", "ce qui est arrivé (de 1 à 4000 caractères)"},
       false,
       create},
      {"occurred", "YYYY-MM-DD", {"the day it happened", "le jour où c'est arrivé"}, false, create},
      {"discovered",
       "YYYY-MM-DD",
       {"the day the fund learnt of it (cannot change)",
        "le jour où le fonds l'a appris (ne peut changer)"},
       false,
       create},
      {"affected",
       "people/ID",
       {"a person concerned (repeat; replaces the list)",
        "une personne concernée (répétable ; remplace la liste)"},
       true,
       false},
      {"affected-count",
       "N",
       {"how many people are concerned, known or not",
        "combien de personnes sont concernées, connues ou non"},
       false,
       create},
      {"risk",
       "pending|none|serious",
       {"risk of serious injury: the assessment's outcome",
        "risque de préjudice sérieux : le résultat de l'évaluation"},
       false,
       create},
      {"assessment", "TEXT", {"the risk assessment", "l'évaluation du risque"}, false, false},
      {"regulator-notified",
       "YYYY-MM-DD",
       {"the day the CAI was notified", "le jour où la CAI a été avisée"},
       false,
       false},
      {"regulator-not-notified",
       "REASON",
       {"why the CAI was not notified", "pourquoi la CAI n'a pas été avisée"},
       false,
       false},
      {"people-notified",
       "YYYY-MM-DD",
       {"the day the people were notified", "le jour où les personnes ont été avisées"},
       false,
       false},
      {"people-not-notified",
       "REASON",
       {"why the people were not notified", "pourquoi les personnes n'ont pas été avisées"},
       false,
       false},
      {"measures",
       "TEXT",
       {"decisions and measures taken", "les décisions et mesures prises"},
       false,
       false},
      RequestIdOptionSpec()};
}

}  // namespace

std::vector<Verb> PrivacyVerbs() {
  std::vector<Verb> verbs;
  std::vector<OptionSpec> log_options = {
      {"service",
       "membership|lending|network",
       {"whose access log (default membership; the context's address of that service)",
        "le journal des accès de quel service (par défaut membership ; l'adresse de ce service "
        "dans le contexte)"}},
      {"person", "people/ID", {"reads of this person", "les consultations de cette personne"}},
      {"staff",
       "NAME",
       {"reads by this staff member (token name, or staff:NAME)",
        "les consultations faites par ce membre du personnel (nom du jeton, ou staff:NOM)"}},
      {"since",
       "RFC3339",
       {"reads at or after this instant", "les consultations à cet instant ou après"}},
      {"until", "RFC3339", {"reads before this instant", "les consultations avant cet instant"}}};
  for (OptionSpec& spec : PageOptionSpecs("reads")) log_options.push_back(spec);
  verbs.push_back({{"privacy", "access-log", "list"},
                   "",
                   {"Who looked at whom: staff reads of people's personal data, oldest first.",
                    "Qui a consulté qui : les lectures des renseignements personnels par le "
                    "personnel, des plus anciennes aux plus récentes."},
                   log_options,
                   0,
                   0,
                   ListAccessLog});
  verbs.push_back({{"privacy", "contact", "get"},
                   "",
                   {"Shows the privacy officer's published contact (no credentials needed).",
                    "Affiche les coordonnées publiées de la personne responsable de la protection "
                    "des renseignements personnels (sans authentification)."},
                   {},
                   0,
                   0,
                   GetContact});
  verbs.push_back(
      {{"privacy", "contact", "set"},
       "",
       {"Sets the privacy officer's contact (admins).",
        "Fixe les coordonnées de la personne responsable de la protection des "
        "renseignements personnels (administrateurs)."},
       {{"name", "NAME", {"1 to 120 characters", "de 1 à 120 caractères"}, false, true},
        {"email", "EMAIL", {"name@example.org", "p. ex. nom@exemple.org"}, false, true},
        {"phone",
         "PHONE",
         {"7 to 15 digits, optional + and spaces", "de 7 à 15 chiffres, + et espaces permis"}},
        RequestIdOptionSpec()},
       0,
       0,
       SetContact});
  verbs.push_back({{"privacy", "incidents", "create"},
                   "",
                   {"Records a confidentiality incident in the register (admins).",
                    "Consigne un incident de confidentialité au registre (administrateurs)."},
                   IncidentOptionSpecs(true),
                   0,
                   0,
                   CreateIncident});
  verbs.push_back({{"privacy", "incidents", "update"},
                   "incidents/ID",
                   {"Appends a revision: the latest one with the options given changed.",
                    "Ajoute une révision : la plus récente, avec les options données modifiées."},
                   IncidentOptionSpecs(false),
                   1,
                   1,
                   UpdateIncident});
  verbs.push_back({{"privacy", "incidents", "get"},
                   "incidents/ID",
                   {"Shows an incident (its latest revision, or --revision N).",
                    "Affiche un incident (sa plus récente révision, ou --revision N)."},
                   {{"revision", "N", {"an earlier revision", "une révision antérieure"}}},
                   1,
                   1,
                   GetIncident});
  verbs.push_back({{"privacy", "incidents", "list"},
                   "",
                   {"Lists the register: each incident's latest revision.",
                    "Liste le registre : la plus récente révision de chaque incident."},
                   PageOptionSpecs("incidents"),
                   0,
                   0,
                   ListIncidents});
  return verbs;
}

}  // namespace cercles::cerclesctl
