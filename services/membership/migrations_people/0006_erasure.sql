-- Erasures of people's personal data (issue 14, item 4; PrivacyService.ErasePerson):
-- one row per erased person, ids only. reason is a cercles.membership.v1.ErasureReason
-- number; actor the staff principal who asked. The person's row stays (status 3,
-- PERSON_STATUS_ERASED) with the pseudonym, so loans and journal entries still
-- name someone.
CREATE TABLE person_erasures (
  person_id BIGINT PRIMARY KEY REFERENCES people (id),
  reason INTEGER NOT NULL,
  actor TEXT NOT NULL,
  erase_time_us BIGINT NOT NULL
);
