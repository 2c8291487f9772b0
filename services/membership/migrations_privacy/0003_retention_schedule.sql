-- The fund's retention schedule (issue 14, item 4; PrivacyService.UpdateRetentionSchedule):
-- one row, the cercles.membership.v1.RetentionSchedule message, as the privacy
-- officer's contact is stored. No row: the defaults (retention_rules.h) apply.
CREATE TABLE retention_schedule (
  id BIGINT PRIMARY KEY,
  schedule {{BLOB}} NOT NULL,
  update_time_us BIGINT NOT NULL
);
