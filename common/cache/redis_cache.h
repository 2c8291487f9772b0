// A Redis cache client that never fails a caller: every error, timeout or open
// circuit reads as a miss (Get) or is dropped (Set/Delete), and is counted.
//
// hiredis contexts are not thread-safe: the client keeps a small pool, one context
// per concurrent caller, each with connect and command timeouts; a broken context
// is discarded and reconnected lazily. A circuit breaker opens after
// `failure_threshold` consecutive failures and lets one probe through every
// `open_interval_ms`, so a down or hung Redis costs callers nothing but a check.
// The breaker reads time from an injected Clock, so tests step through its
// interval instead of sleeping. With a password file every new connection sends
// AUTH; a refused or missing password is a failure like a down Redis (the cache
// is bypassed, the breaker trips) and is logged once.
#ifndef CERCLES_COMMON_CACHE_REDIS_CACHE_H_
#define CERCLES_COMMON_CACHE_REDIS_CACHE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/observability/metrics.h"
#include "common/util/clock.h"

struct redisContext;
struct redisReply;

namespace cercles::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int connect_timeout_ms = 100;
  int command_timeout_ms = 50;
  int pool_size = 8;
  int failure_threshold = 3;
  int open_interval_ms = 1000;
  // A file holding the password Redis requires (its `requirepass`), sent with
  // AUTH on every new connection. Read at each connect, so a rotated password
  // is used from the next connection on. Empty: no AUTH.
  std::string password_file;
};

// Parses "redis://host:port" (or "host:port"); an empty url disables the cache.
struct RedisUrl {
  std::string host;
  int port = 6379;
};
std::optional<RedisUrl> ParseRedisUrl(const std::string& url, std::string* error);

class CircuitBreaker {
 public:
  // `clock` must outlive the breaker.
  CircuitBreaker(int failure_threshold, absl::Duration open_interval,
                 const Clock* clock = SystemClock::Default())
      : threshold_(failure_threshold), open_interval_(open_interval), clock_(clock) {}
  // True if a call may be attempted now (closed, or half-open probe slot).
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  bool is_open() const;

 private:
  const int threshold_;
  const absl::Duration open_interval_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
};

class RedisCache {
 public:
  // metrics may be null. Does not connect until first use. `clock` paces the
  // circuit breaker and must outlive the cache.
  RedisCache(RedisOptions options, observability::Registry* metrics,
             const Clock* clock = SystemClock::Default());
  ~RedisCache();
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  // nullopt on a miss or on any failure (counted as cache_errors_total).
  std::optional<std::string> Get(const std::string& key);
  // SET key value PX ttl. ttl must be positive: every key expires.
  void Set(const std::string& key, const std::string& value, std::chrono::milliseconds ttl);
  // SET key value NX PX ttl: true if this caller took the key (used as a short lock
  // against stampedes). False on any failure too.
  bool SetIfAbsent(const std::string& key, const std::string& value, std::chrono::milliseconds ttl);
  void Delete(const std::vector<std::string>& keys);
  // Deletes every key that matches the glob `pattern` (SCAN MATCH, then DEL):
  // e.g. all of a fund's entries after an erasure of personal data, which must
  // not wait for their TTL. False when Redis did not answer to the end (the
  // keys left then expire by their TTL).
  bool DeleteMatching(const std::string& pattern);
  // True if a PING round trip succeeds now (for readiness reporting, not required).
  bool Ping();

 private:
  struct Reply;
  static void CopyReply(const redisReply& raw, Reply* reply);
  // Runs one command on a pooled context; nullptr reply on failure.
  std::unique_ptr<Reply> Command(const std::vector<std::string>& argv);
  redisContext* Acquire();
  // AUTH on a new connection; false (and one warning per distinct fault) when
  // the password file cannot be read or Redis refuses the password.
  bool Authenticate(redisContext* ctx);
  // Logs a fault of the cache's credentials once, until it clears.
  void ReportAuthFault(const std::string& fault) ABSL_LOCKS_EXCLUDED(mu_);
  void Release(redisContext* ctx, bool healthy);

  const RedisOptions options_;
  CircuitBreaker breaker_;
  absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  std::string auth_fault_ ABSL_GUARDED_BY(mu_);  // the last logged, "" once cleared
  observability::Counter* hits_ = nullptr;
  observability::Counter* misses_ = nullptr;
  observability::Counter* errors_ = nullptr;
  observability::Counter* short_circuits_ = nullptr;
  observability::Histogram* latency_ = nullptr;
};

}  // namespace cercles::cache

#endif  // CERCLES_COMMON_CACHE_REDIS_CACHE_H_
