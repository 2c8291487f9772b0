-- Federation with other regional funds (issue 5, item 4): the peer funds this
-- fund trusts, and the member transfers proposed between funds. Each record is
-- kept whole as its message; the columns beside it are what lookups filter on.
CREATE TABLE federation_peers (
  fund_id TEXT PRIMARY KEY,
  common_name TEXT NOT NULL,
  status INTEGER NOT NULL,
  peer {{BLOB}} NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX federation_peers_common_name ON federation_peers (common_name, status);
CREATE TABLE federation_transfers (
  transfer_id {{SERIAL_PK}},
  direction INTEGER NOT NULL,
  peer_fund_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  transfer {{BLOB}} NOT NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL
);
CREATE INDEX federation_transfers_status ON federation_transfers (direction, status, transfer_id);
CREATE INDEX federation_transfers_peer ON federation_transfers (peer_fund_id, transfer_id);
-- The directory stream a peer follows reads this fund's circles by the
-- sequence of their last change (network_circles is network's directory).
CREATE INDEX federation_directory_sequence ON network_circles (fund_id, source_sequence)
