-- The instalments a repayment recomputed under the fund's prepayment rule
-- REDUCE_PRINCIPAL (services/lending/repayment.h): per instalment
-- "number:principal_before:interest_before:principal_after:interest_after",
-- ';'-separated; empty for every other repayment. A reversal restores the
-- "before" amounts from it, so the previous schedule comes back exactly.
ALTER TABLE repayments ADD COLUMN revisions TEXT NOT NULL DEFAULT '';
