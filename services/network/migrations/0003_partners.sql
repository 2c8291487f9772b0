-- Partner organisations and referrals (issue 5, item 3). Each record is kept
-- whole as its message, and the columns beside it are what lists filter on.
CREATE TABLE network_partners (
  partner_id {{SERIAL_PK}},
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  partner {{BLOB}} NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
-- Territory (facet 1) and services (facet 2), lower-cased, for the filters.
CREATE TABLE network_partner_terms (
  partner_id BIGINT NOT NULL,
  facet INTEGER NOT NULL,
  value_key TEXT NOT NULL,
  PRIMARY KEY (partner_id, facet, value_key)
);
CREATE INDEX network_partner_terms_lookup ON network_partner_terms (facet, value_key, partner_id);
CREATE TABLE network_referrals (
  referral_id {{SERIAL_PK}},
  person_id BIGINT NOT NULL,
  partner_id BIGINT NOT NULL,
  circle_node TEXT NOT NULL,
  status INTEGER NOT NULL,
  referral {{BLOB}} NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX network_referrals_person ON network_referrals (person_id, referral_id);
CREATE INDEX network_referrals_partner ON network_referrals (partner_id, referral_id);
CREATE INDEX network_referrals_status ON network_referrals (status, referral_id)
