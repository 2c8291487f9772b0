// cerclesctl's lending values (amounts, rates, enum names as typed; money and
// percentages as printed) and, against an in-process fake lending server, what
// the verbs send and how they print what only a fake can produce (a trial
// balance that does not balance). The real server is exercised by
// tests/integration/lending_cli_test.cc. (Suites start with "cerclesctl".)

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/tools/cli_runner.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/lending_args.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(cerclesctlLendingValues, Amounts) {
  EXPECT_EQ(ParseAmount("1500").value_or(-1), 150000);
  EXPECT_EQ(ParseAmount("1500.5").value_or(-1), 150050);
  EXPECT_EQ(ParseAmount(" 1,500.05 ").value_or(-1), 150005);
  EXPECT_EQ(ParseAmount("$0.07").value_or(-1), 7);
  // fr-CA, as a French Excel sheet writes them: a decimal comma, spaces between thousands.
  EXPECT_EQ(ParseAmount("12,50").value_or(-1), 1250);
  EXPECT_EQ(ParseAmount("12,5").value_or(-1), 1250);
  EXPECT_EQ(ParseAmount("1 500,05 $").value_or(-1), 150005);
  EXPECT_EQ(ParseAmount("1\xC2\xA0"
                        "500,05\xC2\xA0$")
                .value_or(-1),
            150005);
  EXPECT_EQ(ParseAmount("6\xE2\x80\xAF"
                        "286,91 $")
                .value_or(-1),
            628691);
  EXPECT_EQ(ParseAmount("1,500").value_or(-1), 150000);  // a comma before three digits groups
  EXPECT_EQ(ParseAmount("1,234,567.89").value_or(-1), 123456789);
  for (const char* bad : {"", "-5", "1.234", "1.", ".5", "12a", "1e3", "99999999999999", "12,5,0",
                          "15 00", "1,50.00", ",50", "1 ,500", "1,2345", "12,50.1"}) {
    absl::StatusOr<int64_t> cents = ParseAmount(bad);
    EXPECT_THAT(cents, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(cents.status().message(), HasSubstr("up to two decimals")) << bad;
  }
  EXPECT_EQ(FormatCents(0), "0.00");
  EXPECT_EQ(FormatCents(7), "0.07");
  EXPECT_EQ(FormatCents(123456789), "1,234,567.89");
  EXPECT_EQ(FormatCents(-1234), "-12.34");
  EXPECT_EQ(FormatCents(std::numeric_limits<int64_t>::min()), "-92,233,720,368,547,758.08");
  common::v1::Money money;
  money.set_minor_units(250000);
  EXPECT_EQ(FormatMoney(money), "2,500.00");
  money.set_currency_code("CAD");
  EXPECT_EQ(FormatMoney(money), "2,500.00 CAD");
}

TEST(cerclesctlLendingValues, RatesAndEnums) {
  EXPECT_EQ(ParsePercent("8").value_or(-1), 800);
  EXPECT_EQ(ParsePercent("7.5%").value_or(-1), 750);
  EXPECT_EQ(ParsePercent("0.25").value_or(-1), 25);
  EXPECT_THAT(ParsePercent("8.125"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePercent("-1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePercent("1000"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FormatBps(4167), "41.67%");
  EXPECT_EQ(FormatBps(10000), "100.00%");
  EXPECT_EQ(FormatBps(5), "0.05%");

  EXPECT_EQ(
      ParseEnumName("every-two-weeks", lv1::RepaymentFrequency_descriptor(), "REPAYMENT_FREQUENCY_")
          .value_or(-1),
      lv1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS);
  EXPECT_EQ(ParseEnumName("Closed_Repaid", lv1::LoanState_descriptor(), "LOAN_STATE_").value_or(-1),
            lv1::LOAN_STATE_CLOSED_REPAID);
  absl::StatusOr<int> bad =
      ParseEnumName("daily", lv1::RepaymentFrequency_descriptor(), "REPAYMENT_FREQUENCY_");
  EXPECT_EQ(bad.status().message(), "must be one of weekly|every-two-weeks|monthly, not \"daily\"");
  EXPECT_EQ(LoanStateName(lv1::LOAN_STATE_CIRCLE_APPROVED, Lang::kEn), "circle-approved");
  EXPECT_EQ(GuaranteeKindName(lv1::GUARANTEE_KIND_UNSPECIFIED, Lang::kEn), "-");
  EXPECT_EQ(LoanResourceName("12"), "loans/12");
  EXPECT_EQ(LoanResourceName("loans/12/repayments/3"), "loans/12/repayments/3");
  EXPECT_EQ(BankReferralResourceName("4"), "bankReferrals/4");
  EXPECT_EQ(SubsidyResourceName("4"), "subsidyApplications/4");
}

TEST(cerclesctlLendingValues, ScheduleHasATotalsRow) {
  lv1::Schedule schedule;
  for (int i = 1; i <= 2; ++i) {
    lv1::Instalment* instalment = schedule.add_instalments();
    instalment->set_number(i);
    instalment->mutable_due_date()->set_year(2025);
    instalment->mutable_due_date()->set_month(i);
    instalment->mutable_due_date()->set_day(15);
    instalment->mutable_principal()->set_minor_units(i == 1 ? 5000 : 5001);
    instalment->mutable_interest()->set_minor_units(i == 1 ? 100 : 50);
    instalment->mutable_total()->set_minor_units(i == 1 ? 5100 : 5051);
    instalment->mutable_balance_after()->set_minor_units(i == 1 ? 5001 : 0);
  }
  schedule.mutable_regular_payment()->set_minor_units(5100);
  schedule.mutable_regular_payment()->set_currency_code("CAD");
  schedule.mutable_total_interest()->set_minor_units(150);
  schedule.mutable_total_interest()->set_currency_code("CAD");
  std::ostringstream out;
  PrintSchedule(schedule, out);
  EXPECT_EQ(out.str(),
            "#       DUE          PRINCIPAL   INTEREST   TOTAL    BALANCE AFTER   PAID   CLEARED\n"
            "1       2025-01-15   50.00       1.00       51.00    50.01           0.00   -\n"
            "2       2025-02-15   50.01       0.50       50.51    0.00            0.00   -\n"
            "TOTAL                100.01      1.50       101.51                   0.00   \n"
            "regular payment: 51.00 CAD; total interest: 1.50 CAD\n");
}

// A lending server that records the last request and answers with a trial
// balance that does not balance.
class FakeLending final : public lv1::LendingService::Service {
 public:
  grpc::Status SubmitLoanRequest(grpc::ServerContext*, const lv1::SubmitLoanRequestRequest* request,
                                 lv1::SubmitLoanRequestResponse* response) override {
    Record(*request);
    *response->mutable_loan() = request->loan();
    response->mutable_loan()->set_name("loans/9");
    response->mutable_loan()->set_state(lv1::LOAN_STATE_SUBMITTED);
    return grpc::Status::OK;
  }
  grpc::Status GetTrialBalance(grpc::ServerContext*, const lv1::GetTrialBalanceRequest* request,
                               lv1::GetTrialBalanceResponse* response) override {
    Record(*request);
    response->mutable_as_of()->set_year(2025);
    response->mutable_as_of()->set_month(6);
    response->mutable_as_of()->set_day(30);
    response->set_currency("CAD");
    lv1::AccountBalance* cash = response->add_accounts();
    cash->set_account("1000");
    cash->set_account_name("CASH");
    cash->set_account_type("ASSET");
    cash->set_debit_minor_units(1000);
    cash->set_balance_minor_units(1000);
    response->set_total_debit_minor_units(1000);
    response->set_total_credit_minor_units(990);
    response->set_balanced(false);
    return grpc::Status::OK;
  }
  grpc::Status GetFundSettings(grpc::ServerContext*, const lv1::GetFundSettingsRequest* request,
                               lv1::GetFundSettingsResponse* response) override {
    Record(*request);
    response->mutable_settings()->set_currency("CAD");
    response->mutable_settings()->set_max_active_loans_per_person(1);
    // The threshold as a Money only (the amounts below in the deprecated int64
    // shape only): cerclesctl reads either.
    response->mutable_settings()->mutable_guarantee_threshold()->set_currency_code("CAD");
    response->mutable_settings()->mutable_guarantee_threshold()->set_minor_units(200000);
    return grpc::Status::OK;
  }
  grpc::Status UpdateFundSettings(grpc::ServerContext*,
                                  const lv1::UpdateFundSettingsRequest* request,
                                  lv1::UpdateFundSettingsResponse* response) override {
    Record(*request);
    *response->mutable_settings() = request->settings();
    return grpc::Status::OK;
  }
  grpc::Status GetCollectionSheet(grpc::ServerContext*,
                                  const lv1::GetCollectionSheetRequest* request,
                                  lv1::GetCollectionSheetResponse* response) override {
    Record(*request);
    response->set_circle(request->circle());
    response->mutable_meeting_date()->set_year(2026);
    response->mutable_meeting_date()->set_month(3);
    response->mutable_meeting_date()->set_day(5);
    response->set_meeting(request->meeting());
    for (const char* member : {"people/1", "people/2", "people/3"}) response->add_members(member);
    lv1::CollectionSheetLine* line = response->add_lines();
    line->set_kind(lv1::COLLECTION_KIND_REPAYMENT);
    line->set_person("people/1");
    line->set_loan("loans/4");
    line->mutable_due()->set_minor_units(150000);
    line->mutable_in_arrears()->set_minor_units(50000);
    line->mutable_most()->set_minor_units(900000);
    line = response->add_lines();
    line->set_kind(lv1::COLLECTION_KIND_GUARANTOR_PAYMENT);
    line->set_person("people/3");
    line->set_loan("loans/2");
    line->mutable_due()->set_minor_units(2500);
    line->mutable_most()->set_minor_units(2500);
    response->mutable_total_due()->set_minor_units(152500);
    response->mutable_total_in_arrears()->set_minor_units(50000);
    return grpc::Status::OK;
  }
  grpc::Status RecordCollections(grpc::ServerContext*, const lv1::RecordCollectionsRequest* request,
                                 lv1::RecordCollectionsResponse* response) override {
    Record(*request);
    response->set_circle(request->circle());
    *response->mutable_received_on() = request->received_on();
    for (int i = 0; i < request->lines_size(); ++i) {
      lv1::CollectionLineResult* result = response->add_results();
      result->set_index(i);
      result->set_outcome(lv1::COLLECTION_LINE_OUTCOME_REFUSED);
      result->set_refusal(lv1::COLLECTION_REFUSAL_FAILED_PRECONDITION);
      result->set_reason(absl::StrCat("lines[", i, "].amount exceeds"));
    }
    response->set_refused_lines(request->lines_size());
    return grpc::Status::OK;
  }
  grpc::Status RunReminders(grpc::ServerContext*, const lv1::RunRemindersRequest* request,
                            lv1::RunRemindersResponse* response) override {
    Record(*request);
    response->set_produced(2);
    *response->mutable_date() = request->date();
    return grpc::Status::OK;
  }
  grpc::Status ListReminders(grpc::ServerContext*, const lv1::ListRemindersRequest* request,
                             lv1::ListRemindersResponse* response) override {
    Record(*request);
    lv1::Reminder* r = response->add_reminders();
    r->set_name("reminders/5");
    r->set_loan("loans/4");
    r->set_borrower("people/1");
    r->set_circle("circles/4");
    r->set_instalment_number(2);
    r->set_stage(lv1::REMINDER_STAGE_OVERDUE);
    r->set_days_late(31);
    r->mutable_due_date()->set_year(2026);
    r->mutable_due_date()->set_month(2);
    r->mutable_due_date()->set_day(1);
    r->mutable_reminder_date()->set_year(2026);
    r->mutable_reminder_date()->set_month(3);
    r->mutable_reminder_date()->set_day(4);
    r->mutable_amount_due()->set_currency_code("CAD");
    r->mutable_amount_due()->set_minor_units(123456);
    return grpc::Status::OK;
  }
  std::string last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  void Record(const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = request.ShortDebugString();
  }
  std::mutex mu_;
  std::string last_;
};

class cerclesctlLending : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&lending_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override { server_->Shutdown(); }

  CliResult Cli(std::vector<std::string> args) {
    return RunCerclesctl(std::move(args), {{"CERCLES_ADDRESS", absl::StrCat("127.0.0.1:", port_)},
                                           {"CERCLES_INSECURE", "true"},
                                           {"CERCLES_TOKEN", "s3cret"}});
  }

  FakeLending lending_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(cerclesctlLending, SubmitSendsTheTermsAsTyped) {
  CliResult result =
      Cli({"lending", "loans",        "submit",          "--circle",  "3",     "--applicant",
           "17",      "--amount",     "1,250.50",        "--rate",    "7.25%", "--instalments",
           "12",      "--frequency",  "every-two-weeks", "--purpose", "Four",  "--plan-summary",
           "Pain",    "--request-id", "submit-1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(lending_.last(),
            "request_id: \"submit-1\" circle: \"circles/3\" loan { applicant: \"people/17\" amount "
            "{ minor_units: 125050 } purpose: \"Four\" business_plan_summary: \"Pain\" "
            "instalment_count: 12 frequency: REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS annual_rate_bps: "
            "725 }");
  EXPECT_THAT(result.out, HasSubstr("\nname                    loans/9\n"));
  EXPECT_THAT(result.out, HasSubstr("\nterms                   12 every-two-weeks instalments at "
                                    "7.25% a year\n"));

  CliResult bad = Cli({"lending", "loans", "submit", "--circle", "3", "--applicant", "17",
                       "--amount", "1250", "--rate", "7", "--instalments", "12", "--frequency",
                       "daily", "--purpose", "Four", "--plan-summary", "Pain"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("cerclesctl: --frequency must be one of weekly|every-two-weeks|"
                                 "monthly, not \"daily\""));
}

TEST_F(cerclesctlLending, SubmitSendsTheGracePeriodsOnlyWhenGiven) {
  const std::vector<std::string> base = {"lending", "loans",          "submit",  "--circle",
                                         "3",       "--applicant",    "17",      "--amount",
                                         "1500",    "--rate",         "8",       "--instalments",
                                         "12",      "--frequency",    "monthly", "--purpose",
                                         "Four",    "--plan-summary", "Pain"};
  std::vector<std::string> args = base;
  for (const char* arg : {"--grace-on-principal", "2", "--grace-on-interest", "0"}) {
    args.push_back(arg);
  }
  CliResult result = Cli(args);
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(lending_.last(), HasSubstr("annual_rate_bps: 800 grace_on_principal_instalments: 2 "
                                         "grace_on_interest_instalments: 0 }"));
  EXPECT_THAT(result.out, ::testing::ContainsRegex(
                              "\ngrace +2 on principal, 0 on interest \\(instalments\\)\n"));

  // Not given: not sent (the fund's default applies), not printed.
  CliResult unset = Cli(base);
  ASSERT_EQ(unset.code, kExitOk) << unset.err;
  EXPECT_THAT(lending_.last(), Not(HasSubstr("grace")));
  EXPECT_THAT(unset.out, Not(HasSubstr("grace")));

  args = base;
  for (const char* arg : {"--grace-on-interest", "-1"}) args.push_back(arg);
  CliResult bad = Cli(args);
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("cerclesctl: --grace-on-interest must be 0 or more, not -1"));
}

TEST_F(cerclesctlLending, SettingsUpdateSendsTheGraceAndToleranceAndPrintsThem) {
  CliResult shown = Cli({"lending", "settings", "get"});
  ASSERT_EQ(shown.code, kExitOk) << shown.err;
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\ndefault grace on principal +0 instalments\n"));
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\narrears tolerance +0.00\n"));
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\nguarantee threshold +2,000.00\n"));

  CliResult result = Cli({"lending", "settings", "update", "--default-grace-on-principal", "2",
                          "--default-grace-on-interest", "1", "--arrears-tolerance", "5.00",
                          "--reason", "conseil", "--request-id", "settings-2"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(
      lending_.last(),
      "request_id: \"settings-2\" settings { currency: \"CAD\" max_active_loans_per_person: 1 "
      "default_grace_on_principal_instalments: 2 "
      "default_grace_on_interest_instalments: 1 arrears_tolerance_minor_units: 500 "
      "guarantee_threshold { currency_code: \"CAD\" minor_units: 200000 } "
      "arrears_tolerance { minor_units: 500 } } reason: \"conseil\"");
  EXPECT_THAT(result.out,
              ::testing::ContainsRegex("\ndefault grace on principal +2 instalments\n"));
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\ndefault grace on interest +1 instalments\n"));
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\narrears tolerance +5.00\n"));
}

TEST_F(cerclesctlLending, SettingsUpdateSendsTheRulesAsTypedAndPrintsThem) {
  CliResult shown = Cli({"lending", "settings", "get"});
  ASSERT_EQ(shown.code, kExitOk) << shown.err;
  // Unset rules are the server's defaults.
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\nprepayment rule +pay-next-instalments\n"));
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\nactive loans per person +1\n"));
  EXPECT_THAT(shown.out, ::testing::ContainsRegex("\ncircle guarantors +whole-circle\n"));

  CliResult result = Cli({"lending", "settings", "update", "--prepayment-rule", "reduce-principal",
                          "--max-active-loans", "2", "--circle-guarantors", "Except_No_Voters",
                          "--reason", "conseil", "--request-id", "settings-1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(lending_.last(),
            "request_id: \"settings-1\" settings { currency: \"CAD\" prepayment_rule: "
            "PREPAYMENT_RULE_REDUCE_PRINCIPAL max_active_loans_per_person: 2 circle_guarantors: "
            "CIRCLE_GUARANTORS_EXCEPT_NO_VOTERS guarantee_threshold { currency_code: \"CAD\" "
            "minor_units: 200000 } } reason: \"conseil\"");
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\nprepayment rule +reduce-principal\n"));
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\nactive loans per person +2\n"));
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\ncircle guarantors +except-no-voters\n"));

  CliResult bad =
      Cli({"lending", "settings", "update", "--prepayment-rule", "sometimes", "--reason", "x"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("cerclesctl: --prepayment-rule must be one of "
                                 "pay-next-instalments|reduce-principal, not \"sometimes\""));
  bad = Cli({"lending", "settings", "update", "--max-active-loans", "two", "--reason", "x"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("--max-active-loans must be a whole number, not \"two\""));
  bad = Cli({"lending", "settings", "update", "--circle-guarantors", "yes", "--reason", "x"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("--circle-guarantors must be one of "
                                 "whole-circle|except-no-voters, not \"yes\""));
}

TEST(cerclesctlLendingValues, CsvLinesReadBackAsWritten) {
  const std::vector<std::string> fields = {"plain", "1,500.00", "say \"hi\"", "two\nlines", ""};
  const std::string line = CsvLine(fields);
  EXPECT_EQ(line, "plain,\"1,500.00\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(line + CsvLine({"a", "b"}));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].fields, fields);
  EXPECT_EQ((*records)[1].line, 3);
}

// The treasurer's sheet: printed with every member, written as CSV; the filled
// file read back into one RecordCollections call (rows without a paid amount
// left out, the request id derived from the rows).
TEST_F(cerclesctlLending, TheCollectionSheetIsWrittenFilledAndRecorded) {
  const std::string dir = ::testing::TempDir();
  const std::string csv = absl::StrCat(dir, "/sheet.csv");
  CliResult sheet = Cli({"lending", "loans", "collection-sheet", "--circle", "3", "--date",
                         "2026-03-05", "--meeting", "circles/3/meetings/9", "--csv", csv});
  ASSERT_EQ(sheet.code, kExitOk) << sheet.err;
  EXPECT_EQ(lending_.last(),
            "circle: \"circles/3\" meeting_date { year: 2026 month: 3 day: 5 } meeting: "
            "\"circles/3/meetings/9\"");
  EXPECT_THAT(sheet.out, HasSubstr("collection sheet of circles/3 for the meeting of 2026-03-05 "
                                   "(circles/3/meetings/9)\n"));
  EXPECT_THAT(sheet.out, ::testing::ContainsRegex(
                             "people/1 +repayment +loans/4 +1,500.00 +500.00 +9,000.00 +- +_+\n"));
  EXPECT_THAT(sheet.out, ::testing::ContainsRegex("people/2 +- +- +- +- +- +- +-\n"));
  EXPECT_THAT(sheet.out, ::testing::ContainsRegex("people/3 +guarantor-payment +loans/2 +25.00"));
  EXPECT_THAT(sheet.out, ::testing::ContainsRegex("TOTAL +1,525.00 +500.00"));
  std::ifstream written(csv);
  std::stringstream text;
  text << written.rdbuf();
  EXPECT_EQ(text.str(),
            "circle,date,meeting,person,kind,loan,due,in_arrears,most,next_due,paid,reference\r\n"
            "circles/3,2026-03-05,circles/3/meetings/9,people/1,repayment,loans/4,\"1,500.00\","
            "500.00,\"9,000.00\",,,\r\n"
            "circles/3,2026-03-05,circles/3/meetings/9,people/2,,,,,,,,\r\n"
            "circles/3,2026-03-05,circles/3/meetings/9,people/3,guarantor-payment,loans/2,25.00,"
            "0.00,25.00,,,\r\n");

  std::string filled =
      absl::StrReplaceAll(text.str(), {{"\"9,000.00\",,,", "\"9,000.00\",,\"1,500.00\",R-17"},
                                       {"0.00,25.00,,,", "0.00,25.00,,10,"}});
  const std::string filled_csv = absl::StrCat(dir, "/filled.csv");
  std::ofstream(filled_csv) << filled;
  CliResult recorded = Cli({"lending", "loans", "record-collections", "--file", filled_csv});
  EXPECT_EQ(recorded.code, kExitFailure);  // the fake refuses every line
  const std::string request = lending_.last();
  EXPECT_THAT(request, ::testing::StartsWith("request_id: \"import-collections-"));
  EXPECT_THAT(request,
              HasSubstr("circle: \"circles/3\" received_on { year: 2026 month: 3 day: 5 } "
                        "meeting: \"circles/3/meetings/9\" lines { kind: "
                        "COLLECTION_KIND_REPAYMENT loan: \"loans/4\" person: \"people/1\" "
                        "amount { minor_units: 150000 } reference: \"R-17\" } lines { kind: "
                        "COLLECTION_KIND_GUARANTOR_PAYMENT loan: \"loans/2\" person: "
                        "\"people/3\" amount { minor_units: 1000 } }"));
  EXPECT_THAT(recorded.out,
              ::testing::ContainsRegex("\n2 +people/1 +repayment +loans/4 +1,500.00 +refused "
                                       "failed-precondition: lines\\[0\\].amount exceeds"));
  EXPECT_THAT(recorded.out, HasSubstr("0 applied (0.00), 2 refused\n"));
  EXPECT_THAT(recorded.err, HasSubstr("2 of 2 lines refused"));
  // The same file: the same request id.
  ASSERT_EQ(Cli({"lending", "loans", "record-collections", "--file", filled_csv}).code,
            kExitFailure);
  EXPECT_EQ(lending_.last(), request);

  // A paid row with no loan, an amount that is not one: every mistake, nothing sent.
  const std::string bad_csv = absl::StrCat(dir, "/bad.csv");
  std::ofstream(bad_csv) << absl::StrReplaceAll(
      filled, {{"people/2,,,,,,,,", "people/2,,,,,,,5,"}, {",,10,", ",,ten,"}});
  CliResult bad = Cli({"lending", "loans", "record-collections", "--file", bad_csv});
  EXPECT_EQ(bad.code, kExitFailure);
  EXPECT_THAT(bad.err, HasSubstr(absl::StrCat(bad_csv, ":3: loan: a paid row needs the loan")));
  EXPECT_THAT(bad.err, HasSubstr(absl::StrCat(bad_csv, ":4: paid: ")));
  EXPECT_EQ(lending_.last(), request);
}

TEST_F(cerclesctlLending, RemindersRunAndListSendTheFiltersAsTyped) {
  CliResult run =
      Cli({"lending", "reminders", "run", "--date", "2026-03-04", "--request-id", "remind-1"});
  ASSERT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(lending_.last(), "request_id: \"remind-1\" date { year: 2026 month: 3 day: 4 }");
  EXPECT_EQ(run.out, "2 reminder(s) produced for 2026-03-04\n");
  CliResult list =
      Cli({"lending", "reminders", "list", "--stage", "overdue", "--circle", "4", "--borrower", "1",
           "--loan", "4", "--from", "2026-03-01", "--to", "2026-03-31"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_EQ(lending_.last(),
            "loan: \"loans/4\" borrower: \"people/1\" circle: \"circles/4\" stage: "
            "REMINDER_STAGE_OVERDUE from_date { year: 2026 month: 3 day: 1 } to_date { year: 2026 "
            "month: 3 day: 31 }");
  EXPECT_THAT(list.out, ::testing::ContainsRegex(
                            "reminders/5 +2026-03-04 +loans/4 +people/1 +circles/4 +2 +overdue 31 "
                            "+2026-02-01 +1,234.56 CAD"));
  CliResult bad = Cli({"lending", "reminders", "list", "--stage", "late"});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_THAT(bad.err, HasSubstr("--stage"));
  CliResult settings = Cli({"lending", "settings", "update", "--reminder-days-before", "0",
                            "--reason", "conseil", "--request-id", "settings-3"});
  ASSERT_EQ(settings.code, kExitOk) << settings.err;
  EXPECT_THAT(lending_.last(), HasSubstr("reminder_days_before: 0"));
  EXPECT_THAT(settings.out, ::testing::ContainsRegex("\nupcoming reminders from +off\n"));
}

TEST_F(cerclesctlLending, AnUnbalancedTrialBalanceExitsOne) {
  CliResult result = Cli({"lending", "trial-balance", "--as-of", "2025-06-30"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(lending_.last(), "as_of { year: 2025 month: 6 day: 30 }");
  EXPECT_THAT(result.out, ::testing::ContainsRegex("\nTOTAL +10.00   9.90"));
  EXPECT_THAT(result.out, HasSubstr("NOT BALANCED: debits and credits differ by 0.10\n"));
  CliResult json = Cli({"--output", "json", "lending", "trial-balance"});
  EXPECT_EQ(json.code, kExitFailure);
  EXPECT_THAT(json.out, HasSubstr("\"balanced\":false"));
}

}  // namespace
}  // namespace cercles::cerclesctl
