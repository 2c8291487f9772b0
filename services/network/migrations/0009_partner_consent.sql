-- Consents.share_with_partners as membership's events carry it (issue 14,
-- item 1): CreateReferral refuses a person without it. 0 for everyone until
-- their next event says otherwise (the most private default).
ALTER TABLE network_people ADD COLUMN share_with_partners INTEGER NOT NULL DEFAULT 0;
