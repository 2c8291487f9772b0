// The periodic job of reminders inside lending: every --reminders_interval it
// records the reminders due today (the fund's day, America/Toronto) with
// RecordDueReminders, through the group committer every write of the service
// goes through, and wakes the event streams. Each (loan, instalment, stage) is
// recorded once, so every replica may run it. A failed run is logged (no
// personal data: the error only) and counted, and the next run catches up.
#ifndef CERCLES_SERVICES_LENDING_REMINDER_JOB_H_
#define CERCLES_SERVICES_LENDING_REMINDER_JOB_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/observability/metrics.h"
#include "common/service/context.h"
#include "common/util/periodic.h"

namespace cercles::lending {

class ReminderJob {
 public:
  // Registers cercles_reminders_produced_total and
  // cercles_reminders_run_failures_total on `metrics`.
  ReminderJob(const service::ServiceContext& context, observability::Registry* metrics);

  // Records the reminders due today; how many it recorded.
  absl::StatusOr<int32_t> RunOnce();

  // Runs at once, then every `every`, on a background thread until Stop.
  void Start(absl::Duration every);
  void Stop() { periodic_.Stop(); }

 private:
  void RunAndLog();

  const service::ServiceContext& context_;
  observability::Counter* produced_;
  observability::Counter* failures_;
  util::Periodic periodic_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_REMINDER_JOB_H_
