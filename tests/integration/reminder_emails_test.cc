// Reminder emails end to end on each engine (issue 12, item 7): lending records
// the reminders, membership follows its events and emails each borrower who
// consented, in their language, through a real SMTP server (Debian's aiosmtpd,
// its Mailbox handler writing a maildir read here). Nothing is sent twice: not
// when the job runs again, not after a kill -9 of membership or of lending.
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/process.h"
#include "tests/support/smtp_server.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// 3424 -> "34,24 $" (French) or "$34.24" (English), below $1,000.
std::string Amount(int64_t cents, bool french) {
  const std::string units = absl::StrCat(cents / 100);
  const std::string rest = absl::StrCat(cents % 100 < 10 ? "0" : "", cents % 100);
  return french ? absl::StrCat(units, ",", rest, " $") : absl::StrCat("$", units, ".", rest);
}

class ReminderEmailsTest : public LendingFixture {
 protected:
  void SetUp() override {
    if (access(kSmtpPython, X_OK) != 0) GTEST_SKIP() << "no python3-aiosmtpd";
    smtp_port_ = FreePort();
    maildir_ = work_dir() + "/maildir";
    auto started = StartSmtpServer(smtp_port_, maildir_, work_dir() + "/smtp.log");
    ASSERT_TRUE(started.ok()) << started.status();
    smtp_ = std::move(*started);
    ASSERT_TRUE(WaitForTcpPort(smtp_port_, absl::Seconds(20)));
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Membership learns lending's address on a restart once lending runs.
    RestartMembership();
  }

  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = LendingFixture::SuiteOptions();
    options->extra_flags["membership"] = {absl::StrCat("--smtp_url=smtp://127.0.0.1:", smtp_port_),
                                          "--smtp_from=fonds@example.org",
                                          "--reminder_email_retry_ms=200"};
    return options;
  }

  void RestartMembership() {
    suite_->KillService("membership");
    ASSERT_TRUE(suite_->StartService("membership").ok());
    ASSERT_TRUE(suite_->WaitServing("membership", absl::Seconds(30)).ok());
  }

  // Sets the person's language, email and consent to reminders by email.
  void Contact(const std::string& person, mv1::Language language, const std::string& email,
               bool consents) {
    mv1::UpdatePersonRequest request;
    request.set_request_id(absl::StrCat("contact-", person.substr(person.find('/') + 1)));
    request.mutable_person()->set_name(person);
    request.mutable_person()->set_language(language);
    request.mutable_person()->mutable_contact()->set_email(email);
    request.mutable_person()->mutable_consents()->set_reminders_by_email(consents);
    for (const char* path : {"language", "contact.email", "consents.reminders_by_email"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    mv1::UpdatePersonResponse response;
    grpc::Status status = people_->UpdatePerson(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.person().consents().reminders_by_email(), consents);
  }

  int32_t Run(const std::string& request_id, absl::CivilDay day) {
    lv1::RunRemindersRequest request;
    request.set_request_id(request_id);
    *request.mutable_date() = ToDate(day);
    lv1::RunRemindersResponse response;
    grpc::Status status = lending_->RunReminders(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.produced();
  }

  // Waits until the mailbox holds `count` messages (or 30 s), and returns them.
  std::vector<std::string> WaitForMail(size_t count) {
    Eventually([&] { return ReadMaildir(maildir_).size() >= count; }, absl::Seconds(30));
    return ReadMaildir(maildir_);
  }

  int smtp_port_ = 0;
  std::string maildir_;
  std::unique_ptr<Process> smtp_;
};

TEST_P(ReminderEmailsTest, ConsentingBorrowersGetEachReminderOnceInTheirLanguage) {
  std::vector<std::string> members;
  const std::string circle = Circle("Brodeuses", 5, &members);
  Contact(members[0], mv1::LANGUAGE_FR, "amelie@example.org", true);
  Contact(members[1], mv1::LANGUAGE_EN, "ana@example.org", true);
  Contact(members[2], mv1::LANGUAGE_FR, "refus@example.org", false);
  ASSERT_FALSE(HasFailure());
  std::map<std::string, ActiveLoan> loans;
  for (size_t i = 0; i < 3; ++i) {
    loans[members[i]] = Disburse(circle, members, i, 40'000, FundToday() - 40);
  }
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay first_due = FromDate(loans[members[0]].schedule.instalments(0).due_date());
  const lv1::Instalment& first = loans[members[0]].schedule.instalments(0);
  const int64_t due_cents = first.principal().minor_units() + first.interest().minor_units();

  EXPECT_EQ(Run("upcoming", first_due - 2), 3);
  EXPECT_EQ(Run("overdue", first_due + 1), 3);
  std::vector<std::string> mail = WaitForMail(4);
  ASSERT_EQ(mail.size(), 4u);
  int french = 0, english = 0;
  for (const std::string& m : mail) {
    EXPECT_THAT(m, Not(HasSubstr("refus@example.org")));
    if (absl::StrContains(m, "To: amelie@example.org")) {
      ++french;
      EXPECT_THAT(m, HasSubstr(Amount(due_cents, true)));
      EXPECT_TRUE(absl::StrContains(m, "Subject: Versement 1 en retard") ||
                  absl::StrContains(m, "Subject: =?UTF-8?B?"))
          << m;
    } else {
      ++english;
      EXPECT_THAT(m, HasSubstr("To: ana@example.org"));
      EXPECT_THAT(m, HasSubstr(Amount(due_cents, false)));
      EXPECT_TRUE(absl::StrContains(m, "Subject: Instalment 1 is overdue") ||
                  absl::StrContains(m, "Subject: Reminder: instalment 1 is coming due"))
          << m;
    }
    EXPECT_THAT(m, HasSubstr("Message-ID: <reminder.fund-test.loans-"));
  }
  EXPECT_EQ(french, 2);
  EXPECT_EQ(english, 2);

  // Again, and across kill -9 of membership and of lending: nothing new. (The
  // kill waits for the last email to be marked sent: a kill between the SMTP
  // server's acceptance and the mark resends it, by design, with the same
  // Message-ID.)
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Run("upcoming-again", first_due - 2), 0);
  EXPECT_EQ(Run("overdue-again", first_due + 1), 0);
  RestartMembership();
  suite_->KillService("lending");
  ASSERT_TRUE(suite_->StartService("lending").ok());  // its job runs at once
  EXPECT_EQ(Run("after-restarts", first_due + 1), 0);
  absl::SleepFor(absl::Seconds(3));  // several rounds of the mailer
  EXPECT_EQ(ReadMaildir(maildir_).size(), 4u);
}

TEST_P(ReminderEmailsTest, AnSmtpServerThatIsDownDelaysTheEmailWithoutLosingIt) {
  std::vector<std::string> members;
  const std::string circle = Circle("Potieres", 4, &members);
  Contact(members[0], mv1::LANGUAGE_EN, "ana@example.org", true);
  ASSERT_FALSE(HasFailure());
  const ActiveLoan loan = Disburse(circle, members, 0, 40'000, FundToday() - 40);
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay first_due = FromDate(loan.schedule.instalments(0).due_date());
  smtp_.reset();  // SIGKILL: the SMTP server is down
  EXPECT_EQ(Run("while-down", first_due + 1), 1);
  // The failure is logged without the address, and retried.
  EXPECT_TRUE(Eventually(
      [&] { return absl::StrContains(suite_->Log("membership"), "cannot send a reminder email"); },
      absl::Seconds(20)));
  EXPECT_THAT(suite_->Log("membership"), Not(HasSubstr("ana@example.org")));
  // The server comes back on the same port: the email goes out, once.
  auto started = StartSmtpServer(smtp_port_, maildir_, work_dir() + "/smtp-2.log");
  ASSERT_TRUE(started.ok()) << started.status();
  smtp_ = std::move(*started);
  std::vector<std::string> mail = WaitForMail(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_THAT(mail[0], HasSubstr("Subject: Instalment 1 is overdue"));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(ReadMaildir(maildir_).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReminderEmailsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
