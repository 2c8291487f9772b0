-- Consents.reminders_by_email (issue 12, item 7): 0 (no email) for everyone until
-- they consent.
ALTER TABLE people ADD COLUMN reminders_by_email INTEGER NOT NULL DEFAULT 0;
