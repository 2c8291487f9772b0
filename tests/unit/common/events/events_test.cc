#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/observability/metrics.h"
#include "common/util/status.h"
#include "common/util/trace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::events {
namespace {

using cercles::common::v1::Event;
using ::cercles::testing::StatusIs;

std::unique_ptr<storage::Database> OpenWithSchema() {
  auto db = storage::Database::Open("sqlite::memory:");
  EXPECT_TRUE(db.ok()) << db.status();
  EXPECT_TRUE((*db)->Migrate("outbox", OutboxMigrations()).ok());
  EXPECT_TRUE((*db)->Migrate("event_cursors", {CursorMigration(1)}).ok());
  EXPECT_TRUE((*db)
                  ->Migrate("test", {{1, "applied",
                                      "CREATE TABLE applied (sequence BIGINT PRIMARY KEY, "
                                      "subject TEXT NOT NULL)"}})
                  .ok());
  return *std::move(db);
}

absl::Status AppendCircle(storage::Database& db, const std::string& name, bool commit = true) {
  return storage::RunInTransaction(
      db, storage::TxMode::kWrite,
      [&](storage::Transaction& tx) {
        cercles::membership::v1::CircleCreated payload;
        payload.mutable_circle()->set_name(name);
        CERCLES_RETURN_IF_ERROR(
            AppendEvent(tx, "fund-a", name, payload, absl::FromUnixSeconds(1700000000)).status());
        return commit ? absl::OkStatus() : absl::AbortedError("rolled back on purpose");
      },
      /*attempts=*/1);
}

TEST(OutboxTest, AnEventCarriesTheSpanItsThreadWorksFor) {
  auto db = OpenWithSchema();
  const std::string span = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  {
    const trace::ScopedTraceparent in_span(span);
    ASSERT_TRUE(AppendCircle(*db, "circles/1").ok());
  }
  ASSERT_TRUE(AppendCircle(*db, "circles/2").ok());  // no span: none stored
  auto events = ReadEvents(*db, 0, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].traceparent(), span);
  EXPECT_EQ((*events)[1].traceparent(), "");
}

TEST(OutboxTest, EventsCommitWithTheirTransactionOnly) {
  auto db = OpenWithSchema();
  ASSERT_TRUE(AppendCircle(*db, "circles/1").ok());
  EXPECT_THAT(AppendCircle(*db, "circles/2", /*commit=*/false),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_TRUE(AppendCircle(*db, "circles/3").ok());
  auto events = ReadEvents(*db, 0, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].subject(), "circles/1");
  EXPECT_EQ((*events)[1].subject(), "circles/3");
  EXPECT_LT((*events)[0].sequence(), (*events)[1].sequence());
  EXPECT_EQ((*events)[0].type(), "cercles.membership.v1.CircleCreated");
  EXPECT_EQ((*events)[0].fund_id(), "fund-a");
  EXPECT_EQ((*events)[0].occur_time().seconds(), 1700000000);
  cercles::membership::v1::CircleCreated payload;
  ASSERT_TRUE((*events)[1].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.circle().name(), "circles/3");
  EXPECT_NE((*events)[0].event_id(), (*events)[1].event_id());

  auto after = ReadEvents(*db, (*events)[0].sequence(), 100);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(ReadEvents(*db, 0, 1)->size(), 1u);
}

TEST(OutboxTest, EventsOfATransactionAreWrittenByItsCommitInOrderWithoutRolledBackOnes) {
  auto db = OpenWithSchema();
  std::vector<std::string> ids;
  ASSERT_TRUE(
      storage::RunInTransaction(
          *db, storage::TxMode::kWrite,
          [&](storage::Transaction& tx) -> absl::Status {
            ids.clear();
            for (int i = 1; i <= 250; ++i) {  // more than one INSERT's worth
              const std::string name = absl::StrCat("circles/", i);
              if (i == 3) CERCLES_RETURN_IF_ERROR(tx.Savepoint("three"));
              cercles::membership::v1::CircleCreated payload;
              payload.mutable_circle()->set_name(name);
              CERCLES_ASSIGN_OR_RETURN(
                  std::string id,
                  AppendEvent(tx, "fund-a", name, payload, absl::FromUnixSeconds(1700000000)));
              if (i == 3) {
                CERCLES_RETURN_IF_ERROR(tx.RollbackToSavepoint("three"));
                continue;
              }
              ids.push_back(id);
            }
            // Nothing is in the outbox before COMMIT.
            CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query("SELECT COUNT(*) FROM outbox"));
            EXPECT_EQ(rows[0].Int(0), 0);
            return absl::OkStatus();
          })
          .ok());
  auto events = ReadEvents(*db, 0, 1000);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ((*events)[i].event_id(), ids[i]);
    EXPECT_EQ((*events)[i].subject(), absl::StrCat("circles/", i < 2 ? i + 1 : i + 2));
    if (i > 0) {
      EXPECT_LT((*events)[i - 1].sequence(), (*events)[i].sequence());
    }
  }
}

TEST(EventNotifierTest, WakesWaitersAndTimesOut) {
  EventNotifier notifier;
  uint64_t seen = notifier.version();
  absl::Time start = absl::Now();
  EXPECT_EQ(notifier.WaitForChange(seen, absl::Milliseconds(20)), seen);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(15));
  std::thread t([&] { notifier.Notify(); });
  EXPECT_NE(notifier.WaitForChange(seen, absl::Seconds(30)), seen);
  t.join();
}

// A scripted stream: delivers its events, then ends with `finish`.
class ScriptedStream : public EventStream {
 public:
  ScriptedStream(std::vector<Event> events, grpc::Status finish)
      : events_(events.begin(), events.end()), finish_(std::move(finish)) {}
  bool Next(Event* event) override {
    if (events_.empty()) return false;
    *event = events_.front();
    events_.pop_front();
    return true;
  }
  grpc::Status Finish() override { return finish_; }

 private:
  std::deque<Event> events_;
  grpc::Status finish_;
};

Event MakeEvent(int64_t sequence) {
  Event e;
  e.set_sequence(sequence);
  e.set_subject("circles/" + std::to_string(sequence));
  return e;
}

TEST(EventSubscriberTest, AppliesEachEventOnceAcrossReconnectsAndReplays) {
  auto db = OpenWithSchema();
  std::atomic<int> opens{0};
  std::vector<int64_t> requested_after;
  absl::Mutex mu;
  std::atomic<int> apply_calls{0};
  bool fail_once = true;
  EventSubscriber subscriber(
      "membership", db.get(),
      [&](grpc::ClientContext*, int64_t after) -> std::unique_ptr<EventStream> {
        int n = ++opens;
        {
          absl::MutexLock lock(&mu);
          requested_after.push_back(after);
        }
        switch (n) {
          case 1:  // 1..3 then the connection drops
            return std::make_unique<ScriptedStream>(
                std::vector<Event>{MakeEvent(1), MakeEvent(2), MakeEvent(3)},
                grpc::Status(grpc::StatusCode::UNAVAILABLE, "dropped"));
          case 2:  // a buggy source replays 2..3 before going on to 5 (4 was rolled back)
            return std::make_unique<ScriptedStream>(
                std::vector<Event>{MakeEvent(2), MakeEvent(3), MakeEvent(5), MakeEvent(6)},
                grpc::Status(grpc::StatusCode::UNAVAILABLE, "dropped"));
          default:
            return std::make_unique<ScriptedStream>(std::vector<Event>{},
                                                    grpc::Status(grpc::StatusCode::CANCELLED, ""));
        }
      },
      [&](storage::Transaction& tx, const Event& event) -> absl::Status {
        ++apply_calls;
        if (event.sequence() == 6 && fail_once) {
          fail_once = false;  // a transient failure: retried from the stored cursor
          return absl::UnavailableError("disk hiccup");
        }
        return tx
            .Exec("INSERT INTO applied (sequence, subject) VALUES (?, ?)",
                  {event.sequence(), event.subject()})
            .status();
      },
      nullptr);
  subscriber.Start();
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while ((subscriber.cursor() < 5 || opens.load() < 3) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  // Event 6 failed once; the third stream (after=5) has nothing, so it stays at 5.
  subscriber.Stop();
  EXPECT_EQ(subscriber.cursor(), 5);
  auto tx = db->Begin(storage::TxMode::kRead);
  auto rows = (*tx)->Query("SELECT sequence FROM applied ORDER BY sequence");
  ASSERT_TRUE(rows.ok());
  std::vector<int64_t> applied;
  for (const auto& r : *rows) applied.push_back(r.Int(0));
  EXPECT_THAT(applied, ::testing::ElementsAre(1, 2, 3, 5));
  absl::MutexLock lock(&mu);
  ASSERT_GE(requested_after.size(), 3u);
  EXPECT_EQ(requested_after[0], 0);
  EXPECT_EQ(requested_after[1], 3);  // resumes from the durable cursor
  EXPECT_EQ(requested_after[2], 5);
}

// An event is applied in a span of the consumer's own, a child of the span that
// emitted it (what applying it emits carries the same trace); an event without
// one gets a trace of its own.
TEST(EventSubscriberTest, EachEventIsAppliedInAChildSpanOfItsSource) {
  auto db = OpenWithSchema();
  Event traced = MakeEvent(1);
  traced.set_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  absl::Mutex mu;
  std::vector<std::string> spans;
  EventSubscriber subscriber(
      "membership", db.get(),
      [&](grpc::ClientContext*, int64_t after) -> std::unique_ptr<EventStream> {
        std::vector<Event> events;
        if (after == 0) events = {traced, MakeEvent(2)};
        return std::make_unique<ScriptedStream>(std::move(events),
                                                grpc::Status(grpc::StatusCode::CANCELLED, ""));
      },
      [&](storage::Transaction&, const Event&) -> absl::Status {
        absl::MutexLock lock(&mu);
        spans.push_back(trace::CurrentTraceparent());
        return absl::OkStatus();
      },
      nullptr);
  subscriber.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (subscriber.cursor() < 2 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  subscriber.Stop();
  absl::MutexLock lock(&mu);
  ASSERT_EQ(spans.size(), 2u);
  std::optional<trace::TraceContext> first = trace::ParseTraceparent(spans[0]);
  ASSERT_TRUE(first.has_value()) << spans[0];
  EXPECT_EQ(first->trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_NE(first->span_id, "b7ad6b7169203331");
  std::optional<trace::TraceContext> second = trace::ParseTraceparent(spans[1]);
  ASSERT_TRUE(second.has_value()) << spans[1];
  EXPECT_NE(second->trace_id, first->trace_id);
  EXPECT_EQ(trace::CurrentTraceparent(), "");  // the scope ended with the apply
}

// A burst is applied in a few transactions, not one per event: the reader takes
// events off the stream while the applier commits what has arrived (up to 256
// per transaction), every event exactly once and in order, and the lag gauge
// says how long after it occurred the last one was applied.
TEST(EventSubscriberTest, ABurstIsAppliedInFewTransactionsEachEventOnceInOrder) {
  auto db = OpenWithSchema();
  constexpr int kEvents = 2000;
  std::vector<Event> events;
  for (int i = 1; i <= kEvents; ++i) {
    Event e = MakeEvent(i);
    e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    events.push_back(e);
  }
  std::atomic<int> transactions{0};
  std::vector<int64_t> order;
  observability::Registry metrics;
  EventSubscriber subscriber(
      "membership", db.get(),
      [&](grpc::ClientContext*, int64_t after) -> std::unique_ptr<EventStream> {
        std::vector<Event> rest;
        for (const Event& e : events) {
          if (e.sequence() > after) rest.push_back(e);
        }
        return std::make_unique<ScriptedStream>(rest, grpc::Status::CANCELLED);
      },
      [&](storage::Transaction& tx, const Event& e) {
        order.push_back(e.sequence());  // the applier thread only
        return tx
            .Exec("INSERT INTO applied (sequence, subject) VALUES (?, ?)",
                  {e.sequence(), e.subject()})
            .status();
      },
      &metrics);
  subscriber.set_on_applied([&](int64_t) { ++transactions; });
  subscriber.Start();
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (subscriber.cursor() < kEvents && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  subscriber.Stop();
  ASSERT_EQ(subscriber.cursor(), kEvents);
  auto tx = db->Begin(storage::TxMode::kRead);
  auto rows = (*tx)->Query("SELECT COUNT(*), MIN(sequence), MAX(sequence) FROM applied");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), kEvents);
  ASSERT_EQ(order.size(), static_cast<size_t>(kEvents));
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  // At most 256 per transaction, and far fewer transactions than events.
  EXPECT_GE(transactions.load(), kEvents / 256);
  EXPECT_LT(transactions.load(), kEvents / 10);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, ::testing::HasSubstr("cercles_events_lag_seconds{source=\"membership\"}"));
  EXPECT_THAT(text,
              ::testing::HasSubstr("cercles_events_applied_total{source=\"membership\"} 2000"));
}

TEST(EventSubscriberTest, ResumesFromTheStoredCursorAfterARestart) {
  auto db = OpenWithSchema();
  auto run = [&](std::vector<Event> events) {
    std::atomic<int64_t> first_after{-1};
    EventSubscriber subscriber(
        "membership", db.get(),
        [&](grpc::ClientContext*, int64_t after) -> std::unique_ptr<EventStream> {
          int64_t expected = -1;
          first_after.compare_exchange_strong(expected, after);
          return std::make_unique<ScriptedStream>(events, grpc::Status::CANCELLED);
        },
        [&](storage::Transaction& tx, const Event& e) {
          return tx
              .Exec("INSERT INTO applied (sequence, subject) VALUES (?, ?)",
                    {e.sequence(), e.subject()})
              .status();
        },
        nullptr);
    subscriber.Start();
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (subscriber.cursor() < events.back().sequence() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    subscriber.Stop();
    return first_after.load();
  };
  EXPECT_EQ(run({MakeEvent(1), MakeEvent(2)}), 0);
  // Same events again (the source restarted from 0 by mistake) plus a new one.
  EXPECT_EQ(run({MakeEvent(1), MakeEvent(2), MakeEvent(3)}), 2);
  auto tx = db->Begin(storage::TxMode::kRead);
  EXPECT_EQ((*tx)->Query("SELECT sequence FROM applied")->size(), 3u);
}

}  // namespace
}  // namespace cercles::events
