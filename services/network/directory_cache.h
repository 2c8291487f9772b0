// Cache-aside for network's hot queries on Redis.
//
// Keys: cercles:v{kCacheSchemaVersion}:{fund}:{query}:{generation}:{sha256 of the
// request}. The generation names the last change applied to network's store
// (membership's and lending's event cursors and network's own outbox head), so
// a change makes every older entry unreachable at once: a read after an applied
// change never returns the old answer, even if Redis was down when the change
// arrived. Old entries expire by their TTL (every key has one). Concurrent
// misses of one key in this process share one load (no stampede). Redis down or
// hung → the client's circuit breaker answers "miss" at once and the load reads
// the store.
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_

#include <google/protobuf/message.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/redis_cache.h"
#include "common/observability/metrics.h"

namespace cercles::network {

// Bumped whenever a cached response's meaning or shape changes, so entries
// written by an older binary are never read by a newer one.
inline constexpr int kCacheSchemaVersion = 2;

class DirectoryCache {
 public:
  // redis may be null (no cache configured); metrics may be null.
  DirectoryCache(cache::RedisCache* redis, std::string fund_id, absl::Duration ttl,
                 std::function<std::string()> generation, observability::Registry* metrics);

  // The cached answer of `query` for `request`, or `load`'s (then cached).
  absl::Status GetOrLoad(const std::string& query, const google::protobuf::Message& request,
                         google::protobuf::Message* response,
                         const std::function<absl::Status(google::protobuf::Message*)>& load);

  std::string KeyFor(const std::string& query, const google::protobuf::Message& request) const;

  // Deletes every entry of this fund, of every generation, now: after a
  // person's erasure their name must not wait in Redis for the TTL. False when
  // Redis did not answer (the entries then expire by their TTL).
  bool DropAll();

  // Loads run so far (for tests and the stampede metric).
  int64_t loads() const { return loads_.load(); }

 private:
  struct Flight {
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
    absl::Status status ABSL_GUARDED_BY(mu);
    std::string bytes ABSL_GUARDED_BY(mu);
  };

  absl::Status Load(const std::string& query, google::protobuf::Message* response,
                    const std::function<absl::Status(google::protobuf::Message*)>& load);

  cache::RedisCache* redis_;
  const std::string fund_id_;
  const absl::Duration ttl_;
  std::function<std::string()> generation_;
  observability::Registry* metrics_;
  std::atomic<int64_t> loads_{0};
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_
