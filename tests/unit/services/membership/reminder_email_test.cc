// The reminder email's pure parts (services/membership/reminder_email.h): the
// text in the person's language, the Message-ID that a
// resend repeats, and the message as SMTP carries it.
#include "services/membership/reminder_email.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::membership {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;
using ::testing::Not;

lv1::Reminder Overdue() {
  lv1::Reminder r;
  r.set_name("reminders/4");
  r.set_loan("loans/7");
  r.set_borrower("people/3");
  r.set_instalment_number(2);
  r.set_stage(lv1::REMINDER_STAGE_OVERDUE);
  r.set_days_late(31);
  r.mutable_due_date()->set_year(2026);
  r.mutable_due_date()->set_month(3);
  r.mutable_due_date()->set_day(1);
  r.mutable_amount_due()->set_currency_code("CAD");
  r.mutable_amount_due()->set_minor_units(123456);
  return r;
}

mv1::Person PersonIn(mv1::Language language) {
  mv1::Person p;
  p.set_given_name("Amélie");
  p.set_language(language);
  return p;
}

TEST(ReminderEmailTest, TheMessageIdIsTheReminderKey) {
  const lv1::Reminder overdue = Overdue();
  EXPECT_EQ(ReminderStageKey(overdue), "OVERDUE_31");
  EXPECT_EQ(ReminderMessageId("fund-qc", overdue),
            "<reminder.fund-qc.loans-7.2.OVERDUE_31@cercles.invalid>");
  lv1::Reminder upcoming = overdue;
  upcoming.set_stage(lv1::REMINDER_STAGE_UPCOMING);
  upcoming.set_days_late(0);
  upcoming.set_name("reminders/9");  // the key, not the row, names the message
  EXPECT_EQ(ReminderMessageId("fund-qc", upcoming),
            "<reminder.fund-qc.loans-7.2.UPCOMING@cercles.invalid>");
}

TEST(ReminderEmailTest, FrenchText) {
  const EmailText text = ReminderEmailText(Overdue(), PersonIn(mv1::LANGUAGE_FR));
  EXPECT_EQ(text.subject, "Versement 2 en retard");
  EXPECT_THAT(text.body, HasSubstr("Bonjour Amélie,"));
  EXPECT_THAT(text.body, HasSubstr("dû le 1er mars 2026"));
  EXPECT_THAT(text.body, HasSubstr("Il reste 1 234,56 $ à verser."));
  lv1::Reminder upcoming = Overdue();
  upcoming.set_stage(lv1::REMINDER_STAGE_UPCOMING);
  const EmailText soon = ReminderEmailText(upcoming, PersonIn(mv1::LANGUAGE_FR));
  EXPECT_EQ(soon.subject, "Rappel : versement 2 à venir");
  EXPECT_THAT(soon.body, HasSubstr("de 1 234,56 $, arrive à échéance le 1er mars 2026"));
}

TEST(ReminderEmailTest, EnglishText) {
  const EmailText text = ReminderEmailText(Overdue(), PersonIn(mv1::LANGUAGE_EN));
  EXPECT_EQ(text.subject, "Instalment 2 is overdue");
  EXPECT_THAT(text.body, HasSubstr("Hello Amélie,"));
  EXPECT_THAT(text.body, HasSubstr("due on March 1, 2026"));
  EXPECT_THAT(text.body, HasSubstr("$1,234.56 remains to be paid."));
}

TEST(ReminderEmailTest, TheMessageCarriesItsHeadersAndNoPersonalSubject) {
  const EmailText text = ReminderEmailText(Overdue(), PersonIn(mv1::LANGUAGE_FR));
  EXPECT_THAT(text.subject, Not(HasSubstr("Amélie")));
  const std::string message =
      ReminderMessage(text, "fonds@example.org", "amelie@example.org",
                      "<reminder.f.loans-7.2.OVERDUE_31@cercles.invalid>", absl::UnixEpoch());
  EXPECT_THAT(message, HasSubstr("From: fonds@example.org\r\n"));
  EXPECT_THAT(message, HasSubstr("To: amelie@example.org\r\n"));
  EXPECT_THAT(message, HasSubstr("Subject: Versement 2 en retard\r\n"));
  EXPECT_THAT(message, HasSubstr("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
  EXPECT_THAT(message, HasSubstr("Message-ID: <reminder.f.loans-7.2.OVERDUE_31@cercles.invalid>"));
  EXPECT_THAT(message, HasSubstr("Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_THAT(message, HasSubstr("\r\n\r\nBonjour Amélie,\r\n"));
  lv1::Reminder upcoming = Overdue();
  upcoming.set_stage(lv1::REMINDER_STAGE_UPCOMING);
  const std::string accented =
      ReminderMessage(ReminderEmailText(upcoming, PersonIn(mv1::LANGUAGE_FR)), "a@b.c", "d@e.f",
                      "<x@y>", absl::UnixEpoch());
  EXPECT_THAT(accented, HasSubstr("Subject: =?UTF-8?B?"));
}

}  // namespace
}  // namespace cercles::membership
