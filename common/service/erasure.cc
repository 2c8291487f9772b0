#include "common/service/erasure.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redaction/redaction.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace cercles::service {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

constexpr int kBatch = 500;

// What a scrub does to one stored message: true when it changed it.
using EraseFn = std::function<bool(Message* message)>;

// The payload's rewritten bytes when `erase` changes it; empty when it names
// none of `names` (or its type is not linked in: nothing to read it with).
std::string Rewritten(const Descriptor* type, const std::string& bytes,
                      const std::vector<std::string>& names, const EraseFn& erase) {
  if (type == nullptr) return {};
  bool named = false;
  for (auto name = names.begin(); !named && name != names.end(); ++name) {
    named = absl::StrContains(bytes, *name);
  }
  if (!named) return {};
  const Message* prototype = MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) return {};
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromString(bytes) || !erase(message.get())) return {};
  return message->SerializeAsString();
}

// Clears the sensitive fields of every message in `message` (itself
// included) that has a singular string field equal to one of `records`, with
// everything nested in it; true when one was set.
bool RedactMessagesNaming(Message* message, const absl::flat_hash_set<std::string>& records) {
  const Descriptor* descriptor = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
        !field->is_repeated() && records.contains(reflection->GetString(*message, field))) {
      return redaction::RedactSensitive(message) > 0;
    }
  }
  bool changed = false;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(*message, field); ++j) {
        changed |=
            RedactMessagesNaming(reflection->MutableRepeatedMessage(message, field, j), records);
      }
    } else if (reflection->HasField(*message, field)) {
      changed |= RedactMessagesNaming(reflection->MutableMessage(message, field), records);
    }
  }
  return changed;
}

absl::StatusOr<int> ScrubOutbox(storage::Transaction& tx, const std::vector<std::string>& names,
                                const EraseFn& erase) {
  int rewritten = 0;
  for (int64_t after = 0;;) {
    CERCLES_ASSIGN_OR_RETURN(
        storage::Rows rows,
        tx.Query("SELECT sequence, type, payload FROM outbox WHERE sequence > ? "
                 "ORDER BY sequence LIMIT ?",
                 {after, static_cast<int64_t>(kBatch)}));
    for (const storage::Row& row : rows) {
      after = row.Int(0);
      const std::string bytes =
          Rewritten(DescriptorPool::generated_pool()->FindMessageTypeByName(row.Text(1)),
                    row.Bytes(2), names, erase);
      if (bytes.empty()) continue;
      CERCLES_RETURN_IF_ERROR(
          tx.Exec("UPDATE outbox SET payload = ? WHERE sequence = ?", {storage::Blob{bytes}, after})
              .status());
      ++rewritten;
    }
    if (rows.size() < static_cast<size_t>(kBatch)) return rewritten;
  }
}

absl::StatusOr<int> ScrubAnswers(storage::Transaction& tx, const std::vector<std::string>& names,
                                 const EraseFn& erase) {
  int rewritten = 0;
  for (std::string after;;) {
    CERCLES_ASSIGN_OR_RETURN(
        storage::Rows rows,
        tx.Query("SELECT request_id, method, response FROM idempotency_keys WHERE request_id > ? "
                 "ORDER BY request_id LIMIT ?",
                 {after, static_cast<int64_t>(kBatch)}));
    for (const storage::Row& row : rows) {
      after = row.Text(0);
      const google::protobuf::MethodDescriptor* method =
          DescriptorPool::generated_pool()->FindMethodByName(row.Text(1));
      const std::string bytes = Rewritten(method == nullptr ? nullptr : method->output_type(),
                                          row.Bytes(2), names, erase);
      if (bytes.empty()) continue;
      CERCLES_RETURN_IF_ERROR(
          tx.Exec("UPDATE idempotency_keys SET response = ? WHERE request_id = ?",
                  {storage::Blob{bytes}, after})
              .status());
      ++rewritten;
    }
    if (rows.size() < static_cast<size_t>(kBatch)) return rewritten;
  }
}

absl::StatusOr<ScrubCounts> Scrub(storage::Transaction& tx, const std::vector<std::string>& names,
                                  const EraseFn& erase) {
  ScrubCounts counts;
  CERCLES_ASSIGN_OR_RETURN(counts.events, ScrubOutbox(tx, names, erase));
  CERCLES_ASSIGN_OR_RETURN(counts.answers, ScrubAnswers(tx, names, erase));
  return counts;
}

}  // namespace

absl::StatusOr<ScrubCounts> ScrubPersonRecords(storage::Transaction& tx,
                                               const redaction::PersonErasure& erasure) {
  std::vector<std::string> names = {absl::StrCat("people/", erasure.person_id)};
  names.insert(names.end(), erasure.records.begin(), erasure.records.end());
  return Scrub(tx, names,
               [&](Message* message) { return redaction::ErasePersonFrom(message, erasure); });
}

absl::StatusOr<ScrubCounts> ScrubPurgedRecords(storage::Transaction& tx,
                                               const std::vector<std::string>& records) {
  if (records.empty()) return ScrubCounts{};
  const absl::flat_hash_set<std::string> named(records.begin(), records.end());
  return Scrub(tx, records, [&](Message* message) { return RedactMessagesNaming(message, named); });
}

void ReclaimAfterErasure(storage::Database& db, const std::vector<std::string>& tables) {
  if (absl::Status reclaimed = db.ReclaimDeleted(tables); !reclaimed.ok()) {
    log::Warning("after an erasure: the old bytes stay in the database files until the next one",
                 {{"error", std::string(reclaimed.message())}});
  }
}

storage::Migration PurgeJournalMigration(int version) {
  return {version, "retention purge journal",
          "CREATE TABLE retention_purge_records ("
          " id {{SERIAL_PK}},"
          " request_id TEXT NOT NULL,"
          " kind INTEGER NOT NULL,"
          " record TEXT NOT NULL,"
          " UNIQUE (request_id, record))"};
}

absl::Status RecordPurged(storage::Transaction& tx, const std::string& request_id, int kind,
                          const std::string& record) {
  return tx
      .Exec("INSERT INTO retention_purge_records (request_id, kind, record) VALUES (?, ?, ?)",
            {request_id, static_cast<int64_t>(kind), record})
      .status();
}

absl::StatusOr<std::vector<std::pair<int, std::string>>> PurgedUnder(
    storage::Transaction& tx, const std::string& request_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT kind, record FROM retention_purge_records WHERE request_id = ? ORDER BY id",
               {request_id}));
  std::vector<std::pair<int, std::string>> purged;
  for (const storage::Row& row : rows) {
    purged.emplace_back(static_cast<int>(row.Int(0)), row.Text(1));
  }
  return purged;
}

}  // namespace cercles::service
