#include "common/events/watch.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status.h"

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

absl::Status EventSubscriber::ApplyOne(const cercles::common::v1::Event& event) {
  bool applied = false;
  absl::Status status = storage::RunInTransaction(
      *db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
        applied = false;
        // Replicas of a consumer serialise here; the cursor read below is then current.
        CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(absl::StrCat("cursor:", source_))));
        CERCLES_ASSIGN_OR_RETURN(int64_t stored, LoadCursor(tx, source_));
        if (event.sequence() <= stored) return absl::OkStatus();
        CERCLES_RETURN_IF_ERROR(apply_(tx, event));
        int64_t now = absl::ToUnixMicros(absl::Now());
        CERCLES_ASSIGN_OR_RETURN(
            int64_t changed,
            tx.Exec("UPDATE event_cursors SET sequence = ?, update_time_us = ? WHERE source = ?",
                    {event.sequence(), now, source_}));
        if (changed == 0) {
          CERCLES_RETURN_IF_ERROR(
              tx.Exec(
                    "INSERT INTO event_cursors (source, sequence, update_time_us) VALUES (?, ?, ?)",
                    {source_, event.sequence(), now})
                  .status());
        }
        applied = true;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (applied) {
    if (applied_ != nullptr) applied_->Increment();
  } else if (skipped_ != nullptr) {
    skipped_->Increment();
  }
  cursor_ = std::max(cursor_.load(), event.sequence());
  if (cursor_gauge_ != nullptr) cursor_gauge_->Set(static_cast<double>(cursor_.load()));
  if (applied && on_applied_) on_applied_(event.sequence());
  return absl::OkStatus();
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
    cercles::common::v1::Event event;
    absl::Status apply_status;
    bool received = false;
    while (stream != nullptr && stream->Next(&event)) {
      received = true;
      apply_status = ApplyOne(event);
      if (!apply_status.ok()) {
        log::Error("cannot apply event; will retry from the stored cursor",
                   {{"source", source_},
                    {"sequence", event.sequence()},
                    {"type", event.type()},
                    {"error", std::string(apply_status.message())}});
        context.TryCancel();
        break;
      }
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
