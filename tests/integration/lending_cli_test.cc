// cerclesctl's lending verbs against the real processes (membership is set up
// through its API; everything about loans goes through the real cerclesctl
// binary): settings, a loan from request to write-off with its schedule,
// repayments, a reversal and a guarantee call, the other decisions (withdraw,
// circle rejection, fund rejection), listings, the journal and the trial
// balance. Checks what each verb prints and its exit code.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// A FIELD/VALUE row as PrintLoan lays it out (labels padded to the longest,
// "outstanding principal").
std::string Field(const std::string& label, const std::string& value) {
  return absl::StrCat("\n", label, std::string(21 - label.size() + 3, ' '), value, "\n");
}

// The fixture's fund with one of Bob's circles: five trained members.
class LendingCliTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    circle_ = Circle("Les-Audacieuses", 5, &members_);
  }

  CtlResult Admin(const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, "lending", TestCredentials().admin_token, args, work_dir());
  }
  CtlResult Bob(const std::vector<std::string>& args) {
    return RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token, args, work_dir());
  }

  // Submits a request of member `i` through Bob; returns the loan's name.
  std::string Submit(int i, const std::string& amount) {
    CtlResult r = Bob({"lending", "loans", "submit", "--circle", circle_, "--applicant",
                       members_[i], "--amount", amount, "--rate", "6%", "--instalments", "6",
                       "--frequency", "monthly", "--purpose", "Un four à pain", "--plan-summary",
                       "Boulangerie de quartier, 40 clients par jour"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(Field("state", "submitted")));
    const size_t at = r.out.find("loans/");
    return at == std::string::npos ? "" : r.out.substr(at, r.out.find('\n', at) - at);
  }

  void Vote(const std::string& loan, int voter, const std::string& yes_no,
            const std::string& expected_state) {
    CtlResult r = Bob(
        {"lending", "loans", "vote", loan, members_[voter], yes_no, "--comment", "Vu en réunion"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(Field("state", expected_state)));
  }

  std::string circle_;
  std::vector<std::string> members_;
};

TEST_P(LendingCliTest, SettingsGetUpdateAndChanges) {
  CtlResult got = Bob({"lending", "settings", "get"});
  ASSERT_EQ(got.code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("guarantee threshold "));
  EXPECT_THAT(got.out, HasSubstr("2,000.00\n"));
  EXPECT_THAT(got.out, HasSubstr("500.00 -> 1,000.00 -> 2,000.00 -> 5,000.00\n"));
  EXPECT_THAT(got.out, HasSubstr("more than 1/2\n"));
  EXPECT_THAT(got.out, HasSubstr("1-30, 31-60, 61-90, 90+\n"));

  CtlResult denied =
      Bob({"lending", "settings", "update", "--write-off-days", "200", "--reason", "x"});
  EXPECT_EQ(denied.code, 1);
  EXPECT_THAT(denied.err, HasSubstr("cerclesctl: PERMISSION_DENIED: "));
  CtlResult usage = Admin({"lending", "settings", "update", "--reason", "rien"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_THAT(usage.err, HasSubstr("nothing to change"));
  CtlResult bad = Admin({"lending", "settings", "update", "--quorum", "half", "--reason", "x"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--quorum must be"));

  CtlResult updated = Admin({"lending", "settings", "update", "--guarantee-call-days", "45",
                             "--approval", ">=2/3", "--monthly-terms", "3-36", "--max-rate", "8.5",
                             "--reason", "Décision du conseil du 3 mars"});
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_THAT(updated.out, HasSubstr("at least 2/3\n"));
  EXPECT_THAT(updated.out, HasSubstr("0.00% to 8.50%\n"));
  EXPECT_THAT(updated.out, HasSubstr("changed: "));
  EXPECT_THAT(updated.out, HasSubstr("guarantee_call_days_past_due: 60 -> 45"));

  // The rules of prepayments, loans per person and guarantors, by name.
  EXPECT_THAT(got.out, HasSubstr("pay-next-instalments\n"));
  EXPECT_THAT(got.out, HasSubstr("whole-circle\n"));
  CtlResult rules = Admin({"lending", "settings", "update", "--prepayment-rule", "reduce-principal",
                           "--max-active-loans", "2", "--circle-guarantors", "except-no-voters",
                           "--reason", "Règles de l'assemblée"});
  ASSERT_EQ(rules.code, 0) << rules.err;
  EXPECT_THAT(rules.out, HasSubstr("prepayment_rule: PAY_NEXT_INSTALMENTS -> REDUCE_PRINCIPAL"));
  EXPECT_THAT(rules.out, HasSubstr("max_active_loans_per_person: 1 -> 2"));
  EXPECT_THAT(rules.out, HasSubstr("circle_guarantors: WHOLE_CIRCLE -> EXCEPT_NO_VOTERS"));
  CtlResult too_many =
      Admin({"lending", "settings", "update", "--max-active-loans", "11", "--reason", "essai"});
  EXPECT_EQ(too_many.code, 1);
  EXPECT_THAT(too_many.err, HasSubstr("settings.max_active_loans_per_person must lie in 1..10"));

  // Grace periods and the arrears tolerance.
  CtlResult grace = Admin({"lending", "settings", "update", "--default-grace-on-principal", "2",
                           "--default-grace-on-interest", "1", "--arrears-tolerance", "5.00",
                           "--reason", "Démarrage des entreprises"});
  ASSERT_EQ(grace.code, 0) << grace.err;
  EXPECT_THAT(grace.out, HasSubstr("default_grace_on_principal_instalments: 0 -> 2"));
  EXPECT_THAT(grace.out, HasSubstr("default_grace_on_interest_instalments: 0 -> 1"));
  EXPECT_THAT(grace.out, HasSubstr("arrears_tolerance_minor_units: 0 -> 500"));
  EXPECT_THAT(grace.out, HasSubstr("5.00\n"));
  CtlResult long_grace = Admin(
      {"lending", "settings", "update", "--default-grace-on-interest", "53", "--reason", "essai"});
  EXPECT_EQ(long_grace.code, 1);
  EXPECT_THAT(long_grace.err,
              HasSubstr("settings.default_grace_on_interest_instalments must lie in 0..52"));
  // A request takes the fund's grace unless it sets its own.
  auto check_request = [&](std::vector<std::string> grace_flags) {
    std::vector<std::string> args = {"lending",
                                     "loans",
                                     "submit",
                                     "--circle",
                                     circle_,
                                     "--applicant",
                                     members_[0],
                                     "--amount",
                                     "500",
                                     "--rate",
                                     "6%",
                                     "--instalments",
                                     "6",
                                     "--frequency",
                                     "monthly",
                                     "--purpose",
                                     "Un four à pain",
                                     "--plan-summary",
                                     "Boulangerie",
                                     "--validate-only"};
    args.insert(args.end(), grace_flags.begin(), grace_flags.end());
    return Bob(args);
  };
  CtlResult defaults = check_request({});
  ASSERT_EQ(defaults.code, 0) << defaults.err;
  EXPECT_THAT(defaults.out,
              HasSubstr(Field("grace", "2 on principal, 1 on interest (instalments)")));
  CtlResult own = check_request({"--grace-on-principal", "1"});
  ASSERT_EQ(own.code, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr(Field("grace", "1 on principal, 1 on interest (instalments)")));
  CtlResult whole_term = check_request({"--grace-on-principal", "6"});
  EXPECT_EQ(whole_term.code, 1);
  EXPECT_THAT(whole_term.err, HasSubstr("grace_on_principal_instalments must lie in 0..5"));

  CtlResult changes = Bob({"lending", "settings", "changes"});
  ASSERT_EQ(changes.code, 0) << changes.err;
  EXPECT_THAT(changes.out, HasSubstr("staff:alice   Décision du conseil du 3 mars"));
}

TEST_P(LendingCliTest, ALoanFromRequestToWriteOff) {
  ASSERT_EQ(Admin({"lending", "capital", "contribute", "--amount", "10000", "--contributor",
                   "Fondation", "--date", "2024-12-01"})
                .code,
            0);
  CtlResult preview =
      Bob({"lending", "loans", "preview-schedule", "--amount", "500", "--rate", "6",
           "--instalments", "6", "--frequency", "monthly", "--first-due-date", "2025-02-02"});
  ASSERT_EQ(preview.code, 0) << preview.err;
  EXPECT_THAT(preview.out, HasSubstr("\n6       2025-07-02   "));
  EXPECT_THAT(preview.out, HasSubstr("\nTOTAL                500.00 "));
  EXPECT_THAT(preview.out, HasSubstr("regular payment: 84.80 CAD"));

  // Four requests at once, decided four ways.
  const std::string loan = Submit(0, "500");
  const std::string withdrawn = Submit(1, "300.00");
  const std::string circle_rejected = Submit(2, "$300");
  const std::string rejected = Submit(3, "250");
  ASSERT_EQ(loan, "loans/1");

  CtlResult r = Bob({"lending", "loans", "withdraw", withdrawn, "--reason", "Projet reporté"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "withdrawn")));
  EXPECT_THAT(r.out, HasSubstr(Field("reason", "Projet reporté")));

  Vote(circle_rejected, 0, "no", "submitted");
  r = Bob({"lending", "loans", "close-vote", circle_rejected});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "circle-rejected")));

  for (int voter : {0, 1, 2})
    Vote(rejected, voter, "yes", voter == 2 ? "circle-approved" : "submitted");
  r = Admin({"lending", "loans", "reject", rejected, "--reason", "Marché trop étroit"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "rejected")));

  Vote(loan, 1, "yes", "submitted");
  Vote(loan, 2, "oui", "submitted");
  Vote(loan, 3, "yes", "circle-approved");
  r = Bob({"lending", "loans", "vote", loan, members_[0], "yes"});
  EXPECT_EQ(r.code, 1);  // the applicant does not vote (and the vote is closed)
  r = Bob({"lending", "loans", "approve", loan});
  EXPECT_EQ(r.code, 1);  // maker-checker: Bob submitted it
  EXPECT_THAT(r.err, HasSubstr("cerclesctl: PERMISSION_DENIED: "));
  r = Admin({"lending", "loans", "approve", loan, "--note", "Dossier complet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "approved")));
  EXPECT_THAT(r.out, HasSubstr(Field("guarantee", "circle-guarantee")));

  r = Admin({"lending", "loans", "disburse", loan, "--date", "2025-01-02", "--first-due-date",
             "2025-02-02", "--request-id", "disburse-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "active")));
  EXPECT_THAT(r.out, HasSubstr("\nTOTAL                500.00 "));
  r = Admin({"lending", "loans", "disburse", loan, "--date", "2025-01-02", "--first-due-date",
             "2025-02-02", "--request-id", "disburse-1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("request id disburse-1 was already done"));

  // A reschedule: Bob asks, may not decide himself, the admin rejects it (the loan is
  // unchanged).
  const std::string first_due = absl::FormatCivilTime(FundToday() + 10);
  r = Bob({"lending", "loans", "reschedule", "request", loan, "--instalments", "6", "--frequency",
           "monthly", "--first-due-date", first_due, "--reason", "Saison creuse"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string reschedule = absl::StrCat(loan, "/reschedules/1");
  EXPECT_THAT(r.out, HasSubstr(reschedule));
  EXPECT_THAT(r.out, HasSubstr("pending"));
  r = Bob({"lending", "loans", "reschedule", "approve", reschedule});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cerclesctl: PERMISSION_DENIED: "));
  r = Admin({"lending", "loans", "reschedule", "reject", reschedule, "--reason",
             "Attendre la rencontre du cercle"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rejected"));
  r = Bob({"lending", "loans", "reschedule", "list", loan});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rejected"));

  r = Bob({"lending", "loans", "repay", loan, "--amount", "90", "--received-on", "2025-02-02",
           "--reference", "virement 1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(loan, "/repayments/1   2025-02-02   90.00    ")));
  r = Bob({"lending", "loans", "repay", loan, "--amount", "9999"});
  EXPECT_EQ(r.code, 1);  // more than is owed
  EXPECT_THAT(r.err, HasSubstr("cerclesctl: FAILED_PRECONDITION: "));
  r = Admin({"lending", "loans", "reverse", absl::StrCat(loan, "/repayments/1"), "--reason",
             "Chèque sans provision"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Chèque sans provision"));
  r = Bob({"lending", "loans", "repayments", loan});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("virement 1   "));
  EXPECT_THAT(r.out, HasSubstr("yes (entry "));

  // 119 days past due on June 1, 2025: the guarantee is called (from 60 days by
  // default), the principal shared among the four guarantors.
  r = Bob({"lending", "loans", "get", loan, "--as-of", "2025-06-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("119 days past due (90+)"));
  r = Admin({"lending", "guarantee", "call", loan, "--date", "2025-06-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("guarantee of ", loan,
                                            " called on 2025-06-01 at 119 "
                                            "days past due: 500.00 CAD")));
  EXPECT_THAT(r.out, ContainsRegex(members_[1] + " +125.00 +0.00 +125.00"));
  r = Bob({"lending", "guarantee", "pay", loan, members_[1], "--amount", "50", "--received-on",
           "2025-06-10"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ContainsRegex(members_[1] + " +125.00 +50.00 +75.00"));

  r = Admin({"lending", "loans", "write-off", loan, "--reason", "Entreprise fermée", "--date",
             "2025-07-01"});
  EXPECT_EQ(r.code, 1);  // 150 days: not yet
  EXPECT_THAT(r.err, HasSubstr("180 days past due"));
  r = Admin({"lending", "loans", "write-off", loan, "--reason", "Entreprise fermée", "--date",
             "2025-08-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(Field("state", "written-off")));

  // --status, and --state (its old spelling) as an alias: the same filter.
  for (const char* option : {"--status", "--state"}) {
    CtlResult list = Bob({"lending", "loans", "list", option, "withdrawn", option, "rejected"});
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_THAT(list.out, HasSubstr(withdrawn + "   ")) << option;
    EXPECT_THAT(list.out, HasSubstr(rejected + "   ")) << option;
    EXPECT_THAT(list.out, Not(HasSubstr(loan + "   "))) << option;
  }
  CtlResult all =
      Bob({"--output", "json", "lending", "loans", "list", "--all", "--page-size", "1"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("\"name\":\"loans/4\""));
  EXPECT_THAT(all.out, HasSubstr("\"nextPageToken\":\"\"}"));

  CtlResult journal = Bob({"lending", "journal", "--loan", "1"});
  ASSERT_EQ(journal.code, 0) << journal.err;
  for (const char* kind : {"DISBURSEMENT", "REPAYMENT ", "REPAYMENT_REVERSAL", "GUARANTEE_CALL",
                           "GUARANTEE_PAYMENT"}) {
    EXPECT_THAT(journal.out, HasSubstr(kind));
  }
  CtlResult balance = Bob({"lending", "trial-balance"});
  EXPECT_EQ(balance.code, 0) << balance.err;
  EXPECT_THAT(balance.out, HasSubstr("\nBALANCED\n"));
  CtlResult portfolio = Bob({"lending", "portfolio", "--as-of", "2025-08-01"});
  EXPECT_EQ(portfolio.code, 0) << portfolio.err;
  EXPECT_THAT(portfolio.out, HasSubstr("\nfund   "));
}

INSTANTIATE_TEST_SUITE_P(Engines, LendingCliTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
