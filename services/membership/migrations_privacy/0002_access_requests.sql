CREATE TABLE access_requests (
  id {{SERIAL_PK}},
  person_id BIGINT NOT NULL,
  due_day TEXT NOT NULL,
  done INTEGER NOT NULL,
  access_request {{BLOB}} NOT NULL,
  create_time_us BIGINT NOT NULL
);
CREATE INDEX access_requests_by_person ON access_requests (person_id, id);
CREATE INDEX access_requests_by_state ON access_requests (done, due_day);
