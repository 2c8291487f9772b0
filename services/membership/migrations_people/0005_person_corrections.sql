-- Correction of personal data, with the reason (issue 14, item 3): one row per
-- personal field a CorrectPerson changed, never changed nor deleted by the
-- API. It keeps which field (a cercles.membership.v1.Person path such as
-- "contact.email") and why, never the old or the new value; requested_by_person
-- is 1 when the person asked for it (Law 25 right of rectification), else 0.
-- The reason is personal data: a person's erasure removes it.
CREATE TABLE person_corrections (
  id {{SERIAL_PK}},
  person_id BIGINT NOT NULL REFERENCES people (id),
  field_path TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by_person INTEGER NOT NULL,
  actor TEXT NOT NULL,
  correct_time_us BIGINT NOT NULL
);
CREATE INDEX person_corrections_person ON person_corrections (person_id, id);
