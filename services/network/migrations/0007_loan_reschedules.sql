-- Approved reschedules of each loan, counted from lending's
-- LOAN_CHANGE_KIND_RESCHEDULED events (NetworkStats.loans_rescheduled and
-- reschedules). Events consumed before this column existed are not replayed: a
-- reschedule approved before the upgrade is not counted.
ALTER TABLE network_loans ADD COLUMN reschedules BIGINT NOT NULL DEFAULT 0;
