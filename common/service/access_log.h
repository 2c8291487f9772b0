// The access log of personal reads ("who looked at whom", issue 14 item 6):
// table personal_access_log in each service's own database (migration
// component "access_log"), one row per (call, person) that server::Answer
// reported (server::PersonalReadLog). Append-only: nothing in the services
// updates or deletes a row (retention is a later purge).
//
// Appends are batched off the caller's path: Record queues the rows (a lock
// and a vector push) and a background thread writes each batch in one
// transaction, at the latest `flush_interval` after the first row queued.
// Stop writes everything still queued, so a clean shutdown (SIGTERM, the
// drain) loses nothing. A kill -9 or a crash loses the rows queued and not yet
// written: at most the last flush_interval's reads (100 ms by default). A
// batch the database refuses is retried at the next flush (a queue over
// kMaxQueued drops its oldest rows, counted in dropped()).
#ifndef CERCLES_COMMON_SERVICE_ACCESS_LOG_H_
#define CERCLES_COMMON_SERVICE_ACCESS_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/personal_reads.h"
#include "common/storage/database.h"
#include "common/util/clock.h"

namespace cercles::service {

// Creates table personal_access_log (component "access_log").
absl::Status MigrateAccessLog(storage::Database& db);

// One row of the access log.
struct PersonalRead {
  int64_t id = 0;  // ascending in the order written
  absl::Time time;
  std::string principal;  // "staff:alice"
  int64_t person_id = 0;
  std::string rpc;  // "cercles.membership.v1.PeopleService.GetPerson"
};

// What a query of the log selects: empty/zero members select everything.
struct AccessLogFilter {
  int64_t person_id = 0;
  std::string principal;
  absl::Time from = absl::InfinitePast();  // inclusive
  absl::Time to = absl::InfiniteFuture();  // exclusive
  int64_t after_id = 0;                    // paging: rows with a greater id
  int limit = 100;
};

// Rows matching `filter`, oldest first.
absl::StatusOr<std::vector<PersonalRead>> QueryAccessLog(storage::Database& db,
                                                         const AccessLogFilter& filter);

class AccessLogWriter : public server::PersonalReadLog {
 public:
  static constexpr size_t kMaxQueued = 100000;

  AccessLogWriter(storage::Database& db, const Clock* clock,
                  absl::Duration flush_interval = absl::Milliseconds(100));
  ~AccessLogWriter() override;
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  void Record(const std::string& principal, const std::string& rpc,
              const std::vector<int64_t>& person_ids) override;

  // Writes what is queued now (returns once it is written or refused).
  absl::Status Flush();
  // Writes everything queued and stops the background thread (idempotent).
  void Stop();

  int64_t written() const;
  int64_t dropped() const;

 private:
  void Loop();
  absl::Status WriteBatch(std::vector<PersonalRead>& batch);

  storage::Database& db_;
  const Clock* clock_;
  const absl::Duration flush_interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<PersonalRead> queued_;
  bool stopping_ = false;
  int64_t written_ = 0;
  int64_t dropped_ = 0;
  std::mutex write_mu_;  // one batch written at a time
  std::thread thread_;
};

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_ACCESS_LOG_H_
