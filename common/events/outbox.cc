#include "common/events/outbox.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/redaction/redaction.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "common/util/trace.h"

namespace cercles::events {
namespace {

constexpr int64_t kOutboxLockId = 0x636572636c6f7574;  // "cerclout"
// Rows per INSERT: 7 parameters each, far below both engines' limits.
constexpr size_t kRowsPerInsert = 100;

// The events a transaction appended, written by its COMMIT in one go.
class PendingEvents final : public storage::Transaction::DeferredWork {
 public:
  void Add(std::vector<storage::Value> row) { rows_.push_back(std::move(row)); }

  absl::Status Flush(storage::Transaction& tx) override {
    if (rows_.empty()) return absl::OkStatus();
    CERCLES_RETURN_IF_ERROR(tx.LockExclusive(kOutboxLockId));
    for (size_t first = 0; first < rows_.size(); first += kRowsPerInsert) {
      const size_t count = std::min(kRowsPerInsert, rows_.size() - first);
      std::string sql =
          "INSERT INTO outbox (event_id, type, subject, fund_id, occur_time_us, payload, "
          "traceparent) VALUES ";
      std::vector<storage::Value> params;
      params.reserve(count * 7);
      for (size_t i = first; i < first + count; ++i) {
        absl::StrAppend(&sql, i == first ? "" : ", ", "(?, ?, ?, ?, ?, ?, ?)");
        for (storage::Value& value : rows_[i]) params.push_back(std::move(value));
      }
      CERCLES_ASSIGN_OR_RETURN(int64_t inserted, tx.Exec(sql, params));
      if (inserted != static_cast<int64_t>(count)) {
        return absl::InternalError("the outbox insert did not write every event");
      }
    }
    rows_.clear();
    return absl::OkStatus();
  }

  size_t Mark() const override { return rows_.size(); }
  void Truncate(size_t mark) override {
    if (mark < rows_.size()) rows_.resize(mark);
  }

 private:
  std::vector<std::vector<storage::Value>> rows_;  // in the order appended
};

}  // namespace

std::vector<storage::Migration> OutboxMigrations() {
  return {{1, "outbox",
           "CREATE TABLE outbox ("
           " sequence {{SERIAL_PK}},"
           " event_id TEXT NOT NULL UNIQUE,"
           " type TEXT NOT NULL,"
           " subject TEXT NOT NULL,"
           " fund_id TEXT NOT NULL,"
           " occur_time_us BIGINT NOT NULL,"
           " payload {{BLOB}} NOT NULL)"},
          {2, "the trace context of each event",
           "ALTER TABLE outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT ''"}};
}

absl::StatusOr<std::string> AppendEvent(storage::Transaction& tx, const std::string& fund_id,
                                        const std::string& subject,
                                        const google::protobuf::Message& payload, absl::Time now) {
  // Every reader of the outbox (sibling services, admins) gets the same bytes:
  // the sensitive fields never enter it. A copy, because callers often answer
  // their own request with the message they announce.
  std::unique_ptr<google::protobuf::Message> redacted(payload.New());
  redacted->CopyFrom(payload);
  redaction::RedactSensitive(redacted.get());
  std::string bytes;
  if (!redacted->SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("cannot serialise event ", payload.GetTypeName()));
  }
  // Time-ordered: the outbox's unique index of event ids grows at its end.
  std::string event_id = NewTimeOrderedUuid();
  std::vector<storage::Value> row;
  row.reserve(7);
  row.emplace_back(event_id);
  row.emplace_back(payload.GetTypeName());
  row.emplace_back(subject);
  row.emplace_back(fund_id);
  row.emplace_back(ToMicros(now));
  row.emplace_back(storage::Blob{std::move(bytes)});
  row.emplace_back(trace::CurrentTraceparent());
  tx.Deferred<PendingEvents>().Add(std::move(row));
  return event_id;
}

absl::StatusOr<std::vector<cercles::common::v1::Event>> ReadEvents(storage::Database& db,
                                                                   int64_t after_sequence,
                                                                   int limit) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx->Query("SELECT sequence, event_id, type, subject, fund_id, occur_time_us, payload, "
                "traceparent FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?",
                {after_sequence, static_cast<int64_t>(limit)}));
  std::vector<cercles::common::v1::Event> events;
  events.reserve(rows.size());
  for (const storage::Row& row : rows) {
    cercles::common::v1::Event& e = events.emplace_back();
    e.set_sequence(row.Int(0));
    e.set_event_id(row.Text(1));
    e.set_type(row.Text(2));
    e.set_subject(row.Text(3));
    e.set_fund_id(row.Text(4));
    SetTimestampMicros(row.Int(5), e.mutable_occur_time());
    e.mutable_payload()->set_type_url(absl::StrCat("type.googleapis.com/", row.Text(2)));
    e.mutable_payload()->set_value(row.Bytes(6));
    e.set_traceparent(row.Text(7));
  }
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return events;
}

EventNotifier::EventNotifier(absl::Duration recheck, int workers)
    : recheck_(recheck), worker_count_(workers < 1 ? 1 : workers) {}

EventNotifier::~EventNotifier() {
  std::vector<std::thread> workers;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  for (std::thread& worker : workers) worker.join();
}

void EventNotifier::Notify() {
  absl::MutexLock lock(&mu_);
  ++version_;
  ScheduleAllLocked();
}

uint64_t EventNotifier::WaitForChange(uint64_t seen, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return version_ != seen; };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return version_;
}

uint64_t EventNotifier::version() const {
  absl::MutexLock lock(&mu_);
  return version_;
}

uint64_t EventNotifier::Subscribe(Callback on_change) {
  absl::MutexLock lock(&mu_);
  // Workers start with the first subscriber: a process that serves no stream
  // (or a unit test) pays for none.
  while (static_cast<int>(workers_.size()) < worker_count_) {
    workers_.emplace_back([this] { Work(); });
  }
  if (subscribers_.empty()) next_recheck_ = absl::Now() + recheck_;
  const uint64_t id = next_id_++;
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->on_change = std::move(on_change);
  subscribers_.emplace(id, std::move(subscriber));
  return id;
}

void EventNotifier::Wake(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = subscribers_.find(id);
  if (it != subscribers_.end()) ScheduleLocked(id, *it->second);
}

void EventNotifier::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  std::shared_ptr<Subscriber> subscriber = std::move(it->second);
  subscribers_.erase(it);
  subscriber->removed = true;
  if (subscriber->running && subscriber->runner != std::this_thread::get_id()) {
    Subscriber* s = subscriber.get();
    auto done = [s]() { return !s->running; };
    mu_.Await(absl::Condition(&done));
  }
}

void EventNotifier::ScheduleLocked(uint64_t id, Subscriber& subscriber) {
  if (subscriber.running) {
    subscriber.again = true;
  } else if (!subscriber.queued) {
    subscriber.queued = true;
    ready_.push_back(id);
  }
}

void EventNotifier::ScheduleAllLocked() {
  for (auto& [id, subscriber] : subscribers_) ScheduleLocked(id, *subscriber);
}

void EventNotifier::Work() {
  absl::MutexLock lock(&mu_);
  auto has_work = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !ready_.empty(); };
  while (true) {
    if (subscribers_.empty()) {
      mu_.Await(absl::Condition(&has_work));
    } else if (!mu_.AwaitWithDeadline(absl::Condition(&has_work), next_recheck_)) {
      // The one periodic re-check of the process (another worker may have done it).
      if (absl::Now() >= next_recheck_) {
        next_recheck_ = absl::Now() + recheck_;
        ScheduleAllLocked();
      }
      continue;
    }
    if (stopping_) return;
    const uint64_t id = ready_.front();
    ready_.pop_front();
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) continue;
    std::shared_ptr<Subscriber> subscriber = it->second;  // outlives an Unsubscribe
    subscriber->queued = false;
    subscriber->running = true;
    subscriber->runner = std::this_thread::get_id();
    mu_.Unlock();
    subscriber->on_change();
    mu_.Lock();
    subscriber->running = false;
    if (subscriber->again && !subscriber->removed) {
      subscriber->again = false;
      ScheduleLocked(id, *subscriber);
    }
  }
}

}  // namespace cercles::events
