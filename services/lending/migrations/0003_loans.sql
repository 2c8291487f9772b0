-- Loans from request to closing. Amounts are integer cents of the fund's currency;
-- dates are ISO "YYYY-MM-DD" text; times are microseconds since the epoch.
CREATE TABLE fund_settings_changes (
  id {{SERIAL_PK}},
  changes TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  change_time_us BIGINT NOT NULL
);

-- Advisors as membership announces them (AdvisorCreated), to scope advisors'
-- calls to their circles: principal is the staff token's name.
CREATE TABLE advisors (
  name TEXT PRIMARY KEY,
  principal TEXT NOT NULL
);
CREATE INDEX advisors_principal ON advisors (principal);

-- The circle each loan belongs to follows merges; its advisor follows
-- reassignments (both from membership's events).
CREATE TABLE circles (
  name TEXT PRIMARY KEY,
  advisor TEXT NOT NULL DEFAULT '',
  merged_into TEXT NOT NULL DEFAULT ''
);

CREATE TABLE loans (
  id {{SERIAL_PK}},
  applicant TEXT NOT NULL,
  circle TEXT NOT NULL,
  original_circle TEXT NOT NULL,
  advisor TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  purpose TEXT NOT NULL,
  business_plan_summary TEXT NOT NULL,
  document_reference TEXT NOT NULL DEFAULT '',
  instalment_count INTEGER NOT NULL,
  frequency TEXT NOT NULL,
  annual_rate_bps INTEGER NOT NULL,
  interest_method TEXT NOT NULL DEFAULT '',
  guarantee_kind TEXT NOT NULL DEFAULT '',
  ceiling_cents BIGINT NOT NULL,
  submitted_by TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  state_reason TEXT NOT NULL DEFAULT '',
  disbursement_date TEXT NOT NULL DEFAULT '',
  first_due_date TEXT NOT NULL DEFAULT '',
  outstanding_principal_cents BIGINT NOT NULL DEFAULT 0,
  outstanding_interest_cents BIGINT NOT NULL DEFAULT 0,
  guarantee_called_cents BIGINT NOT NULL DEFAULT 0,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  close_time_us BIGINT NOT NULL DEFAULT 0,
  CHECK (outstanding_principal_cents >= 0 AND outstanding_interest_cents >= 0)
);
CREATE INDEX loans_applicant ON loans (applicant, id);
CREATE INDEX loans_circle ON loans (circle, id);
CREATE INDEX loans_state ON loans (state, id);
CREATE INDEX loans_advisor ON loans (advisor, id);
-- One open request per person, whatever the race.
CREATE UNIQUE INDEX loans_one_open_request ON loans (applicant)
  WHERE state IN ('SUBMITTED', 'CIRCLE_APPROVED', 'APPROVED');

-- The members eligible to vote are fixed at submission (the circle's other
-- current members); votes are never replaced.
CREATE TABLE loan_voters (
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  voter TEXT NOT NULL,
  PRIMARY KEY (loan_id, voter)
);
CREATE TABLE loan_votes (
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  voter TEXT NOT NULL,
  approve INTEGER NOT NULL,
  comment TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  cast_time_us BIGINT NOT NULL,
  PRIMARY KEY (loan_id, voter)
);
CREATE TABLE loan_guarantors (
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  guarantor TEXT NOT NULL,
  PRIMARY KEY (loan_id, guarantor)
);
CREATE INDEX loan_guarantors_guarantor ON loan_guarantors (guarantor);

-- The schedule fixed at disbursement, and what has been paid on each instalment.
CREATE TABLE loan_instalments (
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  number INTEGER NOT NULL,
  due_date TEXT NOT NULL,
  principal_cents BIGINT NOT NULL,
  interest_cents BIGINT NOT NULL,
  balance_after_cents BIGINT NOT NULL,
  principal_paid_cents BIGINT NOT NULL DEFAULT 0,
  interest_paid_cents BIGINT NOT NULL DEFAULT 0,
  cleared_on TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (loan_id, number),
  CHECK (principal_paid_cents >= 0 AND principal_paid_cents <= principal_cents),
  CHECK (interest_paid_cents >= 0 AND interest_paid_cents <= interest_cents)
);
CREATE INDEX loan_instalments_due ON loan_instalments (due_date);

-- Repayments are never edited except to link their reversal.
-- allocations: "number:principal:interest" per instalment touched, ';'-separated.
CREATE TABLE repayments (
  id {{SERIAL_PK}},
  loan_id BIGINT NOT NULL REFERENCES loans (id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  received_on TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  principal_cents BIGINT NOT NULL,
  interest_cents BIGINT NOT NULL,
  allocations TEXT NOT NULL,
  journal_entry_id BIGINT NOT NULL,
  reversal_entry_id BIGINT,
  reversal_reason TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  create_time_us BIGINT NOT NULL
);
CREATE INDEX repayments_loan ON repayments (loan_id, id);

CREATE TABLE guarantee_calls (
  loan_id BIGINT PRIMARY KEY REFERENCES loans (id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  days_past_due INTEGER NOT NULL,
  call_date TEXT NOT NULL,
  journal_entry_id BIGINT NOT NULL,
  create_time_us BIGINT NOT NULL
);
CREATE TABLE guarantee_shares (
  loan_id BIGINT NOT NULL REFERENCES guarantee_calls (loan_id),
  guarantor TEXT NOT NULL,
  amount_cents BIGINT NOT NULL,
  paid_cents BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (loan_id, guarantor),
  CHECK (paid_cents >= 0 AND paid_cents <= amount_cents)
);
