// LendingService's PurgeExpiredLoanRecords: lending's part of the retention
// purge (Law 25; issue 14, item 4). The period is membership's schedule's
// closed_loans_months, asked before any write (one schedule for the fund).
//
// As membership's purge: batches of at most kPurgeBatch loans, each its own
// transaction (service::RunPartOfWrite) that finds again what is still past
// retention and purges the first loans of it, so a crash leaves whole loans
// purged or untouched and the same request finishes the rest; each loan's
// earlier events and stored answers are rewritten (service::ScrubPurgedRecords)
// and one LoanRecordsPurged is appended, in the loan's batch, which also records
// the loan under the request_id (service::RecordPurged): the same request sent
// again after a crash answers every loan purged under it, the first attempt's
// too. The request_id's record, with the whole report, is written last,
// through RunWrite.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/api/date.h"
#include "common/api/retention.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/erasure.h"
#include "common/util/status.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_retention.h"
#include "services/lending/membership_client.h"
#include "services/lending/person_erasure.h"

namespace cercles::lending {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr int kPurgeBatch = 100;

// The report's head: the kind, its period and its last day, no loans yet.
mv1::RetentionKindReport ClosedLoansHead(int32_t months, absl::CivilDay today) {
  mv1::RetentionKindReport report;
  report.set_kind(mv1::RETENTION_KIND_CLOSED_LOANS);
  report.set_months(months);
  *report.mutable_ended_on_or_before() = api::DateFromDay(api::LatestExpiredStart(today, months));
  return report;
}

// Purges the first `limit` loans past retention; their names in `purged`.
absl::Status PurgeBatch(storage::Transaction& tx, const std::string& fund_id,
                        const std::string& request_id, int32_t months, absl::CivilDay today,
                        int limit, absl::Time now, std::vector<std::string>& purged) {
  purged.clear();
  std::vector<std::string> scrubbed;  // the loans, their repayments and reschedules
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> expired, ExpiredClosedLoans(tx, months, today));
  for (int64_t id : expired) {
    if (static_cast<int>(purged.size()) == limit) break;
    const std::string name = absl::StrCat("loans/", id);
    CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> records, PurgeLoanText(tx, id, now));
    scrubbed.insert(scrubbed.end(), records.begin(), records.end());
    v1::LoanRecordsPurged event;
    event.set_loan(name);
    CERCLES_RETURN_IF_ERROR(events::AppendEvent(tx, fund_id, name, event, now).status());
    CERCLES_RETURN_IF_ERROR(
        service::RecordPurged(tx, request_id, mv1::RETENTION_KIND_CLOSED_LOANS, name));
    purged.push_back(name);
  }
  return service::ScrubPurgedRecords(tx, scrubbed).status();
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::PurgeExpiredLoanRecords(
    grpc::CallbackServerContext* context, const v1::PurgeExpiredLoanRecordsRequest* request,
    v1::PurgeExpiredLoanRecordsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        if (!request->dry_run() || !request->request_id().empty()) {
          CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        }
        const absl::CivilDay today = absl::ToCivilDay(context_.clock->Now(), absl::UTCTimeZone());
        if (request->dry_run()) {
          CERCLES_ASSIGN_OR_RETURN(mv1::RetentionSchedule schedule,
                                   context_.membership->RetentionSchedule(TraceParentOf(*context)));
          const int32_t months = schedule.closed_loans_months();
          response->Clear();
          *response->mutable_as_of() = api::DateFromDay(today);
          response->set_dry_run(true);
          mv1::RetentionKindReport* report = response->add_kinds();
          *report = ClosedLoansHead(months, today);
          return storage::RunInTransaction(
              *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
                report->clear_records();
                CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> expired,
                                         ExpiredClosedLoans(tx, months, today));
                for (int64_t id : expired) report->add_records(absl::StrCat("loans/", id));
                return absl::OkStatus();
              });
        }
        CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                 service::AnswerReplay(context_, context, *request, response));
        // A replay removes the old bytes again, in case the first answer could not.
        if (!replayed) {
          CERCLES_ASSIGN_OR_RETURN(mv1::RetentionSchedule schedule,
                                   context_.membership->RetentionSchedule(TraceParentOf(*context)));
          const int32_t months = schedule.closed_loans_months();
          v1::PurgeExpiredLoanRecordsResponse report;
          *report.mutable_as_of() = api::DateFromDay(today);
          mv1::RetentionKindReport* kind = report.add_kinds();
          *kind = ClosedLoansHead(months, today);
          absl::flat_hash_set<std::string> seen;
          for (;;) {
            std::vector<std::string> batch;
            CERCLES_RETURN_IF_ERROR(
                service::RunPartOfWrite(context_, [&](storage::Transaction& tx) -> absl::Status {
                  return PurgeBatch(tx, context_.fund_id, request->request_id(), months, today,
                                    kPurgeBatch, context_.clock->Now(), batch);
                }));
            for (const std::string& name : batch) {
              if (!seen.insert(name).second) {
                return absl::InternalError(absl::StrCat(
                    name, " is still past retention after its purge: the purge stopped"));
              }
            }
            if (static_cast<int>(batch.size()) < kPurgeBatch) break;
          }
          // The loans: all those purged under this request_id, an earlier
          // attempt's too (stopped by a crash before its answer was recorded).
          CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
              *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
                kind->clear_records();
                CERCLES_ASSIGN_OR_RETURN(auto records,
                                         service::PurgedUnder(tx, request->request_id()));
                for (const auto& [of_kind, name] : records) {
                  if (of_kind == mv1::RETENTION_KIND_CLOSED_LOANS) kind->add_records(name);
                }
                return absl::OkStatus();
              }));
          CERCLES_RETURN_IF_ERROR(RunWrite(context_, context, *request, response,
                                           [&](storage::Transaction&, absl::Time) -> absl::Status {
                                             *response = report;
                                             return absl::OkStatus();
                                           }));
        }
        absl::Status reclaimed = context_.db->ReclaimDeleted(PersonErasureTables());
        if (!reclaimed.ok()) {
          return absl::UnavailableError(absl::StrCat(
              "the purge is done, but the old bytes are not yet removed from the database files (",
              reclaimed.message(), "): send the same request again"));
        }
        return absl::OkStatus();
      });
}

}  // namespace cercles::lending
