#include "services/network/context.h"

#include <algorithm>

#include "common/idempotency/idempotency.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace cercles::network {

absl::Status OutboxHead::Refresh() {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx->Query("SELECT COALESCE(MAX(sequence), 0) FROM outbox"));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  const int64_t head = rows.empty() ? 0 : rows[0].Int(0);
  int64_t seen = value_.load();
  while (head > seen && !value_.compare_exchange_weak(seen, head)) {
  }
  return absl::OkStatus();
}

void OutboxHead::StartPolling(absl::Duration every) {
  poller_.Start(every, [this] {
    if (absl::Status status = Refresh(); !status.ok()) {
      log::Warning("cannot read network's outbox head", {{"error", std::string(status.message())}});
    }
  });
}

void OutboxHead::StopPolling() { poller_.Stop(); }

void OutboxHead::RefreshAfterWrite() {
  // The write committed: the next read must not be answered from an older entry.
  // A failure here cannot undo the write; the poller catches up.
  if (absl::Status head = Refresh(); !head.ok()) {
    log::Warning("cannot read network's outbox head after a write",
                 {{"error", std::string(head.message())}});
  }
}

}  // namespace cercles::network
