// cerclesctl in French (issue 15, item 1): every command's help has its French
// beside the English, help pages and cerclesctl's own messages follow --lang,
// CERCLES_LANG or the locale, and the command lines themselves never change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "tests/unit/tools/cli_runner.h"
#include "tools/cerclesctl/access_requests.h"
#include "tools/cerclesctl/collection_sheet.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/health_check.h"
#include "tools/cerclesctl/language.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/outcome_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<Verb> WholeTable() {
  std::vector<Verb> verbs = AllVerbs();
  verbs.push_back(CompletionVerb(&verbs));
  return verbs;
}

TEST(CliLanguageTest, EveryCommandHasItsFrenchSummary) {
  std::vector<std::string> missing;
  for (const Verb& verb : WholeTable()) {
    if (verb.summary.fr.empty() || verb.summary.fr == verb.summary.en) {
      missing.push_back(absl::StrJoin(verb.path, " "));
    }
  }
  EXPECT_THAT(missing, IsEmpty()) << "commands without a French summary";
  EXPECT_GE(WholeTable().size(), 130u);
}

// Every option of every command is explained in French too: a help whose
// French is missing or the English again fails, but for the options below,
// whose help is only identifiers and names that read the same in French.
TEST(CliLanguageTest, EveryCommandHasEveryOptionInFrench) {
  const std::set<std::string> same_in_both = {};
  std::vector<std::string> missing;
  size_t options = 0;
  for (const Verb& verb : WholeTable()) {
    const std::string path = absl::StrJoin(verb.path, " ");
    for (const OptionSpec& option : verb.options) {
      ++options;
      const std::string name = absl::StrCat(path, " --", option.name);
      if (same_in_both.count(name) > 0) continue;
      if (option.help.fr.empty() || option.help.fr == option.help.en) missing.push_back(name);
    }
  }
  EXPECT_THAT(missing, IsEmpty()) << "options without their French help";
  EXPECT_GE(options, 500u);  // the walk saw the whole table
}

TEST(CliLanguageTest, EveryGlobalOptionHasItsFrenchHelp) {
  for (const OptionSpec& option : GlobalOptionSpecs()) {
    EXPECT_FALSE(option.help.fr.empty()) << option.name;
    EXPECT_NE(option.help.fr, option.help.en) << option.name;
  }
}

TEST(CliLanguageTest, EveryCliMessageHasItsFrench) {
  EXPECT_THAT(UntranslatedCliMessages(), IsEmpty());
}

TEST(CliLanguageTest, TheLanguageComesFromTheFlagThenTheEnvironmentThenTheLocale) {
  EXPECT_EQ(CliLanguage({"--lang", "fr", "help"}, FakeEnv({})), Lang::kFr);
  EXPECT_EQ(CliLanguage({"help", "--lang=FR"}, FakeEnv({})), Lang::kFr);
  EXPECT_EQ(CliLanguage({"--lang", "en"}, FakeEnv({{"CERCLES_LANG", "fr"}})), Lang::kEn);
  EXPECT_EQ(CliLanguage({}, FakeEnv({{"CERCLES_LANG", "fr"}, {"LANG", "en_CA.UTF-8"}})), Lang::kFr);
  EXPECT_EQ(CliLanguage({}, FakeEnv({{"LANG", "fr_CA.UTF-8"}})), Lang::kFr);
  EXPECT_EQ(CliLanguage({}, FakeEnv({{"LC_ALL", "C"}, {"LANG", "fr_CA.UTF-8"}})), Lang::kEn);
  EXPECT_EQ(CliLanguage({}, FakeEnv({})), Lang::kEn);
  EXPECT_EQ(CliLanguage({"--lang", "de"}, FakeEnv({{"LANG", "fr_CA.UTF-8"}})), Lang::kEn);
  // After "--" a word is an argument, not an option.
  EXPECT_EQ(CliLanguage({"--", "--lang", "fr"}, FakeEnv({})), Lang::kEn);
}

TEST(CliLanguageTest, TheMainHelpInFrenchListsTheSameCommandLines) {
  CliResult en = RunCerclesctl({"help"});
  CliResult fr = RunCerclesctl({"help"}, {{"LANG", "fr_CA.UTF-8"}});
  ASSERT_EQ(en.code, kExitOk);
  ASSERT_EQ(fr.code, kExitOk);
  EXPECT_THAT(fr.out,
              HasSubstr("utilisation : cerclesctl [options globales] COMMANDE [options] "
                        "[arguments]\n\nLe client en ligne de commande des services Cercles"));
  EXPECT_THAT(fr.out, HasSubstr("\nCommandes :\n"));
  EXPECT_THAT(fr.out,
              HasSubstr("  cerclesctl meetings attendance [--from YYYY-MM-DD] [--to YYYY-MM-DD] "
                        "circles/ID\n      Taux de présence d'un cercle et de chaque membre"));
  EXPECT_THAT(fr.out, HasSubstr("  --lang fr|en              langue des messages, de l'aide"));
  EXPECT_THAT(fr.out, Not(HasSubstr("Lists a circle's meetings")));
  // Every command line of the English help is in the French one, word for word.
  for (const Verb& verb : WholeTable()) {
    const std::string line = absl::StrCat("  ", VerbUsage(verb), "\n      ");
    EXPECT_THAT(en.out, HasSubstr(absl::StrCat(line, verb.summary.en, "\n")));
    EXPECT_THAT(fr.out, HasSubstr(absl::StrCat(line, verb.summary.fr, "\n")));
  }
}

TEST(CliLanguageTest, GroupAndVerbHelpFollowTheFlag) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--lang", "fr", "help", "meetings"}, {"meetings", "--help", "--lang=fr"}}) {
    CliResult group = RunCerclesctl(args);
    EXPECT_EQ(group.code, kExitOk);
    EXPECT_THAT(group.out, HasSubstr("utilisation : cerclesctl meetings COMMANDE [options] "
                                     "[arguments]\n\nCommandes :\n"));
    EXPECT_THAT(group.out, HasSubstr("      Consigne une rencontre tenue : la présence de chaque "
                                     "membre, le procès-verbal"));
    EXPECT_THAT(group.out, HasSubstr("\nOptions globales : voir 'cerclesctl --help'.\n"));
  }
  CliResult verb = RunCerclesctl({"lending", "loans", "repay", "--help"}, {{"CERCLES_LANG", "fr"}});
  EXPECT_EQ(verb.code, kExitOk);
  EXPECT_THAT(verb.out, HasSubstr("utilisation : cerclesctl lending loans repay "));
  EXPECT_THAT(verb.out, HasSubstr("\n\nConsigne un remboursement : les intérêts puis le capital, "
                                  "la plus ancienne échéance d'abord.\n\nOptions :\n"));
  CliResult alias = RunCerclesctl({"help", "meetings", "schedule-get"}, {{"CERCLES_LANG", "fr"}});
  EXPECT_THAT(alias.out, HasSubstr("L'ancienne graphie de 'cerclesctl meetings get-schedule', "
                                   "gardée comme alias."));
  CliResult english = RunCerclesctl({"help", "meetings"}, {{"LANG", "en_CA.UTF-8"}});
  EXPECT_THAT(english.out, HasSubstr("usage: cerclesctl meetings COMMAND [options] [arguments]"));
  EXPECT_THAT(english.out, HasSubstr("      Records a meeting held: every member's attendance"));
}

TEST(CliLanguageTest, UsageErrorsAreFrench) {
  const std::map<std::string, std::string> fr = {{"LANG", "fr_CA.UTF-8"}};
  CliResult unknown = RunCerclesctl({"meetings", "record", "circles/1", "--bogus"}, fr);
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("cerclesctl: option inconnue --bogus\nutilisation : "
                                     "cerclesctl meetings record [--date YYYY-MM-DD]"));
  CliResult missing = RunCerclesctl({"circles", "get"}, fr);
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_EQ(missing.err,
            "cerclesctl: argument manquant : circles/ID\n"
            "utilisation : cerclesctl circles get circles/ID\n");
  CliResult required = RunCerclesctl({"lending", "loans", "repay", "loans/1"}, fr);
  EXPECT_THAT(required.err, HasSubstr("cerclesctl: l'option obligatoire --amount manque\n"));
  CliResult value = RunCerclesctl({"circles", "list", "--output", "xml"}, fr);
  EXPECT_EQ(value.code, kExitUsage);
  EXPECT_THAT(value.err,
              HasSubstr("cerclesctl: --output doit être table, json ou yaml, pas « xml »\n"));
  CliResult command = RunCerclesctl({"--lang", "fr", "cercles"});
  EXPECT_EQ(command.code, kExitUsage);
  EXPECT_EQ(command.err,
            "cerclesctl: commande inconnue « cercles »\nutilisation : cerclesctl [options "
            "globales] COMMANDE [options] [arguments] ('cerclesctl --help' liste les commandes)\n");
  CliResult group = RunCerclesctl({"--lang", "fr", "meetings"});
  EXPECT_THAT(group.err, HasSubstr("cerclesctl: « meetings » demande une commande\n"));
  // English unless French is asked for.
  CliResult english = RunCerclesctl({"circles", "get"});
  EXPECT_EQ(english.err,
            "cerclesctl: missing argument circles/ID\nusage: cerclesctl circles get circles/ID\n");
}

TEST(CliLanguageTest, ACommandsOwnValueErrorsAreFrench) {
  const std::map<std::string, std::string> fr = {
      {"CERCLES_LANG", "fr"}, {"CERCLES_ADDRESS", "127.0.0.1:1"}, {"CERCLES_INSECURE", "true"}};
  CliResult attendance =
      RunCerclesctl({"meetings", "record", "circles/1", "--attendance", "1"}, fr);
  EXPECT_EQ(attendance.code, kExitUsage);
  EXPECT_THAT(attendance.err,
              HasSubstr("cerclesctl: --attendance prend des éléments PERSON=STATUS (statut "
                        "present, absent, excused ou late), pas « 1 »\n"));
  CliResult day = RunCerclesctl(
      {"meetings", "record", "circles/1", "--attendance", "1=present", "--date", "1er mars"}, fr);
  EXPECT_THAT(
      day.err,
      HasSubstr("cerclesctl: --date doit être une date écrite AAAA-MM-JJ, pas « 1er mars »"));
  CliResult amount =
      RunCerclesctl({"lending", "loans", "repay", "loans/1", "--amount", "douze"}, fr);
  EXPECT_THAT(amount.err, HasSubstr("cerclesctl: --amount doit être un montant en dollars"));
}

// The groups whose value errors came last: network, privacy, reports, the
// fund's settings; each names the option and the rule.
TEST(CliLanguageTest, TheNetworkPrivacyAndReportValueErrorsAreFrench) {
  const std::map<std::string, std::string> fr = {
      {"CERCLES_LANG", "fr"}, {"CERCLES_ADDRESS", "127.0.0.1:1"}, {"CERCLES_INSECURE", "true"}};
  struct Case {
    std::vector<std::string> args;
    std::string french;
  };
  const std::vector<Case> cases = {
      {{"network", "suggest", "--region", "Estrie", "--limit", "99"},
       "cerclesctl: --limit doit être un nombre de 1 à 50\n"},
      {{"network", "neighbours", "circles/1", "--edge", "road"},
       "cerclesctl: --edge : « road » n'est pas l'une des valeurs fund, region, merged-from, "
       "sister, referral ou federation\n"},
      {{"network", "partners", "list", "--kind", "bakery"},
       "cerclesctl: --kind : « bakery » n'est pas l'une des valeurs cdec, saje, cld, saco, bank, "
       "subsidy-programme ou other\n"},
      {{"network", "referrals", "list", "--status", "lost"},
       "cerclesctl: --status : « lost » n'est pas l'une des valeurs sent, accepted, in-progress, "
       "completed ou declined\n"},
      {{"network", "transfers", "list", "--direction", "up"},
       "cerclesctl: --direction doit être incoming ou outgoing\n"},
      {{"network", "stats", "--as-of", "demain"},
       "cerclesctl: --as-of doit être une date écrite AAAA-MM-JJ, pas « demain »\n"},
      {{"privacy", "access-log", "list", "--since", "hier"},
       "cerclesctl: --since doit être un instant RFC 3339 (2026-12-01T00:00:00Z)\n"},
      {{"privacy", "access-log", "list", "--service", "books"},
       "cerclesctl: --service doit être membership, lending ou network, reçu « books »\n"},
      {{"privacy", "access-requests", "list", "--state", "late"},
       "cerclesctl: --state doit être open, overdue ou done\n"},
      {{"privacy", "incidents", "create", "--summary", "x", "--occurred", "2026-12-01",
        "--discovered", "2026-12-01", "--affected-count", "1", "--risk", "low"},
       "cerclesctl: --risk doit être pending, none ou serious\n"},
      {{"report", "impact", "--from", "2026-01-01", "--to", "2026-12-31", "--grain", "month"},
       "cerclesctl: --grain doit être year ou quarter, reçu « month »\n"},
      {{"report", "portfolio", "--format", "pdf"},
       "cerclesctl: --format doit être html, csv ou table, reçu « pdf »\n"},
  };
  for (const Case& c : cases) {
    CliResult result = RunCerclesctl(c.args, fr);
    EXPECT_EQ(result.code, kExitUsage) << absl::StrJoin(c.args, " ");
    EXPECT_THAT(result.err, StartsWith(c.french)) << absl::StrJoin(c.args, " ");
  }
  // In English, as before.
  CliResult english =
      RunCerclesctl({"report", "portfolio", "--format", "pdf"},
                    {{"CERCLES_ADDRESS", "127.0.0.1:1"}, {"CERCLES_INSECURE", "true"}});
  EXPECT_THAT(english.err,
              StartsWith("cerclesctl: --format must be html, csv or table, got \"pdf\"\n"));
}

TEST(CliLanguageTest, ARecordReadsInFrenchAndTheNextPageLineToo) {
  std::ostringstream fr, en;
  PrintFields(Lang::kFr,
              {{{"name", "nom"}, "partners/1"}, {{"open referrals", "références ouvertes"}, "2"}},
              fr);
  PrintFields(Lang::kEn,
              {{{"name", "nom"}, "partners/1"}, {{"open referrals", "références ouvertes"}, "2"}},
              en);
  EXPECT_EQ(fr.str(), "nom :                 partners/1\nréférences ouvertes : 2\n");
  EXPECT_EQ(en.str(), "name:           partners/1\nopen referrals: 2\n");
  std::ostringstream page_fr, page_en, none;
  PrintNextPage("abc", page_fr, Lang::kFr);
  PrintNextPage("abc", page_en, Lang::kEn);
  PrintNextPage("", none, Lang::kFr);
  EXPECT_EQ(page_fr.str(), "page suivante : abc\n");
  EXPECT_EQ(page_en.str(), "next page: abc\n");
  EXPECT_EQ(none.str(), "");
  EXPECT_EQ(YesNo(true, Lang::kFr), "oui");
  EXPECT_EQ(YesNo(false, Lang::kEn), "no");
}

TEST(CliLanguageTest, TablesWriteAmountsAndRatesAsTheLanguageDoes) {
  EXPECT_EQ(FormatCents(628691, Lang::kFr), "6 286,91 $");
  EXPECT_EQ(FormatCents(628691, Lang::kEn), "6,286.91");  // as before: the header names it
  EXPECT_EQ(FormatCents(-1234, Lang::kFr), "-12,34 $");
  EXPECT_EQ(FormatCents(-1234), "-12.34");
  common::v1::Money money;
  money.set_minor_units(150000);
  money.set_currency_code("CAD");
  EXPECT_EQ(FormatMoney(money, Lang::kFr), "1 500,00 $");
  EXPECT_EQ(FormatMoney(money, Lang::kEn), "1,500.00 CAD");
  money.set_currency_code("EUR");
  EXPECT_EQ(FormatMoney(money, Lang::kFr), "1 500,00 EUR");
  EXPECT_EQ(FormatBps(4167, Lang::kFr), "41,7 %");
  EXPECT_EQ(FormatBps(4167, Lang::kEn), "41.67%");
}

TEST(CliLanguageTest, AScheduleReadsInFrench) {
  lending::v1::Schedule schedule;
  lending::v1::Instalment* first = schedule.add_instalments();
  first->set_number(1);
  first->mutable_due_date()->set_year(2026);
  first->mutable_due_date()->set_month(12);
  first->mutable_due_date()->set_day(28);
  first->mutable_principal()->set_minor_units(628691);
  first->mutable_interest()->set_minor_units(4191);
  first->mutable_total()->set_minor_units(632882);
  first->mutable_balance_after()->set_minor_units(0);
  schedule.mutable_regular_payment()->set_minor_units(632882);
  schedule.mutable_total_interest()->set_minor_units(4191);
  std::ostringstream fr, en;
  PrintSchedule(schedule, fr, Lang::kFr);
  PrintSchedule(schedule, en, Lang::kEn);
  EXPECT_EQ(fr.str(),
            "#       ÉCHÉANCE     CAPITAL      INTÉRÊTS   TOTAL        SOLDE APRÈS   PAYÉ     "
            "RÉGLÉE LE\n"
            "1       2026-12-28   6 286,91 $   41,91 $    6 328,82 $   0,00 $        0,00 $   -\n"
            "TOTAL                6 286,91 $   41,91 $    6 328,82 $                 0,00 $   \n"
            "versement régulier : 6 328,82 $ ; intérêts totaux : 41,91 $\n");
  EXPECT_THAT(en.str(), HasSubstr("1       2026-12-28   6,286.91    41.91      6,328.82"));
  EXPECT_THAT(en.str(), HasSubstr("regular payment: 6,328.82; total interest: 41.91\n"));
}

TEST(CliLanguageTest, ALoanReadsInFrench) {
  lending::v1::Loan loan;
  loan.set_name("loans/7");
  loan.mutable_amount()->set_minor_units(150000);
  loan.mutable_amount()->set_currency_code("CAD");
  loan.set_instalment_count(6);
  loan.set_frequency(lending::v1::REPAYMENT_FREQUENCY_MONTHLY);
  loan.set_annual_rate_bps(800);
  lending::v1::CircleVote* vote = loan.add_votes();
  vote->set_voter("people/3");
  vote->set_approve(true);
  lending::v1::Arrears* arrears = loan.mutable_arrears();
  arrears->set_days_past_due(12);
  arrears->set_bucket_label("1-30");
  arrears->mutable_amount_in_arrears()->set_minor_units(8543);
  arrears->mutable_amount_in_arrears()->set_currency_code("CAD");
  std::ostringstream fr, en;
  PrintLoan(loan, fr, Lang::kFr);
  PrintLoan(loan, en, Lang::kEn);
  EXPECT_THAT(fr.str(), StartsWith("CHAMP "));
  EXPECT_THAT(fr.str(), HasSubstr("\nmontant                 1 500,00 $\n"));
  EXPECT_THAT(fr.str(),
              HasSubstr("\nconditions              6 échéances (mensuel) à 8 % par an\n"));
  EXPECT_THAT(fr.str(), HasSubstr("\n  vote                  people/3: oui\n"));
  EXPECT_THAT(fr.str(), HasSubstr("12 jours de retard (1-30) au "));
  EXPECT_THAT(fr.str(), HasSubstr(" : 85,43 $ en arriérés depuis le "));
  EXPECT_THAT(en.str(), HasSubstr("\namount                  1,500.00 CAD\n"));
  EXPECT_THAT(en.str(),
              HasSubstr("\nterms                   6 monthly instalments at 8.00% a year\n"));
  EXPECT_THAT(en.str(), HasSubstr("12 days past due (1-30) as of "));
}

// Every value of every enum cerclesctl prints for a person (the list EnumWord
// itself reads) has its French word, and the English stays the code word the
// options accept.
TEST(CliLanguageTest, EveryPrintedEnumValueHasItsFrenchWord) {
  EXPECT_THAT(EnumValuesWithoutFrench(), IsEmpty());
  EXPECT_GE(PrintedEnums().size(), 31u);
  for (const PrintedEnum& printed : PrintedEnums()) {
    const auto* descriptor = printed.descriptor;
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const int number = descriptor->value(i)->number();
      if (number == 0) continue;
      EXPECT_EQ(EnumWord(Lang::kEn, descriptor, number),
                ShortEnumName(descriptor->value(i)->name(), printed.prefix));
    }
  }
  EXPECT_EQ(EnumWord(Lang::kFr, lending::v1::LOAN_STATE_WRITTEN_OFF), "radié");
  EXPECT_EQ(EnumWord(Lang::kEn, lending::v1::LOAN_STATE_WRITTEN_OFF), "written-off");
  EXPECT_EQ(EnumWord(Lang::kFr, membership::v1::PERSON_STATUS_ACTIVE), "active");
  EXPECT_EQ(EnumWord(Lang::kFr, lending::v1::LOAN_STATE_ACTIVE), "actif");
  EXPECT_EQ(EnumWord(Lang::kFr, lending::v1::LoanState_descriptor(), 999), "");
}

TEST(CliLanguageTest, ALoansStateReadsInFrenchAndItsCodeWordInJson) {
  lending::v1::Loan loan;
  loan.set_name("loans/7");
  loan.set_state(lending::v1::LOAN_STATE_ACTIVE);
  loan.set_guarantee_kind(lending::v1::GUARANTEE_KIND_CIRCLE_GUARANTEE);
  std::ostringstream fr, en;
  PrintLoan(loan, fr, Lang::kFr);
  PrintLoan(loan, en, Lang::kEn);
  EXPECT_THAT(fr.str(), ContainsRegex("\nétat +actif\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\ngarantie +garantie du cercle\n"));
  EXPECT_THAT(en.str(), ContainsRegex("\nstate +active\n"));
  EXPECT_THAT(en.str(), ContainsRegex("\nguarantee +circle-guarantee\n"));
  EXPECT_EQ(LoanStateName(lending::v1::LOAN_STATE_CLOSED_REPAID, Lang::kFr), "remboursé");
  EXPECT_THAT(ToJson(loan).value(), HasSubstr("\"state\":\"LOAN_STATE_ACTIVE\""));
}

TEST(CliLanguageTest, ABusinessOutcomeReadsInFrench) {
  membership::v1::BusinessOutcome outcome;
  outcome.set_stage(membership::v1::BUSINESS_STAGE_OPERATING);
  outcome.mutable_jobs_created()->set_full_time(2);
  outcome.set_revenue_band(membership::v1::REVENUE_BAND_10K_TO_50K);
  EXPECT_EQ(OutcomeText(outcome, Lang::kFr),
            "stade en activité, emplois créés 2 plein/0 partiel, revenus 10 k$ à 50 k$");
  EXPECT_EQ(OutcomeText(outcome, Lang::kEn),
            "stage operating, jobs created 2 full/0 part, revenue 10k-to-50k");
}

TEST(CliLanguageTest, APersonReadsInFrench) {
  membership::v1::Person person;
  person.set_name("people/7");
  person.set_status(membership::v1::PERSON_STATUS_ACTIVE);
  person.set_language(membership::v1::LANGUAGE_FR);
  person.mutable_consents()->set_reminders_by_email(true);
  std::ostringstream fr, en;
  PrintPerson(person, fr, Lang::kFr);
  PrintPerson(person, en, Lang::kEn);
  EXPECT_THAT(fr.str(), StartsWith("CHAMP "));
  EXPECT_THAT(fr.str(), ContainsRegex("\nstatut +active\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\nlangue +français\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\nrappels par courriel +oui\n"));
  EXPECT_THAT(en.str(), StartsWith("FIELD "));
  EXPECT_THAT(en.str(), ContainsRegex("\nlanguage +fr\n"));
  EXPECT_THAT(en.str(), ContainsRegex("\nreminders by email +yes\n"));
  EXPECT_EQ(Localize(Lang::kFr, "erased people/7"), "personne effacée : people/7");
}

lending::v1::GetCollectionSheetResponse ASheet() {
  lending::v1::GetCollectionSheetResponse sheet;
  sheet.set_circle("circles/3");
  sheet.mutable_meeting_date()->set_year(2026);
  sheet.mutable_meeting_date()->set_month(12);
  sheet.mutable_meeting_date()->set_day(8);
  sheet.add_members("people/1");
  sheet.add_members("people/2");
  lending::v1::CollectionSheetLine* line = sheet.add_lines();
  line->set_person("people/1");
  line->set_kind(lending::v1::COLLECTION_KIND_REPAYMENT);
  line->set_loan("loans/7");
  line->mutable_due()->set_minor_units(123456);
  line->mutable_in_arrears()->set_minor_units(2500);
  line->mutable_most()->set_minor_units(150000);
  line->mutable_next_due_date()->set_year(2026);
  line->mutable_next_due_date()->set_month(12);
  line->mutable_next_due_date()->set_day(22);
  line = sheet.add_lines();
  line->set_person("people/1");
  line->set_kind(lending::v1::COLLECTION_KIND_GUARANTOR_PAYMENT);
  line->set_loan("loans/9");
  line->mutable_due()->set_minor_units(1000);
  line->mutable_in_arrears()->set_minor_units(0);
  line->mutable_most()->set_minor_units(1000);
  sheet.mutable_total_due()->set_minor_units(124456);
  sheet.mutable_total_in_arrears()->set_minor_units(2500);
  return sheet;
}

// The treasurer's sheet reads in French (headers, kinds, fr-CA money); its CSV,
// which record-collections reads back, keeps the code words and amounts.
TEST(CliLanguageTest, ACollectionSheetReadsInFrenchAndItsCsvDoesNotChange) {
  const lending::v1::GetCollectionSheetResponse sheet = ASheet();
  std::ostringstream fr, en;
  PrintCollectionSheet(sheet, fr, Lang::kFr);
  PrintCollectionSheet(sheet, en, Lang::kEn);
  EXPECT_THAT(fr.str(), StartsWith("feuille de perception de circles/3 pour la rencontre du "
                                   "2026-12-08\nPERSONNE "));
  EXPECT_THAT(fr.str(), ContainsRegex("\nPERSONNE +TYPE +PRÊT +DÛ +ARRIÉRÉS +MAXIMUM +PROCHAINE "
                                      "ÉCHÉANCE +PAYÉ\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\npeople/1 +remboursement +loans/7 +1 234,56 \\$ +25,00 \\$ "
                                      "+1 500,00 \\$ +2026-12-22 +__________\n"));
  EXPECT_THAT(fr.str(),
              ContainsRegex("\npeople/1 +paiement de garant +loans/9 +10,00 \\$ +0,00 \\$ "
                            "+10,00 \\$ +- +__________\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\npeople/2 +- +- +- +- +- +- +-\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\nTOTAL +1 244,56 \\$ +25,00 \\$ +\n"));
  EXPECT_THAT(en.str(), StartsWith("collection sheet of circles/3 for the meeting of 2026-12-08\n"
                                   "PERSON "));
  EXPECT_THAT(en.str(),
              ContainsRegex("\npeople/1 +repayment +loans/7 +1,234.56 +25.00 +1,500.00 +2026-12-22 "
                            "+__________\n"));
  EXPECT_THAT(en.str(), ContainsRegex("\npeople/1 +guarantor-payment +loans/9 +10.00 "));
  EXPECT_EQ(CollectionSheetCsv(sheet),
            "circle,date,meeting,person,kind,loan,due,in_arrears,most,next_due,paid,reference\r\n"
            "circles/3,2026-12-08,,people/1,repayment,loans/7,\"1,234.56\",25.00,\"1,500.00\","
            "2026-12-22,,\r\n"
            "circles/3,2026-12-08,,people/1,guarantor-payment,loans/9,10.00,0.00,10.00,,,\r\n"
            "circles/3,2026-12-08,,people/2,,,,,,,,\r\n");
}

// The results of a filled sheet: French headers, words and summary line.
TEST(CliLanguageTest, RecordedCollectionsReadInFrench) {
  lending::v1::RecordCollectionsRequest request;
  lending::v1::CollectionLine* line = request.add_lines();
  line->set_person("people/1");
  line->set_kind(lending::v1::COLLECTION_KIND_REPAYMENT);
  line->set_loan("loans/7");
  line->mutable_amount()->set_minor_units(123456);
  line = request.add_lines();
  line->set_person("people/2");
  line->set_kind(lending::v1::COLLECTION_KIND_GUARANTOR_PAYMENT);
  line->set_loan("loans/9");
  line->mutable_amount()->set_minor_units(500);
  lending::v1::RecordCollectionsResponse response;
  response.set_circle("circles/3");
  *response.mutable_received_on() = ASheet().meeting_date();
  lending::v1::CollectionLineResult* result = response.add_results();
  result->set_index(0);
  result->set_outcome(lending::v1::COLLECTION_LINE_OUTCOME_APPLIED);
  result->set_journal_entry_id(42);
  result->mutable_remaining()->set_minor_units(0);
  result = response.add_results();
  result->set_index(1);
  result->set_outcome(lending::v1::COLLECTION_LINE_OUTCOME_REFUSED);
  result->set_refusal(lending::v1::COLLECTION_REFUSAL_NOT_FOUND);
  result->set_reason("loans/9 not found");
  response.set_applied_lines(1);
  response.mutable_applied_total()->set_minor_units(123456);
  response.mutable_applied_total()->set_currency_code("CAD");
  response.set_refused_lines(1);
  std::ostringstream fr, en;
  PrintCollections(response, request, {2, 3}, fr, Lang::kFr);
  PrintCollections(response, request, {2, 3}, en, Lang::kEn);
  EXPECT_THAT(fr.str(), StartsWith("perceptions de circles/3 le 2026-12-08\nLIGNE "));
  EXPECT_THAT(fr.str(), ContainsRegex("\nLIGNE +PERSONNE +TYPE +PRÊT +PAYÉ +RÉSULTAT +ÉCRITURE "
                                      "+RESTANT\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\n2 +people/1 +remboursement +loans/7 +1 234,56 \\$ "
                                      "+appliqué +42 +0,00 \\$\n"));
  EXPECT_THAT(fr.str(), ContainsRegex("\n3 +people/2 +paiement de garant +loans/9 +5,00 \\$ "
                                      "+refusé \\(introuvable\\) : loans/9 not found +- +-\n"));
  EXPECT_THAT(fr.str(), HasSubstr("\n1 appliquée(s) (1 234,56 $), 1 refusée(s)\n"));
  EXPECT_THAT(en.str(), ContainsRegex("\n3 +people/2 +guarantor-payment +loans/9 +5.00 "
                                      "+refused not-found: loans/9 not found +- +-\n"));
  EXPECT_THAT(en.str(), HasSubstr("\n1 applied (1,234.56 CAD), 1 refused\n"));
}

// The last English words: an access request's channel and state, a health
// answer, a loan without arrears; the code words stay in English and JSON.
TEST(CliLanguageTest, AccessRequestsHealthAndArrearsReadInFrench) {
  membership::v1::AccessRequest request;
  request.set_channel(membership::v1::ACCESS_REQUEST_CHANNEL_IN_PERSON);
  request.set_state(membership::v1::ACCESS_REQUEST_STATE_OPEN);
  request.set_overdue(true);
  EXPECT_EQ(AccessChannelName(request.channel(), Lang::kFr), "en personne");
  EXPECT_EQ(AccessChannelName(request.channel(), Lang::kEn), "in-person");
  EXPECT_EQ(AccessChannelName(membership::v1::ACCESS_REQUEST_CHANNEL_UNSPECIFIED, Lang::kFr), "-");
  EXPECT_EQ(AccessStateText(request, Lang::kFr), "en retard");
  EXPECT_EQ(AccessStateText(request, Lang::kEn), "overdue");
  request.set_overdue(false);
  EXPECT_EQ(AccessStateText(request, Lang::kFr), "ouverte");
  request.set_state(membership::v1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_EQ(AccessStateText(request, Lang::kFr), "traitée");
  EXPECT_EQ(AccessStateText(request, Lang::kEn), "done");
  EXPECT_EQ(ServingStatusName(ServingStatus::kServing, Lang::kFr), "EN SERVICE");
  EXPECT_EQ(ServingStatusName(ServingStatus::kNotServing, Lang::kFr), "HORS SERVICE");
  EXPECT_EQ(ServingStatusName(ServingStatus::kServing, Lang::kEn), "SERVING");
  EXPECT_EQ(ServingStatusName(ServingStatus::kServing), "SERVING");
  lending::v1::Loan loan;
  loan.set_name("loans/7");
  loan.mutable_arrears()->set_days_past_due(0);
  EXPECT_EQ(LoanListRow(loan, Lang::kFr)[6], "à jour");
  EXPECT_EQ(LoanListRow(loan, Lang::kEn)[6], "current");
}

}  // namespace
}  // namespace cercles::cerclesctl
