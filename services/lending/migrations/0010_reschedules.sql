-- Reschedules of active loans (services/lending/reschedule.h): requested by one member
-- of the fund's staff, approved or rejected by another. state: PENDING, APPROVED or
-- REJECTED; at most one PENDING per loan (the partial unique index).
-- last_repayment_id: the loan's latest repayment at approval (those up to it can no
-- longer be reversed); schedule_version: the version of the loan's schedule the approval
-- created (1 is the one fixed at disbursement); frequency: the API RepaymentFrequency number.
CREATE TABLE loan_reschedules (
  id {{SERIAL_PK}},
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  state TEXT NOT NULL,
  instalment_count INTEGER NOT NULL,
  frequency INTEGER NOT NULL,
  grace_on_principal INTEGER NOT NULL,
  grace_on_interest INTEGER NOT NULL,
  first_due_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  rejection_reason TEXT NOT NULL DEFAULT '',
  create_time_us BIGINT NOT NULL,
  decide_time_us BIGINT NOT NULL DEFAULT 0,
  rescheduled_principal_cents BIGINT NOT NULL DEFAULT 0,
  carried_interest_cents BIGINT NOT NULL DEFAULT 0,
  schedule_version INTEGER NOT NULL DEFAULT 0,
  last_repayment_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX loan_reschedules_loan ON loan_reschedules (loan_id, id);
CREATE UNIQUE INDEX loan_reschedules_pending ON loan_reschedules (loan_id) WHERE state = 'PENDING';

-- The schedule an approved reschedule replaced, as it stood (with what had been paid).
CREATE TABLE loan_schedule_history (
  reschedule_id BIGINT NOT NULL REFERENCES loan_reschedules (id),
  number INTEGER NOT NULL,
  due_date TEXT NOT NULL,
  principal_cents BIGINT NOT NULL,
  interest_cents BIGINT NOT NULL,
  principal_paid_cents BIGINT NOT NULL,
  interest_paid_cents BIGINT NOT NULL,
  cleared_on TEXT NOT NULL,
  balance_after_cents BIGINT NOT NULL,
  PRIMARY KEY (reschedule_id, number)
);
