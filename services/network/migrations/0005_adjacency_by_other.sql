-- The neighbourhood walk asks each node for its first neighbours in name order
-- (GraphStore::Neighbours). With only the primary key (node, kind, other) a
-- hub — a fund or a region with every circle on it — is read whole and sorted
-- for each question, so the walk's cost followed the size of the network. This
-- index gives a node's neighbours in name order, whatever their kind: the
-- query stops after the rows it returns.
CREATE INDEX network_adjacency_by_other ON network_adjacency (node, other, kind);
