CREATE TABLE fund_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  update_time_us BIGINT NOT NULL
);
