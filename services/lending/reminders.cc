#include "services/lending/reminders.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/lending/arrears.h"

namespace cercles::lending {

ReminderRules ReminderRulesFor(const FundSettings& settings, int32_t days_before) {
  ReminderRules rules;
  rules.days_before = days_before;
  rules.tolerance_cents = settings.arrears_tolerance_cents;
  const ArrearsBucketBounds& b = settings.arrears_buckets;
  rules.overdue_steps = {1, b.first_max_days + 1, b.second_max_days + 1, b.third_max_days + 1,
                         settings.guarantee_call_days_past_due};
  std::sort(rules.overdue_steps.begin(), rules.overdue_steps.end());
  rules.overdue_steps.erase(std::unique(rules.overdue_steps.begin(), rules.overdue_steps.end()),
                            rules.overdue_steps.end());
  return rules;
}

std::string Reminder::StageKey() const {
  if (stage == ReminderStage::kUpcoming) return "UPCOMING";
  return absl::StrCat("OVERDUE_", step_days);
}

std::vector<Reminder> DueReminders(const LoanPosition& position, absl::CivilDay today,
                                   const ReminderRules& rules) {
  std::vector<Reminder> out;
  for (const InstalmentPosition& in : position) {
    if (in.principal_due_cents + in.interest_due_cents == 0 || SettledOn(in, today)) continue;
    Reminder r;
    r.instalment = in.number;
    r.due = in.due;
    r.amount_due_cents = in.outstanding_cents();
    if (in.due >= today) {
      if (rules.days_before <= 0 || in.due - today > rules.days_before) continue;
      if (WithinTolerance(in, rules.tolerance_cents)) continue;
      r.stage = ReminderStage::kUpcoming;
      out.push_back(r);
      continue;
    }
    if (!LateOn(in, today, rules.tolerance_cents)) continue;
    const int64_t late = today - in.due;
    for (int32_t step : rules.overdue_steps) {
      if (step >= 1 && step <= late) r.step_days = step;
    }
    if (r.step_days == 0) continue;
    r.stage = ReminderStage::kOverdue;
    out.push_back(r);
  }
  return out;
}

}  // namespace cercles::lending
