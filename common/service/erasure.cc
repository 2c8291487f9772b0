#include "common/service/erasure.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace cercles::service {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

constexpr int kBatch = 500;

// The payload's rewritten bytes when `erasure` changes it; empty when it does
// not concern the person (or its type is not linked in: nothing to read it with).
std::string Rewritten(const Descriptor* type, const std::string& bytes,
                      const std::string& person_name, const redaction::PersonErasure& erasure) {
  if (type == nullptr) return {};
  bool named = absl::StrContains(bytes, person_name);
  for (auto record = erasure.records.begin(); !named && record != erasure.records.end(); ++record) {
    named = absl::StrContains(bytes, *record);
  }
  if (!named) return {};
  const Message* prototype = MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) return {};
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromString(bytes) || !redaction::ErasePersonFrom(message.get(), erasure)) {
    return {};
  }
  return message->SerializeAsString();
}

absl::StatusOr<int> ScrubOutbox(storage::Transaction& tx, const std::string& person_name,
                                const redaction::PersonErasure& erasure) {
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
                    row.Bytes(2), person_name, erasure);
      if (bytes.empty()) continue;
      CERCLES_RETURN_IF_ERROR(
          tx.Exec("UPDATE outbox SET payload = ? WHERE sequence = ?", {storage::Blob{bytes}, after})
              .status());
      ++rewritten;
    }
    if (rows.size() < static_cast<size_t>(kBatch)) return rewritten;
  }
}

absl::StatusOr<int> ScrubAnswers(storage::Transaction& tx, const std::string& person_name,
                                 const redaction::PersonErasure& erasure) {
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
                                          row.Bytes(2), person_name, erasure);
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

}  // namespace

absl::StatusOr<ScrubCounts> ScrubPersonRecords(storage::Transaction& tx,
                                               const redaction::PersonErasure& erasure) {
  const std::string person_name = absl::StrCat("people/", erasure.person_id);
  ScrubCounts counts;
  CERCLES_ASSIGN_OR_RETURN(counts.events, ScrubOutbox(tx, person_name, erasure));
  CERCLES_ASSIGN_OR_RETURN(counts.answers, ScrubAnswers(tx, person_name, erasure));
  return counts;
}

void ReclaimAfterErasure(storage::Database& db, const std::vector<std::string>& tables) {
  if (absl::Status reclaimed = db.ReclaimDeleted(tables); !reclaimed.ok()) {
    log::Warning("after an erasure: the old bytes stay in the database files until the next one",
                 {{"error", std::string(reclaimed.message())}});
  }
}

}  // namespace cercles::service
