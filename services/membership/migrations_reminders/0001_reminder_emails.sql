-- The reminder emails (services/membership/reminder_mailer.h): one row per lending
-- reminder (loan, instalment, stage) sent to a borrower who consented, so nothing is
-- sent twice. state: SENDING (recorded with the reminder's event, before any
-- attempt; sent again, with the same message_id, until it is SENT), SENT, or
-- SKIPPED (the consent or the email was gone when it was to be sent).
-- stage: "UPCOMING" or "OVERDUE_{days late}"; due_date YYYY-MM-DD. lease_until_us: the
-- replica sending it holds it until then (another waits; after a crash it lapses).
CREATE TABLE reminder_emails (
  id {{SERIAL_PK}},
  loan TEXT NOT NULL,
  instalment INTEGER NOT NULL,
  stage TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people (id),
  days_late INTEGER NOT NULL,
  due_date TEXT NOT NULL,
  amount_minor_units BIGINT NOT NULL,
  message_id TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_until_us BIGINT NOT NULL DEFAULT 0,
  create_time_us BIGINT NOT NULL,
  sent_time_us BIGINT NOT NULL DEFAULT 0,
  UNIQUE (loan, instalment, stage)
);
CREATE INDEX reminder_emails_state ON reminder_emails (state, id);
