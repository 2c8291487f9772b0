CREATE TABLE network_circles (
  fund_id TEXT NOT NULL,
  circle_id BIGINT NOT NULL,
  display_name TEXT NOT NULL,
  status INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  update_time_us BIGINT NOT NULL,
  source_sequence BIGINT NOT NULL,
  summary {{BLOB}} NOT NULL,
  PRIMARY KEY (fund_id, circle_id)
);
CREATE INDEX network_circles_status ON network_circles (status, fund_id, circle_id);
CREATE TABLE network_circle_characteristics (
  fund_id TEXT NOT NULL,
  circle_id BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  custom_kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (fund_id, circle_id, kind, custom_kind, value)
);
CREATE INDEX network_circle_characteristics_lookup
  ON network_circle_characteristics (kind, custom_kind, value, fund_id, circle_id);
