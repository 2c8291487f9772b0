// SQL of the reminders (migration 0011_reminders.sql): the job that records the
// reminders due on a day (reminders.h decides them) with their ReminderProduced
// events, and the feed staff list. Every function runs inside the caller's
// transaction: RunReminders' through RunWrite, the periodic job's through the
// group committer (ReminderJob), the same write either way.
#ifndef CERCLES_SERVICES_LENDING_REMINDER_STORE_H_
#define CERCLES_SERVICES_LENDING_REMINDER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/reminders.pb.h"
#include "common/storage/database.h"
#include "services/lending/reminders.h"

namespace cercles::lending {

// One row of `reminders`, with its loan's borrower and circle.
struct ReminderRecord {
  int64_t id = 0;
  int64_t loan_id = 0;
  std::string borrower;  // "people/{id}"
  std::string circle;    // "circles/{id}" or ""
  Reminder reminder;
  absl::CivilDay reminder_date;
  absl::Time create_time;
};

// Decides the reminders due on `today` for every ACTIVE loan (DueReminders with
// the fund's settings, ReminderRulesFor) and records those not recorded yet,
// each (loan, instalment, stage) once (the table's unique key: a concurrent run
// on another replica records nothing twice), each with its ReminderProduced
// event in the same transaction. Returns how many it recorded.
absl::StatusOr<int32_t> RecordDueReminders(storage::Transaction& tx, const std::string& fund_id,
                                           absl::CivilDay today, absl::Time now);

// Reminders matching every set field, id > after_id, in id order, at most `limit`.
struct ReminderFilter {
  int64_t loan_id = 0;   // 0: any
  std::string borrower;  // "people/{id}" or "": any
  std::string circle;    // "circles/{id}" or "": any
  std::optional<ReminderStage> stage;
  std::optional<absl::CivilDay> from_date;
  std::optional<absl::CivilDay> to_date;
  // Set: only the reminders of loans of these circles (none when empty).
  std::optional<std::vector<std::string>> circles_in;
};
absl::StatusOr<std::vector<ReminderRecord>> ListReminderRecords(storage::Transaction& tx,
                                                                const ReminderFilter& filter,
                                                                int64_t after_id, int limit);

// The API message, amounts in `currency`.
v1::Reminder ReminderToProto(const ReminderRecord& record, const std::string& currency);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_REMINDER_STORE_H_
