// A person's erasure in what every service stores besides its own tables: the
// payloads of its outbox (earlier events about the person) and the stored
// answers of its idempotent writes (idempotency_keys). One function, called in
// the erasure's own transaction by each service (membership's ErasePerson,
// lending's and network's handling of PersonErased), so the rewrite commits
// with the rest of the erasure or not at all.
#ifndef CERCLES_COMMON_SERVICE_ERASURE_H_
#define CERCLES_COMMON_SERVICE_ERASURE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redaction/erasure.h"
#include "common/storage/database.h"

namespace cercles::service {

struct ScrubCounts {
  int events = 0;   // outbox payloads rewritten
  int answers = 0;  // stored answers rewritten
};

// Rewrites, inside `tx`, every outbox payload and stored answer that still
// holds the erased person's data, by redaction::ErasePersonFrom (the message
// type is the outbox row's type, or the output of the stored answer's RPC).
// Sequences, event ids, request ids and fingerprints stay, so a consumer's
// cursor and a client's retry still work: a retry answers the rewritten answer.
// Cost: one pass over both tables (only rows whose bytes contain the person's
// resource name, or one of their records', are parsed); erasures are rare.
absl::StatusOr<ScrubCounts> ScrubPersonRecords(storage::Transaction& tx,
                                               const redaction::PersonErasure& erasure);

// The same rewrite for records purged past retention (membership's
// PurgeExpiredRecords: "circles/3/meetings/5", "accessRequests/2"): in every
// outbox payload and stored answer, a message with a singular string field
// equal to one of `records` loses its sensitive fields, those of the messages
// nested in it included (a meeting's attendance notes and follow-ups name
// their person, yet are the meeting's).
absl::StatusOr<ScrubCounts> ScrubPurgedRecords(storage::Transaction& tx,
                                               const std::vector<std::string>& records);

// After the commit of an erasure that a service applied from membership's
// events: Database::ReclaimDeleted on `tables`; a failure is logged (the old
// bytes then stay until the next erasure), never fatal to the event stream.
void ReclaimAfterErasure(storage::Database& db, const std::vector<std::string>& tables);

// The purge journal: what a run of a retention purge purged, under its
// request_id, written in the transaction of the batch that purged each record,
// so that a purge stopped by a crash and sent again with the same request_id
// answers the whole report (what the first attempt purged and what the second
// did), not only the rest. Ids and resource names only. Table
// retention_purge_records, made by PurgeJournalMigration in each service that
// purges (membership, lending).
storage::Migration PurgeJournalMigration(int version);
absl::Status RecordPurged(storage::Transaction& tx, const std::string& request_id, int kind,
                          const std::string& record);
// What the purge under `request_id` purged so far, in that order: (kind, record).
absl::StatusOr<std::vector<std::pair<int, std::string>>> PurgedUnder(storage::Transaction& tx,
                                                                     const std::string& request_id);

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_ERASURE_H_
