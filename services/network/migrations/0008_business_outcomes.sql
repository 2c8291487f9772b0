-- Business outcomes as membership's MeetingRecorded events carry them (issue 15,
-- item 4): one row per (meeting, person), numbers and enums only (the enums are
-- cercles.membership.v1.BusinessEvent; a job count is NULL when the outcome did
-- not give it). NetworkStats counts each entrepreneur from these rows, in the
-- region of the circle of their latest outcome; no person leaves network.
-- Meetings recorded before this table existed are not replayed: their outcomes
-- (there were none before issue 15) are not counted.
CREATE TABLE network_business_outcomes (
  fund_id TEXT NOT NULL,
  meeting_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  circle_id BIGINT NOT NULL,
  meeting_day TEXT NOT NULL,
  event INTEGER NOT NULL,
  jobs_created_full_time INTEGER,
  jobs_created_part_time INTEGER,
  jobs_kept_full_time INTEGER,
  jobs_kept_part_time INTEGER,
  source_sequence BIGINT NOT NULL,
  PRIMARY KEY (fund_id, meeting_id, person_id)
);
CREATE INDEX network_business_outcomes_person ON network_business_outcomes (fund_id, person_id);
