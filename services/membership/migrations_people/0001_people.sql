-- People of the fund. The sensitive fields (contact, birth date, gender) are
-- kept here like the others: this is the fund's own database; what leaves it
-- is minimised by the service. *_key columns hold the lower-case, accent-free
-- form that name and sector filters compare with.
CREATE TABLE people (
  id {{SERIAL_PK}},
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  given_key TEXT NOT NULL,
  family_key TEXT NOT NULL,
  language INTEGER NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  postal_address TEXT NOT NULL,
  birth_date TEXT,
  gender TEXT NOT NULL,
  has_business INTEGER NOT NULL,
  business_name TEXT NOT NULL,
  sector TEXT NOT NULL,
  sector_key TEXT NOT NULL,
  business_stage INTEGER NOT NULL,
  business_start_date TEXT,
  expertise_opt_in INTEGER NOT NULL,
  share_with_network INTEGER NOT NULL,
  share_with_other_funds INTEGER NOT NULL,
  status INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX people_status ON people (status, id);
CREATE INDEX people_given_key ON people (given_key, id);
CREATE INDEX people_family_key ON people (family_key, id);
CREATE INDEX people_sector_key ON people (sector_key, id);
-- Declared expertise, in the order given.
CREATE TABLE person_expertise (
  person_id BIGINT NOT NULL REFERENCES people (id),
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (person_id, position)
);
