CREATE TABLE circles (
  id {{SERIAL_PK}},
  display_name TEXT NOT NULL,
  status INTEGER NOT NULL,
  member_count INTEGER NOT NULL DEFAULT 0,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX circles_status ON circles (status, id);
CREATE TABLE circle_characteristics (
  circle_id BIGINT NOT NULL REFERENCES circles (id),
  position INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  custom_kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (circle_id, position),
  UNIQUE (circle_id, kind, custom_kind, value)
);
CREATE INDEX circle_characteristics_lookup ON circle_characteristics (kind, custom_kind, value, circle_id);
