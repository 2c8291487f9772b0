// Verbs of cercles.lending.v1.FinancingService: referrals of people to banks
// and subsidy applications.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::FinancingService;

std::string AmountOrDash(bool present, const common::v1::Money& money, Lang lang) {
  return present ? FormatMoney(money, lang) : "-";
}

Table ReferralTable(Lang lang) {
  return Table(lang, {{"NAME", "NOM"},
                      {"PERSON", "PERSONNE"},
                      {"INSTITUTION", "INSTITUTION"},
                      {"REQUESTED", "DEMANDÉ"},
                      {"STATUS", "STATUT"},
                      {"OBTAINED", "OBTENU"},
                      {"NOTE", "NOTE"},
                      {"UPDATED", "MODIFIÉE LE"}});
}

void AddReferral(const lv1::BankReferral& r, Lang lang, Table* table) {
  table->AddRow({r.name(), r.person(), r.institution(), FormatMoney(r.amount_requested(), lang),
                 ReferralStatusName(r.status(), lang),
                 AmountOrDash(r.has_amount_obtained(), r.amount_obtained(), lang),
                 r.note().empty() ? "-" : r.note(), FormatTimestamp(r.update_time())});
}

Table SubsidyTable(Lang lang) {
  return Table(lang, {{"NAME", "NOM"},
                      {"PERSON", "PERSONNE"},
                      {"PROGRAMME", "PROGRAMME"},
                      {"REQUESTED", "DEMANDÉ"},
                      {"STATUS", "STATUT"},
                      {"GRANTED", "ACCORDÉ"},
                      {"OUTCOME", "DÉCISION"},
                      {"UPDATED", "MODIFIÉE LE"}});
}

void AddSubsidy(const lv1::SubsidyApplication& a, Lang lang, Table* table) {
  table->AddRow({a.name(), a.person(), a.programme(), FormatMoney(a.amount_requested(), lang),
                 SubsidyStatusName(a.status(), lang),
                 AmountOrDash(a.has_amount_granted(), a.amount_granted(), lang),
                 a.outcome().empty() ? "-" : a.outcome(), FormatTimestamp(a.update_time())});
}

// A --status option of one of the two status enums; unspecified when absent.
template <typename Status>
absl::StatusOr<Status> StatusOption(const ParsedArgs& args,
                                    const google::protobuf::EnumDescriptor* descriptor,
                                    absl::string_view prefix) {
  if (!args.Has("status")) return static_cast<Status>(0);
  absl::StatusOr<int> value = ParseEnumName(args.Value("status"), descriptor, prefix);
  if (!value.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--status ", value.status().message()));
  }
  return static_cast<Status>(*value);
}

int CreateReferral(CommandContext& ctx) {
  lv1::CreateBankReferralRequest request;
  lv1::BankReferral* referral = request.mutable_referral();
  referral->set_person(PersonResourceName(ctx.args().Value("person")));
  referral->set_institution(ctx.args().Value("institution"));
  auto amount = MoneyOption(ctx.args(), "amount");
  if (!amount.ok()) return ctx.UsageError(amount.status().message());
  *referral->mutable_amount_requested() = amount->value_or(common::v1::Money());
  referral->set_note(ctx.args().Value("note"));
  return RunWriteVerb<FinancingService>(ctx, &FinancingService::Stub::CreateBankReferral, request,
                                        [&](const lv1::CreateBankReferralResponse& response) {
                                          Table table = ReferralTable(ctx.lang());
                                          AddReferral(response.referral(), ctx.lang(), &table);
                                          table.Print(ctx.out());
                                        });
}

int UpdateReferral(CommandContext& ctx) {
  lv1::UpdateBankReferralRequest request;
  request.set_name(BankReferralResourceName(ctx.args().positionals()[0]));
  auto status = StatusOption<lv1::BankReferralStatus>(
      ctx.args(), lv1::BankReferralStatus_descriptor(), "BANK_REFERRAL_STATUS_");
  if (!status.ok()) return ctx.UsageError(status.status().message());
  request.set_status(*status);
  auto obtained = MoneyOption(ctx.args(), "amount-obtained");
  if (!obtained.ok()) return ctx.UsageError(obtained.status().message());
  if (obtained->has_value()) *request.mutable_amount_obtained() = **obtained;
  request.set_note(ctx.args().Value("note"));
  if (!ctx.args().Has("status") && !ctx.args().Has("note")) {
    return ctx.UsageError("nothing to change: give --status, --note or both");
  }
  return RunWriteVerb<FinancingService>(ctx, &FinancingService::Stub::UpdateBankReferral, request,
                                        [&](const lv1::UpdateBankReferralResponse& response) {
                                          Table table = ReferralTable(ctx.lang());
                                          AddReferral(response.referral(), ctx.lang(), &table);
                                          table.Print(ctx.out());
                                        });
}

int ListReferrals(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListBankReferralsRequest request;
  if (ctx.args().Has("person")) request.set_person(PersonResourceName(ctx.args().Value("person")));
  auto status = StatusOption<lv1::BankReferralStatus>(
      ctx.args(), lv1::BankReferralStatus_descriptor(), "BANK_REFERRAL_STATUS_");
  if (!status.ok()) return ctx.UsageError(status.status().message());
  request.set_status(*status);
  lv1::ListBankReferralsResponse response;
  grpc::Status called = ListPages<FinancingService>(
      ctx, &FinancingService::Stub::ListBankReferrals, *paging, request, &response,
      [](lv1::ListBankReferralsResponse* r) { return r->mutable_referrals(); });
  if (!called.ok()) return ctx.Fail(called);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = ReferralTable(ctx.lang());
  for (const lv1::BankReferral& r : response.referrals()) AddReferral(r, ctx.lang(), &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int CreateSubsidy(CommandContext& ctx) {
  lv1::CreateSubsidyApplicationRequest request;
  lv1::SubsidyApplication* application = request.mutable_application();
  application->set_person(PersonResourceName(ctx.args().Value("person")));
  application->set_programme(ctx.args().Value("programme"));
  auto amount = MoneyOption(ctx.args(), "amount");
  if (!amount.ok()) return ctx.UsageError(amount.status().message());
  *application->mutable_amount_requested() = amount->value_or(common::v1::Money());
  return RunWriteVerb<FinancingService>(ctx, &FinancingService::Stub::CreateSubsidyApplication,
                                        request,
                                        [&](const lv1::CreateSubsidyApplicationResponse& response) {
                                          Table table = SubsidyTable(ctx.lang());
                                          AddSubsidy(response.application(), ctx.lang(), &table);
                                          table.Print(ctx.out());
                                        });
}

int UpdateSubsidy(CommandContext& ctx) {
  lv1::UpdateSubsidyApplicationRequest request;
  request.set_name(SubsidyResourceName(ctx.args().positionals()[0]));
  auto status = StatusOption<lv1::SubsidyStatus>(ctx.args(), lv1::SubsidyStatus_descriptor(),
                                                 "SUBSIDY_STATUS_");
  if (!status.ok()) return ctx.UsageError(status.status().message());
  request.set_status(*status);
  auto granted = MoneyOption(ctx.args(), "amount-granted");
  if (!granted.ok()) return ctx.UsageError(granted.status().message());
  if (granted->has_value()) *request.mutable_amount_granted() = **granted;
  request.set_outcome(ctx.args().Value("outcome"));
  return RunWriteVerb<FinancingService>(ctx, &FinancingService::Stub::UpdateSubsidyApplication,
                                        request,
                                        [&](const lv1::UpdateSubsidyApplicationResponse& response) {
                                          Table table = SubsidyTable(ctx.lang());
                                          AddSubsidy(response.application(), ctx.lang(), &table);
                                          table.Print(ctx.out());
                                        });
}

int ListSubsidies(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListSubsidyApplicationsRequest request;
  if (ctx.args().Has("person")) request.set_person(PersonResourceName(ctx.args().Value("person")));
  auto status = StatusOption<lv1::SubsidyStatus>(ctx.args(), lv1::SubsidyStatus_descriptor(),
                                                 "SUBSIDY_STATUS_");
  if (!status.ok()) return ctx.UsageError(status.status().message());
  request.set_status(*status);
  lv1::ListSubsidyApplicationsResponse response;
  grpc::Status called = ListPages<FinancingService>(
      ctx, &FinancingService::Stub::ListSubsidyApplications, *paging, request, &response,
      [](lv1::ListSubsidyApplicationsResponse* r) { return r->mutable_applications(); });
  if (!called.ok()) return ctx.Fail(called);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = SubsidyTable(ctx.lang());
  for (const lv1::SubsidyApplication& a : response.applications())
    AddSubsidy(a, ctx.lang(), &table);
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> FinancingVerbs() {
  const OptionSpec request_id = RequestIdOptionSpec();
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"lending", "bank-referrals", "create"},
       "",
       {"Prepares a referral of a person to a bank or credit union.",
        "Prépare la référence d'une personne à une banque ou à une caisse."},
       {{"person", "people/ID", {"the person referred", "la personne référée"}, false, true},
        {"institution",
         "NAME",
         {"the bank or credit union", "la banque ou la caisse"},
         false,
         true},
        {"amount",
         "AMOUNT",
         {"what the person asks the bank for", "ce que la personne demande à la banque"},
         false,
         true},
        {"note",
         "TEXT",
         {"free note, up to 2000 characters", "note libre, au plus 2000 caractères"}},
        request_id},
       0,
       0,
       CreateReferral});
  verbs.push_back(
      {{"lending", "bank-referrals", "update"},
       "bankReferrals/ID",
       {"Moves a referral along: prepared -> sent -> accepted (with the amount obtained) or "
        "declined; or replaces its note.",
        "Fait avancer une référence : préparée -> envoyée -> acceptée (avec le montant obtenu) ou "
        "refusée ; ou remplace sa note."},
       {{"status", "sent|accepted|declined", {"the new status", "le nouveau statut"}},
        {"amount-obtained",
         "AMOUNT",
         {"what the bank lent (with --status accepted)",
          "ce que la banque a prêté (avec --status accepted)"}},
        {"note", "TEXT", {"replaces the note", "remplace la note"}},
        request_id},
       1,
       1,
       UpdateReferral});
  std::vector<OptionSpec> referral_list = {
      {"person",
       "people/ID",
       {"only this person's referrals", "seulement les références de cette personne"}},
      {"status",
       "prepared|sent|accepted|declined",
       {"only referrals in this status", "seulement les références à ce statut"}}};
  for (OptionSpec& spec : PageOptionSpecs("referrals")) referral_list.push_back(std::move(spec));
  verbs.push_back({{"lending", "bank-referrals", "list"},
                   "",
                   {"Lists bank referrals, oldest first.",
                    "Liste les références bancaires, de la plus ancienne à la plus récente."},
                   referral_list,
                   0,
                   0,
                   ListReferrals});
  verbs.push_back(
      {{"lending", "subsidies", "create"},
       "",
       {"Prepares a subsidy application for a person.",
        "Prépare une demande de subvention pour une personne."},
       {{"person", "people/ID", {"the applicant", "la personne qui fait la demande"}, false, true},
        {"programme", "NAME", {"the subsidy programme", "le programme de subvention"}, false, true},
        {"amount", "AMOUNT", {"the amount applied for", "le montant demandé"}, false, true},
        request_id},
       0,
       0,
       CreateSubsidy});
  verbs.push_back(
      {{"lending", "subsidies", "update"},
       "subsidyApplications/ID",
       {"Moves an application along: prepared -> submitted -> granted (with the amount) or "
        "refused (both with the outcome).",
        "Fait avancer une demande : préparée -> déposée -> accordée (avec le montant) ou refusée "
        "(les deux avec le résultat)."},
       {{"status",
         "submitted|granted|refused",
         {"the new status", "le nouveau statut"},
         false,
         true},
        {"amount-granted",
         "AMOUNT",
         {"what was granted (with --status granted)",
          "ce qui a été accordé (avec --status granted)"}},
        {"outcome",
         "TEXT",
         {"the decision in words (with granted or refused)",
          "la décision en mots (avec granted ou refused)"}},
        request_id},
       1,
       1,
       UpdateSubsidy});
  std::vector<OptionSpec> subsidy_list = {
      {"person",
       "people/ID",
       {"only this person's applications", "seulement les demandes de cette personne"}},
      {"status",
       "prepared|submitted|granted|refused",
       {"only applications in this status", "seulement les demandes à ce statut"}}};
  for (OptionSpec& spec : PageOptionSpecs("applications")) subsidy_list.push_back(std::move(spec));
  verbs.push_back({{"lending", "subsidies", "list"},
                   "",
                   {"Lists subsidy applications, oldest first.",
                    "Liste les demandes de subvention, de la plus ancienne à la plus récente."},
                   subsidy_list,
                   0,
                   0,
                   ListSubsidies});
  return verbs;
}

}  // namespace cercles::cerclesctl
