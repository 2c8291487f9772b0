CREATE TABLE journal_entries (
  id {{SERIAL_PK}},
  kind TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  description TEXT NOT NULL,
  currency TEXT NOT NULL,
  total_cents BIGINT NOT NULL CHECK (total_cents > 0),
  reverses_entry_id BIGINT REFERENCES journal_entries (id),
  reversed_by_entry_id BIGINT REFERENCES journal_entries (id),
  create_time_us BIGINT NOT NULL,
  posted_by TEXT NOT NULL,
  CHECK (reverses_entry_id IS NULL OR reversed_by_entry_id IS NULL)
);
CREATE UNIQUE INDEX journal_entries_reverses ON journal_entries (reverses_entry_id);
CREATE INDEX journal_entries_date ON journal_entries (effective_date);
CREATE INDEX journal_entries_kind ON journal_entries (kind, id);
CREATE TABLE journal_lines (
  entry_id BIGINT NOT NULL REFERENCES journal_entries (id),
  line_no BIGINT NOT NULL,
  account TEXT NOT NULL,
  debit_cents BIGINT NOT NULL,
  credit_cents BIGINT NOT NULL,
  loan TEXT,
  party TEXT,
  PRIMARY KEY (entry_id, line_no),
  CHECK ((debit_cents > 0 AND credit_cents = 0) OR (debit_cents = 0 AND credit_cents > 0)),
  CHECK (debit_cents <= 10000000000000 AND credit_cents <= 10000000000000)
);
CREATE INDEX journal_lines_account ON journal_lines (account, loan);
CREATE INDEX journal_lines_loan ON journal_lines (loan, entry_id);
CREATE INDEX journal_lines_party ON journal_lines (party, entry_id);
