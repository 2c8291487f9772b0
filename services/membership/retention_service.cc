// PrivacyService's retention schedule and purge (Law 25: personal data is
// destroyed once its purpose is served, under a published schedule; issue 14,
// item 4).
//
// The purge runs as batches of at most kPurgeBatch records, each its own
// transaction: each batch plans again (what is still past retention, as of the
// purge's day) and purges the first records of that plan, so a purge stopped
// by a crash leaves whole records purged or untouched, and running it again
// finishes the rest. A person is erased by ErasePersonIn, the one erasure;
// other records are cleared or deleted by RetentionStore::Purge, and the
// earlier events and stored answers that held their text are rewritten
// (service::ScrubPurgedRecords) in the same transaction, with a row naming the
// record under the request_id (retention_purge_records). The request_id's
// record, with the whole report, is written last, through RunWrite: the report
// lists every record purged under that request_id, so the same request sent
// again after a crash answers what the dry run listed before it.
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/erasure.h"
#include "common/storage/group_commit.h"
#include "common/util/status.h"
#include "services/membership/people_rules.h"
#include "services/membership/privacy_service.h"
#include "services/membership/retention_rules.h"

namespace cercles::membership {
namespace {

constexpr int kPurgeBatch = 100;

bool IsPersonKind(v1::RetentionKind kind) {
  return kind == v1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE ||
         kind == v1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES;
}

// The id at the end of a resource name the purge built ("circles/3/meetings/5" -> 5).
absl::StatusOr<int64_t> TrailingId(const std::string& name) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(name.substr(name.rfind('/') + 1), &id)) {
    return absl::InternalError("a purged record's name has no id");
  }
  return id;
}

constexpr int kMaxKeptPeople = 10000;

// The ids of keep_people: INVALID_ARGUMENT naming the first bad entry.
absl::StatusOr<absl::flat_hash_set<int64_t>> KeptPeople(
    const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.size() > kMaxKeptPeople) {
    return api::InvalidField(
        "keep_people",
        absl::StrCat("may hold at most ", kMaxKeptPeople, " entries, got ", names.size()),
        api::reason::kValueOutOfRange);
  }
  absl::flat_hash_set<int64_t> ids;
  for (int i = 0; i < names.size(); ++i) {
    CERCLES_ASSIGN_OR_RETURN(
        int64_t id, api::ParseName(names[i], "people", absl::StrCat("keep_people[", i, "]")));
    ids.insert(id);
  }
  return ids;
}

// `report`'s kind, period and day, with none of its records.
v1::RetentionKindReport HeadOf(const v1::RetentionKindReport& report) {
  v1::RetentionKindReport head = report;
  head.clear_records();
  return head;
}

}  // namespace

absl::StatusOr<v1::PurgeExpiredRecordsResponse> PrivacyService::PlanPurge(
    storage::Transaction& tx, absl::CivilDay today,
    const absl::flat_hash_set<int64_t>& borrowing) const {
  CERCLES_ASSIGN_OR_RETURN(v1::RetentionSchedule schedule, retention_.GetSchedule(tx));
  CERCLES_ASSIGN_OR_RETURN(absl::flat_hash_set<int64_t> asking,
                           retention_.PeopleWithOpenAccessRequests(tx));
  v1::PurgeExpiredRecordsResponse plan;
  *plan.mutable_as_of() = api::DateFromDay(today);
  for (v1::RetentionKind kind : RetentionKinds()) {
    const int32_t months = RetentionMonths(schedule, kind);
    const absl::CivilDay latest = LatestExpiredStart(today, months);
    v1::RetentionKindReport* report = plan.add_kinds();
    report->set_kind(kind);
    report->set_months(months);
    *report->mutable_ended_on_or_before() = api::DateFromDay(latest);
    CERCLES_ASSIGN_OR_RETURN(std::vector<ExpiredRecord> expired,
                             retention_.Expired(tx, kind, latest));
    for (ExpiredRecord& record : expired) {
      const bool is_person = IsPersonKind(kind);
      if (is_person && (asking.contains(record.id) || borrowing.contains(record.id))) {
        v1::KeptRecord* kept = report->add_kept();
        kept->set_record(std::move(record.name));
        kept->set_reason(asking.contains(record.id) ? v1::RETENTION_KEPT_REASON_OPEN_ACCESS_REQUEST
                                                    : v1::RETENTION_KEPT_REASON_OPEN_LOAN);
      } else {
        report->add_records(std::move(record.name));
      }
    }
  }
  return plan;
}

absl::StatusOr<int> PrivacyService::PurgeBatch(storage::Transaction& tx,
                                               const v1::PurgeExpiredRecordsResponse& plan,
                                               int limit, const std::string& actor, absl::Time now,
                                               v1::PurgeExpiredRecordsResponse& done) const {
  int purged = 0;
  std::vector<std::string> scrubbed;
  for (const v1::RetentionKindReport& report : plan.kinds()) {
    v1::RetentionKindReport* done_report = done.add_kinds();
    *done_report = HeadOf(report);
    for (const std::string& name : report.records()) {
      if (purged == limit) break;
      CERCLES_ASSIGN_OR_RETURN(int64_t id, TrailingId(name));
      if (IsPersonKind(report.kind())) {
        CERCLES_RETURN_IF_ERROR(
            ErasePersonIn(tx, id, name, v1::ERASURE_REASON_RETENTION, actor, now).status());
      } else {
        CERCLES_RETURN_IF_ERROR(retention_.Purge(tx, report.kind(), id));
        v1::RetentionPurged event;
        event.set_record(name);
        event.set_kind(report.kind());
        CERCLES_RETURN_IF_ERROR(Emit(tx, context_, name, event, now));
        scrubbed.push_back(name);
      }
      done_report->add_records(name);
      ++purged;
    }
  }
  CERCLES_RETURN_IF_ERROR(service::ScrubPurgedRecords(tx, scrubbed).status());
  return purged;
}

grpc::ServerUnaryReactor* PrivacyService::GetRetentionSchedule(
    grpc::CallbackServerContext* context, const v1::GetRetentionScheduleRequest* request,
    v1::GetRetentionScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(*response->mutable_schedule(), retention_.GetSchedule(*tx));
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* PrivacyService::UpdateRetentionSchedule(
    grpc::CallbackServerContext* context, const v1::UpdateRetentionScheduleRequest* request,
    v1::UpdateRetentionScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (!request->has_schedule()) {
          return api::InvalidField("schedule", "is required", api::reason::kFieldRequired);
        }
        // Checked before the write: the mask and the bounds do not depend on what is stored.
        CERCLES_RETURN_IF_ERROR(ChangeRetentionSchedule(DefaultRetentionSchedule(),
                                                        request->schedule(), request->update_mask())
                                    .status());
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(v1::RetentionSchedule stored, retention_.GetSchedule(tx));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::RetentionSchedule changed,
                  ChangeRetentionSchedule(stored, request->schedule(), request->update_mask()));
              CERCLES_ASSIGN_OR_RETURN(
                  *response->mutable_schedule(),
                  retention_.PutSchedule(tx, std::move(changed), who.ToString(), now));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PrivacyService::PurgeExpiredRecords(
    grpc::CallbackServerContext* context, const v1::PurgeExpiredRecordsRequest* request,
    v1::PurgeExpiredRecordsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        const absl::CivilDay today = DayOf(context_.clock->Now());
        CERCLES_ASSIGN_OR_RETURN(absl::flat_hash_set<int64_t> borrowing,
                                 KeptPeople(request->keep_people()));
        if (request->dry_run()) {
          if (!request->request_id().empty()) {
            CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
          }
          CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
          CERCLES_ASSIGN_OR_RETURN(*response, PlanPurge(*tx, today, borrowing));
          response->set_dry_run(true);
          return tx->Commit();
        }
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                 service::AnswerReplay(context_, context, *request, response));
        // A replay removes the old bytes again, in case the first answer could not.
        if (!replayed) {
          v1::PurgeExpiredRecordsResponse report;
          *report.mutable_as_of() = api::DateFromDay(today);
          absl::flat_hash_set<std::string> purged;
          for (bool first = true;; first = false) {
            v1::PurgeExpiredRecordsResponse batch;
            int count = 0;
            CERCLES_RETURN_IF_ERROR(
                service::RunPartOfWrite(context_, [&](storage::Transaction& tx) -> absl::Status {
                  batch.Clear();
                  CERCLES_ASSIGN_OR_RETURN(v1::PurgeExpiredRecordsResponse plan,
                                           PlanPurge(tx, today, borrowing));
                  CERCLES_ASSIGN_OR_RETURN(count, PurgeBatch(tx, plan, kPurgeBatch, who.ToString(),
                                                             context_.clock->Now(), batch));
                  for (const v1::RetentionKindReport& kind : batch.kinds()) {
                    for (const std::string& name : kind.records()) {
                      CERCLES_RETURN_IF_ERROR(
                          service::RecordPurged(tx, request->request_id(), kind.kind(), name));
                    }
                  }
                  return absl::OkStatus();
                }));
            // What was kept, the periods and days: as the first plan said (the dry run's).
            if (first) {
              for (const v1::RetentionKindReport& kind : batch.kinds()) {
                *report.add_kinds() = HeadOf(kind);
              }
            }
            for (const v1::RetentionKindReport& kind : batch.kinds()) {
              for (const std::string& name : kind.records()) {
                if (!purged.insert(name).second) {
                  return absl::InternalError(absl::StrCat(
                      name, " is still past retention after its purge: the purge stopped"));
                }
              }
            }
            if (count < kPurgeBatch) break;
          }
          // The records: all those purged under this request_id, an earlier
          // attempt's too (stopped by a crash before its answer was recorded).
          CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
              *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
                for (v1::RetentionKindReport& kind : *report.mutable_kinds()) kind.clear_records();
                CERCLES_ASSIGN_OR_RETURN(auto records,
                                         service::PurgedUnder(tx, request->request_id()));
                for (const auto& [kind, name] : records) {
                  for (v1::RetentionKindReport& of_kind : *report.mutable_kinds()) {
                    if (of_kind.kind() == kind) of_kind.add_records(name);
                  }
                }
                return absl::OkStatus();
              }));
          CERCLES_RETURN_IF_ERROR(RunWrite(context_, context, *request, response,
                                           [&](storage::Transaction&, absl::Time) -> absl::Status {
                                             *response = report;
                                             return absl::OkStatus();
                                           }));
        }
        std::vector<std::string> tables = ErasureStore::Tables();
        for (const std::string& table : RetentionStore::Tables()) tables.push_back(table);
        absl::Status reclaimed = context_.db->ReclaimDeleted(tables);
        if (!reclaimed.ok()) {
          return absl::UnavailableError(absl::StrCat(
              "the purge is done, but the old bytes are not yet removed from the database files (",
              reclaimed.message(), "): send the same request again"));
        }
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
