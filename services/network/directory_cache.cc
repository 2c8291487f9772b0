#include "services/network/directory_cache.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "common/util/crypto.h"

namespace cercles::network {

DirectoryCache::DirectoryCache(cache::RedisCache* redis, std::string fund_id, absl::Duration ttl,
                               std::function<std::string()> generation,
                               observability::Registry* metrics)
    : redis_(redis),
      fund_id_(std::move(fund_id)),
      ttl_(ttl),
      generation_(std::move(generation)),
      metrics_(metrics) {}

std::string DirectoryCache::KeyFor(const std::string& query,
                                   const google::protobuf::Message& request) const {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return absl::StrCat("cercles:v", kCacheSchemaVersion, ":", fund_id_, ":", query, ":",
                      generation_(), ":",
                      Sha256Hex(absl::StrCat(request.GetTypeName(), "\n", bytes)));
}

bool DirectoryCache::DropAll() {
  if (redis_ == nullptr) return true;
  std::string fund;  // glob characters of the fund id matched as themselves
  for (char c : fund_id_) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') fund.push_back('\\');
    fund.push_back(c);
  }
  return redis_->DeleteMatching(absl::StrCat("cercles:v", kCacheSchemaVersion, ":", fund, ":*"));
}

absl::Status DirectoryCache::Load(
    const std::string& query, google::protobuf::Message* response,
    const std::function<absl::Status(google::protobuf::Message*)>& load) {
  ++loads_;
  if (metrics_ != nullptr) {
    metrics_
        ->GetCounter("cercles_network_cache_loads_total",
                     "Answers computed from network's store (cache misses, or no cache), by query.",
                     {{"query", query}})
        ->Increment();
  }
  return load(response);
}

absl::Status DirectoryCache::GetOrLoad(
    const std::string& query, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(google::protobuf::Message*)>& load) {
  if (redis_ == nullptr) return Load(query, response, load);
  const std::string key = KeyFor(query, request);
  if (std::optional<std::string> hit = redis_->Get(key);
      hit.has_value() && response->ParseFromString(*hit)) {
    return absl::OkStatus();
  }
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&mu_);
    auto& slot = flights_[key];
    if (slot == nullptr) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    absl::MutexLock lock(&flight->mu);
    flight->mu.Await(absl::Condition(&flight->done));
    if (!flight->status.ok()) return flight->status;
    response->ParseFromString(flight->bytes);
    return absl::OkStatus();
  }
  // A flight for this key may have ended between our miss and our flight:
  // look again before loading, or that caller would load the key a second time.
  absl::Status status;
  std::string bytes;
  if (std::optional<std::string> hit = redis_->Get(key);
      hit.has_value() && response->ParseFromString(*hit)) {
    bytes = *std::move(hit);
  } else {
    status = Load(query, response, load);
    if (status.ok()) {
      response->SerializeToString(&bytes);
      // Written before the flight ends: a caller arriving after it ends finds it.
      redis_->Set(key, bytes, absl::ToChronoMilliseconds(ttl_));
    }
  }
  {
    absl::MutexLock lock(&flight->mu);
    flight->status = status;
    flight->bytes = std::move(bytes);
    flight->done = true;
  }
  absl::MutexLock lock(&mu_);
  flights_.erase(key);
  return status;
}

}  // namespace cercles::network
