#include "common/events/outbox.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/redaction/redaction.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/status.h"

namespace cercles::events {
namespace {
constexpr int64_t kOutboxLockId = 0x636572636c6f7574;  // "cerclout"
}

storage::Migration OutboxMigration(int version) {
  return {version, "outbox",
          "CREATE TABLE outbox ("
          " sequence {{SERIAL_PK}},"
          " event_id TEXT NOT NULL UNIQUE,"
          " type TEXT NOT NULL,"
          " subject TEXT NOT NULL,"
          " fund_id TEXT NOT NULL,"
          " occur_time_us BIGINT NOT NULL,"
          " payload {{BLOB}} NOT NULL)"};
}

absl::StatusOr<int64_t> AppendEvent(storage::Transaction& tx, const std::string& fund_id,
                                    const std::string& subject,
                                    const google::protobuf::Message& payload, absl::Time now) {
  CERCLES_RETURN_IF_ERROR(tx.LockExclusive(kOutboxLockId));
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
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO outbox (event_id, type, subject, fund_id, occur_time_us, payload) "
               "VALUES (?, ?, ?, ?, ?, ?) RETURNING sequence",
               {NewUuid(), payload.GetTypeName(), subject, fund_id, ToMicros(now),
                storage::Blob{std::move(bytes)}}));
  if (rows.size() != 1) return absl::InternalError("outbox insert returned no sequence");
  return rows[0].Int(0);
}

absl::StatusOr<std::vector<cercles::common::v1::Event>> ReadEvents(storage::Database& db,
                                                                   int64_t after_sequence,
                                                                   int limit) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx->Query("SELECT sequence, event_id, type, subject, fund_id, occur_time_us, payload "
                "FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?",
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
  }
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  return events;
}

void EventNotifier::Notify() {
  absl::MutexLock lock(&mu_);
  ++version_;
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

}  // namespace cercles::events
