// Serving and consuming WatchEvents(after_sequence) streams.
#ifndef CERCLES_COMMON_EVENTS_WATCH_H_
#define CERCLES_COMMON_EVENTS_WATCH_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cercles/common/v1/event.pb.h"
#include "common/events/outbox.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"

namespace cercles::events {

struct WatchOptions {
  int batch_size = 256;
  // How often a stream re-reads the outbox without a local notification (to see
  // other replicas' commits) and checks for cancellation and shutdown.
  absl::Duration poll_interval = absl::Milliseconds(250);
};

// Streams events after `after_sequence` through `write` until the call is
// cancelled, `write` fails (client gone) or `stopping` becomes true. Each
// service's WatchEvents handler wraps its own response type around this.
absl::Status ServeEvents(grpc::ServerContext* context, storage::Database& db,
                         EventNotifier& notifier, int64_t after_sequence,
                         const std::atomic<bool>& stopping,
                         const std::function<bool(const cercles::common::v1::Event&)>& write,
                         const WatchOptions& options = {});

template <typename Response>
absl::Status ServeEventsTo(grpc::ServerContext* context, storage::Database& db,
                           EventNotifier& notifier, int64_t after_sequence,
                           const std::atomic<bool>& stopping,
                           grpc::ServerWriter<Response>* writer) {
  Response response;
  return ServeEvents(context, db, notifier, after_sequence, stopping,
                     [&](const cercles::common::v1::Event& event) {
                       *response.mutable_event() = event;
                       return writer->Write(response);
                     });
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
  // Called after each applied event commits (e.g. to bump a cache generation).
  void set_on_applied(std::function<void(int64_t sequence)> fn) { on_applied_ = std::move(fn); }

  static absl::StatusOr<int64_t> LoadCursor(storage::Transaction& tx, const std::string& source);

 private:
  void Run();
  absl::Status ApplyOne(const cercles::common::v1::Event& event);

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
};

}  // namespace cercles::events

#endif  // CERCLES_COMMON_EVENTS_WATCH_H_
