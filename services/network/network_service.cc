#include "services/network/network_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/server/handler.h"
#include "common/util/paging.h"
#include "common/util/status.h"

namespace cercles::network {
namespace {

// Page positions are "fund_id/circle_id" of the last circle returned.
absl::StatusOr<std::optional<CircleKey>> DecodePosition(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, DecodePageToken(token));
  if (position.empty()) return std::optional<CircleKey>();
  std::vector<std::string> parts = absl::StrSplit(position, '/');
  CircleKey key;
  if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &key.circle_id)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  key.fund_id = parts[0];
  return std::optional<CircleKey>(key);
}

}  // namespace

NetworkService::NetworkService(storage::Database* db, const auth::Authorizer* authorizer,
                               DirectoryCache* cache)
    : db_(db), authorizer_(authorizer), cache_(cache) {}

absl::Status NetworkService::LoadPage(const v1::ListNetworkCirclesRequest& request, int page_size,
                                      const std::optional<CircleKey>& after,
                                      v1::ListNetworkCirclesResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::NetworkCircle> circles,
                           store_.List(*tx, request, after, page_size + 1));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  const bool more = static_cast<int>(circles.size()) > page_size;
  if (more) circles.pop_back();
  for (auto& c : circles) *response->add_circles() = std::move(c);
  if (more) {
    const v1::NetworkCircle& last = *response->circles().rbegin();
    CERCLES_ASSIGN_OR_RETURN(CircleKey key, ParseNetworkCircleName(last.name(), "name"));
    response->set_next_page_token(EncodePageToken(absl::StrCat(key.fund_id, "/", key.circle_id)));
  }
  return absl::OkStatus();
}

grpc::Status NetworkService::ListNetworkCircles(grpc::ServerContext* context,
                                                const v1::ListNetworkCirclesRequest* request,
                                                v1::ListNetworkCirclesResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::optional<CircleKey> after,
                                 DecodePosition(request->page_token()));
        CERCLES_RETURN_IF_ERROR(ValidateListFilter(*request));
        return cache_->GetOrLoad(
            "directory", *request, response, [&](google::protobuf::Message* out) {
              return LoadPage(*request, page_size, after,
                              static_cast<v1::ListNetworkCirclesResponse*>(out));
            });
      });
}

grpc::Status NetworkService::GetNetworkCircle(grpc::ServerContext* context,
                                              const v1::GetNetworkCircleRequest* request,
                                              v1::GetNetworkCircleResponse* response) {
  return server::Serve(
      *authorizer_, context, *request, [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(CircleKey key, ParseNetworkCircleName(request->name(), "name"));
        return cache_->GetOrLoad("circle", *request, response, [&](google::protobuf::Message* out) {
          CERCLES_ASSIGN_OR_RETURN(auto tx, db_->Begin(storage::TxMode::kRead));
          CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle, store_.Get(*tx, key));
          if (!circle.has_value()) {
            return absl::NotFoundError(
                absl::StrCat("circle \"", request->name(), "\" is not in the network directory"));
          }
          *static_cast<v1::GetNetworkCircleResponse*>(out)->mutable_circle() = *std::move(circle);
          return tx->Commit();
        });
      });
}

}  // namespace cercles::network
