// The fund's lending settings: read by everyone who lends, changed by admins,
// every change recorded (fund_settings_changes) and announced (FundSettingsChanged).
#include <google/protobuf/util/json_util.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/personal_reads_rpc.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

constexpr char kSettingsSubject[] = "fundSettings";

// The rules name the settings' fields by their API paths (amounts by their
// Money fields, "ladder[1].minor_units"); the request nests them in settings.
absl::Status ValidateForApi(const FundSettings& settings) {
  absl::Status status = ValidateSettings(settings);
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("settings.", status.message()));
}

v1::FundSettingsChange ChangeMessage(const std::vector<SettingChange>& changes,
                                     const std::string& actor, const std::string& reason,
                                     absl::Time when) {
  v1::FundSettingsChange out;
  for (const SettingChange& c : changes) {
    v1::FieldChange* field = out.add_changes();
    field->set_field(c.field);
    field->set_old_value(c.old_value);
    field->set_new_value(c.new_value);
  }
  out.set_actor(actor);
  out.set_reason(reason);
  SetTimestamp(when, out.mutable_change_time());
  return out;
}

// The books are kept in one currency: once money has moved or a loan exists in
// it, changing it would make every stored amount mean something else.
absl::Status CheckCurrencyMayChange(storage::Transaction& tx, const FundSettings& old_settings,
                                    const FundSettings& new_settings) {
  if (old_settings.currency == new_settings.currency) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT (SELECT COUNT(*) FROM loans) + (SELECT COUNT(*) FROM journal_entries)"));
  if (!rows.empty() && rows[0].Int(0) > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "settings.currency cannot change from ", old_settings.currency, " to ",
        new_settings.currency, ": the fund already has loans or journal entries in its currency"));
  }
  return absl::OkStatus();
}

absl::Status RecordChange(storage::Transaction& tx, const v1::FundSettingsChange& change) {
  v1::FundSettingsChange fields;
  *fields.mutable_changes() = change.changes();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(fields, &json).ok()) {
    return absl::InternalError("the settings change could not be encoded");
  }
  return tx
      .Exec(
          "INSERT INTO fund_settings_changes (changes, actor, reason, change_time_us) "
          "VALUES (?, ?, ?, ?)",
          {json, change.actor(), change.reason(), ToMicros(FromTimestamp(change.change_time()))})
      .status();
}

absl::StatusOr<v1::FundSettingsChange> ChangeFromRow(const storage::Row& row) {
  v1::FundSettingsChange change;
  if (!google::protobuf::util::JsonStringToMessage(row.Text(1), &change).ok()) {
    return absl::InternalError(absl::StrCat("settings change ", row.Int(0), " is malformed"));
  }
  change.set_actor(row.Text(2));
  change.set_reason(row.Text(3));
  SetTimestampMicros(row.Int(4), change.mutable_change_time());
  return change;
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::GetFundSettings(grpc::CallbackServerContext* context,
                                                          const v1::GetFundSettingsRequest* request,
                                                          v1::GetFundSettingsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         return storage::RunInTransaction(
                             *context_.db, storage::TxMode::kRead,
                             [&](storage::Transaction& tx) -> absl::Status {
                               CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
                               *response->mutable_settings() = SettingsToProto(settings);
                               return absl::OkStatus();
                             });
                       });
}

grpc::ServerUnaryReactor* LendingService::UpdateFundSettings(
    grpc::CallbackServerContext* context, const v1::UpdateFundSettingsRequest* request,
    v1::UpdateFundSettingsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(std::string reason, api::CleanText(request->reason(), "reason",
                                                                    api::MultiLine(1, 500)));
        CERCLES_ASSIGN_OR_RETURN(const FundSettings wanted, SettingsFromProto(request->settings()));
        CERCLES_RETURN_IF_ERROR(ValidateForApi(wanted));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              response->Clear();  // the write may run again after ABORTED
              CERCLES_ASSIGN_OR_RETURN(FundSettings current, LoadSettings(tx));
              const std::vector<SettingChange> changes = DiffSettings(current, wanted);
              *response->mutable_settings() = SettingsToProto(current);
              if (changes.empty()) return absl::OkStatus();  // nothing to record
              CERCLES_RETURN_IF_ERROR(CheckCurrencyMayChange(tx, current, wanted));
              CERCLES_RETURN_IF_ERROR(SaveSettings(tx, wanted, now));
              v1::FundSettingsChange change = ChangeMessage(changes, who.ToString(), reason, now);
              CERCLES_RETURN_IF_ERROR(RecordChange(tx, change));
              *response->mutable_settings() = SettingsToProto(wanted);
              *response->mutable_change() = change;
              v1::FundSettingsChanged event;
              *event.mutable_settings() = response->settings();
              *event.mutable_change() = std::move(change);
              return events::AppendEvent(tx, context_.fund_id, kSettingsSubject, event, now)
                  .status();
            });
      });
}

grpc::ServerUnaryReactor* LendingService::ListFundSettingsChanges(
    grpc::CallbackServerContext* context, const v1::ListFundSettingsChangesRequest* request,
    v1::ListFundSettingsChangesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(request->page_size()));
        // Newest first: the page starts below this id (0: the top).
        CERCLES_ASSIGN_OR_RETURN(int64_t before, api::DecodeIdPageToken(request->page_token()));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              CERCLES_ASSIGN_OR_RETURN(
                  storage::Rows rows,
                  tx.Query(absl::StrCat("SELECT id, changes, actor, reason, change_time_us FROM "
                                        "fund_settings_changes",
                                        before > 0 ? " WHERE id < ?" : "",
                                        " ORDER BY id DESC LIMIT ", size + 1),
                           before > 0 ? std::vector<storage::Value>{before}
                                      : std::vector<storage::Value>{}));
              for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(size); ++i) {
                CERCLES_ASSIGN_OR_RETURN(*response->add_changes(), ChangeFromRow(rows[i]));
              }
              if (rows.size() > static_cast<size_t>(size)) {
                response->set_next_page_token(api::EncodeIdPageToken(rows[size - 1].Int(0)));
              }
              return absl::OkStatus();
            });
      });
}

// The access log of this service's personal reads (common/service/personal_reads_rpc.h).
grpc::ServerUnaryReactor* LendingService::ListPersonalReads(
    grpc::CallbackServerContext* context, const v1::ListPersonalReadsRequest* request,
    v1::ListPersonalReadsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         return service::ListPersonalReads(*context_.db, *request, response);
                       });
}

}  // namespace cercles::lending
