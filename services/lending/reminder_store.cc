#include "services/lending/reminder_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/events/outbox.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/lending/loan_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

constexpr char kReminderColumns[] =
    "r.id, r.loan_id, l.applicant, l.circle, r.instalment, r.stage, r.days_late, r.due_date, "
    "r.amount_due_cents, r.reminder_date, r.create_time_us";

absl::StatusOr<absl::CivilDay> StoredDay(const std::string& text, int64_t id) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::DataLossError(absl::StrCat("reminder ", id, " has a malformed date ", text));
  }
  return day;
}

absl::StatusOr<ReminderRecord> ReminderFromRow(const storage::Row& row) {
  ReminderRecord r;
  r.id = row.Int(0);
  r.loan_id = row.Int(1);
  r.borrower = row.Text(2);
  r.circle = row.Text(3);
  r.reminder.instalment = static_cast<int32_t>(row.Int(4));
  r.reminder.stage = row.Text(5) == "UPCOMING" ? ReminderStage::kUpcoming : ReminderStage::kOverdue;
  r.reminder.step_days = static_cast<int32_t>(row.Int(6));
  CERCLES_ASSIGN_OR_RETURN(r.reminder.due, StoredDay(row.Text(7), r.id));
  r.reminder.amount_due_cents = row.Int(8);
  CERCLES_ASSIGN_OR_RETURN(r.reminder_date, StoredDay(row.Text(9), r.id));
  r.create_time = FromMicros(row.Int(10));
  return r;
}

// Records one reminder of `loan` unless its (loan, instalment, stage) already
// is, with its event; whether it recorded it.
absl::StatusOr<bool> RecordOne(storage::Transaction& tx, const std::string& fund_id,
                               const std::string& currency, const LoanRecord& loan,
                               const Reminder& reminder, absl::CivilDay today, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO reminders (loan_id, instalment, stage, days_late, due_date, "
               "amount_due_cents, reminder_date, create_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (loan_id, instalment, stage) DO NOTHING RETURNING id",
               {loan.id, static_cast<int64_t>(reminder.instalment), reminder.StageKey(),
                static_cast<int64_t>(reminder.step_days), absl::FormatCivilTime(reminder.due),
                reminder.amount_due_cents, absl::FormatCivilTime(today), ToMicros(now)}));
  if (rows.empty()) return false;  // recorded by an earlier run
  ReminderRecord record{rows[0].Int(0), loan.id, loan.applicant, loan.circle, reminder, today, now};
  v1::ReminderProduced event;
  *event.mutable_reminder() = ReminderToProto(record, currency);
  CERCLES_RETURN_IF_ERROR(
      events::AppendEvent(tx, fund_id, event.reminder().name(), event, now).status());
  return true;
}

}  // namespace

absl::StatusOr<int32_t> RecordDueReminders(storage::Transaction& tx, const std::string& fund_id,
                                           absl::CivilDay today, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  const ReminderRules rules = ReminderRulesFor(settings, settings.reminder_days_before);
  LoanFilter filter;
  filter.states = {LoanState::kActive};
  int32_t recorded = 0;
  int64_t after_id = 0;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> page,
                             ListLoanRecords(tx, filter, after_id, kMaxLoanRecordsPerList));
    for (const LoanRecord& loan : page) {
      CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
      for (const Reminder& reminder : DueReminders(position, today, rules)) {
        CERCLES_ASSIGN_OR_RETURN(
            bool added, RecordOne(tx, fund_id, settings.currency, loan, reminder, today, now));
        if (added) ++recorded;
      }
    }
    if (page.size() < static_cast<size_t>(kMaxLoanRecordsPerList)) return recorded;
    after_id = page.back().id;
  }
}

absl::StatusOr<std::vector<ReminderRecord>> ListReminderRecords(storage::Transaction& tx,
                                                                const ReminderFilter& filter,
                                                                int64_t after_id, int limit) {
  std::string where = " WHERE r.id > ?";
  std::vector<storage::Value> params = {after_id};
  auto add = [&](const char* condition, storage::Value value) {
    absl::StrAppend(&where, " AND ", condition);
    params.push_back(std::move(value));
  };
  if (filter.loan_id > 0) add("r.loan_id = ?", filter.loan_id);
  if (!filter.borrower.empty()) add("l.applicant = ?", filter.borrower);
  if (!filter.circle.empty()) add("l.circle = ?", filter.circle);
  if (filter.stage == ReminderStage::kUpcoming) add("r.stage = ?", std::string("UPCOMING"));
  if (filter.stage == ReminderStage::kOverdue) add("r.stage <> ?", std::string("UPCOMING"));
  if (filter.from_date) add("r.reminder_date >= ?", absl::FormatCivilTime(*filter.from_date));
  if (filter.to_date) add("r.reminder_date <= ?", absl::FormatCivilTime(*filter.to_date));
  if (filter.circles_in.has_value()) {
    if (filter.circles_in->empty()) return std::vector<ReminderRecord>();
    absl::StrAppend(&where, " AND l.circle IN (", storage::Placeholders(filter.circles_in->size()),
                    ")");
    for (const std::string& circle : *filter.circles_in) params.emplace_back(circle);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kReminderColumns,
                            " FROM reminders r JOIN loans l ON l.id = r.loan_id", where,
                            " ORDER BY r.id LIMIT ", limit),
               params));
  std::vector<ReminderRecord> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(ReminderRecord record, ReminderFromRow(row));
    out.push_back(std::move(record));
  }
  return out;
}

v1::Reminder ReminderToProto(const ReminderRecord& record, const std::string& currency) {
  v1::Reminder out;
  out.set_name(absl::StrCat("reminders/", record.id));
  out.set_loan(absl::StrCat("loans/", record.loan_id));
  out.set_borrower(record.borrower);
  out.set_circle(record.circle);
  out.set_instalment_number(record.reminder.instalment);
  out.set_stage(record.reminder.stage == ReminderStage::kUpcoming ? v1::REMINDER_STAGE_UPCOMING
                                                                  : v1::REMINDER_STAGE_OVERDUE);
  out.set_days_late(record.reminder.step_days);
  *out.mutable_due_date() = api::DateFromDay(record.reminder.due);
  *out.mutable_amount_due() = api::ToMoney(record.reminder.amount_due_cents, currency);
  *out.mutable_reminder_date() = api::DateFromDay(record.reminder_date);
  SetTimestampMicros(ToMicros(record.create_time), out.mutable_create_time());
  return out;
}

}  // namespace cercles::lending
