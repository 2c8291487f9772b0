-- Consent withdrawn after a transfer was proposed (issue 14, item 1): the
-- person of an outgoing transfer (person_id, "people/{id}" of this fund), and
-- whether the receiving peer was told to clear them (consent_withdrawn = 1).
-- Transfers proposed before this migration have no person_id and are not
-- followed.
ALTER TABLE federation_transfers ADD COLUMN person_id BIGINT;
ALTER TABLE federation_transfers ADD COLUMN consent_withdrawn INTEGER NOT NULL DEFAULT 0;
CREATE INDEX federation_transfers_consent ON federation_transfers (direction, consent_withdrawn,
                                                                   person_id);
