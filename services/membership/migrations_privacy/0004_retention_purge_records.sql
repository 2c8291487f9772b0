-- What each run of the retention purge purged, by its request_id, in the order
-- it purged them (PrivacyService.PurgeExpiredRecords): written in the batch
-- that purges the record, so a purge stopped by a crash and run again with the
-- same request_id answers the whole report (what the first part purged and
-- what the second did), not only the rest. Ids and resource names only.
CREATE TABLE retention_purge_records (
  id {{SERIAL_PK}},
  request_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  record TEXT NOT NULL,
  UNIQUE (request_id, record)
);
