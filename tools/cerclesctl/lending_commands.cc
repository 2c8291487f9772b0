// Verbs of cercles.lending.v1.LendingService: circle eligibility and the fund's
// settings here; loans in loan_commands.cc, the books in books_commands.cc and
// the other financing paths in financing_commands.cc. LendingVerbs() gathers them.

#include <grpcpp/client_context.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "common/api/money.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using lending::v1::FundSettings;
using lending::v1::LendingService;

int GetCircleEligibility(CommandContext& ctx) {
  lending::v1::GetCircleEligibilityRequest request;
  request.set_circle(CircleResourceName(ctx.args().positionals()[0]));
  lending::v1::GetCircleEligibilityResponse response;
  grpc::Status status =
      ctx.Unary<LendingService>(&LendingService::Stub::GetCircleEligibility, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);

  const lending::v1::CircleEligibility& eligibility = response.eligibility();
  Table table(ctx.lang(), {{"CIRCLE", "CERCLE"},
                           {"STATUS", "STATUT"},
                           {"MAY REQUEST LOANS", "PEUT DEMANDER DES PRÊTS"},
                           {"MAY GUARANTEE", "PEUT GARANTIR"},
                           {"REASONS", "RAISONS"}});
  table.AddRow({eligibility.circle(), CircleStatusName(eligibility.circle_status(), ctx.lang()),
                YesNo(eligibility.may_request_loans(), ctx.lang()),
                YesNo(eligibility.may_guarantee(), ctx.lang()),
                absl::StrJoin(eligibility.reasons(), "; ")});
  table.Print(ctx.out());
  return kExitOk;
}

// ---- Settings ----

std::string ThresholdText(const lending::v1::VoteThreshold& t, Lang lang) {
  return absl::StrCat(t.strictly_more() ? Bilingual("more than ", "plus de ").In(lang)
                                        : Bilingual("at least ", "au moins ").In(lang),
                      t.numerator(), "/", t.denominator());
}

std::string TermsText(const lending::v1::TermRange& range) {
  return absl::StrCat(range.min_instalments(), "-", range.max_instalments());
}

// ">1/2", ">=2/3", "more than 1/2", "at least 2/3".
absl::Status ParseThreshold(absl::string_view text, lending::v1::VoteThreshold* out) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  bool strictly = false;
  if (absl::ConsumePrefix(&rest, ">=") || absl::ConsumePrefix(&rest, "at least ")) {
    strictly = false;
  } else if (absl::ConsumePrefix(&rest, ">") || absl::ConsumePrefix(&rest, "more than ")) {
    strictly = true;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("must be \">N/D\" (more than) or \">=N/D\" (at least), not \"", text, "\""));
  }
  std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(rest), '/');
  int32_t numerator = 0, denominator = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &numerator) ||
      !absl::SimpleAtoi(parts[1], &denominator)) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be \">N/D\" or \">=N/D\" with whole N and D, not \"", text, "\""));
  }
  out->set_numerator(numerator);
  out->set_denominator(denominator);
  out->set_strictly_more(strictly);
  return absl::OkStatus();
}

// "1-104".
absl::Status ParseTerms(absl::string_view text, lending::v1::TermRange* out) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int32_t min = 0, max = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &min) || !absl::SimpleAtoi(parts[1], &max)) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be MIN-MAX instalments, e.g. 1-24, not \"", text, "\""));
  }
  out->set_min_instalments(min);
  out->set_max_instalments(max);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> ParseIntList(absl::string_view text) {
  std::vector<int64_t> values;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(part, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("must be whole numbers separated by commas, not \"", text, "\""));
    }
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<int32_t> ParseInt32(absl::string_view text) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("must be a whole number, not \"", text, "\""));
  }
  return value;
}

// One option of `settings update` and how it changes the settings.
struct SettingOption {
  OptionSpec option;
  std::function<absl::Status(const std::string& value, FundSettings* settings)> apply;
};

// An option setting one int32 field.
SettingOption IntSetting(const std::string& name, const Bilingual& help,
                         void (FundSettings::*set)(int32_t)) {
  return {{name, "N", help}, [set](const std::string& value, FundSettings* settings) {
            absl::StatusOr<int32_t> n = ParseInt32(value);
            if (!n.ok()) return n.status();
            (settings->*set)(*n);
            return absl::OkStatus();
          }};
}

SettingOption TermsSetting(const std::string& name, const Bilingual& help,
                           lending::v1::TermRange* (FundSettings::*field)()) {
  return {{name, "MIN-MAX", help}, [field](const std::string& value, FundSettings* settings) {
            return ParseTerms(value, (settings->*field)());
          }};
}

SettingOption RateSetting(const std::string& name, const Bilingual& help,
                          void (FundSettings::*set)(int32_t)) {
  return {{name, "PERCENT", help}, [set](const std::string& value, FundSettings* settings) {
            absl::StatusOr<int32_t> bps = ParsePercent(value);
            if (!bps.ok()) return bps.status();
            (settings->*set)(*bps);
            return absl::OkStatus();
          }};
}

// An option setting one enum field by its short name ("reduce-principal").
SettingOption EnumSetting(const std::string& name, const Bilingual& help,
                          const google::protobuf::EnumDescriptor* descriptor,
                          const std::string& prefix, std::function<void(FundSettings*, int)> set) {
  std::vector<std::string> choices;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() != 0) {
      choices.push_back(ShortEnumName(descriptor->value(i)->name(), prefix));
    }
  }
  return {{name, absl::StrJoin(choices, "|"), help},
          [descriptor, prefix, set](const std::string& value, FundSettings* settings) {
            absl::StatusOr<int> number = ParseEnumName(value, descriptor, prefix);
            if (!number.ok()) return number.status();
            set(settings, *number);
            return absl::OkStatus();
          }};
}

// The settings' amounts in both shapes: a Money and its deprecated int64 twin.
// cerclesctl writes both, equal (servers of every version read the twin, the
// current one checks they agree), and reads the Money, or the twin from a
// server older than the Money fields. An empty currency_code means the
// settings' currency.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void SetGuaranteeThreshold(int64_t cents, FundSettings* s) {
  s->set_guarantee_threshold_minor_units(cents);
  *s->mutable_guarantee_threshold() = api::ToMoney(cents, "");
}

void SetLadder(const std::vector<int64_t>& ladder, FundSettings* s) {
  s->clear_ladder_minor_units();
  s->clear_ladder();
  for (int64_t cents : ladder) {
    s->add_ladder_minor_units(cents);
    *s->add_ladder() = api::ToMoney(cents, "");
  }
}

void SetArrearsTolerance(int64_t cents, FundSettings* s) {
  s->set_arrears_tolerance_minor_units(cents);
  *s->mutable_arrears_tolerance() = api::ToMoney(cents, "");
}

int64_t GuaranteeThreshold(const FundSettings& s) {
  return api::MinorUnitsOr(s.has_guarantee_threshold() ? &s.guarantee_threshold() : nullptr,
                           s.guarantee_threshold_minor_units());
}

std::vector<int64_t> Ladder(const FundSettings& s) {
  if (s.ladder().empty()) return {s.ladder_minor_units().begin(), s.ladder_minor_units().end()};
  std::vector<int64_t> ladder;
  for (const auto& rung : s.ladder()) ladder.push_back(rung.minor_units());
  return ladder;
}

int64_t ArrearsTolerance(const FundSettings& s) {
  return api::MinorUnitsOr(s.has_arrears_tolerance() ? &s.arrears_tolerance() : nullptr,
                           s.arrears_tolerance_minor_units());
}
#pragma GCC diagnostic pop

const std::vector<SettingOption>& SettingOptions() {
  static const auto* const kOptions = new std::vector<SettingOption>{
      {{"currency",
        "CODE",
        {"ISO 4217 currency of the books, e.g. CAD", "devise ISO 4217 des livres, p. ex. CAD"}},
       [](const std::string& v, FundSettings* s) {
         s->set_currency(v);
         // The amounts as read are in the old currency; the same numbers are
         // meant in the new one (the server refuses an amount in another).
         SetGuaranteeThreshold(GuaranteeThreshold(*s), s);
         SetLadder(Ladder(*s), s);
         SetArrearsTolerance(ArrearsTolerance(*s), s);
         return absl::OkStatus();
       }},
      {{"guarantee-threshold",
        "AMOUNT",
        {"loans up to it carry the circle's guarantee",
         "les prêts jusqu'à ce montant portent la garantie du cercle"}},
       [](const std::string& v, FundSettings* s) {
         absl::StatusOr<int64_t> cents = ParseAmount(v);
         if (!cents.ok()) return cents.status();
         SetGuaranteeThreshold(*cents, s);
         return absl::OkStatus();
       }},
      {{"ladder",
        "A,B,...",
        {"stepped-loan ceilings in units, e.g. 500,1000,2000,5000",
         "les plafonds des prêts par paliers, en dollars, p. ex. 500,1000,2000,5000"}},
       [](const std::string& v, FundSettings* s) {
         std::vector<int64_t> ladder;
         for (absl::string_view rung : absl::StrSplit(v, ',')) {
           absl::StatusOr<int64_t> cents = ParseAmount(rung);
           if (!cents.ok()) return cents.status();
           ladder.push_back(*cents);
         }
         SetLadder(ladder, s);
         return absl::OkStatus();
       }},
      IntSetting("on-time-tolerance-days",
                 {"days late an instalment may clear and stay on time",
                  "jours de retard où une échéance réglée reste à temps"},
                 &FundSettings::set_on_time_tolerance_days),
      {{"quorum",
        ">N/D|>=N/D",
        {"share of the other members who must vote",
         "la part des autres membres qui doivent voter"}},
       [](const std::string& v, FundSettings* s) {
         return ParseThreshold(v, s->mutable_vote_quorum());
       }},
      {{"approval",
        ">N/D|>=N/D",
        {"share of the votes cast that must approve",
         "la part des votes exprimés qui doivent approuver"}},
       [](const std::string& v, FundSettings* s) {
         return ParseThreshold(v, s->mutable_vote_approval());
       }},
      RateSetting(
          "min-rate",
          {"lowest annual interest rate allowed", "le taux d'intérêt annuel le plus bas permis"},
          &FundSettings::set_min_annual_rate_bps),
      RateSetting(
          "max-rate",
          {"highest annual interest rate allowed", "le taux d'intérêt annuel le plus haut permis"},
          &FundSettings::set_max_annual_rate_bps),
      TermsSetting("weekly-terms",
                   {"instalments allowed when weekly", "échéances permises à la semaine"},
                   &FundSettings::mutable_weekly_terms),
      TermsSetting("every-two-weeks-terms",
                   {"instalments allowed every two weeks", "échéances permises aux deux semaines"},
                   &FundSettings::mutable_every_two_weeks_terms),
      TermsSetting("monthly-terms",
                   {"instalments allowed when monthly", "échéances permises au mois"},
                   &FundSettings::mutable_monthly_terms),
      {{"buckets",
        "D1,D2,D3",
        {"upper bounds in days of the first three arrears buckets",
         "les bornes supérieures, en jours, des trois premières tranches d'arriérés"}},
       [](const std::string& v, FundSettings* s) {
         absl::StatusOr<std::vector<int64_t>> days = ParseIntList(v);
         if (!days.ok()) return days.status();
         if (days->size() != 3) {
           return absl::InvalidArgumentError("must be three numbers of days, e.g. 30,60,90");
         }
         s->mutable_arrears_buckets()->set_first_max_days(static_cast<int32_t>((*days)[0]));
         s->mutable_arrears_buckets()->set_second_max_days(static_cast<int32_t>((*days)[1]));
         s->mutable_arrears_buckets()->set_third_max_days(static_cast<int32_t>((*days)[2]));
         return absl::OkStatus();
       }},
      IntSetting("guarantee-call-days",
                 {"days past due from which the guarantee may be called",
                  "jours de retard à partir desquels la garantie peut être appelée"},
                 &FundSettings::set_guarantee_call_days_past_due),
      IntSetting("write-off-days",
                 {"days past due from which a loan may be written off",
                  "jours de retard à partir desquels un prêt peut être radié"},
                 &FundSettings::set_write_off_days_past_due),
      IntSetting("serious-arrears-days",
                 {"days past due from which arrears are serious",
                  "jours de retard à partir desquels les arriérés sont graves"},
                 &FundSettings::set_serious_arrears_days_past_due),
      {{"serious-arrears-may-guarantee",
        "yes|no",
        {"whether a circle with a member in serious arrears may guarantee new loans",
         "si un cercle dont un membre a des arriérés graves peut garantir de nouveaux prêts"}},
       [](const std::string& v, FundSettings* s) {
         absl::StatusOr<bool> yes = ParseYesNo(v);
         if (!yes.ok()) return yes.status();
         s->set_circle_in_serious_arrears_may_guarantee(*yes);
         return absl::OkStatus();
       }},
      EnumSetting(
          "prepayment-rule",
          {"what a repayment beyond the current instalment does: pay the next "
           "instalments, or reduce the principal and recompute the later interest",
           "ce que fait un remboursement au-delà de l'échéance en cours : payer les échéances "
           "suivantes, ou réduire le capital et recalculer les intérêts suivants"},
          lending::v1::PrepaymentRule_descriptor(), "PREPAYMENT_RULE_",
          [](FundSettings* s, int rule) {
            s->set_prepayment_rule(static_cast<lending::v1::PrepaymentRule>(rule));
          }),
      IntSetting("max-active-loans",
                 {"active loans one person may hold at once (1 to 10)",
                  "prêts actifs qu'une personne peut avoir à la fois (de 1 à 10)"},
                 &FundSettings::set_max_active_loans_per_person),
      EnumSetting("circle-guarantors",
                  {"who guarantees a loan the circle approved: every other member, or all but "
                   "those who voted no",
                   "qui garantit un prêt approuvé par le cercle : chacun des autres membres, ou "
                   "tous sauf ceux qui ont voté non"},
                  lending::v1::CircleGuarantors_descriptor(), "CIRCLE_GUARANTORS_",
                  [](FundSettings* s, int rule) {
                    s->set_circle_guarantors(static_cast<lending::v1::CircleGuarantors>(rule));
                  }),
      IntSetting("default-grace-on-principal",
                 {"instalments of interest only at the start of a loan whose request sets no "
                  "grace (0 to 52)",
                  "échéances d'intérêts seulement au début d'un prêt dont la demande ne fixe aucun "
                  "délai de grâce (de 0 à 52)"},
                 &FundSettings::set_default_grace_on_principal_instalments),
      IntSetting("default-grace-on-interest",
                 {"instalments with nothing due at the start of a loan whose request sets no "
                  "grace; their interest is spread over the rest (0 to 52)",
                  "échéances sans rien à payer au début d'un prêt dont la demande ne fixe aucun "
                  "délai de grâce ; leurs intérêts sont répartis sur les suivantes (de 0 à 52)"},
                 &FundSettings::set_default_grace_on_interest_instalments),
      {{"arrears-tolerance",
        "AMOUNT",
        {"an instalment short by less than this is not late, e.g. 5.00 (0 to 100.00)",
         "une échéance à laquelle il manque moins que ce montant n'est pas en retard, p. ex. 5,00 "
         "(de 0 à 100,00)"}},
       [](const std::string& v, FundSettings* s) {
         absl::StatusOr<int64_t> cents = ParseAmount(v);
         if (!cents.ok()) return cents.status();
         SetArrearsTolerance(*cents, s);
         return absl::OkStatus();
       }},
      IntSetting("reminder-days-before",
                 {"days before a due date the upcoming reminder is produced (0 to 30; 0: none)",
                  "jours avant une échéance où le rappel est produit (de 0 à 30 ; 0 : aucun)"},
                 &FundSettings::set_reminder_days_before),
  };
  return *kOptions;
}

void PrintSettings(const FundSettings& s, std::ostream& out, Lang lang) {
  const bool fr = lang == Lang::kFr;
  auto days = [fr](int64_t n) { return absl::StrCat(n, fr ? " jours" : " days"); };
  auto instalments = [fr](int64_t n) {
    return absl::StrCat(n, fr ? " échéances" : " instalments");
  };
  std::vector<std::string> ladder;
  for (int64_t cents : Ladder(s)) ladder.push_back(FormatCents(cents, lang));
  const auto& b = s.arrears_buckets();
  Table table(lang, {{"SETTING", "RÉGLAGE"}, {"VALUE", "VALEUR"}});
  auto row = [&table, lang](const char* en, const char* french, std::string value) {
    table.AddRow({Bilingual(en, french).In(lang), std::move(value)});
  };
  row("currency", "devise", s.currency());
  row("guarantee threshold", "seuil de garantie", FormatCents(GuaranteeThreshold(s), lang));
  row("ladder", "paliers", absl::StrJoin(ladder, " -> "));
  row("on-time tolerance", "tolérance de retard", days(s.on_time_tolerance_days()));
  row("quorum", "quorum", ThresholdText(s.vote_quorum(), lang));
  row("approval", "approbation", ThresholdText(s.vote_approval(), lang));
  row("annual rates", "taux annuels",
      absl::StrCat(FormatBps(s.min_annual_rate_bps(), lang), fr ? " à " : " to ",
                   FormatBps(s.max_annual_rate_bps(), lang)));
  row("weekly terms", "durées à la semaine", TermsText(s.weekly_terms()));
  row("every-two-weeks terms", "durées aux deux semaines", TermsText(s.every_two_weeks_terms()));
  row("monthly terms", "durées au mois", TermsText(s.monthly_terms()));
  row("arrears buckets", "tranches d'arriérés",
      absl::StrCat("1-", b.first_max_days(), ", ", b.first_max_days() + 1, "-", b.second_max_days(),
                   ", ", b.second_max_days() + 1, "-", b.third_max_days(), ", ", b.third_max_days(),
                   "+"));
  row("guarantee call from", "appel de la garantie dès", days(s.guarantee_call_days_past_due()));
  row("write-off from", "radiation dès", days(s.write_off_days_past_due()));
  row("serious arrears from", "arriérés graves dès", days(s.serious_arrears_days_past_due()));
  row("circle in serious arrears may guarantee", "cercle en arriérés graves peut garantir",
      YesNo(s.circle_in_serious_arrears_may_guarantee(), lang));
  row("prepayment rule", "règle de remboursement anticipé",
      PrepaymentRuleName(s.prepayment_rule(), lang));
  // 0 (unset) is the server's default, 1.
  row("active loans per person", "prêts actifs par personne",
      absl::StrCat(std::max(s.max_active_loans_per_person(), 1)));
  row("circle guarantors", "garants du cercle", CircleGuarantorsName(s.circle_guarantors(), lang));
  row("default grace on principal", "grâce sur le capital par défaut",
      instalments(s.default_grace_on_principal_instalments()));
  row("default grace on interest", "grâce sur les intérêts par défaut",
      instalments(s.default_grace_on_interest_instalments()));
  row("arrears tolerance", "tolérance d'arriérés", FormatCents(ArrearsTolerance(s), lang));
  // Unset (a server before reminders) reads as the server's default, 3.
  row("upcoming reminders from", "rappels à venir dès",
      s.has_reminder_days_before() && s.reminder_days_before() == 0
          ? std::string(fr ? "désactivés" : "off")
          : absl::StrCat(s.has_reminder_days_before() ? s.reminder_days_before() : 3,
                         fr ? " jours avant" : " days before"));
  table.Print(out);
}

std::string ChangesText(const lending::v1::FundSettingsChange& change) {
  std::vector<std::string> fields;
  for (const auto& c : change.changes()) {
    fields.push_back(absl::StrCat(c.field(), ": ", c.old_value(), " -> ", c.new_value()));
  }
  return fields.empty() ? "-" : absl::StrJoin(fields, "; ");
}

int GetSettings(CommandContext& ctx) {
  lending::v1::GetFundSettingsResponse response;
  grpc::Status status = ctx.Unary<LendingService>(&LendingService::Stub::GetFundSettings,
                                                  lending::v1::GetFundSettingsRequest(), &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSettings(response.settings(), ctx.out(), ctx.lang());
  return kExitOk;
}

int UpdateSettings(CommandContext& ctx) {
  lending::v1::UpdateFundSettingsRequest request;
  lending::v1::GetFundSettingsResponse current;
  bool any = false;
  for (const SettingOption& setting : SettingOptions()) any |= ctx.args().Has(setting.option.name);
  if (!any) return ctx.UsageError("nothing to change: give at least one setting option");
  // Read, change, write back: the server takes the whole settings.
  grpc::Status status = ctx.Unary<LendingService>(&LendingService::Stub::GetFundSettings,
                                                  lending::v1::GetFundSettingsRequest(), &current);
  if (!status.ok()) return ctx.Fail(status);
  *request.mutable_settings() = current.settings();
  for (const SettingOption& setting : SettingOptions()) {
    if (!ctx.args().Has(setting.option.name)) continue;
    absl::Status applied =
        setting.apply(ctx.args().Value(setting.option.name), request.mutable_settings());
    if (!applied.ok()) {
      return ctx.UsageError(absl::StrCat("--", setting.option.name, " ", applied.message()));
    }
  }
  request.set_reason(ctx.args().Value("reason"));
  request.set_request_id(RequestIdOption(ctx));
  lending::v1::UpdateFundSettingsResponse response;
  status =
      CallWrite<LendingService>(ctx, &LendingService::Stub::UpdateFundSettings, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintSettings(response.settings(), ctx.out(), ctx.lang());
  ctx.out() << Bilingual("changed: ", "modifié : ").In(ctx.lang()) << ChangesText(response.change())
            << '\n';
  return kExitOk;
}

int ListSettingsChanges(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lending::v1::ListFundSettingsChangesResponse response;
  grpc::Status status = ListPages<LendingService>(
      ctx, &LendingService::Stub::ListFundSettingsChanges, *paging,
      lending::v1::ListFundSettingsChangesRequest(), &response,
      [](lending::v1::ListFundSettingsChangesResponse* r) { return r->mutable_changes(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(
      ctx.lang(),
      {{"TIME", "MOMENT"}, {"ACTOR", "AUTEUR"}, {"REASON", "RAISON"}, {"CHANGES", "CHANGEMENTS"}});
  for (const auto& change : response.changes()) {
    table.AddRow({FormatTimestamp(change.change_time()), change.actor(), change.reason(),
                  ChangesText(change)});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> LendingVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"lending", "eligibility"},
       "circles/ID",
       {"Says whether a circle may bring loan requests and guarantee them now.",
        "Indique si un cercle peut maintenant présenter des demandes de prêt et les garantir."},
       {},
       1,
       1,
       GetCircleEligibility});
  verbs.push_back({{"lending", "settings", "get"},
                   "",
                   {"Shows the fund's lending settings.", "Affiche les réglages de prêt du fonds."},
                   {},
                   0,
                   0,
                   GetSettings});
  std::vector<OptionSpec> update_options;
  for (const SettingOption& setting : SettingOptions()) update_options.push_back(setting.option);
  update_options.push_back({"reason",
                            "TEXT",
                            {"why (1 to 500 characters)", "pourquoi (de 1 à 500 caractères)"},
                            false,
                            true});
  update_options.push_back(RequestIdOptionSpec());
  verbs.push_back(
      {{"lending", "settings", "update"},
       "",
       {"Changes the settings given as options (admins); the change is recorded.",
        "Modifie les réglages donnés en options (administrateurs) ; le changement est consigné."},
       update_options,
       0,
       0,
       UpdateSettings});
  verbs.push_back({{"lending", "settings", "changes"},
                   "",
                   {"Lists the recorded changes of the settings, newest first.",
                    "Liste les changements consignés des réglages, du plus récent au plus ancien."},
                   PageOptionSpecs("changes"),
                   0,
                   0,
                   ListSettingsChanges});
  for (auto group : {LoanVerbs(), RescheduleVerbs(), ReminderVerbs(), CollectionVerbs(),
                     BooksVerbs(), FinancingVerbs()}) {
    for (Verb& verb : group) verbs.push_back(std::move(verb));
  }
  return verbs;
}

}  // namespace cercles::cerclesctl
