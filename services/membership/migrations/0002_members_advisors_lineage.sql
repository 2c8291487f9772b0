-- Advisors (conseillers en gestion), identified by the staff principal of their token.
CREATE TABLE advisors (
  id {{SERIAL_PK}},
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  principal_name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
ALTER TABLE circles ADD COLUMN advisor_id BIGINT;
ALTER TABLE circles ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX circles_advisor ON circles (advisor_id, id);
-- Membership over time: a row per stay of a person in a circle. The current
-- members are the rows with leave_time_us IS NULL.
CREATE TABLE circle_members (
  circle_id BIGINT NOT NULL REFERENCES circles (id),
  person_id BIGINT NOT NULL,
  join_time_us BIGINT NOT NULL,
  join_reason TEXT NOT NULL,
  leave_time_us BIGINT,
  leave_reason TEXT,
  PRIMARY KEY (circle_id, person_id, join_time_us)
);
CREATE INDEX circle_members_person ON circle_members (person_id, leave_time_us);
CREATE INDEX circle_members_current ON circle_members (circle_id, leave_time_us);
-- Lineage: a circle made from others (merge) records where it came from.
CREATE TABLE circle_lineage (
  circle_id BIGINT NOT NULL REFERENCES circles (id),
  source_circle_id BIGINT NOT NULL REFERENCES circles (id),
  kind INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (circle_id, source_circle_id)
);
-- Every status change, for the circle's history.
CREATE TABLE circle_status_history (
  circle_id BIGINT NOT NULL REFERENCES circles (id),
  change_time_us BIGINT NOT NULL,
  status INTEGER NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX circle_status_history_circle ON circle_status_history (circle_id, change_time_us);
