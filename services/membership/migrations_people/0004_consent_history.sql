-- Consent per purpose, with history (issue 14, item 1). Every give or withdraw
-- is a row of consent_changes, never changed nor deleted; the people columns
-- hold the current state the history adds up to (consent_store.cc keeps them
-- together). purpose and channel are cercles.membership.v1.ConsentPurpose and
-- ConsentChannel numbers; given is 1 (give) or 0 (withdraw).
ALTER TABLE people ADD COLUMN share_with_partners INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN circle_sees_follow_ups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN credit_reporting INTEGER NOT NULL DEFAULT 0;
CREATE TABLE consent_changes (
  id {{SERIAL_PK}},
  person_id BIGINT NOT NULL REFERENCES people (id),
  purpose INTEGER NOT NULL,
  given INTEGER NOT NULL,
  wording_version TEXT NOT NULL,
  channel INTEGER NOT NULL,
  actor TEXT NOT NULL,
  effective_time_us BIGINT NOT NULL
);
CREATE INDEX consent_changes_person ON consent_changes (person_id, id);
-- The consents given before the history existed become its first rows, so the
-- state stays what the history adds up to: channel 6
-- (CONSENT_CHANNEL_PERSON_RECORD), wording "before-history", at the person's
-- last update.
INSERT INTO consent_changes (person_id, purpose, given, wording_version, channel, actor,
                             effective_time_us)
  SELECT id, 1, 1, 'before-history', 6, 'migration', update_time_us FROM people
  WHERE share_with_network <> 0;
INSERT INTO consent_changes (person_id, purpose, given, wording_version, channel, actor,
                             effective_time_us)
  SELECT id, 2, 1, 'before-history', 6, 'migration', update_time_us FROM people
  WHERE share_with_other_funds <> 0;
INSERT INTO consent_changes (person_id, purpose, given, wording_version, channel, actor,
                             effective_time_us)
  SELECT id, 4, 1, 'before-history', 6, 'migration', update_time_us FROM people
  WHERE reminders_by_email <> 0;
