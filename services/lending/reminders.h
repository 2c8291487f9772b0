// Which reminders a loan's schedule calls for on a day (issue 12, item 7): an
// upcoming-instalment notice in the days before an instalment falls due, and an
// overdue notice on each step of the arrears ladder (the first day late, the
// first day of each later arrears bucket, the guarantee-call day). Pure: the
// caller stores what was produced, keyed by (loan, instalment, stage), so a
// stage is announced once however often the job runs.
#ifndef CERCLES_SERVICES_LENDING_REMINDERS_H_
#define CERCLES_SERVICES_LENDING_REMINDERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/lending/fund_settings.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

struct ReminderRules {
  // An upcoming notice from this many days before the due date to the due date
  // itself (0: no upcoming notices).
  int32_t days_before = 3;
  // Days late on which an overdue notice is due, increasing, each >= 1.
  std::vector<int32_t> overdue_steps = {1, 31, 60, 61, 91};
  // An instalment short by less than this is never late (FundSettings).
  int64_t tolerance_cents = 0;
};

// The fund's ladder: day 1 late, the first day of each later arrears bucket and
// the guarantee-call day (sorted, without repeats), the fund's tolerance, and
// `days_before`.
ReminderRules ReminderRulesFor(const FundSettings& settings, int32_t days_before);

enum class ReminderStage { kUpcoming, kOverdue };

struct Reminder {
  int32_t instalment = 0;  // its number
  ReminderStage stage = ReminderStage::kUpcoming;
  // kOverdue: the ladder step reached (days late); 0 for kUpcoming.
  int32_t step_days = 0;
  absl::CivilDay due;
  // Principal and interest still unpaid on the instalment.
  int64_t amount_due_cents = 0;

  // The stage as stored and keyed: "UPCOMING", "OVERDUE_1", "OVERDUE_31"...
  std::string StageKey() const;
};

// The reminders due on `today`, oldest instalment first: for each instalment
// with something due and not settled (SettledOn),
// - from days_before days before its due date to the due date: UPCOMING, unless
//   what is unpaid is within the tolerance (it will never be late);
// - once it is late (LateOn, tolerance respected): OVERDUE at the highest step
//   of the ladder its days late have reached. A step missed (the job did not
//   run that day) is not sent late once a higher one is reached: only the
//   latest stage is produced, so a restart after a long stop does not send a
//   burst of stale notices.
// Instalments with nothing due (grace on interest) get no reminder.
std::vector<Reminder> DueReminders(const LoanPosition& position, absl::CivilDay today,
                                   const ReminderRules& rules);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_REMINDERS_H_
