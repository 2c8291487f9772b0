-- A loan's grace periods, in instalments (services/lending/schedule.h): interest only on
-- the first grace_on_principal, nothing due on the first grace_on_interest (their
-- interest spread over the rest). Set at submission, from the request or the fund's
-- defaults. The loans stored before them had none.
ALTER TABLE loans ADD COLUMN grace_on_principal INTEGER NOT NULL DEFAULT 0;
ALTER TABLE loans ADD COLUMN grace_on_interest INTEGER NOT NULL DEFAULT 0;
