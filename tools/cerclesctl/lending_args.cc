#include "tools/cerclesctl/lending_args.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {

namespace lv1 = lending::v1;

namespace {

std::string WithCollection(absl::string_view text, absl::string_view collection) {
  if (absl::StrContains(text, '/')) return std::string(text);
  return absl::StrCat(collection, "/", text);
}

bool AllDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// "whole[.fraction]" with at most `max_whole` digits before the point and
// `decimals` after -> the number scaled by 10^decimals; nullopt otherwise.
std::optional<int64_t> ParseDecimal(absl::string_view text, size_t max_whole, size_t decimals) {
  absl::string_view whole = text, fraction;
  if (size_t dot = text.find('.'); dot != absl::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > decimals || !AllDigits(fraction)) return {};
  }
  if (!AllDigits(whole) || whole.size() > max_whole) return {};
  int64_t value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  for (size_t i = 0; i < decimals; ++i) {
    value = value * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  return value;
}

std::string JoinOrDash(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "-" : absl::StrJoin(items, ", ");
}

// cerclesctl reads and sends the deprecated string field, which servers of
// every version fill and read (a 0.1.0 server knows no enum beside it).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
std::string VoteSummary(const lv1::VoteTally& tally, Lang lang) {
  if (tally.outcome().empty()) return "-";
  const bool fr = lang == Lang::kFr;
  return absl::StrCat(tally.outcome(), ": ", tally.votes_cast(), fr ? " sur " : " of ",
                      tally.eligible_voters(), fr ? " ont voté (" : " voted (", tally.approvals(),
                      fr ? " oui, " : " yes, ", tally.rejections(),
                      fr ? " non ; quorum " : " no; quorum ", tally.quorum_votes(), ")",
                      tally.reason().empty() ? "" : absl::StrCat(" - ", tally.reason()));
}

std::string ArrearsSummary(const lv1::Loan& loan, Lang lang) {
  if (!loan.has_arrears()) return "-";
  const lv1::Arrears& arrears = loan.arrears();
  const bool fr = lang == Lang::kFr;
  if (arrears.days_past_due() == 0) {
    return absl::StrCat(fr ? "à jour au " : "current as of ", FormatDay(arrears.as_of()));
  }
  return absl::StrCat(arrears.days_past_due(), fr ? " jours de retard (" : " days past due (",
                      arrears.bucket_label(), fr ? ") au " : ") as of ", FormatDay(arrears.as_of()),
                      fr ? " : " : ": ", FormatMoney(arrears.amount_in_arrears(), lang),
                      fr ? " en arriérés depuis le " : " in arrears since ",
                      FormatDay(arrears.oldest_unpaid_due_date()));
}

}  // namespace

std::string LoanResourceName(absl::string_view text) { return WithCollection(text, "loans"); }
std::string BankReferralResourceName(absl::string_view text) {
  return WithCollection(text, "bankReferrals");
}
std::string SubsidyResourceName(absl::string_view text) {
  return WithCollection(text, "subsidyApplications");
}

namespace {

// An amount as written in English ("1,500.05", "$12.50") or in fr-CA
// ("1 500,05 $", "12,50"), with '.' as its decimal point and without its
// thousands separators: a comma is the decimal point when it is the only one
// and one or two digits follow it (and there is no '.'); spaces, no-break
// spaces and the other commas group thousands, and must group exactly three
// digits (so "12,5,0" or "15 00" are not amounts). nullopt otherwise.
std::optional<std::string> PlainAmount(absl::string_view text) {
  const std::string spaced =
      absl::StrReplaceAll(text, {{"\xC2\xA0", " "}, {"\xE2\x80\xAF", " "}});  // no-break spaces
  absl::string_view s = absl::StripAsciiWhitespace(spaced);
  if (absl::ConsumePrefix(&s, "$") || absl::ConsumeSuffix(&s, "$")) {
    s = absl::StripAsciiWhitespace(s);
  }
  std::string amount(s);
  std::string fraction;
  size_t point = amount.find('.');
  const size_t comma = amount.rfind(',');
  if (point == std::string::npos && comma != std::string::npos && amount.find(',') == comma &&
      amount.size() - comma - 1 <= 2) {
    point = comma;  // a decimal comma
  }
  if (point != std::string::npos) {
    fraction = amount.substr(point);
    fraction[0] = '.';
    amount.resize(point);
  }
  std::string digits;
  size_t group = 0;  // digits since the last separator
  bool grouped = false;
  for (char c : amount) {
    if (c == ',' || c == ' ') {
      if (group == 0 || (grouped && group != 3) || group > 3) return std::nullopt;
      grouped = true;
      group = 0;
    } else {
      digits.push_back(c);
      ++group;
    }
  }
  if (grouped && group != 3) return std::nullopt;
  return digits + fraction;
}

}  // namespace

absl::StatusOr<int64_t> ParseAmount(absl::string_view text) {
  const std::optional<std::string> plain = PlainAmount(text);
  std::optional<int64_t> cents;
  if (plain.has_value()) cents = ParseDecimal(*plain, 13, 2);
  if (!cents.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "must be an amount in units with up to two decimals, e.g. 1500.00, not \"", text, "\""));
  }
  return *cents;
}

absl::StatusOr<common::v1::Money> ParseMoney(absl::string_view text) {
  absl::StatusOr<int64_t> cents = ParseAmount(text);
  if (!cents.ok()) return cents.status();
  common::v1::Money money;
  money.set_minor_units(*cents);
  return money;
}

std::string FormatCents(int64_t cents, Lang lang) {
  return lang == Lang::kFr ? api::FormatMoney(lang, cents) : api::FormatAmount(lang, cents);
}

std::string FormatMoney(const common::v1::Money& money, Lang lang) {
  if (lang == Lang::kFr) return api::FormatMoney(lang, money.minor_units(), money.currency_code());
  const std::string amount = api::FormatAmount(lang, money.minor_units());
  return money.currency_code().empty() ? amount : absl::StrCat(amount, " ", money.currency_code());
}

absl::StatusOr<int32_t> ParsePercent(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  absl::ConsumeSuffix(&trimmed, "%");
  std::optional<int64_t> bps = ParseDecimal(absl::StripAsciiWhitespace(trimmed), 3, 2);
  if (!bps.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "must be a percentage with up to two decimals, e.g. 8 or 7.5%, not \"", text, "\""));
  }
  return static_cast<int32_t>(*bps);
}

std::string FormatBps(int64_t bps, Lang lang) {
  if (lang == Lang::kFr) return api::FormatPercent(lang, static_cast<int32_t>(bps));
  return absl::StrFormat("%s%d.%02d%%", bps < 0 ? "-" : "", std::abs(bps) / 100,
                         std::abs(bps) % 100);
}

absl::StatusOr<int> ParseEnumName(absl::string_view text,
                                  const google::protobuf::EnumDescriptor* descriptor,
                                  absl::string_view prefix) {
  std::vector<std::string> choices;
  const std::string wanted =
      absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)), {{"_", "-"}});
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    if (value->number() == 0) continue;
    const std::string name = ShortEnumName(value->name(), prefix);
    if (name == wanted) return value->number();
    choices.push_back(name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of ", absl::StrJoin(choices, "|"), ", not \"", text, "\""));
}

std::string PrepaymentRuleName(lv1::PrepaymentRule rule, Lang lang) {
  if (rule == lv1::PREPAYMENT_RULE_UNSPECIFIED) rule = lv1::PREPAYMENT_RULE_PAY_NEXT_INSTALMENTS;
  return EnumWord(lang, rule);
}
std::string CircleGuarantorsName(lv1::CircleGuarantors rule, Lang lang) {
  if (rule == lv1::CIRCLE_GUARANTORS_UNSPECIFIED) rule = lv1::CIRCLE_GUARANTORS_WHOLE_CIRCLE;
  return EnumWord(lang, rule);
}
std::string LoanStateName(lv1::LoanState state, Lang lang) { return EnumWord(lang, state); }
absl::StatusOr<lv1::RepaymentFrequency> ParseFrequencyFlag(absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumName(text, lv1::RepaymentFrequency_descriptor(), "REPAYMENT_FREQUENCY_");
  if (!value.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--frequency ", value.status().message()));
  }
  return static_cast<lv1::RepaymentFrequency>(*value);
}

std::string FrequencyName(lv1::RepaymentFrequency frequency, Lang lang) {
  return EnumWord(lang, frequency);
}
std::string InterestMethodName(lv1::InterestMethod method, Lang lang) {
  if (method == lv1::INTEREST_METHOD_UNSPECIFIED) return "-";  // fixed at disbursement
  return EnumWord(lang, method);
}
std::string GuaranteeKindName(lv1::GuaranteeKind kind, Lang lang) {
  if (kind == lv1::GUARANTEE_KIND_UNSPECIFIED) return "-";  // decided with the circle's vote
  return EnumWord(lang, kind);
}
std::string ReferralStatusName(lv1::BankReferralStatus status, Lang lang) {
  return EnumWord(lang, status);
}
std::string SubsidyStatusName(lv1::SubsidyStatus status, Lang lang) {
  return EnumWord(lang, status);
}

absl::StatusOr<std::optional<common::v1::Date>> DayOption(const ParsedArgs& args,
                                                          const std::string& name) {
  if (!args.Has(name)) return std::optional<common::v1::Date>();
  absl::StatusOr<common::v1::Date> day = ParseDay(args.Value(name));
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " ", day.status().message()));
  }
  return std::optional<common::v1::Date>(*day);
}

absl::StatusOr<std::optional<int64_t>> IntOption(const ParsedArgs& args, const std::string& name) {
  if (!args.Has(name)) return std::optional<int64_t>();
  int64_t value = 0;
  if (!absl::SimpleAtoi(args.Value(name), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be a whole number, not \"", args.Value(name), "\""));
  }
  return std::optional<int64_t>(value);
}

absl::StatusOr<std::optional<common::v1::Money>> MoneyOption(const ParsedArgs& args,
                                                             const std::string& name) {
  if (!args.Has(name)) return std::optional<common::v1::Money>();
  absl::StatusOr<common::v1::Money> money = ParseMoney(args.Value(name));
  if (!money.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " ", money.status().message()));
  }
  return std::optional<common::v1::Money>(*money);
}

namespace {

std::string DaysPastDue(const lv1::Loan& loan, Lang lang) {
  if (!loan.has_arrears()) return "-";
  if (loan.arrears().days_past_due() == 0) return Bilingual("current", "à jour").In(lang);
  return absl::StrCat(loan.arrears().days_past_due(), " (", loan.arrears().bucket_label(), ")");
}

}  // namespace

std::vector<std::string> LoanListRow(const lv1::Loan& loan, Lang lang) {
  return {loan.name(),
          loan.applicant(),
          loan.circle(),
          LoanStateName(loan.state(), lang),
          FormatCents(loan.amount().minor_units(), lang),
          loan.has_outstanding_principal()
              ? FormatCents(loan.outstanding_principal().minor_units(), lang)
              : "-",
          DaysPastDue(loan, lang),
          GuaranteeKindName(loan.guarantee_kind(), lang)};
}

void PrintLoan(const lv1::Loan& loan, std::ostream& out, Lang lang) {
  const bool fr = lang == Lang::kFr;
  Table table(lang, {{"FIELD", "CHAMP"}, {"VALUE", "VALEUR"}});
  auto row = [&](const Bilingual& label, const std::string& value) {
    table.AddRow({label.In(lang), value});
  };
  row({"name", "nom"}, loan.name());
  row({"applicant", "demandeur"}, loan.applicant());
  row({"circle", "cercle"},
      loan.original_circle().empty()
          ? loan.circle()
          : absl::StrCat(loan.circle(), fr ? " (demandé par " : " (requested through ",
                         loan.original_circle(), ")"));
  row({"advisor", "personne-conseil"}, loan.advisor().empty() ? "-" : loan.advisor());
  row({"state", "état"}, LoanStateName(loan.state(), lang));
  row({"amount", "montant"}, FormatMoney(loan.amount(), lang));
  row({"ceiling", "plafond"}, loan.has_ceiling() ? FormatMoney(loan.ceiling(), lang) : "-");
  row({"purpose", "objet"}, loan.purpose());
  row({"business plan", "plan d'affaires"}, loan.business_plan_summary());
  row({"document", "document"},
      loan.document_reference().empty() ? "-" : loan.document_reference());
  std::string terms =
      fr ? absl::StrCat(loan.instalment_count(), " échéances (",
                        FrequencyName(loan.frequency(), lang), ") à ",
                        FormatBps(loan.annual_rate_bps(), lang), " par an")
         : absl::StrCat(loan.instalment_count(), " ", FrequencyName(loan.frequency(), lang),
                        " instalments at ", FormatBps(loan.annual_rate_bps(), lang), " a year");
  if (loan.interest_method() != lv1::INTEREST_METHOD_UNSPECIFIED) {
    absl::StrAppend(&terms, " (", InterestMethodName(loan.interest_method(), lang), ")");
  }
  row({"terms", "conditions"}, terms);
  if (loan.has_grace_on_principal_instalments() || loan.has_grace_on_interest_instalments()) {
    row({"grace", "différé"},
        absl::StrCat(loan.grace_on_principal_instalments(),
                     fr ? " sur le capital, " : " on principal, ",
                     loan.grace_on_interest_instalments(),
                     fr ? " sur les intérêts (échéances)" : " on interest (instalments)"));
  }
  row({"guarantee", "garantie"}, GuaranteeKindName(loan.guarantee_kind(), lang));
  row({"guarantors", "garants"}, JoinOrDash(loan.guarantors()));
  row({"vote", "vote"}, VoteSummary(loan.vote_tally(), lang));
  for (const lv1::CircleVote& vote : loan.votes()) {
    row({"  vote", "  vote"},
        absl::StrCat(vote.voter(), ": ",
                     vote.approve() ? (fr ? "oui" : "yes") : (fr ? "non" : "no"),
                     vote.comment().empty() ? "" : " - ", vote.comment()));
  }
  row({"submitted by", "déposée par"}, loan.submitted_by());
  row({"decided by", "décidée par"}, loan.decided_by().empty() ? "-" : loan.decided_by());
  row({"reason", "raison"}, loan.state_reason().empty() ? "-" : loan.state_reason());
  row({"disbursed", "décaissé le"},
      FormatDay(loan.disbursement_date(), loan.has_disbursement_date()));
  row({"first due", "première échéance"},
      FormatDay(loan.first_due_date(), loan.has_first_due_date()));
  row({"outstanding principal", "capital restant dû"},
      loan.has_outstanding_principal() ? FormatMoney(loan.outstanding_principal(), lang) : "-");
  row({"outstanding interest", "intérêts restants dus"},
      loan.has_outstanding_interest() ? FormatMoney(loan.outstanding_interest(), lang) : "-");
  row({"arrears", "arriérés"}, ArrearsSummary(loan, lang));
  row({"guarantee called", "garantie appelée"},
      loan.has_guarantee_called() && loan.guarantee_called().minor_units() != 0
          ? FormatMoney(loan.guarantee_called(), lang)
          : "-");
  row({"created", "créé"}, FormatTimestamp(loan.create_time()));
  row({"updated", "modifié"}, FormatTimestamp(loan.update_time()));
  row({"closed", "fermé"}, FormatTimestamp(loan.close_time()));
  table.Print(out);
}

void PrintSchedule(const lv1::Schedule& schedule, std::ostream& out, Lang lang) {
  Table table(lang, {"#",
                     {"DUE", "ÉCHÉANCE"},
                     {"PRINCIPAL", "CAPITAL"},
                     {"INTEREST", "INTÉRÊTS"},
                     {"TOTAL", "TOTAL"},
                     {"BALANCE AFTER", "SOLDE APRÈS"},
                     {"PAID", "PAYÉ"},
                     {"CLEARED", "RÉGLÉE LE"}});
  int64_t principal = 0, interest = 0, total = 0, paid = 0;
  for (const lv1::Instalment& i : schedule.instalments()) {
    const int64_t paid_here = i.principal_paid().minor_units() + i.interest_paid().minor_units();
    principal += i.principal().minor_units();
    interest += i.interest().minor_units();
    total += i.total().minor_units();
    paid += paid_here;
    table.AddRow({absl::StrCat(i.number()), FormatDay(i.due_date()),
                  FormatCents(i.principal().minor_units(), lang),
                  FormatCents(i.interest().minor_units(), lang),
                  FormatCents(i.total().minor_units(), lang),
                  FormatCents(i.balance_after().minor_units(), lang), FormatCents(paid_here, lang),
                  FormatDay(i.cleared_on(), i.has_cleared_on())});
  }
  table.AddRow({"TOTAL", "", FormatCents(principal, lang), FormatCents(interest, lang),
                FormatCents(total, lang), "", FormatCents(paid, lang), ""});
  table.Print(out);
  // Flat and 0 % schedules have no single regular payment.
  if (schedule.regular_payment().minor_units() != 0) {
    out << Bilingual("regular payment: ", "versement régulier : ").In(lang)
        << FormatMoney(schedule.regular_payment(), lang) << (lang == Lang::kFr ? " ; " : "; ");
  }
  out << Bilingual("total interest: ", "intérêts totaux : ").In(lang)
      << FormatMoney(schedule.total_interest(), lang) << '\n';
}

}  // namespace cercles::cerclesctl
