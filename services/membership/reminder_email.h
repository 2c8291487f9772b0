// The email a borrower receives for a reminder of lending (issue 12, item 7),
// as pure functions: its text in the person's language, its amounts as the
// language writes them (fr-CA "1 234,56 $", en-CA "$1,234.56"), its Message-ID
// derived from the reminder's key (so a resend after a crash carries the same
// one), and the whole RFC 5322 message handed to SMTP.
#ifndef CERCLES_SERVICES_MEMBERSHIP_REMINDER_EMAIL_H_
#define CERCLES_SERVICES_MEMBERSHIP_REMINDER_EMAIL_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "cercles/lending/v1/reminders.pb.h"
#include "cercles/membership/v1/people.pb.h"

namespace cercles::membership {

// "UPCOMING" or "OVERDUE_{days late}": with the loan and the instalment, the
// key of one reminder (as lending keys it).
std::string ReminderStageKey(const cercles::lending::v1::Reminder& reminder);

// "<reminder.{fund}.loans-{id}.{instalment}.{stage key}@cercles.invalid>": the
// same for the same reminder, whoever sends it and however often.
std::string ReminderMessageId(const std::string& fund_id,
                              const cercles::lending::v1::Reminder& reminder);

struct EmailText {
  std::string subject;  // no personal data
  std::string body;
};

// The reminder's email in `person`'s language (English unless French),
// greeting them by their given name: which instalment, due when, how much.
EmailText ReminderEmailText(const cercles::lending::v1::Reminder& reminder,
                            const cercles::membership::v1::Person& person);

// The message as SMTP sends it: From, To, Subject (RFC 2047 when not ASCII),
// Date, Message-ID, MIME headers for UTF-8 plain text, CRLF line ends, then
// the body. `from` and `to` are addresses already validated.
std::string ReminderMessage(const EmailText& text, const std::string& from, const std::string& to,
                            const std::string& message_id, absl::Time date);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_REMINDER_EMAIL_H_
