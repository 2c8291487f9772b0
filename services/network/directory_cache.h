// Cache-aside for network's hot queries on Redis.
//
// Keys: cercles:v1:{fund}:{query}:{generation}:{sha256 of the request}. The
// generation is the last event sequence applied to network's store, so a change
// applied from an event makes every older entry unreachable at once: a read after
// an applied change never returns the old answer, even if Redis was down when the
// change arrived. Old entries expire by their TTL. Concurrent misses of one key
// in this process share one load (no stampede). Redis down → loads from the store.
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_

#include <google/protobuf/message.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/redis_cache.h"

namespace cercles::network {

class DirectoryCache {
 public:
  // redis may be null (no cache configured).
  DirectoryCache(cache::RedisCache* redis, std::string fund_id, absl::Duration ttl,
                 std::function<int64_t()> generation);

  absl::Status GetOrLoad(const std::string& query, const google::protobuf::Message& request,
                         google::protobuf::Message* response,
                         const std::function<absl::Status(google::protobuf::Message*)>& load);

  std::string KeyFor(const std::string& query, const google::protobuf::Message& request) const;

 private:
  struct Flight {
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
    absl::Status status ABSL_GUARDED_BY(mu);
    std::string bytes ABSL_GUARDED_BY(mu);
  };

  cache::RedisCache* redis_;
  const std::string fund_id_;
  const absl::Duration ttl_;
  std::function<int64_t()> generation_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_CACHE_H_
