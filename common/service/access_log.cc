#include "common/service/access_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/log.h"

namespace cercles::service {
namespace {

constexpr char kInsert[] =
    "INSERT INTO personal_access_log (time_us, principal, person_id, rpc) VALUES (?, ?, ?, ?)";

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

}  // namespace

absl::Status MigrateAccessLog(storage::Database& db) {
  return db.Migrate(
      "access_log",
      {{1, "personal access log",
        "CREATE TABLE personal_access_log ("
        " id {{SERIAL_PK}},"
        " time_us BIGINT NOT NULL,"
        " principal TEXT NOT NULL,"
        " person_id BIGINT NOT NULL,"
        " rpc TEXT NOT NULL);"
        "CREATE INDEX personal_access_log_person ON personal_access_log (person_id, id);"
        "CREATE INDEX personal_access_log_principal ON personal_access_log (principal, id)"}});
}

absl::StatusOr<std::vector<PersonalRead>> QueryAccessLog(storage::Database& db,
                                                         const AccessLogFilter& filter) {
  std::string sql =
      "SELECT id, time_us, principal, person_id, rpc FROM personal_access_log WHERE id > ?";
  std::vector<storage::Value> params{filter.after_id};
  if (filter.person_id > 0) {
    absl::StrAppend(&sql, " AND person_id = ?");
    params.emplace_back(filter.person_id);
  }
  if (!filter.principal.empty()) {
    absl::StrAppend(&sql, " AND principal = ?");
    params.emplace_back(filter.principal);
  }
  if (filter.from != absl::InfinitePast()) {
    absl::StrAppend(&sql, " AND time_us >= ?");
    params.emplace_back(Micros(filter.from));
  }
  if (filter.to != absl::InfiniteFuture()) {
    absl::StrAppend(&sql, " AND time_us < ?");
    params.emplace_back(Micros(filter.to));
  }
  absl::StrAppend(&sql, " ORDER BY id LIMIT ?");
  params.emplace_back(static_cast<int64_t>(filter.limit));
  std::vector<PersonalRead> out;
  absl::Status status =
      storage::RunInTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
        out.clear();
        auto rows = tx.Query(sql, params);
        if (!rows.ok()) return rows.status();
        for (const storage::Row& row : *rows) {
          PersonalRead read;
          read.id = row.Int(0);
          read.time = absl::FromUnixMicros(row.Int(1));
          read.principal = row.Text(2);
          read.person_id = row.Int(3);
          read.rpc = row.Text(4);
          out.push_back(std::move(read));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

AccessLogWriter::AccessLogWriter(storage::Database& db, const Clock* clock,
                                 absl::Duration flush_interval)
    : db_(db), clock_(clock), flush_interval_(flush_interval), thread_([this] { Loop(); }) {}

AccessLogWriter::~AccessLogWriter() { Stop(); }

void AccessLogWriter::Record(const std::string& principal, const std::string& rpc,
                             const std::vector<int64_t>& person_ids) {
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (int64_t person_id : person_ids) {
    if (queued_.size() >= kMaxQueued) {
      queued_.pop_front();
      ++dropped_;
    }
    queued_.push_back(PersonalRead{0, now, principal, person_id, rpc});
  }
  wake_.notify_one();
}

absl::Status AccessLogWriter::WriteBatch(std::vector<PersonalRead>& batch) {
  if (batch.empty()) return absl::OkStatus();
  return storage::RunInTransaction(db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    for (const PersonalRead& read : batch) {
      auto inserted =
          tx.Exec(kInsert, {Micros(read.time), read.principal, read.person_id, read.rpc});
      if (!inserted.ok()) return inserted.status();
    }
    return absl::OkStatus();
  });
}

absl::Status AccessLogWriter::Flush() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  std::vector<PersonalRead> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.assign(std::make_move_iterator(queued_.begin()), std::make_move_iterator(queued_.end()));
    queued_.clear();
  }
  absl::Status written = WriteBatch(batch);
  std::lock_guard<std::mutex> lock(mu_);
  if (written.ok()) {
    written_ += static_cast<int64_t>(batch.size());
  } else {
    // Back at the front, in order, for the next flush.
    queued_.insert(queued_.begin(), std::make_move_iterator(batch.begin()),
                   std::make_move_iterator(batch.end()));
    while (queued_.size() > kMaxQueued) {
      queued_.pop_front();
      ++dropped_;
    }
  }
  return written;
}

void AccessLogWriter::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
      if (stopping_) return;
    }
    // Let a batch gather, then write it.
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, absl::ToChronoMilliseconds(flush_interval_), [this] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    if (absl::Status written = Flush(); !written.ok()) {
      log::Warning("access log batch not written, retried",
                   {{"error", std::string(written.message())}});
    }
  }
}

void AccessLogWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // What was queued until now, on the stopping thread.
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::Status written = Flush();
    if (written.ok()) return;
    log::Error("access log not written at stop", {{"error", std::string(written.message())}});
  }
}

int64_t AccessLogWriter::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

int64_t AccessLogWriter::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace cercles::service
