#include "services/lending/reminder_job.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/reminder_store.h"

namespace cercles::lending {

ReminderJob::ReminderJob(const service::ServiceContext& context, observability::Registry* metrics)
    : context_(context) {
  produced_ = metrics->GetCounter("cercles_reminders_produced_total",
                                  "Reminders of instalments recorded by the periodic job");
  failures_ =
      metrics->GetCounter("cercles_reminders_run_failures_total",
                          "Runs of the reminders job that failed (the next run catches up)");
}

absl::StatusOr<int32_t> ReminderJob::RunOnce() {
  int32_t produced = 0;
  const storage::GroupCommitter::Write write = [&](storage::Transaction& tx) -> absl::Status {
    const absl::Time now = context_.clock->Now();
    CERCLES_ASSIGN_OR_RETURN(produced, RecordDueReminders(tx, context_.fund_id, Today(now), now));
    return absl::OkStatus();
  };
  CERCLES_RETURN_IF_ERROR(
      context_.committer != nullptr
          ? context_.committer->Run(write)
          : storage::RunInTransaction(*context_.db, storage::TxMode::kWrite, write));
  if (produced > 0) {
    produced_->Increment(produced);
    context_.notifier->Notify();
  }
  return produced;
}

void ReminderJob::RunAndLog() {
  absl::StatusOr<int32_t> produced = RunOnce();
  if (!produced.ok()) {
    failures_->Increment();
    log::Warning("cannot record the reminders due today",
                 {{"error", std::string(produced.status().message())}});
    return;
  }
  if (*produced > 0) log::Info("reminders recorded", {{"produced", absl::StrCat(*produced)}});
}

void ReminderJob::Start(absl::Duration every) {
  periodic_.Start(
      every, [this] { RunAndLog(); }, util::Periodic::First::kAtOnce);
}

}  // namespace cercles::lending
