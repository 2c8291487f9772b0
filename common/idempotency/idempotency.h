// Idempotent writes keyed by the client's request_id.
//
// The id, a fingerprint of the request and the serialized response are stored in
// the same transaction as the change. A retry with the same id and the same
// request returns the first response without running the change again; the same
// id with a different request is refused (ALREADY_EXISTS). Redis never holds it.
#ifndef CERCLES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_
#define CERCLES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/storage/database.h"

namespace cercles::idempotency {

storage::Migration IdempotencyMigration(int version);

// 1 to 128 characters of [A-Za-z0-9._:-]; the message names the field.
absl::Status ValidateRequestId(const std::string& request_id);

// Response metadata of a write answered from its stored first answer (every
// service sets it the same way, so clients can tell a replay from a new write).
inline constexpr char kReplayedMetadata[] = "cercles-replayed";

struct Outcome {
  bool replayed = false;  // true: the stored response was returned, body did not run
};

// Runs `body` (which performs the change and fills `response`) in one write
// transaction together with the request_id record, retrying on ABORTED.
// `method` is the RPC's full name; it is part of the fingerprint.
absl::StatusOr<Outcome> Run(storage::Database& db, absl::string_view method,
                            const std::string& request_id, const google::protobuf::Message& request,
                            google::protobuf::Message* response,
                            const std::function<absl::Status(storage::Transaction&)>& body);

// A request_id with its method and the fingerprint of its request, computed
// once, outside any transaction (INVALID_ARGUMENT for a malformed id).
struct Key {
  std::string method;
  std::string request_id;
  std::string fingerprint;
};
absl::StatusOr<Key> MakeKey(absl::string_view method, const std::string& request_id,
                            const google::protobuf::Message& request);

// Run's steps inside the caller's write transaction `tx` (e.g. a
// storage::GroupCommitter write, in its savepoint): the stored answer when `key`
// was recorded (replayed; ALREADY_EXISTS for another request), otherwise `body`
// and then the record. The caller commits, and rolls back (to its savepoint) on
// an error. ABORTED when a concurrent transaction recorded the same request_id
// first: running it again answers as a replay. Within one transaction, a second
// RunIn with the same key answers as a replay of the first.
absl::StatusOr<Outcome> RunIn(storage::Transaction& tx, const Key& key,
                              google::protobuf::Message* response,
                              const std::function<absl::Status(storage::Transaction&)>& body);

// Whether `request_id` already recorded this very request: true (and `response`
// filled with the first answer), false when the id is unused, ALREADY_EXISTS when
// it was used for a different request. For dry runs that should report a replay.
absl::StatusOr<bool> Lookup(storage::Database& db, absl::string_view method,
                            const std::string& request_id, const google::protobuf::Message& request,
                            google::protobuf::Message* response);

}  // namespace cercles::idempotency

#endif  // CERCLES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_
