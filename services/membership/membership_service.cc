#include "services/membership/membership_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

MembershipService::MembershipService(storage::Database* db, const auth::Authorizer* authorizer,
                                     events::EventNotifier* notifier, const Clock* clock,
                                     std::string fund_id, const std::atomic<bool>* stopping)
    : db_(db),
      authorizer_(authorizer),
      notifier_(notifier),
      clock_(clock),
      fund_id_(fund_id),
      stopping_(stopping),
      circles_(std::move(fund_id)) {}

grpc::Status MembershipService::CreateCircle(grpc::ServerContext* context,
                                             const v1::CreateCircleRequest* request,
                                             v1::CreateCircleResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::Circle draft, DraftNewCircle(request->circle()));
        CERCLES_ASSIGN_OR_RETURN(
            idempotency::Outcome outcome,
            idempotency::Run(
                *db_, "cercles.membership.v1.MembershipService.CreateCircle", request->request_id(),
                *request, response, [&](storage::Transaction& tx) -> absl::Status {
                  const absl::Time now = clock_->Now();
                  CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, circles_.Insert(tx, draft, now));
                  v1::CircleCreated event;
                  *event.mutable_circle() = circle;
                  CERCLES_RETURN_IF_ERROR(
                      events::AppendEvent(tx, fund_id_, circle.name(), event, now).status());
                  *response->mutable_circle() = std::move(circle);
                  return absl::OkStatus();
                }));
        if (!outcome.replayed) notifier_->Notify();
        return absl::OkStatus();
      });
}

grpc::Status MembershipService::GetCircle(grpc::ServerContext* context,
                                          const v1::GetCircleRequest* request,
                                          v1::GetCircleResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, ParseCircleName(request->name(), "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, circles_.Get(*tx, id));
        if (!circle.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("circle \"", request->name(), "\" does not exist"));
        }
        *response->mutable_circle() = *std::move(circle);
        return tx->Commit();
      });
}

grpc::Status MembershipService::ListCircles(grpc::ServerContext* context,
                                            const v1::ListCirclesRequest* request,
                                            v1::ListCirclesResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::string position, DecodePageToken(request->page_token()));
        int64_t after_id = 0;
        if (!position.empty() && (!absl::SimpleAtoi(position, &after_id) || after_id < 0)) {
          return absl::InvalidArgumentError("page_token is not a token this service issued");
        }
        if (!v1::CircleStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known CircleStatus");
        }
        CircleFilter filter;
        filter.status = request->status();
        CERCLES_ASSIGN_OR_RETURN(filter.characteristics,
                                 NormaliseFilter(request->characteristics(), "characteristics"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Circle> circles,
                                 circles_.List(*tx, filter, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        const bool more = static_cast<int>(circles.size()) > page_size;
        if (more) circles.pop_back();
        for (auto& c : circles) *response->add_circles() = std::move(c);
        if (more) {
          int64_t last = ParseCircleName(response->circles().rbegin()->name(), "name").value_or(0);
          response->set_next_page_token(EncodePageToken(absl::StrCat(last)));
        }
        return absl::OkStatus();
      });
}

grpc::Status MembershipService::WatchEvents(grpc::ServerContext* context,
                                            const v1::WatchEventsRequest* request,
                                            grpc::ServerWriter<v1::WatchEventsResponse>* writer) {
  return server::Serve(*authorizer_, context, *request, [&](const auth::Principal&) {
    return events::ServeEventsTo(context, *db_, *notifier_, request->after_sequence(), *stopping_,
                                 writer);
  });
}

}  // namespace cercles::membership
