-- When the retention purge (PurgeExpiredLoanRecords) last cleared a closed
-- loan's free text and that of its votes, repayments and reschedules; 0 while
-- it has not. A loan is purged once per close: the purge takes the final
-- loans whose close_time_us is past the schedule's closed_loans_months and
-- later than this (services/lending/loan_retention_rules.h). The day a loan's
-- purpose ended is its close_time_us, which every final state already sets.
ALTER TABLE loans ADD COLUMN text_purge_time_us BIGINT NOT NULL DEFAULT 0;
