-- The other financing paths the fund helps with: referrals to banks and subsidy
-- applications, per person. Amounts are integer cents of `currency` (the fund's
-- currency when the record was created); times are microseconds since the epoch.
-- `person` is a membership resource name ("people/{id}"): lending keeps no copy
-- of people, so it is checked for its form only.
CREATE TABLE bank_referrals (
  id {{SERIAL_PK}},
  person TEXT NOT NULL,
  institution TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_requested_cents BIGINT NOT NULL CHECK (amount_requested_cents > 0),
  status TEXT NOT NULL,
  amount_obtained_cents BIGINT NOT NULL DEFAULT 0 CHECK (amount_obtained_cents >= 0),
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX bank_referrals_person ON bank_referrals (person, id);
CREATE INDEX bank_referrals_status ON bank_referrals (status, id);

CREATE TABLE subsidy_applications (
  id {{SERIAL_PK}},
  person TEXT NOT NULL,
  programme TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_requested_cents BIGINT NOT NULL CHECK (amount_requested_cents > 0),
  status TEXT NOT NULL,
  amount_granted_cents BIGINT NOT NULL DEFAULT 0 CHECK (amount_granted_cents >= 0),
  outcome TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX subsidy_applications_person ON subsidy_applications (person, id);
CREATE INDEX subsidy_applications_status ON subsidy_applications (status, id);
