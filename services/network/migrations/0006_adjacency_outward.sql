-- The edges among a neighbourhood's nodes are each node's outward edges
-- (GraphStore::EdgesAmong). Through the primary key (node, kind, other) a hub
-- in the answer — a region with every circle of it on it — was read whole,
-- each row looked up in the table for its direction, so the neighbourhood's
-- cost followed the size of the network. A hub's edges are inward: this index
-- holds only the outward ones, with every column the query reads (outward too,
-- so that SQLite answers from the index alone), so a node costs its own
-- outward edges.
CREATE INDEX network_adjacency_outward ON network_adjacency (node, kind, other, weight, outward)
  WHERE outward = 1;
