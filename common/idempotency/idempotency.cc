#include "common/idempotency/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api/error_details.h"
#include "common/util/crypto.h"
#include "common/util/status.h"

namespace cercles::idempotency {
namespace {

std::string Fingerprint(absl::string_view method, const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(absl::StrCat(method, "\n", bytes));
}

}  // namespace

// The stored answer of request_id: true when it recorded this very request
// (`response` filled), false when unused, ALREADY_EXISTS for another request.
absl::StatusOr<bool> Find(storage::Transaction& tx, absl::string_view method,
                          const std::string& request_id, const std::string& fingerprint,
                          google::protobuf::Message* response) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT fingerprint, response, method FROM idempotency_keys WHERE request_id = ?",
               {request_id}));
  if (rows.empty()) return false;
  if (rows[0].Text(0) != fingerprint) {
    return api::WithErrorInfo(
        absl::AlreadyExistsError(absl::StrCat(
            "request_id \"", request_id, "\" was already used for a different request (",
            rows[0].Text(2), "); use a new request_id for a new request")),
        api::reason::kAlreadyExistsDifferentRequest,
        {{"field", "request_id"}, {"method", rows[0].Text(2)}});
  }
  if (!response->ParseFromString(rows[0].Bytes(1))) {
    return absl::DataLossError("the stored response of this request_id is unreadable");
  }
  (void)method;
  return true;
}

storage::Migration IdempotencyMigration(int version) {
  return {version, "idempotency",
          "CREATE TABLE idempotency_keys ("
          " request_id TEXT PRIMARY KEY,"
          " method TEXT NOT NULL,"
          " fingerprint TEXT NOT NULL,"
          " response {{BLOB}} NOT NULL,"
          " create_time_us BIGINT NOT NULL)"};
}

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.empty() || request_id.size() > 128) {
    return api::InvalidField(
        "request_id", "is required: 1 to 128 characters, the same on every retry of this request",
        request_id.empty() ? api::reason::kFieldRequired : api::reason::kValueOutOfRange);
  }
  for (char c : request_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      return api::InvalidField("request_id", "may only contain letters, digits and . _ : -",
                               api::reason::kFieldInvalidFormat);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Key> MakeKey(absl::string_view method, const std::string& request_id,
                            const google::protobuf::Message& request) {
  CERCLES_RETURN_IF_ERROR(ValidateRequestId(request_id));
  return Key{std::string(method), request_id, Fingerprint(method, request)};
}

absl::StatusOr<Outcome> RunIn(storage::Transaction& tx, const Key& key,
                              google::protobuf::Message* response,
                              const std::function<absl::Status(storage::Transaction&)>& body) {
  Outcome outcome;
  response->Clear();
  CERCLES_ASSIGN_OR_RETURN(outcome.replayed,
                           Find(tx, key.method, key.request_id, key.fingerprint, response));
  if (outcome.replayed) return outcome;
  CERCLES_RETURN_IF_ERROR(body(tx));
  std::string bytes;
  response->SerializeToString(&bytes);
  absl::StatusOr<int64_t> inserted = tx.Exec(
      "INSERT INTO idempotency_keys (request_id, method, fingerprint, response, "
      "create_time_us) VALUES (?, ?, ?, ?, ?)",
      {key.request_id, key.method, key.fingerprint, storage::Blob{std::move(bytes)},
       absl::ToUnixMicros(absl::Now())});
  if (absl::IsAlreadyExists(inserted.status())) {
    // A concurrent transaction with the same id committed first: running again
    // finds its row and answers as a replay (or a conflict).
    return absl::AbortedError("concurrent request with the same request_id");
  }
  CERCLES_RETURN_IF_ERROR(inserted.status());
  return outcome;
}

absl::StatusOr<Outcome> Run(storage::Database& db, absl::string_view method,
                            const std::string& request_id, const google::protobuf::Message& request,
                            google::protobuf::Message* response,
                            const std::function<absl::Status(storage::Transaction&)>& body) {
  CERCLES_ASSIGN_OR_RETURN(Key key, MakeKey(method, request_id, request));
  Outcome outcome;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      db, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(outcome, RunIn(tx, key, response, body));
        return absl::OkStatus();
      }));
  return outcome;
}

}  // namespace cercles::idempotency

namespace cercles::idempotency {

absl::StatusOr<bool> Lookup(storage::Database& db, absl::string_view method,
                            const std::string& request_id, const google::protobuf::Message& request,
                            google::protobuf::Message* response) {
  CERCLES_RETURN_IF_ERROR(ValidateRequestId(request_id));
  CERCLES_ASSIGN_OR_RETURN(auto tx, db.Begin(storage::TxMode::kRead));
  return Find(*tx, method, request_id, Fingerprint(method, request), response);
}

}  // namespace cercles::idempotency
