#include "services/lending/lending_context.h"

#include "common/idempotency/idempotency.h"
#include "common/util/status.h"

namespace cercles::lending {

absl::Status RunWrite(
    const LendingContext& context, grpc::ServerContext* call, absl::string_view method,
    const std::string& request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(storage::Transaction&, absl::Time)>& change) {
  // Hashed here, on the caller's thread: the write itself may run on the group
  // committer's leader, where every microsecond is paid by the whole batch.
  CERCLES_ASSIGN_OR_RETURN(idempotency::Key key, idempotency::MakeKey(method, request_id, request));
  idempotency::Outcome outcome;
  const storage::GroupCommitter::Write write = [&](storage::Transaction& tx) -> absl::Status {
    CERCLES_ASSIGN_OR_RETURN(outcome,
                             idempotency::RunIn(tx, key, response, [&](storage::Transaction& tx) {
                               return change(tx, context.clock->Now());
                             }));
    return absl::OkStatus();
  };
  CERCLES_RETURN_IF_ERROR(
      context.committer != nullptr
          ? context.committer->Run(write)
          : storage::RunInTransaction(*context.db, storage::TxMode::kWrite, write));
  if (outcome.replayed) {
    call->AddInitialMetadata(kReplayedMetadata, "true");
  } else {
    context.notifier->Notify();
  }
  return absl::OkStatus();
}

}  // namespace cercles::lending
