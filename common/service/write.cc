#include "common/service/write.h"

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/server/server.h"
#include "common/util/status.h"
#include "common/util/trace.h"

namespace cercles::service {
namespace {

struct WriteName {
  std::string method;
  std::string request_id;
};

// Every write request of the API has a string field `request_id` (the proto
// convention); its RPC is the one registered method taking this request type.
absl::StatusOr<WriteName> NameOf(const auth::Authorizer& authorizer,
                                 const google::protobuf::Message& request) {
  const google::protobuf::Descriptor& type = *request.GetDescriptor();
  const google::protobuf::MethodDescriptor* method = authorizer.MethodFor(type);
  if (method == nullptr) {
    return absl::InternalError(absl::StrCat("no registered RPC takes ", type.full_name()));
  }
  const google::protobuf::FieldDescriptor* field = type.FindFieldByName("request_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return absl::InternalError(absl::StrCat(type.full_name(), " has no string request_id"));
  }
  return WriteName{method->full_name(), request.GetReflection()->GetString(request, field)};
}

void MarkReplayed(grpc::ServerContextBase* call) {
  call->AddInitialMetadata(idempotency::kReplayedMetadata, "true");
}

// Commits `write` through the group committer, else a write transaction.
absl::Status Commit(const ServiceContext& context, const storage::GroupCommitter::Write& write) {
  const absl::Status status =
      context.committer != nullptr
          ? context.committer->Run(write)
          : storage::RunInTransaction(*context.db, storage::TxMode::kWrite, write);
  if (absl::IsAborted(status)) {
    // Still in conflict (a lock held past the wait, a concurrent change) after
    // the write path's own retries: nothing was written, and the same call may
    // be sent again. UNAVAILABLE is what gRPC clients' retry policies retry.
    return absl::UnavailableError(
        absl::StrCat(status.message(),
                     " (still in conflict after retries; nothing was written: "
                     "send the same request again)"));
  }
  return status;
}

// After a commit that wrote: wakes the event streams, runs the hook.
void Announce(const ServiceContext& context) {
  context.notifier->Notify();
  if (context.after_commit) context.after_commit();
}

}  // namespace

absl::StatusOr<idempotency::Key> WriteKey(const auth::Authorizer& authorizer,
                                          const google::protobuf::Message& request,
                                          absl::string_view id_owner) {
  CERCLES_ASSIGN_OR_RETURN(WriteName name, NameOf(authorizer, request));
  if (!id_owner.empty()) name.request_id = absl::StrCat(id_owner, ":", name.request_id);
  return idempotency::MakeKey(name.method, name.request_id, request);
}

absl::Status RunWrite(const ServiceContext& context, grpc::ServerContextBase* call,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const Change& change, absl::string_view id_owner) {
  // Hashed here, on the caller's thread: the write itself may run on the group
  // committer's leader, where every microsecond is paid by the whole batch.
  CERCLES_ASSIGN_OR_RETURN(idempotency::Key key, WriteKey(*context.authorizer, request, id_owner));
  // The call's span, for the events the change emits: the write may run on
  // another caller's thread (the group committer's leader).
  const std::string traceparent = server::TraceParentOf(*call);
  idempotency::Outcome outcome;
  const storage::GroupCommitter::Write write = [&](storage::Transaction& tx) -> absl::Status {
    const trace::ScopedTraceparent span(traceparent);
    CERCLES_ASSIGN_OR_RETURN(outcome,
                             idempotency::RunIn(tx, key, response, [&](storage::Transaction& tx) {
                               return change(tx, context.clock->Now());
                             }));
    return absl::OkStatus();
  };
  CERCLES_RETURN_IF_ERROR(Commit(context, write));
  if (outcome.replayed) {
    MarkReplayed(call);
    return absl::OkStatus();
  }
  Announce(context);
  return absl::OkStatus();
}

absl::Status RunPartOfWrite(const ServiceContext& context,
                            const storage::GroupCommitter::Write& write) {
  CERCLES_RETURN_IF_ERROR(Commit(context, write));
  Announce(context);
  return absl::OkStatus();
}

absl::StatusOr<bool> AnswerReplay(const ServiceContext& context, grpc::ServerContextBase* call,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message* response) {
  CERCLES_ASSIGN_OR_RETURN(WriteName name, NameOf(*context.authorizer, request));
  CERCLES_ASSIGN_OR_RETURN(bool found, idempotency::Lookup(*context.db, name.method,
                                                           name.request_id, request, response));
  if (found) MarkReplayed(call);
  return found;
}

}  // namespace cercles::service
