CREATE TABLE privacy_contact (
  id BIGINT PRIMARY KEY,
  contact {{BLOB}} NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE TABLE incidents (
  id {{SERIAL_PK}},
  latest_revision INTEGER NOT NULL,
  discover_day TEXT NOT NULL,
  retain_until_day TEXT NOT NULL,
  create_time_us BIGINT NOT NULL
);
CREATE TABLE incident_revisions (
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  revision INTEGER NOT NULL,
  incident {{BLOB}} NOT NULL,
  update_principal TEXT NOT NULL,
  update_time_us BIGINT NOT NULL,
  PRIMARY KEY (incident_id, revision)
);
