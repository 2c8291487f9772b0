#include "common/events/watch.h"

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "common/util/trace.h"

namespace cercles::events {

storage::Migration CursorMigration(int version) {
  return {version, "event_cursors",
          "CREATE TABLE event_cursors ("
          " source TEXT PRIMARY KEY,"
          " sequence BIGINT NOT NULL,"
          " update_time_us BIGINT NOT NULL)"};
}

EventSubscriber::EventSubscriber(std::string source, storage::Database* db, OpenStream open,
                                 Apply apply, observability::Registry* metrics)
    : source_(std::move(source)), db_(db), open_(std::move(open)), apply_(std::move(apply)) {
  if (metrics != nullptr) {
    observability::Labels labels = {{"source", source_}};
    applied_ = metrics->GetCounter("cercles_events_applied_total",
                                   "Events applied from a source's stream.", labels);
    skipped_ = metrics->GetCounter("cercles_events_skipped_total",
                                   "Events received again and skipped (already applied).", labels);
    reconnects_ = metrics->GetCounter("cercles_events_reconnects_total",
                                      "Times the event stream was (re)opened.", labels);
    cursor_gauge_ =
        metrics->GetGauge("cercles_events_cursor", "Last sequence applied from a source.", labels);
    lag_ = metrics->GetGauge(
        "cercles_events_lag_seconds",
        "How long after it occurred the last applied event of a source was applied.", labels);
  }
}

EventSubscriber::~EventSubscriber() { Stop(); }

absl::StatusOr<int64_t> EventSubscriber::LoadCursor(storage::Transaction& tx,
                                                    const std::string& source) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT sequence FROM event_cursors WHERE source = ?", {source}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

void EventSubscriber::Start() {
  stopping_ = false;
  // Know the stored cursor before the first query asks for it (cache generations).
  if (auto tx = db_->Begin(storage::TxMode::kRead); tx.ok()) {
    if (auto stored = LoadCursor(**tx, source_); stored.ok()) cursor_ = *stored;
  }
  thread_ = std::thread([this] { Run(); });
}

void EventSubscriber::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (current_ != nullptr) current_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status EventSubscriber::ApplyBatch(const std::vector<cercles::common::v1::Event>& events) {
  int64_t applied = 0, skipped = 0, last_applied = 0, reached = 0;
  absl::Time last_occurred;
  absl::Status failure;
  absl::Status status = storage::RunInTransaction(
      *db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
        applied = skipped = last_applied = 0;
        failure = absl::OkStatus();
        // Replicas of a consumer serialise here; the cursor read below is then current.
        CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(absl::StrCat("cursor:", source_))));
        CERCLES_ASSIGN_OR_RETURN(int64_t stored, LoadCursor(tx, source_));
        const int64_t before = stored;
        for (const cercles::common::v1::Event& event : events) {
          if (event.sequence() <= stored) {
            ++skipped;
            continue;
          }
          // Each event in a savepoint: one that fails is undone alone, and the
          // ones before it still commit (as when each had its own transaction).
          CERCLES_RETURN_IF_ERROR(tx.Savepoint("event"));
          // Applied in a span of this service's, a child of the one that
          // emitted the event: what applying it emits carries the same trace.
          const trace::TraceContext span =
              trace::StartSpan(trace::ParseTraceparent(event.traceparent()));
          const trace::ScopedTraceparent in_span(span.Traceparent());
          absl::Status one = apply_(tx, event);
          if (absl::IsAborted(one)) return one;  // the whole transaction is retried
          if (!one.ok()) {
            CERCLES_RETURN_IF_ERROR(tx.RollbackToSavepoint("event"));
            CERCLES_RETURN_IF_ERROR(tx.ReleaseSavepoint("event"));
            failure = absl::Status(
                one.code(), absl::StrCat("event ", event.sequence(), " (", event.type(), ", trace ",
                                         span.trace_id, "): ", one.message()));
            break;
          }
          CERCLES_RETURN_IF_ERROR(tx.ReleaseSavepoint("event"));
          stored = event.sequence();
          last_applied = stored;
          last_occurred = absl::FromUnixSeconds(event.occur_time().seconds()) +
                          absl::Nanoseconds(event.occur_time().nanos());
          ++applied;
        }
        reached = stored;
        if (stored == before) return absl::OkStatus();
        int64_t now = absl::ToUnixMicros(absl::Now());
        CERCLES_ASSIGN_OR_RETURN(
            int64_t changed,
            tx.Exec("UPDATE event_cursors SET sequence = ?, update_time_us = ? WHERE source = ?",
                    {stored, now, source_}));
        if (changed == 0) {
          CERCLES_RETURN_IF_ERROR(
              tx.Exec(
                    "INSERT INTO event_cursors (source, sequence, update_time_us) VALUES (?, ?, ?)",
                    {source_, stored, now})
                  .status());
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (applied_ != nullptr && applied > 0) applied_->Increment(static_cast<double>(applied));
  if (skipped_ != nullptr && skipped > 0) skipped_->Increment(static_cast<double>(skipped));
  cursor_ = std::max(cursor_.load(), reached);
  if (last_applied > 0) {
    if (lag_ != nullptr && last_occurred > absl::UnixEpoch()) {
      lag_->Set(absl::ToDoubleSeconds(absl::Now() - last_occurred));
    }
    if (on_applied_) on_applied_(last_applied);
  }
  if (cursor_gauge_ != nullptr) cursor_gauge_->Set(static_cast<double>(cursor_.load()));
  return failure;
}

void EventSubscriber::Run() {
  std::mt19937_64 rng(std::random_device{}());
  absl::Duration backoff = absl::Milliseconds(100);
  auto wait = [&](absl::Duration d) {
    absl::MutexLock lock(&mu_);
    auto stop = [this]() { return stopping_.load(); };
    mu_.AwaitWithTimeout(absl::Condition(&stop), d);
  };
  while (!stopping_) {
    int64_t from = 0;
    {
      absl::StatusOr<std::unique_ptr<storage::Transaction>> tx = db_->Begin(storage::TxMode::kRead);
      absl::StatusOr<int64_t> stored =
          tx.ok() ? LoadCursor(**tx, source_) : absl::StatusOr<int64_t>(tx.status());
      if (!stored.ok()) {
        log::Warning("cannot read event cursor",
                     {{"source", source_}, {"error", std::string(stored.status().message())}});
        wait(backoff);
        continue;
      }
      from = *stored;
      cursor_ = from;
    }
    grpc::ClientContext context;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      current_ = &context;
    }
    if (reconnects_ != nullptr) reconnects_->Increment();
    std::unique_ptr<EventStream> stream = open_(&context, from);
    // A reader thread takes events off the stream into `inbox` while this one
    // applies what has arrived, up to kMaxBatch events per transaction: under
    // a burst one durable commit serves many events, and the lag stays short.
    Inbox inbox;
    std::thread reader;
    if (stream != nullptr) {
      reader = std::thread([&] {
        cercles::common::v1::Event event;
        while (stream->Next(&event)) {
          absl::MutexLock lock(&inbox.mu);
          inbox.mu.Await(absl::Condition(
              +[](Inbox* in) { return in->events.size() < kMaxQueued || in->abandoned; }, &inbox));
          if (inbox.abandoned) continue;  // drain what the cancelled call still yields
          inbox.events.push_back(std::move(event));
        }
        absl::MutexLock lock(&inbox.mu);
        inbox.ended = true;
      });
    }
    absl::Status apply_status;
    bool received = false;
    while (stream != nullptr) {
      std::vector<cercles::common::v1::Event> batch;
      {
        absl::MutexLock lock(&inbox.mu);
        inbox.mu.Await(absl::Condition(
            +[](Inbox* in) { return !in->events.empty() || in->ended; }, &inbox));
        while (!inbox.events.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(inbox.events.front()));
          inbox.events.pop_front();
        }
        if (batch.empty()) break;  // ended, and everything it sent is applied
      }
      received = true;
      apply_status = ApplyBatch(batch);
      if (!apply_status.ok()) {
        log::Error("cannot apply event; will retry from the stored cursor",
                   {{"source", source_},
                    {"cursor", cursor_.load()},
                    {"error", std::string(apply_status.message())}});
        context.TryCancel();
        break;
      }
    }
    if (reader.joinable()) {
      {
        absl::MutexLock lock(&inbox.mu);
        inbox.abandoned = true;
        inbox.events.clear();
      }
      reader.join();
    }
    grpc::Status finish = stream != nullptr ? stream->Finish() : grpc::Status::CANCELLED;
    {
      absl::MutexLock lock(&mu_);
      current_ = nullptr;
    }
    if (stopping_) break;
    if (received && apply_status.ok()) backoff = absl::Milliseconds(100);
    log::Warning("event stream ended; reconnecting",
                 {{"source", source_},
                  {"code", static_cast<int64_t>(finish.error_code())},
                  {"error", finish.error_message()},
                  {"backoff_ms", absl::ToInt64Milliseconds(backoff)}});
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    wait(backoff * jitter(rng));
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
}

}  // namespace cercles::events
