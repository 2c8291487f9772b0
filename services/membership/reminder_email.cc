#include "services/membership/reminder_email.h"

#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "common/api/display.h"

namespace cercles::membership {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;

bool IsFrench(mv1::Language language) { return language == mv1::LANGUAGE_FR; }

// The display formats (common/api/display.h) of the person's language.
api::DisplayLanguage DisplayOf(mv1::Language language) {
  return IsFrench(language) ? api::DisplayLanguage::kFr : api::DisplayLanguage::kEn;
}

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 for a header value that is not plain ASCII.
std::string HeaderText(const std::string& text) {
  if (IsAscii(text)) return text;
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text), "?=");
}

}  // namespace

std::string ReminderStageKey(const lv1::Reminder& reminder) {
  if (reminder.stage() == lv1::REMINDER_STAGE_OVERDUE) {
    return absl::StrCat("OVERDUE_", reminder.days_late());
  }
  return "UPCOMING";
}

std::string ReminderMessageId(const std::string& fund_id, const lv1::Reminder& reminder) {
  return absl::StrCat(
      "<reminder.", fund_id, ".", absl::StrReplaceAll(reminder.loan(), {{"/", "-"}}), ".",
      reminder.instalment_number(), ".", ReminderStageKey(reminder), "@cercles.invalid>");
}

EmailText ReminderEmailText(const lv1::Reminder& reminder, const mv1::Person& person) {
  const mv1::Language language = person.language();
  const std::string amount =
      api::FormatMoney(DisplayOf(language), reminder.amount_due().minor_units(),
                       reminder.amount_due().currency_code());
  const std::string due = api::FormatLongDate(DisplayOf(language), reminder.due_date());
  const int32_t number = reminder.instalment_number();
  const bool overdue = reminder.stage() == lv1::REMINDER_STAGE_OVERDUE;
  EmailText text;
  if (IsFrench(language)) {
    text.subject = overdue ? absl::StrCat("Versement ", number, " en retard")
                           : absl::StrCat("Rappel : versement ", number, " à venir");
    text.body =
        absl::StrCat("Bonjour ", person.given_name(), ",\n\n",
                     overdue ? absl::StrCat("Le versement ", number, " de votre prêt, dû le ", due,
                                            ", n'est pas encore payé en entier. Il reste ", amount,
                                            " à verser.\n")
                             : absl::StrCat("Le versement ", number, " de votre prêt, de ", amount,
                                            ", arrive à échéance le ", due, ".\n"),
                     "\nPour toute question, parlez-en à votre cercle ou à votre conseillère ou "
                     "conseiller.\n\nLe fonds\n");
  } else {
    text.subject = overdue ? absl::StrCat("Instalment ", number, " is overdue")
                           : absl::StrCat("Reminder: instalment ", number, " is coming due");
    text.body = absl::StrCat(
        "Hello ", person.given_name(), ",\n\n",
        overdue ? absl::StrCat("Instalment ", number, " of your loan, due on ", due,
                               ", is not fully paid yet. ", amount, " remains to be paid.\n")
                : absl::StrCat("Instalment ", number, " of your loan, ", amount, ", falls due on ",
                               due, ".\n"),
        "\nIf you have any question, talk to your circle or your advisor.\n\nThe fund\n");
  }
  return text;
}

std::string ReminderMessage(const EmailText& text, const std::string& from, const std::string& to,
                            const std::string& message_id, absl::Time date) {
  std::string message = absl::StrCat(
      "From: ", from, "\r\nTo: ", to, "\r\nSubject: ", HeaderText(text.subject),
      "\r\nDate: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()),
      "\r\nMessage-ID: ", message_id,
      "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n");
  absl::StrAppend(&message, absl::StrReplaceAll(text.body, {{"\n", "\r\n"}}));
  return message;
}

}  // namespace cercles::membership
