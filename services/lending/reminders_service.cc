// Reminders of instalments (issue 12, item 7): RunReminders records now what
// the periodic job (ReminderJob) records every --reminders_interval, and
// ListReminders is the feed staff read, an advisor's narrowed to their circles.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status_macros.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/reminder_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

// The earliest year a reminder may be decided for (the journal's rule).
constexpr int kFirstYear = 1900;

absl::StatusOr<ReminderFilter> ParseFilter(const v1::ListRemindersRequest& r) {
  ReminderFilter filter;
  if (!r.loan().empty()) {
    CERCLES_ASSIGN_OR_RETURN(filter.loan_id, api::ParseName(r.loan(), "loans", "loan"));
  }
  if (!r.borrower().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(r.borrower(), "people", "borrower").status());
    filter.borrower = r.borrower();
  }
  if (!r.circle().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(r.circle(), "circles", "circle").status());
    filter.circle = r.circle();
  }
  switch (r.stage()) {
    case v1::REMINDER_STAGE_UNSPECIFIED:
      break;
    case v1::REMINDER_STAGE_UPCOMING:
      filter.stage = ReminderStage::kUpcoming;
      break;
    case v1::REMINDER_STAGE_OVERDUE:
      filter.stage = ReminderStage::kOverdue;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "stage must be unset, REMINDER_STAGE_UPCOMING or REMINDER_STAGE_OVERDUE, got ",
          static_cast<int>(r.stage())));
  }
  CERCLES_ASSIGN_OR_RETURN(filter.from_date, FromDate(r.from_date(), "from_date"));
  CERCLES_ASSIGN_OR_RETURN(filter.to_date, FromDate(r.to_date(), "to_date"));
  if (filter.from_date && filter.to_date && *filter.to_date < *filter.from_date) {
    return absl::InvalidArgumentError(absl::StrCat("to_date must not be before from_date, got ",
                                                   absl::FormatCivilTime(*filter.from_date), " to ",
                                                   absl::FormatCivilTime(*filter.to_date)));
  }
  return filter;
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::RunReminders(grpc::CallbackServerContext* context,
                                                       const v1::RunRemindersRequest* request,
                                                       v1::RunRemindersResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> date,
                                 FromDate(request->date(), "date"));
        if (date.has_value() && date->year() < kFirstYear) {
          return absl::InvalidArgumentError(absl::StrCat(
              "date must be from year ", kFirstYear, " on, got ", absl::FormatCivilTime(*date)));
        }
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          response->Clear();  // the write may run again after ABORTED
                          const absl::CivilDay today = Today(now);
                          const absl::CivilDay day = date.value_or(today);
                          if (day > today) {
                            return absl::InvalidArgumentError(absl::StrCat(
                                "date must not be after today (", absl::FormatCivilTime(today),
                                "), got ", absl::FormatCivilTime(day)));
                          }
                          CERCLES_ASSIGN_OR_RETURN(
                              int32_t produced, RecordDueReminders(tx, context_.fund_id, day, now));
                          response->set_produced(produced);
                          *response->mutable_date() = api::DateFromDay(day);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::ListReminders(grpc::CallbackServerContext* context,
                                                        const v1::ListRemindersRequest* request,
                                                        v1::ListRemindersResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(ReminderFilter filter, ParseFilter(*request));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              // An advisor reads the reminders of their circles' loans: naming
              // another circle is refused, every other filter is narrowed.
              CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who));
              if (!scope.all()) {
                if (!filter.circle.empty() && !scope.ContainsName(filter.circle)) {
                  return absl::PermissionDeniedError(absl::StrCat(
                      who.ToString(), " may not list the reminders of ", api::Quoted(filter.circle),
                      ": an advisor sees only the loans of the circles assigned to them"));
                }
                filter.circles_in = scope.CircleNames();
              }
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(std::vector<ReminderRecord> rows,
                                       ListReminderRecords(tx, filter, after, size + 1));
              api::Page<ReminderRecord> page = api::TakePage(
                  std::move(rows), size, [](const ReminderRecord& r) { return r.id; });
              for (const ReminderRecord& r : page.rows) {
                *response->add_reminders() = ReminderToProto(r, settings.currency);
              }
              response->set_next_page_token(page.next_page_token);
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::lending
