-- Meetings of circles (migration component "membership_meetings", applied after
-- "membership", whose circles table it refers to). Days are text YYYY-MM-DD, as
-- in the people tables: they sort like the days they name.
-- A circle's meeting schedule: at most one.
CREATE TABLE meeting_schedules (
  circle_id BIGINT PRIMARY KEY REFERENCES circles (id),
  frequency INTEGER NOT NULL,
  first_day TEXT NOT NULL,
  location TEXT NOT NULL,
  notes TEXT NOT NULL,
  update_principal TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
-- One meeting per circle per day.
CREATE TABLE meetings (
  id {{SERIAL_PK}},
  circle_id BIGINT NOT NULL REFERENCES circles (id),
  meeting_day TEXT NOT NULL,
  minutes TEXT NOT NULL,
  record_principal TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  UNIQUE (circle_id, meeting_day)
);
-- One row per member on the meeting's attendance list, in the list's order.
CREATE TABLE meeting_attendance (
  meeting_id BIGINT NOT NULL REFERENCES meetings (id),
  person_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  status INTEGER NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (meeting_id, person_id),
  UNIQUE (meeting_id, position)
);
CREATE INDEX meeting_attendance_person ON meeting_attendance (person_id, meeting_id);
-- The collective follow-up of a member's business at a meeting.
CREATE TABLE meeting_follow_ups (
  meeting_id BIGINT NOT NULL REFERENCES meetings (id),
  person_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  progress TEXT NOT NULL,
  difficulties TEXT NOT NULL,
  help_details TEXT NOT NULL,
  PRIMARY KEY (meeting_id, person_id),
  UNIQUE (meeting_id, position)
);
-- The kinds of help offered in a follow-up (cercles.membership.v1.HelpKind).
CREATE TABLE meeting_help_offered (
  meeting_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, person_id, kind),
  FOREIGN KEY (meeting_id, person_id) REFERENCES meeting_follow_ups (meeting_id, person_id)
);
