-- What the impact report (GetImpactReport, issue 15 item 5) needs of each loan
-- beside its state: the borrower (counted, never named), the principal lent,
-- the disbursement day (days since 1970-01-01) and the principal written off
-- (the amount of lending's LOAN_CHANGE_KIND_WRITTEN_OFF event). Filled by the
-- next LoanChanged event of each loan; events consumed before this migration are
-- not replayed, so a loan that has not changed since counts in no period.
ALTER TABLE network_loans ADD COLUMN borrower_id BIGINT;
ALTER TABLE network_loans ADD COLUMN amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE network_loans ADD COLUMN disbursed_day BIGINT;
ALTER TABLE network_loans ADD COLUMN written_off_principal BIGINT NOT NULL DEFAULT 0;
