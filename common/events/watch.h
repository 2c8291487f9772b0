// Serving and consuming WatchEvents(after_sequence) streams.
#ifndef CERCLES_COMMON_EVENTS_WATCH_H_
#define CERCLES_COMMON_EVENTS_WATCH_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"
#include "common/util/status.h"

namespace cercles::events {

struct WatchOptions {
  int batch_size = 256;
};

// A server stream fed from storage, written with gRPC's callback API: no thread
// is held per stream. The stream's reads run on the EventNotifier's workers
// (storage reads block, so they stay off gRPC's callback threads), each read
// starts after the last response written, and the stream reads again
//   - after writing a non-empty batch (there may be more),
//   - when the notifier wakes it: a local commit, or the notifier's periodic
//     re-check, which is how other replicas' commits are seen.
// Responses are written one at a time, in the order read. The stream ends
//   - with `drained` (by default UNAVAILABLE, "reconnect to resume") once
//     `stopping` is set (the server drains), at the next wake-up or write;
//   - when the call is cancelled or a write fails (the client went away);
//   - with the read's error when a read fails (e.g. a peer revoked since).
// The reactor deletes itself in OnDone, after unsubscribing from the notifier.
template <typename Response>
class NotifiedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  // Reads the responses after `cursor`, oldest first (an empty batch: nothing new).
  using Read = std::function<absl::StatusOr<std::vector<Response>>(int64_t cursor)>;
  // The position a written response moves the cursor to.
  using CursorOf = std::function<int64_t(const Response&)>;

  NotifiedStream(EventNotifier* notifier, const std::atomic<bool>* stopping, int64_t cursor,
                 Read read, CursorOf cursor_of,
                 grpc::Status drained = ToGrpcStatus(
                     absl::UnavailableError("the server is shutting down; reconnect to resume")))
      : notifier_(notifier),
        stopping_(stopping),
        read_(std::move(read)),
        cursor_of_(std::move(cursor_of)),
        drained_(std::move(drained)),
        cursor_(cursor) {
    id_ = notifier_->Subscribe([this] { Pump(); });
    notifier_->Wake(id_);  // the first read, without waiting for a commit
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> end;
    const Response* next = nullptr;
    EventNotifier* notifier = nullptr;
    uint64_t id = 0;
    {
      absl::MutexLock lock(&mu_);
      if (ok) cursor_ = cursor_of_(batch_[next_]);
      ++next_;
      if (!ok) {
        end = grpc::Status::OK;  // the client went away: nobody reads the status
      } else {
        end = EndingLocked();
      }
      if (end.has_value()) {
        finishing_ = true;
      } else if (next_ < batch_.size()) {
        next = &batch_[next_];
      } else {
        notifier = notifier_;
        id = id_;
      }
      if (next == nullptr) {
        writing_ = false;
        batch_.clear();
      }
    }
    // Outside the lock, and nothing of `this` touched after Finish (OnDone may
    // run at once on another thread) or after the wake (a worker may finish it).
    if (end.has_value()) {
      this->Finish(*end);
    } else if (next != nullptr) {
      this->StartWrite(next);
    } else {
      notifier->Wake(id);  // there may be more after this batch
    }
  }

  void OnCancel() override {
    bool finish_now = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      // A read or a write in progress sees the cancellation when it completes.
      finish_now = !reading_ && !writing_ && !finishing_;
      if (finish_now) finishing_ = true;
    }
    if (finish_now) this->Finish(*Ending(/*cancelled=*/true));
  }

  void OnDone() override {
    notifier_->Unsubscribe(id_);  // waits for a Pump still returning on a worker
    delete this;
  }

 private:
  // On a notifier worker, never concurrently with itself.
  void Pump() {
    std::optional<grpc::Status> end;
    int64_t cursor = 0;
    {
      absl::MutexLock lock(&mu_);
      if (finishing_ || writing_) return;  // the write completion reads again
      end = EndingLocked();
      if (end.has_value()) {
        finishing_ = true;
      } else {
        reading_ = true;
        cursor = cursor_;
      }
    }
    if (end.has_value()) {
      this->Finish(*end);
      return;
    }
    absl::StatusOr<std::vector<Response>> batch = read_(cursor);
    const Response* first = nullptr;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      end = EndingLocked();
      if (!end.has_value() && !batch.ok()) end = ToGrpcStatus(batch.status());
      if (end.has_value()) {
        finishing_ = true;
      } else if (!batch->empty()) {
        batch_ = *std::move(batch);
        next_ = 0;
        writing_ = true;
        first = &batch_.front();
      }
    }
    if (end.has_value()) {
      this->Finish(*end);
    } else if (first != nullptr) {
      this->StartWrite(first);
    }
  }

  std::optional<grpc::Status> EndingLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return Ending(cancelled_);
  }
  std::optional<grpc::Status> Ending(bool cancelled) const {
    if (stopping_->load()) return drained_;
    if (cancelled) return ToGrpcStatus(absl::CancelledError("the stream was cancelled"));
    return std::nullopt;
  }

  EventNotifier* const notifier_;
  const std::atomic<bool>* const stopping_;
  const Read read_;
  const CursorOf cursor_of_;
  const grpc::Status drained_;
  uint64_t id_ = 0;  // set before the first wake-up, constant afterwards
  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  std::vector<Response> batch_ ABSL_GUARDED_BY(mu_);  // being written, one at a time
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
};

// A stream refused before it starts (not authorised, a bad request).
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

// Serves a WatchEvents call of any service (its Response has an `event`): the
// caller is authorised by the RPC's declared policy, as server::Serve does, then
// the outbox after request.after_sequence() is streamed, `batch_size` events a read.
template <typename Response, typename Request>
grpc::ServerWriteReactor<Response>* ServeEvents(grpc::CallbackServerContext* context,
                                                const Request& request,
                                                const auth::Authorizer& authorizer,
                                                storage::Database& db, EventNotifier& notifier,
                                                const std::atomic<bool>& stopping,
                                                const WatchOptions& options = {}) {
  if (absl::StatusOr<auth::Principal> who = authorizer.Check(*context, request); !who.ok()) {
    return new RefusedStream<Response>(who.status());
  }
  if (request.after_sequence() < 0) {
    return new RefusedStream<Response>(absl::InvalidArgumentError("after_sequence must be >= 0"));
  }
  const int batch_size = options.batch_size;
  return new NotifiedStream<Response>(
      &notifier, &stopping, request.after_sequence(),
      [&db, batch_size](int64_t after) -> absl::StatusOr<std::vector<Response>> {
        CERCLES_ASSIGN_OR_RETURN(std::vector<cercles::common::v1::Event> events,
                                 ReadEvents(db, after, batch_size));
        std::vector<Response> responses(events.size());
        for (size_t i = 0; i < events.size(); ++i) {
          responses[i].mutable_event()->Swap(&events[i]);
        }
        return responses;
      },
      [](const Response& response) { return response.event().sequence(); });
}

// A client-side stream of events, independent of which service serves it.
class EventStream {
 public:
  virtual ~EventStream() = default;
  virtual bool Next(cercles::common::v1::Event* event) = 0;
  virtual grpc::Status Finish() = 0;
};

// Adapts a generated WatchEvents call (stub->WatchEvents(ctx, request)).
template <typename Reader, typename Response>
class ReaderEventStream : public EventStream {
 public:
  explicit ReaderEventStream(std::unique_ptr<Reader> reader) : reader_(std::move(reader)) {}
  bool Next(cercles::common::v1::Event* event) override {
    if (!reader_->Read(&response_)) return false;
    event->Swap(response_.mutable_event());
    return true;
  }
  grpc::Status Finish() override { return reader_->Finish(); }

 private:
  std::unique_ptr<Reader> reader_;
  Response response_;
};

// The consumer's cursor table, to include in the consumer's migrations.
storage::Migration CursorMigration(int version);

// Follows a source's event stream and applies each event exactly once from the
// consumer's point of view: the event's effect and the cursor advance commit in
// one transaction, and events at or below the stored cursor are skipped.
// Reconnects with jittered exponential backoff (100 ms to 5 s).
class EventSubscriber {
 public:
  using OpenStream =
      std::function<std::unique_ptr<EventStream>(grpc::ClientContext*, int64_t after_sequence)>;
  using Apply =
      std::function<absl::Status(storage::Transaction&, const cercles::common::v1::Event&)>;

  EventSubscriber(std::string source, storage::Database* db, OpenStream open, Apply apply,
                  observability::Registry* metrics);
  ~EventSubscriber();

  void Start();
  void Stop();
  // Last sequence applied (from the database at start, then in memory).
  int64_t cursor() const { return cursor_.load(); }
  // Called after applied events commit (e.g. to bump a cache generation), once
  // per transaction with the last sequence it applied.
  void set_on_applied(std::function<void(int64_t sequence)> fn) { on_applied_ = std::move(fn); }

  static absl::StatusOr<int64_t> LoadCursor(storage::Transaction& tx, const std::string& source);

 private:
  // What the stream's reader thread has taken off the stream and the applier
  // not yet applied (bounded: the reader waits beyond kMaxQueued).
  struct Inbox {
    absl::Mutex mu;
    std::deque<cercles::common::v1::Event> events ABSL_GUARDED_BY(mu);
    bool ended ABSL_GUARDED_BY(mu) = false;      // the stream has no more
    bool abandoned ABSL_GUARDED_BY(mu) = false;  // the applier stopped taking
  };
  static constexpr size_t kMaxBatch = 256;
  static constexpr size_t kMaxQueued = 1024;

  void Run();
  // Applies `events` in order in one transaction, each in a savepoint: those at
  // or below the stored cursor are skipped; at the first that fails the ones
  // before it still commit (with the cursor) and its error is returned.
  absl::Status ApplyBatch(const std::vector<cercles::common::v1::Event>& events);

  const std::string source_;
  storage::Database* db_;
  OpenStream open_;
  Apply apply_;
  std::function<void(int64_t)> on_applied_;
  std::atomic<int64_t> cursor_{0};
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  grpc::ClientContext* current_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
  observability::Counter* applied_ = nullptr;
  observability::Counter* skipped_ = nullptr;
  observability::Counter* reconnects_ = nullptr;
  observability::Gauge* cursor_gauge_ = nullptr;
  observability::Gauge* lag_ = nullptr;
};

}  // namespace cercles::events

#endif  // CERCLES_COMMON_EVENTS_WATCH_H_
