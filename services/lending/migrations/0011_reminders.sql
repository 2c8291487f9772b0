-- Reminders produced (services/lending/reminders.h): one row per (loan, instalment,
-- stage), so a stage is recorded, and announced (ReminderProduced), once however
-- often the job runs and whichever replica runs it. stage: "UPCOMING" or
-- "OVERDUE_{days late}" (Reminder::StageKey); days_late: the overdue step, 0 for
-- UPCOMING. reminder_date: the day (America/Toronto) it was produced for.
CREATE TABLE reminders (
  id {{SERIAL_PK}},
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  instalment INTEGER NOT NULL,
  stage TEXT NOT NULL,
  days_late INTEGER NOT NULL,
  due_date TEXT NOT NULL,
  amount_due_cents BIGINT NOT NULL,
  reminder_date TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  UNIQUE (loan_id, instalment, stage)
);
CREATE INDEX reminders_date ON reminders (reminder_date, id);
