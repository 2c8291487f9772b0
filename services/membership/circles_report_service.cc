// MeetingService::GetCirclesReport (issue 15, item 5): checks the range,
// reads the report's rows in one read transaction (circles_report_store.h) and
// lets circles_report_rules.h compute every figure within the caller's scope.
#include <optional>
#include <vector>

#include "common/server/handler.h"
#include "common/util/status_macros.h"
#include "services/membership/circles_report_rules.h"
#include "services/membership/circles_report_store.h"
#include "services/membership/meeting_service.h"

namespace cercles::membership {

grpc::ServerUnaryReactor* MeetingService::GetCirclesReport(
    grpc::CallbackServerContext* context, const v1::GetCirclesReportRequest* request,
    v1::GetCirclesReportResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(api::ReportRange range, CheckCirclesReportRequest(*request));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope,
                                 CircleScopeOf(*tx, who, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(CirclesReportData data, ReadCirclesReportData(*tx, range));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        std::optional<std::vector<int64_t>> visible;
        if (!scope.all()) visible = scope.circle_ids();
        *response = BuildCirclesReport(range, data, visible);
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
