// Pieces shared by the SQLite and PostgreSQL engines. Not part of the public
// storage API: only common/storage/*.cc include this.
#ifndef CERCLES_COMMON_STORAGE_STORAGE_INTERNAL_H_
#define CERCLES_COMMON_STORAGE_STORAGE_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/storage/database.h"
#include "common/storage/statement_stats.h"

namespace cercles::storage::internal {

// What both engines are: a Database that counts its statements.
class EngineDatabase : public Database {
 public:
  virtual StatementStats statement_stats() const = 0;
  virtual PoolStats pool_stats() const = 0;
};

// path: a file path, or empty with in_memory set for a private shared-cache
// in-memory database.
absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, bool in_memory,
                                                     const OpenOptions& options);

// url: a libpq connection URI ("postgresql://..." or "postgres://...").
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                                       const OpenOptions& options);

// The first ~60 characters of a statement with whitespace runs collapsed, for
// error messages. Parameter values are never part of it: they are bound, not inlined.
std::string SqlExcerpt(std::string_view sql);

// Checks a Migrate() call: the component is [a-z_]+ (it becomes part of a table
// name) and versions are positive and strictly increasing.
absl::Status ValidateMigrations(std::string_view component,
                                const std::vector<Migration>& migrations);

// Name of the table recording the applied migrations of `component`.
std::string MigrationsTable(std::string_view component);

// Wall-clock microseconds since the Unix epoch (schema_migrations.applied_at_us).
int64_t NowMicros();

// Debian's abseil has its own absl::string_view, distinct from std::string_view
// (which the public header uses), and no implicit conversion between them.
inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// How long to wait for a pool slot or an in-process lock: lock_timeout_ms, where
// a non-positive value means no limit (PostgreSQL's lock_timeout = 0 meaning).
inline absl::Duration LockWait(const OpenOptions& options) {
  return options.lock_timeout_ms > 0 ? absl::Milliseconds(options.lock_timeout_ms)
                                     : absl::InfiniteDuration();
}

// What the engines do with a statement's text before running it.
enum class StatementKind {
  // SELECT, INSERT, UPDATE, DELETE, WITH, VALUES: kept prepared per connection.
  kCacheable,
  // CREATE, ALTER, DROP...: parsed each time; may change what cached
  // statements return (PostgreSQL's plans keep their result type).
  kSchema,
  // Anything else (transaction control, PRAGMA, SET...): parsed each time.
  kOther,
};

// Judged by the first keyword, after whitespace and comments.
StatementKind ClassifyStatement(std::string_view sql);

// Statements prepared per connection, at most this many on each (the least
// recently used one is dropped for a new one): dynamic SQL such as IN lists of
// every length must not grow a connection without bound.
inline constexpr size_t kStatementCacheCapacity = 256;

// A Database's statement counts, shared by its connections (atomics: connections
// are used by several threads in turn, and read by statement_stats()).
struct StatementCounters {
  std::atomic<int64_t> prepared{0};
  std::atomic<int64_t> reused{0};
  std::atomic<int64_t> evicted{0};
  std::atomic<int64_t> uncached{0};

  StatementStats Snapshot() const {
    StatementStats stats;
    stats.prepared = prepared.load(std::memory_order_relaxed);
    stats.reused = reused.load(std::memory_order_relaxed);
    stats.evicted = evicted.load(std::memory_order_relaxed);
    stats.uncached = uncached.load(std::memory_order_relaxed);
    return stats;
  }
};

// One connection's prepared statements by SQL text, least recently used first
// out. Not thread-safe: a connection is used by one thread at a time. `Handle`
// is what the engine keeps (a sqlite3_stmt*, a server-side statement name); the
// engine frees what Insert and TakeAll hand back.
template <typename Handle>
class StatementLru {
 public:
  explicit StatementLru(size_t capacity) : capacity_(capacity) {}
  StatementLru(const StatementLru&) = delete;
  StatementLru& operator=(const StatementLru&) = delete;

  // The statement cached for `key`, now the most recently used; null if none.
  Handle* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->second;
  }

  // Caches a statement not cached yet; returns the one dropped to make room.
  std::optional<Handle> Insert(std::string key, Handle handle) {
    std::optional<Handle> evicted;
    if (entries_.size() >= capacity_ && !entries_.empty()) {
      evicted = std::move(entries_.back().second);
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
    entries_.emplace_front(std::move(key), std::move(handle));
    index_.emplace(entries_.front().first, entries_.begin());
    return evicted;
  }

  // Forgets `key`'s statement and returns it (to free it).
  std::optional<Handle> Remove(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    Handle handle = std::move(it->second->second);
    const auto entry = it->second;
    index_.erase(it);  // first: its key views the entry's string
    entries_.erase(entry);
    return handle;
  }

  // Forgets every statement and returns them (to free them).
  std::vector<Handle> TakeAll() {
    std::vector<Handle> all;
    all.reserve(entries_.size());
    for (auto& entry : entries_) all.push_back(std::move(entry.second));
    entries_.clear();
    index_.clear();
    return all;
  }

  size_t size() const { return entries_.size(); }

 private:
  using Entry = std::pair<std::string, Handle>;
  const size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;
};

// The open savepoints of one transaction, innermost last. Engines check names
// here first, so that an unknown name is FAILED_PRECONDITION on both (and does not
// fail the transaction on PostgreSQL) and a name is never spliced into SQL
// unless it is a plain identifier (quoted there, so that keywords such as
// "outer" are names too).
class SavepointStack {
 public:
  // INVALID_ARGUMENT unless `name` is [A-Za-z_][A-Za-z0-9_]*, 1..63 characters.
  static absl::Status ValidateName(const std::string& name);
  void Push(const std::string& name) { names_.push_back(name); }
  // The position of the innermost savepoint named `name`; FAILED_PRECONDITION
  // when none is open.
  absl::StatusOr<size_t> Find(const std::string& name) const;
  // Keeps the first `size` savepoints (after a rollback to savepoint i: i + 1;
  // after its release: i).
  void Truncate(size_t size) { names_.resize(size); }

 private:
  std::vector<std::string> names_;
};

// A bounded pool of connections. Connections are made lazily by `connect` (outside
// the pool lock, since connecting may take a network round trip) up to `max_size`.
// Thread-safe.
template <typename Conn, typename Deleter = std::default_delete<Conn>>
class ConnectionPool {
 public:
  using Handle = std::unique_ptr<Conn, Deleter>;
  using Connect = std::function<absl::StatusOr<Handle>()>;
  // Tells whether an idle connection can still be used; a dead one is dropped.
  using Healthy = std::function<bool(const Conn&)>;

  ConnectionPool(int max_size, Connect connect, Healthy healthy)
      : max_size_(max_size), connect_(std::move(connect)), healthy_(std::move(healthy)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits up to `wait` for an idle connection or a free slot. Exhaustion is
  // reported as ABORTED: like a lock timeout, retrying later may succeed.
  absl::StatusOr<Handle> Acquire(absl::Duration wait) {
    mu_.Lock();
    for (;;) {
      const absl::Condition free(
          +[](ConnectionPool* p) { return !p->idle_.empty() || p->open_ < p->max_size_; }, this);
      bool available = free.Eval();
      if (!available) {  // counted for the pool's metrics: only a wait pays for the clock
        ++waiting_;
        ++waits_;
        const absl::Time start = absl::Now();
        available = mu_.AwaitWithTimeout(free, wait);
        wait_time_ += absl::Now() - start;
        --waiting_;
      }
      if (!available) {
        mu_.Unlock();
        return absl::AbortedError(absl::StrCat("all ", max_size_,
                                               " pooled database connections stayed busy for ",
                                               absl::FormatDuration(wait)));
      }
      if (idle_.empty()) break;
      Handle conn = std::move(idle_.back());
      idle_.pop_back();
      if (healthy_(*conn)) {
        mu_.Unlock();
        return conn;
      }
      --open_;  // dead: drop it (after unlocking) and look again
      mu_.Unlock();
      conn.reset();
      mu_.Lock();
    }
    ++open_;  // reserve the slot while connecting without the lock
    mu_.Unlock();
    absl::StatusOr<Handle> conn = connect_();
    if (!conn.ok()) Release(nullptr);
    return conn;
  }

  // Returns a connection for reuse, or frees its slot when `conn` is null (the
  // caller found it unusable and destroyed it).
  void Release(Handle conn) {
    absl::MutexLock lock(&mu_);
    if (conn == nullptr) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }

  PoolStats stats() const {
    absl::MutexLock lock(&mu_);
    PoolStats stats;
    stats.max_connections = max_size_;
    stats.idle = static_cast<int64_t>(idle_.size());
    stats.in_use = open_ - stats.idle;
    stats.waiting = waiting_;
    stats.waits = waits_;
    stats.wait_seconds = absl::ToDoubleSeconds(wait_time_);
    return stats;
  }

  // Adds a connection made outside the pool (the one Open() makes to fail fast).
  void AddIdle(Handle conn) {
    absl::MutexLock lock(&mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

 private:
  const int max_size_;
  const Connect connect_;
  const Healthy healthy_;
  mutable absl::Mutex mu_;
  std::vector<Handle> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle plus lent out plus being connected
  int64_t waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t waits_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration wait_time_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cercles::storage::internal

#endif  // CERCLES_COMMON_STORAGE_STORAGE_INTERNAL_H_
