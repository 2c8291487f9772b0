// cerclesctl as a staff member lives with it, through the real binary against
// the real three services: a context set once with `config set-context`
// (addresses, CA, token file), then commands of every group without any
// address or certificate flag, each reaching its own service; an explicit
// --address still wins, and a command sent to a service that does not offer
// it says which service answered and where the right one is; --output yaml
// and json; a configuration file holding a token that others may read is
// refused; and a whole meeting's work in French, from the locale alone, and
// a network listing's headers and next-page line.
#include <sys/stat.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class ContextsCliTest : public SuiteTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = SuiteTest::SuiteOptions();
    options->with_redis = false;
    return options;
  }

  // The binary with only `args`: no address, CA or token flag; its
  // configuration under XDG_CONFIG_HOME=work_dir()/xdg, nothing from CERCLES_*.
  CtlResult Ctl(const std::vector<std::string>& args,
                const std::vector<std::string>& environment = {}) {
    std::vector<std::string> command = {"env",
                                        "-u",
                                        "CERCLES_ADDRESS",
                                        "-u",
                                        "CERCLES_CA",
                                        "-u",
                                        "CERCLES_TOKEN",
                                        "-u",
                                        "CERCLES_TOKEN_FILE",
                                        "-u",
                                        "CERCLES_CONFIG",
                                        "-u",
                                        "CERCLES_CONTEXT"};
    // env's options (-u NAME) come before its assignments.
    command.insert(command.end(), environment.begin(), environment.end());
    command.push_back(absl::StrCat("XDG_CONFIG_HOME=", work_dir(), "/xdg"));
    command.push_back(CerclesctlBinary());
    command.insert(command.end(), args.begin(), args.end());
    return RunCommand(command, work_dir());
  }

  // The same, as a staff member whose locale is French (LANG=fr_CA.UTF-8, no
  // --lang, CERCLES_LANG or LC_* saying otherwise).
  CtlResult CtlFr(const std::vector<std::string>& args) {
    std::vector<std::string> command = {
        "-u", "LC_ALL", "-u", "LC_MESSAGES", "-u", "CERCLES_LANG", "LANG=fr_CA.UTF-8"};
    return Ctl(args, command);
  }

  std::string ConfigFile() { return absl::StrCat(work_dir(), "/xdg/cercles/config"); }

  // `config set-context fonds` with the suite's three addresses, the test CA
  // and the admin's token in a file.
  void SetContext() {
    const std::string token = absl::StrCat(work_dir(), "/token");
    std::ofstream(token) << TestCredentials().admin_token << '\n';
    CtlResult set =
        Ctl({"config", "set-context", "fonds", "--membership", suite_->Address("membership"),
             "--lending", suite_->Address("lending"), "--network", suite_->Address("network"),
             "--ca", TestCredentials().ca, "--token-file", token});
    ASSERT_EQ(set.code, 0) << set.err;
    EXPECT_THAT(set.out, HasSubstr("created context \"fonds\""));
  }
};

mode_t Mode(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

TEST_F(ContextsCliTest, AContextSetOnceServesEveryGroup) {
  ASSERT_NO_FATAL_FAILURE(SetContext());
  EXPECT_EQ(Mode(ConfigFile()), 0600u);
  EXPECT_EQ(Ctl({"config", "current-context"}).out, "fonds\n");

  CtlResult circles = Ctl({"circles", "list"});
  EXPECT_EQ(circles.code, 0) << circles.err;
  CtlResult created = Ctl({"people", "create", "--given-name", "Émilie", "--family-name",
                           "Tremblay", "--language", "fr"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("people/1"));
  CtlResult loans = Ctl({"lending", "loans", "list"});
  EXPECT_EQ(loans.code, 0) << loans.err;
  CtlResult settings = Ctl({"lending", "settings", "get"});
  EXPECT_EQ(settings.code, 0) << settings.err;
  EXPECT_THAT(settings.out, StartsWith("SETTING "));
  CtlResult partners = Ctl({"network", "partners", "list"});
  EXPECT_EQ(partners.code, 0) << partners.err;

  // The groups that came last to French (network, lending's settings): the
  // same listing in both languages, its headers and its next-page line.
  for (const char* name : {"SAJE Montréal", "CDEC Rosemont"}) {
    CtlResult partner = Ctl({"network", "partners", "create", "--name", name, "--kind", "saje",
                             "--territory", "Rosemont", "--service", "plan d'affaires"});
    ASSERT_EQ(partner.code, 0) << partner.err;
  }
  CtlResult page = Ctl({"network", "partners", "list", "--page-size", "1"});
  ASSERT_EQ(page.code, 0) << page.err;
  EXPECT_THAT(page.out, StartsWith("NAME         DISPLAY NAME    KIND   STATUS   TERRITORY"));
  EXPECT_THAT(page.out, HasSubstr("\nnext page: "));
  CtlResult page_fr = CtlFr({"network", "partners", "list", "--page-size", "1"});
  ASSERT_EQ(page_fr.code, 0) << page_fr.err;
  EXPECT_THAT(page_fr.out, StartsWith("NOM          NOM AFFICHÉ     TYPE   STATUT   TERRITOIRE"));
  EXPECT_THAT(page_fr.out, HasSubstr("\npage suivante : "));
  EXPECT_THAT(page_fr.out, Not(HasSubstr("next page")));
  CtlResult settings_fr = CtlFr({"lending", "settings", "get"});
  ASSERT_EQ(settings_fr.code, 0) << settings_fr.err;
  EXPECT_THAT(settings_fr.out, StartsWith("RÉGLAGE "));
  EXPECT_THAT(settings_fr.out, HasSubstr("\nseuil de garantie "));
  EXPECT_THAT(settings_fr.out, HasSubstr(",00 $\n"));

  // --output json and yaml: the same data.
  CtlResult json = Ctl({"--output", "json", "people", "get", "people/1"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_THAT(json.out, AllOf(StartsWith("{"), HasSubstr("\"givenName\":\"Émilie\"")));
  CtlResult yaml = Ctl({"--output", "yaml", "people", "get", "people/1"});
  ASSERT_EQ(yaml.code, 0) << yaml.err;
  EXPECT_THAT(yaml.out, HasSubstr("givenName: \"Émilie\"\n"));
  EXPECT_THAT(yaml.out, HasSubstr("familyName: \"Tremblay\"\n"));
  EXPECT_THAT(yaml.out, Not(HasSubstr("{\"")));
}

TEST_F(ContextsCliTest, AnExplicitAddressWinsAndTheWrongServiceIsNamed) {
  ASSERT_NO_FATAL_FAILURE(SetContext());
  const std::string membership = suite_->Address("membership");
  const std::string lending = suite_->Address("lending");
  CtlResult wrong = Ctl({"--address", membership, "lending", "loans", "list"});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_THAT(wrong.err,
              HasSubstr(absl::StrCat("cerclesctl: UNIMPLEMENTED: \"lending loans list\" is a "
                                     "lending command and the server at ",
                                     membership,
                                     " (membership in context \"fonds\") does not "
                                     "offer it: lending is at ",
                                     lending, " in context \"fonds\"")));
  // The right explicit address works.
  CtlResult right = Ctl({"--address", lending, "lending", "loans", "list"});
  EXPECT_EQ(right.code, 0) << right.err;
}

TEST_F(ContextsCliTest, WithoutAContextTheErrorSaysHowToSetOne) {
  CtlResult none = Ctl({"lending", "loans", "list"});
  EXPECT_EQ(none.code, 2);
  EXPECT_THAT(none.err, HasSubstr("no address of lending: pass --address HOST:PORT, or set it "
                                  "in a context (cerclesctl config set-context NAME --lending"));
}

TEST_F(ContextsCliTest, AReadableFileHoldingATokenIsRefused) {
  CtlResult set =
      Ctl({"config", "set-context", "fonds", "--membership", suite_->Address("membership"), "--ca",
           TestCredentials().ca, "--token", TestCredentials().admin_token});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(Mode(ConfigFile()), 0600u);
  EXPECT_EQ(Ctl({"circles", "list"}).code, 0);
  ASSERT_EQ(chmod(ConfigFile().c_str(), 0644), 0);
  CtlResult refused = Ctl({"circles", "list"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, AllOf(HasSubstr("holds a token and its group or others may read it"),
                                 HasSubstr("chmod 600")));
}

// The "done when": a context set once, then a meeting's work in French
// (help, tables with fr-CA amounts and rates, errors) without any address or
// certificate flag.
TEST_F(ContextsCliTest, AStaffMemberRunsAMeetingsWorkInFrench) {
  ASSERT_NO_FATAL_FAILURE(SetContext());
  CtlResult help = CtlFr({"help", "meetings"});
  EXPECT_EQ(help.code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("utilisation : cerclesctl meetings COMMANDE [options]"));
  EXPECT_THAT(help.out, HasSubstr("  cerclesctl meetings attendance [--from YYYY-MM-DD] [--to "
                                  "YYYY-MM-DD] circles/ID\n      Taux de présence d'un cercle"));

  // A training's graduates form a circle.
  ASSERT_EQ(CtlFr({"trainings", "create", "--display-name", "Démarrer son entreprise",
                   "--start-date", "2024-09-03", "--end-date", "2024-10-29"})
                .code,
            0);
  for (const char* name : {"Émilie", "Karine", "Nadia", "Sophie"}) {
    CtlResult person = CtlFr({"people", "create", "--given-name", name, "--family-name", "Tremblay",
                              "--language", "fr"});
    ASSERT_EQ(person.code, 0) << person.err;
  }
  ASSERT_EQ(CtlFr({"circles", "create", "--display-name", "Les Entreprenantes"}).code, 0);
  for (const char* person : {"people/1", "people/2", "people/3", "people/4"}) {
    ASSERT_EQ(CtlFr({"trainings", "enrol", "trainings/1", person}).code, 0);
    ASSERT_EQ(CtlFr({"trainings", "complete", "trainings/1", person, "--date", "2024-10-29"}).code,
              0);
    CtlResult added = CtlFr({"circles", "add-member", "circles/1", person});
    ASSERT_EQ(added.code, 0) << added.err;
  }
  CtlResult active = CtlFr({"circles", "activate", "circles/1"});
  ASSERT_EQ(active.code, 0) << active.err;

  // Today's meeting (the members joined today): attendance and a follow-up; a forgotten
  // --attendance is told in French.
  CtlResult forgot = CtlFr({"meetings", "record", "circles/1"});
  EXPECT_EQ(forgot.code, 2);
  EXPECT_THAT(forgot.err, StartsWith("cerclesctl: --attendance est obligatoire : PERSON=STATUS "
                                     "pour chaque membre du cercle ce jour-là\nutilisation : "));
  CtlResult meeting = CtlFr({"meetings", "record", "circles/1", "--attendance",
                             "1=present,2=late,3=excused,4=absent", "--follow-up",
                             "2:premier contrat de traiteur"});
  ASSERT_EQ(meeting.code, 0) << meeting.err;
  CtlResult attendance = CtlFr({"meetings", "attendance", "circles/1"});
  ASSERT_EQ(attendance.code, 0) << attendance.err;
  EXPECT_THAT(attendance.out, StartsWith("PERSONNE "));
  EXPECT_THAT(attendance.out, HasSubstr("PRÉSENCE   ATTENDUES   PRÉSENTS   EN RETARD"));
  EXPECT_THAT(attendance.out, HasSubstr("\npeople/1                  100 %      1           1"));
  EXPECT_THAT(attendance.out, HasSubstr("\ncircles/1 (1 rencontre)   50 %       4           1"));

  // A loan's schedule, typed and read as fr-CA writes amounts.
  CtlResult schedule =
      CtlFr({"lending", "loans", "preview-schedule", "--amount", "6 286,91 $", "--rate", "8",
             "--instalments", "6", "--frequency", "monthly", "--first-due-date", "2027-01-31"});
  ASSERT_EQ(schedule.code, 0) << schedule.err;
  EXPECT_THAT(schedule.out, StartsWith("#       ÉCHÉANCE     CAPITAL"));
  EXPECT_THAT(schedule.out, HasSubstr("TOTAL                6 286,91 $"));
  EXPECT_THAT(schedule.out, HasSubstr("intérêts totaux : "));
  // --output json is the API's data, in every language.
  CtlResult json = CtlFr({"--output", "json", "lending", "loans", "preview-schedule", "--amount",
                          "6 286,91", "--rate", "8", "--instalments", "6", "--frequency", "monthly",
                          "--first-due-date", "2027-01-31"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_THAT(json.out,
              AllOf(StartsWith("{"), HasSubstr("\"instalments\":[{"), Not(HasSubstr("$"))));

  // The server's refusal and cerclesctl's own message, both French.
  CtlResult missing = CtlFr({"circles", "get", "circles/99"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err,
              HasSubstr("cerclesctl: NOT_FOUND: le cercle « circles/99 » n'existe pas"));
  CtlResult amount = CtlFr({"lending", "loans", "repay", "loans/1", "--amount", "beaucoup"});
  EXPECT_EQ(amount.code, 2);
  EXPECT_THAT(amount.err, StartsWith("cerclesctl: --amount doit être un montant en dollars"));
}

}  // namespace
}  // namespace cercles::testing
