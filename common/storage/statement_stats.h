// How a Database's connections used their prepared statements, and its pool.
// Beside
// database.h rather than in it: tests and metrics read it, while every store
// includes database.h.
#ifndef CERCLES_COMMON_STORAGE_STATEMENT_STATS_H_
#define CERCLES_COMMON_STORAGE_STATEMENT_STATS_H_

#include <cstdint>

#include "common/storage/database.h"

namespace cercles::storage {

// How a Database's connections used their prepared statements (each engine
// keeps statements prepared per connection: SQLite's prepared statements,
// PostgreSQL's named ones, at most 256 per connection, least recently used out).
// Counts since Open(), over all its connections.
struct StatementStats {
  int64_t prepared = 0;  // statements parsed and kept for reuse
  int64_t reused = 0;    // runs of a statement kept from before (cache hits)
  int64_t evicted = 0;   // kept statements dropped to make room
  int64_t uncached = 0;  // runs parsed and dropped (schema changes, transaction control)
};

// The counts of a Database made by Database::Open (zeros for any other).
StatementStats StatementStatsOf(const Database& db);

// A Database's connection pool now, and its waits since Open().
struct PoolStats {
  int64_t max_connections = 0;
  int64_t in_use = 0;       // lent to a transaction (or being connected)
  int64_t idle = 0;         // open, waiting in the pool
  int64_t waiting = 0;      // callers waiting for a connection now
  int64_t waits = 0;        // acquisitions that had to wait (since Open)
  double wait_seconds = 0;  // total time they waited
};

// The pool of a Database made by Database::Open (zeros for any other).
PoolStats PoolStatsOf(const Database& db);

}  // namespace cercles::storage

#endif  // CERCLES_COMMON_STORAGE_STATEMENT_STATS_H_
