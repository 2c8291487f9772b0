-- The graph (issue 5). The directory tables gain the fields the graph and the
-- queries need, so they are rebuilt: dropping them and resetting membership's
-- cursor makes the subscriber replay membership's stream from the start (the
-- store is a projection of the events, never a source of truth).
DROP TABLE network_circle_characteristics;
DROP TABLE network_circles;
DELETE FROM event_cursors WHERE source = 'membership';
CREATE TABLE network_circles (
  fund_id TEXT NOT NULL,
  circle_id BIGINT NOT NULL,
  node TEXT NOT NULL,
  display_name TEXT NOT NULL,
  status INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  open_seats INTEGER NOT NULL,
  region TEXT NOT NULL,
  region_key TEXT NOT NULL,
  advisor_id BIGINT,
  update_time_us BIGINT NOT NULL,
  source_sequence BIGINT NOT NULL,
  summary {{BLOB}} NOT NULL,
  PRIMARY KEY (fund_id, circle_id)
);
CREATE UNIQUE INDEX network_circles_node ON network_circles (node);
CREATE INDEX network_circles_status ON network_circles (status, fund_id, circle_id);
CREATE INDEX network_circles_region ON network_circles (fund_id, region_key, circle_id);
CREATE TABLE network_circle_characteristics (
  fund_id TEXT NOT NULL,
  circle_id BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  custom_kind TEXT NOT NULL,
  value TEXT NOT NULL,
  value_key TEXT NOT NULL,
  PRIMARY KEY (fund_id, circle_id, kind, custom_kind, value)
);
CREATE INDEX network_circle_characteristics_lookup
  ON network_circle_characteristics (kind, custom_kind, value, fund_id, circle_id);
CREATE INDEX network_circle_characteristics_key
  ON network_circle_characteristics (kind, value_key, fund_id, circle_id);
-- Every edge twice, once from each end (outward = 1 on the row whose node the
-- edge starts from), so a node's neighbours are one index range.
CREATE TABLE network_adjacency (
  node TEXT NOT NULL,
  kind INTEGER NOT NULL,
  other TEXT NOT NULL,
  outward INTEGER NOT NULL,
  weight INTEGER NOT NULL,
  PRIMARY KEY (node, kind, other)
);
CREATE TABLE network_sisters (
  circle_a TEXT NOT NULL,
  circle_b TEXT NOT NULL,
  note TEXT NOT NULL,
  declared_by TEXT NOT NULL,
  declare_time_us BIGINT NOT NULL,
  PRIMARY KEY (circle_a, circle_b)
);
-- People as the events carry them (minimised): names and business only when
-- shared with the network, expertise only when opted in.
CREATE TABLE network_people (
  fund_id TEXT NOT NULL,
  person_id BIGINT NOT NULL,
  display_name TEXT NOT NULL,
  sector TEXT NOT NULL,
  language INTEGER NOT NULL,
  status INTEGER NOT NULL,
  circle_id BIGINT,
  expertise_opt_in INTEGER NOT NULL,
  share_with_network INTEGER NOT NULL,
  share_with_other_funds INTEGER NOT NULL,
  source_sequence BIGINT NOT NULL,
  PRIMARY KEY (fund_id, person_id)
);
CREATE INDEX network_people_circle ON network_people (fund_id, circle_id);
CREATE TABLE network_expertise (
  fund_id TEXT NOT NULL,
  person_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  value_key TEXT NOT NULL,
  PRIMARY KEY (fund_id, person_id, position)
);
CREATE INDEX network_expertise_key ON network_expertise (value_key);
CREATE TABLE network_advisors (
  fund_id TEXT NOT NULL,
  advisor_id BIGINT NOT NULL,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (fund_id, advisor_id)
);
-- Loans as lending's events carry them: only what the statistics need.
CREATE TABLE network_loans (
  fund_id TEXT NOT NULL,
  loan_id BIGINT NOT NULL,
  circle_id BIGINT NOT NULL,
  state INTEGER NOT NULL,
  currency TEXT NOT NULL,
  outstanding_principal BIGINT NOT NULL,
  oldest_due_day BIGINT,
  source_sequence BIGINT NOT NULL,
  PRIMARY KEY (fund_id, loan_id)
);
CREATE INDEX network_loans_circle ON network_loans (fund_id, circle_id)
