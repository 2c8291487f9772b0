-- A person's business history (issue 15, item 4): one row per business outcome
-- recorded in a meeting's follow-up (BusinessFollowUp.outcome). The enums are
-- cercles.membership.v1.BusinessStage, BusinessEvent and RevenueBand; a job
-- count column is NULL when the outcome did not give that JobCounts. The
-- meeting's day is copied here so that a person's history is read, newest
-- first, from this table's index alone.
CREATE TABLE business_history (
  meeting_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  meeting_day TEXT NOT NULL,
  stage INTEGER NOT NULL,
  event INTEGER NOT NULL,
  jobs_created_full_time INTEGER,
  jobs_created_part_time INTEGER,
  jobs_kept_full_time INTEGER,
  jobs_kept_part_time INTEGER,
  revenue_band INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, person_id),
  FOREIGN KEY (meeting_id, person_id) REFERENCES meeting_follow_ups (meeting_id, person_id)
);
CREATE INDEX business_history_person ON business_history (person_id, meeting_day, meeting_id);
