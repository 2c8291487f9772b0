// Verbs of cercles.network.v1.PartnerService: partner organisations (CDEC,
// SAJE, CLD, SACO, banks, subsidy programmes) and the referrals of a fund's
// people to them.

#include "tools/cerclesctl/network_partner_commands.h"

#include <grpcpp/client_context.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using network::v1::Partner;
using network::v1::PartnerService;
using network::v1::Referral;

// "saje", "subsidy-programme"... as the enum's short name.
template <typename Enum>
absl::StatusOr<Enum> ParseShortEnum(const std::string& text, const std::string& prefix,
                                    bool (*parse)(const std::string&, Enum*),
                                    const std::string& expected) {
  std::string name = absl::AsciiStrToUpper(text);
  for (char& c : name) c = c == '-' ? '_' : c;
  Enum value{};
  if (text.empty() || !parse(prefix + name, &value) || static_cast<int>(value) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not ", expected));
  }
  return value;
}

absl::StatusOr<network::v1::PartnerKind> ParseKind(const std::string& text) {
  return ParseShortEnum<network::v1::PartnerKind>(
      text, "PARTNER_KIND_", network::v1::PartnerKind_Parse,
      "cdec, saje, cld, saco, bank, subsidy-programme or other");
}
absl::StatusOr<network::v1::PartnerStatus> ParsePartnerStatus(const std::string& text) {
  return ParseShortEnum<network::v1::PartnerStatus>(
      text, "PARTNER_STATUS_", network::v1::PartnerStatus_Parse, "active or inactive");
}
absl::StatusOr<network::v1::ReferralStatus> ParseReferralStatus(const std::string& text) {
  return ParseShortEnum<network::v1::ReferralStatus>(
      text, "REFERRAL_STATUS_", network::v1::ReferralStatus_Parse,
      "sent, accepted, in-progress, completed or declined");
}

// "7" -> "partners/7"; a full name stays.
std::string Named(const std::string& collection, const std::string& text) {
  return absl::StrContains(text, '/') ? text : absl::StrCat(collection, "/", text);
}

// The options that set a partner's fields, each with its update_mask path.
struct PartnerField {
  OptionSpec option;
  std::string path;
  std::function<absl::Status(const std::vector<std::string>&, Partner*)> set;
};

const std::vector<PartnerField>& PartnerFields() {
  static const auto* fields = new std::vector<PartnerField>{
      {{"name",
        "NAME",
        {"the organisation's name, 1 to 120 characters",
         "le nom de l'organisme, de 1 à 120 caractères"}},
       "display_name",
       [](const std::vector<std::string>& v, Partner* p) {
         p->set_display_name(v[0]);
         return absl::OkStatus();
       }},
      {{"kind",
        "KIND",
        {"cdec, saje, cld, saco, bank, subsidy-programme or other",
         "cdec, saje, cld, saco, bank (banque), subsidy-programme (programme de subvention) ou "
         "other (autre)"}},
       "kind",
       [](const std::vector<std::string>& v, Partner* p) -> absl::Status {
         auto kind = ParseKind(v[0]);
         if (!kind.ok())
           return absl::InvalidArgumentError("--kind " + std::string(kind.status().message()));
         p->set_kind(*kind);
         return absl::OkStatus();
       }},
      {{"territory",
        "REGION",
        {"a region it serves", "une région qu'il dessert"},
        /*repeatable=*/true},
       "territory",
       [](const std::vector<std::string>& v, Partner* p) {
         for (const auto& t : v) p->add_territory(t);
         return absl::OkStatus();
       }},
      {{"service", "TEXT", {"a service it offers", "un service qu'il offre"}, /*repeatable=*/true},
       "services",
       [](const std::vector<std::string>& v, Partner* p) {
         for (const auto& s : v) p->add_services(s);
         return absl::OkStatus();
       }},
      {{"description", "TEXT", {"up to 1000 characters", "au plus 1000 caractères"}},
       "description",
       [](const std::vector<std::string>& v, Partner* p) {
         p->set_description(v[0]);
         return absl::OkStatus();
       }},
      {{"contact",
        "TEXT",
        {"the organisation's public reception (e-mail, telephone)",
         "l'accueil public de l'organisme (courriel, téléphone)"}},
       "contact_point",
       [](const std::vector<std::string>& v, Partner* p) {
         p->set_contact_point(v[0]);
         return absl::OkStatus();
       }},
      {{"status",
        "active|inactive",
        {"inactive partners take no new referrals",
         "un partenaire inactif ne reçoit plus de références"}},
       "status",
       [](const std::vector<std::string>& v, Partner* p) -> absl::Status {
         auto status = ParsePartnerStatus(v[0]);
         if (!status.ok()) {
           return absl::InvalidArgumentError("--status " + std::string(status.status().message()));
         }
         p->set_status(*status);
         return absl::OkStatus();
       }},
  };
  return *fields;
}

absl::Status PartnerFromOptions(const ParsedArgs& args, Partner* partner,
                                google::protobuf::FieldMask* mask) {
  for (const PartnerField& field : PartnerFields()) {
    if (!args.Has(field.option.name)) continue;
    absl::Status status = field.set(args.Values(field.option.name), partner);
    if (!status.ok()) return status;
    mask->add_paths(field.path);
  }
  return absl::OkStatus();
}

void PrintPartner(const Partner& p, Lang lang, std::ostream& out) {
  PrintFields(
      lang,
      {{{"name", "nom"}, p.name()},
       {{"display name", "nom affiché"}, p.display_name()},
       {{"kind", "type"}, EnumWord(lang, p.kind())},
       {{"status", "statut"}, EnumWord(lang, p.status())},
       {{"territory", "territoire"}, absl::StrJoin(p.territory(), ", ")},
       {{"services", "services"}, absl::StrJoin(p.services(), ", ")},
       {{"contact point", "point de contact"}, p.contact_point().empty() ? "-" : p.contact_point()},
       {{"description", "description"}, p.description().empty() ? "-" : p.description()},
       {{"open referrals", "références ouvertes"}, absl::StrCat(p.open_referrals())},
       {{"created", "créé le"}, FormatTimestamp(p.create_time())},
       {{"updated", "modifié le"}, FormatTimestamp(p.update_time())}},
      out);
}

void PrintReferral(const Referral& r, Lang lang, std::ostream& out) {
  PrintFields(lang,
              {{{"name", "nom"}, r.name()},
               {{"person", "personne"}, r.person()},
               {{"partner", "partenaire"}, r.partner()},
               {{"circle", "cercle"}, r.circle().empty() ? "-" : r.circle()},
               {{"status", "statut"}, EnumWord(lang, r.status())},
               {{"reason", "raison"}, r.reason()},
               {{"outcome", "résultat"}, r.outcome().empty() ? "-" : r.outcome()},
               {{"referred by", "référée par"}, r.referred_by()}},
              out);
  Table history(lang, {{"WHEN", "QUAND"}, {"STATUS", "STATUT"}, {"BY", "PAR"}, {"NOTE", "NOTE"}});
  for (const auto& step : r.history()) {
    history.AddRow({FormatTimestamp(step.time()), EnumWord(lang, step.status()), step.changed_by(),
                    step.note()});
  }
  history.Print(out);
}

int CreatePartner(CommandContext& ctx) {
  network::v1::CreatePartnerRequest request;
  google::protobuf::FieldMask named;
  absl::Status parsed = PartnerFromOptions(ctx.args(), request.mutable_partner(), &named);
  if (!parsed.ok()) return ctx.UsageError(parsed.message());
  request.set_request_id(RequestIdOption(ctx));
  network::v1::CreatePartnerResponse response;
  grpc::Status status =
      CallWrite<PartnerService>(ctx, &PartnerService::Stub::CreatePartner, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPartner(response.partner(), ctx.lang(), ctx.out());
  return kExitOk;
}

int UpdatePartner(CommandContext& ctx) {
  network::v1::UpdatePartnerRequest request;
  absl::Status parsed =
      PartnerFromOptions(ctx.args(), request.mutable_partner(), request.mutable_update_mask());
  if (!parsed.ok()) return ctx.UsageError(parsed.message());
  if (request.update_mask().paths().empty()) {
    return ctx.UsageError("nothing to change: give at least one field option");
  }
  request.mutable_partner()->set_name(Named("partners", ctx.args().positionals()[0]));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::UpdatePartnerResponse response;
  grpc::Status status =
      CallWrite<PartnerService>(ctx, &PartnerService::Stub::UpdatePartner, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPartner(response.partner(), ctx.lang(), ctx.out());
  return kExitOk;
}

int GetPartner(CommandContext& ctx) {
  network::v1::GetPartnerRequest request;
  request.set_name(Named("partners", ctx.args().positionals()[0]));
  network::v1::GetPartnerResponse response;
  grpc::Status status =
      ctx.Unary<PartnerService>(&PartnerService::Stub::GetPartner, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPartner(response.partner(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListPartners(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  network::v1::ListPartnersRequest request;
  if (ctx.args().Has("kind")) {
    auto kind = ParseKind(ctx.args().Value("kind"));
    if (!kind.ok()) return ctx.UsageError(absl::StrCat("--kind ", kind.status().message()));
    request.set_kind(*kind);
  }
  if (ctx.args().Has("status")) {
    auto status = ParsePartnerStatus(ctx.args().Value("status"));
    if (!status.ok()) return ctx.UsageError(absl::StrCat("--status ", status.status().message()));
    request.set_status(*status);
  }
  request.set_territory(ctx.args().Value("territory"));
  request.set_service(ctx.args().Value("service"));
  network::v1::ListPartnersResponse response;
  grpc::Status status = ListPages<PartnerService>(
      ctx, &PartnerService::Stub::ListPartners, *paging, request, &response,
      [](network::v1::ListPartnersResponse* r) { return r->mutable_partners(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"DISPLAY NAME", "NOM AFFICHÉ"},
                           {"KIND", "TYPE"},
                           {"STATUS", "STATUT"},
                           {"TERRITORY", "TERRITOIRE"},
                           {"SERVICES", "SERVICES"},
                           {"OPEN", "OUVERTES"}});
  for (const Partner& p : response.partners()) {
    table.AddRow({p.name(), p.display_name(), EnumWord(ctx.lang(), p.kind()),
                  EnumWord(ctx.lang(), p.status()), absl::StrJoin(p.territory(), ", "),
                  absl::StrJoin(p.services(), ", "), absl::StrCat(p.open_referrals())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int CreateReferral(CommandContext& ctx) {
  network::v1::CreateReferralRequest request;
  request.mutable_referral()->set_person(PersonResourceName(ctx.args().Value("person")));
  request.mutable_referral()->set_partner(Named("partners", ctx.args().Value("partner")));
  request.mutable_referral()->set_reason(ctx.args().Value("reason"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::CreateReferralResponse response;
  grpc::Status status =
      CallWrite<PartnerService>(ctx, &PartnerService::Stub::CreateReferral, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintReferral(response.referral(), ctx.lang(), ctx.out());
  return kExitOk;
}

int GetReferral(CommandContext& ctx) {
  network::v1::GetReferralRequest request;
  request.set_name(Named("referrals", ctx.args().positionals()[0]));
  network::v1::GetReferralResponse response;
  grpc::Status status =
      ctx.Unary<PartnerService>(&PartnerService::Stub::GetReferral, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintReferral(response.referral(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListReferrals(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  network::v1::ListReferralsRequest request;
  if (ctx.args().Has("person")) request.set_person(PersonResourceName(ctx.args().Value("person")));
  if (ctx.args().Has("partner"))
    request.set_partner(Named("partners", ctx.args().Value("partner")));
  if (ctx.args().Has("status")) {
    auto status = ParseReferralStatus(ctx.args().Value("status"));
    if (!status.ok()) return ctx.UsageError(absl::StrCat("--status ", status.status().message()));
    request.set_status(*status);
  }
  network::v1::ListReferralsResponse response;
  grpc::Status status = ListPages<PartnerService>(
      ctx, &PartnerService::Stub::ListReferrals, *paging, request, &response,
      [](network::v1::ListReferralsResponse* r) { return r->mutable_referrals(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"PERSON", "PERSONNE"},
                           {"PARTNER", "PARTENAIRE"},
                           {"CIRCLE", "CERCLE"},
                           {"STATUS", "STATUT"},
                           {"UPDATED", "MODIFIÉE LE"}});
  for (const Referral& r : response.referrals()) {
    table.AddRow({r.name(), r.person(), r.partner(), r.circle().empty() ? "-" : r.circle(),
                  EnumWord(ctx.lang(), r.status()), FormatTimestamp(r.update_time())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

// `network referrals update referrals/ID --status STATUS`, and its old
// spelling `set-status referrals/ID STATUS`.
int SetReferralStatus(CommandContext& ctx) {
  network::v1::UpdateReferralStatusRequest request;
  request.set_name(Named("referrals", ctx.args().positionals()[0]));
  const bool old_spelling = ctx.args().positionals().size() > 1;
  auto target =
      ParseReferralStatus(old_spelling ? ctx.args().positionals()[1] : ctx.args().Value("status"));
  if (!target.ok()) {
    return ctx.UsageError(
        absl::StrCat(old_spelling ? "STATUS " : "--status ", target.status().message()));
  }
  request.set_status(*target);
  request.set_outcome(ctx.args().Value("outcome"));
  request.set_note(ctx.args().Value("note"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::UpdateReferralStatusResponse response;
  grpc::Status status = CallWrite<PartnerService>(ctx, &PartnerService::Stub::UpdateReferralStatus,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintReferral(response.referral(), ctx.lang(), ctx.out());
  return kExitOk;
}

std::vector<OptionSpec> PartnerOptionSpecs(bool creating) {
  std::vector<OptionSpec> specs;
  for (const PartnerField& field : PartnerFields()) {
    OptionSpec spec = field.option;
    spec.required = creating && (spec.name == "name" || spec.name == "kind" ||
                                 spec.name == "territory" || spec.name == "service");
    specs.push_back(spec);
  }
  specs.push_back(RequestIdOptionSpec());
  return specs;
}

}  // namespace

std::vector<Verb> NetworkPartnerVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"network", "partners", "create"},
       "",
       {"Records a partner organisation (active).", "Consigne un organisme partenaire (actif)."},
       PartnerOptionSpecs(true),
       0,
       0,
       CreatePartner});
  verbs.push_back(
      {{"network", "partners", "update"},
       "partners/ID",
       {"Changes the fields given as options, and only those (lists are replaced).",
        "Modifie les champs donnés en options, et seulement ceux-là (les listes sont remplacées)."},
       PartnerOptionSpecs(false),
       1,
       1,
       UpdatePartner});
  verbs.push_back({{"network", "partners", "get"},
                   "partners/ID",
                   {"Shows one partner (a bare ID is accepted).",
                    "Affiche un partenaire (un ID seul est accepté)."},
                   {},
                   1,
                   1,
                   GetPartner});
  std::vector<OptionSpec> list_partners = {
      {"kind", "KIND", {"only this kind", "seulement de ce type"}},
      {"territory",
       "REGION",
       {"only partners serving this region (ignoring case)",
        "seulement les partenaires qui desservent cette région (sans égard à la casse)"}},
      {"service",
       "TEXT",
       {"only partners offering this service (ignoring case)",
        "seulement les partenaires qui offrent ce service (sans égard à la casse)"}},
      {"status", "active|inactive", {"only this status", "seulement à ce statut"}}};
  for (OptionSpec& option : PageOptionSpecs("partners")) list_partners.push_back(option);
  verbs.push_back({{"network", "partners", "list"},
                   "",
                   {"Lists partner organisations, in creation order.",
                    "Liste les organismes partenaires, dans l'ordre de leur création."},
                   list_partners,
                   0,
                   0,
                   ListPartners});
  verbs.push_back(
      {{"network", "referrals", "create"},
       "",
       {"Refers a person to a partner for individual follow-up (status sent).",
        "Réfère une personne à un partenaire pour un suivi individuel (statut envoyée)."},
       {{"person",
         "people/ID",
         {"the person (a bare ID is accepted)", "la personne (un ID seul est accepté)"},
         false,
         true},
        {"partner", "partners/ID", {"an active partner", "un partenaire actif"}, false, true},
        {"reason",
         "TEXT",
         {"why, 1 to 1000 characters", "pourquoi, de 1 à 1000 caractères"},
         false,
         true},
        RequestIdOptionSpec()},
       0,
       0,
       CreateReferral});
  verbs.push_back(
      {{"network", "referrals", "get"},
       "referrals/ID",
       {"Shows one referral with its history.", "Affiche une référence avec son historique."},
       {},
       1,
       1,
       GetReferral});
  std::vector<OptionSpec> list_referrals = {
      {"person", "people/ID", {"only this person's", "seulement celles de cette personne"}},
      {"partner", "partners/ID", {"only to this partner", "seulement vers ce partenaire"}},
      {"status",
       "STATUS",
       {"sent, accepted, in-progress, completed or declined",
        "sent (envoyée), accepted (acceptée), in-progress (en cours), completed (terminée) ou "
        "declined (refusée)"}}};
  for (OptionSpec& option : PageOptionSpecs("referrals")) list_referrals.push_back(option);
  verbs.push_back(
      {{"network", "referrals", "list"},
       "",
       {"Lists referrals by person, partner or status, in creation order.",
        "Liste les références par personne, partenaire ou statut, dans l'ordre de leur création."},
       list_referrals,
       0,
       0,
       ListReferrals});
  verbs.push_back(
      {{"network", "referrals", "update"},
       "referrals/ID",
       {"Moves a referral on: sent -> accepted | declined; accepted -> in-progress | completed | "
        "declined; in-progress -> completed | declined (completed and declined need --outcome).",
        "Fait avancer une référence : envoyée -> acceptée | refusée ; acceptée -> en cours | "
        "terminée | refusée ; en cours -> terminée | refusée (terminée et refusée demandent "
        "--outcome)."},
       {{"status", "STATUS", {"the new status", "le nouveau statut"}, false, true},
        {"outcome",
         "TEXT",
         {"how it ended (completed, declined)",
          "comment elle s'est terminée (completed, declined)"}},
        {"note", "TEXT", {"a note for the history", "une note pour l'historique"}},
        RequestIdOptionSpec()},
       1,
       1,
       SetReferralStatus});
  verbs.push_back({{"network", "referrals", "set-status"},
                   "referrals/ID STATUS",
                   {"The old spelling of 'network referrals update referrals/ID --status STATUS', "
                    "kept as an alias.",
                    "L'ancienne graphie de 'network referrals update referrals/ID --status "
                    "STATUS', gardée comme alias."},
                   {{"outcome",
                     "TEXT",
                     {"how it ended (completed, declined)",
                      "comment elle s'est terminée (completed, declined)"}},
                    {"note", "TEXT", {"a note for the history", "une note pour l'historique"}},
                    RequestIdOptionSpec()},
                   2,
                   2,
                   SetReferralStatus});
  return verbs;
}

}  // namespace cercles::cerclesctl
