#include "common/cache/redis_cache.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/util/log.h"
#include "common/util/process.h"

namespace cercles::cache {

// ---------------------------------------------------------------------------
// ParseRedisUrl

std::optional<RedisUrl> ParseRedisUrl(const std::string& url, std::string* error) {
  auto fail = [&](const std::string& message) -> std::optional<RedisUrl> {
    if (error != nullptr) *error = message;
    return std::nullopt;
  };
  constexpr absl::string_view kRule =
      "expected redis://host[:port] or host:port (port 1-65535, default 6379)";
  absl::string_view rest = url;
  const bool had_scheme = absl::ConsumePrefix(&rest, "redis://");
  if (!had_scheme && absl::StrContains(rest, "://")) {
    return fail(absl::StrCat("unsupported scheme in \"", url, "\": ", kRule));
  }
  // A trailing "/" or "/0" (database index) is common in URLs copied from docs;
  // only database 0 is meaningful to a cache that never SELECTs.
  if (const size_t slash = rest.find('/'); slash != absl::string_view::npos) {
    const absl::string_view path = rest.substr(slash);
    if (path != "/" && path != "/0") {
      return fail(absl::StrCat("unsupported path \"", path, "\" in \"", url, "\": ", kRule));
    }
    rest = rest.substr(0, slash);
  }
  RedisUrl parsed;
  const size_t colon = rest.rfind(':');
  if (colon == absl::string_view::npos) {
    if (!had_scheme) {
      return fail(absl::StrCat("missing port in \"", url, "\": ", kRule));
    }
    parsed.host = std::string(rest);
  } else {
    parsed.host = std::string(rest.substr(0, colon));
    int port = 0;
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return fail(absl::StrCat("invalid port in \"", url, "\": ", kRule));
    }
    parsed.port = port;
  }
  if (parsed.host.empty()) return fail(absl::StrCat("missing host in \"", url, "\": ", kRule));
  if (absl::StrContains(parsed.host, '@')) {
    return fail(absl::StrCat("credentials are not supported in \"", url, "\": ", kRule));
  }
  return parsed;
}

// ---------------------------------------------------------------------------
// CircuitBreaker
//
// States: closed (failures < threshold), open (tripped and now < open_until_),
// half-open (tripped, interval elapsed): one probe is let through and the window
// is pushed forward by one interval, so a probe that never reports back cannot
// lock the cache out for good; at most one probe per interval.

bool CircuitBreaker::Allow() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (consecutive_failures_ < threshold_) return true;
  if (now < open_until_) return false;
  probing_ = true;
  open_until_ = now + open_interval_;
  return true;
}

void CircuitBreaker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  consecutive_failures_ = 0;
  probing_ = false;
}

void CircuitBreaker::RecordFailure() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  ++consecutive_failures_;
  probing_ = false;
  if (consecutive_failures_ >= threshold_) open_until_ = now + open_interval_;
}

// True while calls are refused (tripped and inside the open window, or a probe is
// in flight); false when closed or when the next caller would be the probe.
bool CircuitBreaker::is_open() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (consecutive_failures_ < threshold_) return false;
  return probing_ || now < open_until_;
}

// ---------------------------------------------------------------------------
// RedisCache

namespace {

timeval ToTimeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>(ms % 1000) * 1000;
  return tv;
}

}  // namespace

// A copy of the parts of redisReply we use, so the hiredis object is freed at once.
struct RedisCache::Reply {
  int type = 0;
  long long integer = 0;
  std::string str;
  std::vector<Reply> elements;  // of an array reply (SCAN)
};

RedisCache::RedisCache(RedisOptions options, observability::Registry* metrics, const Clock* clock)
    : options_(std::move(options)),
      breaker_(options_.failure_threshold, absl::Milliseconds(options_.open_interval_ms), clock) {
  // A Redis that went away must fail the write (EPIPE), not kill the process:
  // hiredis writes with write(2). Once per process, not a mask per command.
  util::IgnoreSigpipe();
  if (metrics == nullptr) return;
  const std::string requests_help =
      "Cache requests by result: hit, miss, error (incl. timeouts), short_circuit "
      "(refused by the open circuit breaker).";
  hits_ = metrics->GetCounter("cercles_cache_requests_total", requests_help, {{"result", "hit"}});
  misses_ =
      metrics->GetCounter("cercles_cache_requests_total", requests_help, {{"result", "miss"}});
  errors_ =
      metrics->GetCounter("cercles_cache_requests_total", requests_help, {{"result", "error"}});
  short_circuits_ = metrics->GetCounter("cercles_cache_requests_total", requests_help,
                                        {{"result", "short_circuit"}});
  // A Redis command takes tens to hundreds of microseconds: buckets from 50 us.
  latency_ = metrics->GetHistogram("cercles_cache_latency_seconds",
                                   "Latency of Redis commands actually sent, in seconds.", {},
                                   observability::FastLatencyBuckets());
}

RedisCache::~RedisCache() {
  absl::MutexLock lock(&mu_);
  for (redisContext* ctx : idle_) redisFree(ctx);
  idle_.clear();
}

// Pool policy: reuse an idle context or connect a new one, never wait. Under a
// burst above pool_size the extra contexts are simply freed on release, so at
// most pool_size connections are kept open between bursts. Waiting would add
// latency to a path whose whole point is to be cheaper than the database.
redisContext* RedisCache::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      redisContext* ctx = idle_.back();
      idle_.pop_back();
      return ctx;
    }
  }
  redisContext* ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                              ToTimeval(options_.connect_timeout_ms));
  if (ctx == nullptr) return nullptr;
  if (ctx->err != 0 || redisSetTimeout(ctx, ToTimeval(options_.command_timeout_ms)) != REDIS_OK ||
      !Authenticate(ctx)) {
    redisFree(ctx);
    return nullptr;
  }
  return ctx;
}

bool RedisCache::Authenticate(redisContext* ctx) {
  if (options_.password_file.empty()) return true;
  std::ifstream in(options_.password_file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) {
    ReportAuthFault(absl::StrCat("cannot read the Redis password file \"", options_.password_file,
                                 "\": the cache is bypassed"));
    return false;
  }
  // A Secret's file may end with a newline; a password never does.
  const std::string password(absl::StripTrailingAsciiWhitespace(buffer.str()));
  auto* raw = static_cast<redisReply*>(
      redisCommand(ctx, "AUTH %b", password.data(), static_cast<size_t>(password.size())));
  if (raw == nullptr) return false;  // I/O error or timeout: counted as one by the caller
  const bool accepted = raw->type == REDIS_REPLY_STATUS;
  std::string error = raw->type == REDIS_REPLY_ERROR && raw->str != nullptr
                          ? std::string(raw->str, raw->len)
                          : std::string("unexpected reply");
  freeReplyObject(raw);
  if (!accepted) {
    ReportAuthFault(absl::StrCat("Redis refused the password of \"", options_.password_file, "\" (",
                                 error, "): the cache is bypassed"));
    return false;
  }
  ReportAuthFault("");
  return true;
}

void RedisCache::ReportAuthFault(const std::string& fault) {
  {
    absl::MutexLock lock(&mu_);
    if (fault == auth_fault_) return;
    auth_fault_ = fault;
  }
  if (fault.empty()) {
    log::Info("redis accepted the cache's credentials: the cache is used again",
              {{"redis", absl::StrCat(options_.host, ":", options_.port)}});
  } else {
    log::Warning(fault, {{"redis", absl::StrCat(options_.host, ":", options_.port)}});
  }
}

void RedisCache::Release(redisContext* ctx, bool healthy) {
  if (ctx == nullptr) return;
  std::vector<redisContext*> discard;
  {
    absl::MutexLock lock(&mu_);
    if (healthy && ctx->err == 0 && static_cast<int>(idle_.size()) < options_.pool_size) {
      idle_.push_back(ctx);
      return;
    }
    if (!healthy) {
      // One broken connection usually means the server restarted or vanished:
      // the idle ones are stale too, and reusing them would turn the breaker's
      // single recovery probe into a failure.
      discard.swap(idle_);
    }
  }
  redisFree(ctx);
  for (redisContext* stale : discard) redisFree(stale);
}

std::unique_ptr<RedisCache::Reply> RedisCache::Command(const std::vector<std::string>& argv) {
  if (!breaker_.Allow()) {
    if (short_circuits_ != nullptr) short_circuits_->Increment();
    return nullptr;
  }
  // Latency is the real time a command took on the wire, not the injected clock.
  const auto start = std::chrono::steady_clock::now();
  auto observe = [&] {
    if (latency_ != nullptr) {
      latency_->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  };

  redisContext* ctx = Acquire();
  if (ctx == nullptr) {
    breaker_.RecordFailure();
    if (errors_ != nullptr) errors_->Increment();
    observe();
    return nullptr;
  }

  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const std::string& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisReply* raw = nullptr;
  {
    raw = static_cast<redisReply*>(
        redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lengths.data()));
  }
  observe();

  if (raw == nullptr) {
    // I/O error, EOF or timeout: the connection state is unknown (a late reply
    // could still arrive), so it must not be reused.
    Release(ctx, /*healthy=*/false);
    breaker_.RecordFailure();
    if (errors_ != nullptr) errors_->Increment();
    return nullptr;
  }
  auto reply = std::make_unique<Reply>();
  CopyReply(*raw, reply.get());
  freeReplyObject(raw);
  if (reply->type == REDIS_REPLY_ERROR &&
      (absl::StartsWith(reply->str, "NOAUTH") || absl::StartsWith(reply->str, "WRONGPASS"))) {
    // Redis wants a password we did not give (or no longer takes ours): no
    // command will pass on this connection, so it counts as Redis being down.
    ReportAuthFault(options_.password_file.empty()
                        ? absl::StrCat("Redis requires a password (", reply->str,
                                       "): the cache is bypassed; give --redis_password_file")
                        : absl::StrCat("Redis refused the cache's credentials (", reply->str,
                                       "): the cache is bypassed"));
    Release(ctx, /*healthy=*/false);
    breaker_.RecordFailure();
    if (errors_ != nullptr) errors_->Increment();
    return nullptr;
  }
  Release(ctx, /*healthy=*/true);
  // Redis answered, so it is available even if it refused this command.
  breaker_.RecordSuccess();
  if (reply->type == REDIS_REPLY_ERROR) {
    if (errors_ != nullptr) errors_->Increment();
    return nullptr;
  }
  return reply;
}

std::optional<std::string> RedisCache::Get(const std::string& key) {
  std::unique_ptr<Reply> reply = Command({"GET", key});
  if (reply == nullptr) return std::nullopt;  // counted by Command
  if (reply->type == REDIS_REPLY_STRING) {
    if (hits_ != nullptr) hits_->Increment();
    return std::move(reply->str);
  }
  if (reply->type == REDIS_REPLY_NIL) {
    if (misses_ != nullptr) misses_->Increment();
    return std::nullopt;
  }
  if (errors_ != nullptr) errors_->Increment();
  return std::nullopt;
}

void RedisCache::Set(const std::string& key, const std::string& value,
                     std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) return;  // a key without expiry would live forever
  Command({"SET", key, value, "PX", std::to_string(ttl.count())});
}

bool RedisCache::SetIfAbsent(const std::string& key, const std::string& value,
                             std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) return false;
  std::unique_ptr<Reply> reply =
      Command({"SET", key, value, "NX", "PX", std::to_string(ttl.count())});
  // "+OK" when set; a nil reply when the key already existed.
  return reply != nullptr && reply->type == REDIS_REPLY_STATUS && reply->str == "OK";
}

void RedisCache::CopyReply(const redisReply& raw, Reply* reply) {
  reply->type = raw.type;
  reply->integer = raw.integer;
  if (raw.str != nullptr) reply->str.assign(raw.str, raw.len);
  if (raw.type != REDIS_REPLY_ARRAY) return;
  reply->elements.resize(raw.elements);
  for (size_t i = 0; i < raw.elements; ++i) CopyReply(*raw.element[i], &reply->elements[i]);
}

bool RedisCache::DeleteMatching(const std::string& pattern) {
  std::string cursor = "0";
  do {
    std::unique_ptr<Reply> reply = Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "500"});
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements.size() != 2) {
      return false;
    }
    cursor = reply->elements[0].str;
    std::vector<std::string> keys;
    for (const Reply& key : reply->elements[1].elements) keys.push_back(key.str);
    Delete(keys);
  } while (cursor != "0");
  return true;
}

void RedisCache::Delete(const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  std::vector<std::string> argv;
  argv.reserve(keys.size() + 1);
  argv.push_back("DEL");
  argv.insert(argv.end(), keys.begin(), keys.end());
  Command(argv);
}

bool RedisCache::Ping() {
  std::unique_ptr<Reply> reply = Command({"PING"});
  return reply != nullptr && reply->type == REDIS_REPLY_STATUS && reply->str == "PONG";
}

}  // namespace cercles::cache
