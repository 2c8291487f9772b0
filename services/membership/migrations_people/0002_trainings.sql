-- Training cohorts (formations) and who followed them. Dates are calendar days
-- "YYYY-MM-DD"; completed_on is NULL until the person completes.
CREATE TABLE trainings (
  id {{SERIAL_PK}},
  display_name TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE TABLE training_enrolments (
  training_id BIGINT NOT NULL REFERENCES trainings (id),
  person_id BIGINT NOT NULL REFERENCES people (id),
  enrol_time_us BIGINT NOT NULL,
  completed_on TEXT,
  complete_time_us BIGINT,
  PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_enrolments_person ON training_enrolments (person_id, training_id);
