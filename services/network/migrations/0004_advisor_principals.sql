-- Advisors keep the staff principal their token carries, so the network scopes
-- an advisor's referrals to the people of their circles (common/auth/scope.h).
-- Resetting membership's cursor replays its stream (every membership event is
-- applied idempotently: upserts and PutEdge), which fills the principal of the
-- advisors recorded before.
ALTER TABLE network_advisors ADD COLUMN principal_name TEXT NOT NULL DEFAULT '';
CREATE INDEX network_advisors_principal ON network_advisors (principal_name, fund_id);
DELETE FROM event_cursors WHERE source = 'membership';
