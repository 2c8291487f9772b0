#include "services/network/network_service.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "cercles/network/v1/events.pb.h"
#include "common/api/date.h"
#include "common/api/paging.h"
#include "common/api/text.h"
#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/personal_reads_rpc.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "services/network/graph_rules.h"
#include "services/network/impact_rules.h"
#include "services/network/peer_impact.h"
#include "services/network/stats_rules.h"
#include "services/network/suggestion_rules.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr int kDefaultExpertisePage = 20;
constexpr int kMaxExpertisePage = 100;

// Page positions are "{fund_id}/{id}" of the last item returned.
absl::StatusOr<std::optional<std::pair<std::string, int64_t>>> DecodePosition(
    const std::string& token) {
  using Position = std::optional<std::pair<std::string, int64_t>>;
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  if (position.empty()) return Position();
  std::vector<std::string> parts = absl::StrSplit(position, '/');
  int64_t id = 0;
  if (parts.size() != 2 || !ValidFundId(parts[0]) || !absl::SimpleAtoi(parts[1], &id)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  return Position(std::make_pair(parts[0], id));
}

}  // namespace

absl::Status NetworkService::LoadPage(const v1::ListNetworkCirclesRequest& request, int page_size,
                                      const std::optional<CircleKey>& after,
                                      v1::ListNetworkCirclesResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::NetworkCircle> circles,
                           directory_.List(*tx, request, after, page_size + 1));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  // Positions are "{fund_id}/{circle_id}" of the last circle of the page.
  api::Page<v1::NetworkCircle> page =
      api::TakePage(std::move(circles), page_size, [](const v1::NetworkCircle& last) {
        absl::StatusOr<CircleKey> key = ParseNetworkCircleName(last.name(), "name");
        return key.ok() ? absl::StrCat(key->fund_id, "/", key->circle_id) : std::string();
      });
  for (auto& c : page.rows) *response->add_circles() = std::move(c);
  response->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* NetworkService::ListNetworkCircles(
    grpc::CallbackServerContext* context, const v1::ListNetworkCirclesRequest* request,
    v1::ListNetworkCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(auto position, DecodePosition(request->page_token()));
        std::optional<CircleKey> after;
        if (position.has_value()) after = CircleKey{position->first, position->second};
        CERCLES_RETURN_IF_ERROR(ValidateListFilter(*request));
        return context_.cache->GetOrLoad(
            "directory", *request, response, [&](google::protobuf::Message* out) {
              return LoadPage(*request, page_size, after,
                              static_cast<v1::ListNetworkCirclesResponse*>(out));
            });
      });
}

grpc::ServerUnaryReactor* NetworkService::GetNetworkCircle(
    grpc::CallbackServerContext* context, const v1::GetNetworkCircleRequest* request,
    v1::GetNetworkCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(CircleKey key, ParseNetworkCircleName(request->name(), "name"));
        return context_.cache->GetOrLoad(
            "circle", *request, response, [&](google::protobuf::Message* out) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle,
                                       directory_.Get(*tx, key));
              if (!circle.has_value()) {
                return absl::NotFoundError(absl::StrCat("circle \"", request->name(),
                                                        "\" is not in the network directory"));
              }
              *static_cast<v1::GetNetworkCircleResponse*>(out)->mutable_circle() =
                  *std::move(circle);
              return tx->Commit();
            });
      });
}

absl::Status NetworkService::LoadNeighbourhood(const NeighbourhoodQuery& query,
                                               v1::GetCircleNeighbourhoodResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> start,
                           directory_.Get(*tx, query.start));
  const std::string start_name = NetworkCircleName(query.start);
  if (!start.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("circle \"", start_name, "\" is not in the network directory"));
  }
  CERCLES_ASSIGN_OR_RETURN(
      Walk walk, WalkNeighbourhood(start_name, query.depth, query.max_nodes,
                                   [&](const std::vector<std::string>& frontier, int limit) {
                                     return graph_.Neighbours(*tx, frontier, query.kinds, limit);
                                   }));
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Node> nodes,
                           graph_.DescribeNodes(*tx, walk.nodes, query.full_view));
  std::vector<std::string> names;
  std::map<std::string, int32_t> position;
  names.reserve(walk.nodes.size());
  for (const WalkedNode& w : walk.nodes) {
    position[w.name] = static_cast<int32_t>(names.size());
    names.push_back(w.name);
  }
  CERCLES_ASSIGN_OR_RETURN(std::vector<NamedEdge> edges,
                           graph_.EdgesAmong(*tx, names, query.kinds));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  for (v1::Node& n : nodes) *response->add_nodes() = std::move(n);
  for (const NamedEdge& e : edges) {
    v1::Edge* edge = response->add_edges();
    edge->set_from_node(position.at(e.from));
    edge->set_to_node(position.at(e.to));
    edge->set_kind(e.kind);
    edge->set_weight(e.weight);
  }
  response->set_truncated(walk.truncated);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* NetworkService::GetCircleNeighbourhood(
    grpc::CallbackServerContext* context, const v1::GetCircleNeighbourhoodRequest* request,
    v1::GetCircleNeighbourhoodResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(NeighbourhoodQuery query, ValidateNeighbourhoodRequest(*request));
        return context_.cache->GetOrLoad(
            "neighbourhood", *request, response, [&](google::protobuf::Message* out) {
              return LoadNeighbourhood(query,
                                       static_cast<v1::GetCircleNeighbourhoodResponse*>(out));
            });
      });
}

absl::StatusOr<std::pair<CircleKey, CircleKey>> NetworkService::SisterRequestPair(
    const std::string& circle, const std::string& sister) {
  CERCLES_ASSIGN_OR_RETURN(CircleKey a, ParseNetworkCircleName(circle, "circle"));
  CERCLES_ASSIGN_OR_RETURN(CircleKey b, ParseNetworkCircleName(sister, "sister"));
  return SisterPair(a, b);
}

grpc::ServerUnaryReactor* NetworkService::DeclareSisterCircles(
    grpc::CallbackServerContext* context, const v1::DeclareSisterCirclesRequest* request,
    v1::DeclareSisterCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(auto pair,
                                 SisterRequestPair(request->circle(), request->sister()));
        CERCLES_ASSIGN_OR_RETURN(
            std::string note,
            api::CleanText(request->note(), "note", api::MultiLine(0, kMaxSisterNoteLength)));
        v1::SisterLink link;
        link.set_circle_a(NetworkCircleName(pair.first));
        link.set_circle_b(NetworkCircleName(pair.second));
        link.set_note(note);
        link.set_declared_by(who.ToString());
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(tx.LockExclusive(
                  StableHash64(absl::StrCat("sister:", link.circle_a(), "|", link.circle_b()))));
              for (const CircleKey& key : {pair.first, pair.second}) {
                CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle,
                                         directory_.Get(tx, key));
                CERCLES_RETURN_IF_ERROR(CheckSisterCandidate(circle, NetworkCircleName(key)));
              }
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::SisterLink> existing,
                                       graph_.GetSister(tx, link.circle_a(), link.circle_b()));
              CERCLES_RETURN_IF_ERROR(
                  CheckNotYetSisters(existing, link.circle_a(), link.circle_b()));
              v1::SisterLink recorded = link;
              SetTimestamp(now, recorded.mutable_declare_time());
              CERCLES_RETURN_IF_ERROR(graph_.InsertSister(tx, recorded, ToMicros(now)));
              v1::SisterCirclesDeclared event;
              *event.mutable_link() = recorded;
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.fund_id, recorded.circle_a(), event, now)
                      .status());
              *response->mutable_link() = std::move(recorded);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* NetworkService::RemoveSisterCircles(
    grpc::CallbackServerContext* context, const v1::RemoveSisterCirclesRequest* request,
    v1::RemoveSisterCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(auto pair,
                                 SisterRequestPair(request->circle(), request->sister()));
        const std::string a = NetworkCircleName(pair.first), b = NetworkCircleName(pair.second);
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(
                  tx.LockExclusive(StableHash64(absl::StrCat("sister:", a, "|", b))));
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::SisterLink> link,
                                       graph_.GetSister(tx, a, b));
              if (!link.has_value()) {
                return absl::NotFoundError(absl::StrCat(a, " and ", b, " are not sisters"));
              }
              CERCLES_RETURN_IF_ERROR(graph_.DeleteSister(tx, *link));
              v1::SisterCirclesRemoved event;
              *event.mutable_link() = *link;
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.fund_id, a, event, now).status());
              *response->mutable_link() = *std::move(link);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* NetworkService::SuggestCircles(grpc::CallbackServerContext* context,
                                                         const v1::SuggestCirclesRequest* request,
                                                         v1::SuggestCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(Preferences preferences,
                                 ValidateSuggestRequest(*request, context_.fund_id));
        return context_.cache->GetOrLoad(
            "suggestions", *request, response, [&](google::protobuf::Message* out) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
              CERCLES_ASSIGN_OR_RETURN(
                  std::vector<v1::NetworkCircle> candidates,
                  directory_.CirclesWithRoomCarrying(*tx, preferences.fund_id,
                                                     WantedCharacteristics(preferences)));
              CERCLES_RETURN_IF_ERROR(tx->Commit());
              auto* suggestions = static_cast<v1::SuggestCirclesResponse*>(out);
              for (v1::CircleSuggestion& s : RankSuggestions(candidates, preferences)) {
                *suggestions->add_suggestions() = std::move(s);
              }
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* NetworkService::SearchExpertise(grpc::CallbackServerContext* context,
                                                          const v1::SearchExpertiseRequest* request,
                                                          v1::SearchExpertiseResponse* response) {
  // Not cached: answers name people (with their consent), which Redis need not hold.
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        ExpertiseQuery query;
        CERCLES_ASSIGN_OR_RETURN(
            std::string term,
            api::CleanText(request->term(), "term",
                           api::OneLine(kMinExpertiseTermLength, kMaxExpertiseTermLength)));
        query.term_key = TextKey(term);
        if (!request->fund_id().empty()) {
          CERCLES_RETURN_IF_ERROR(CheckFundId(request->fund_id(), "fund_id"));
          query.fund_id = request->fund_id();
        }
        if (!request->region().empty()) {
          CERCLES_ASSIGN_OR_RETURN(
              std::string region, api::CleanText(request->region(), "region", api::OneLine(1, 64)));
          query.region_key = TextKey(region);
        }
        if (!mv1::Language_IsValid(request->language())) {
          return absl::InvalidArgumentError("language is not a known Language");
        }
        query.language = request->language();
        if (request->page_size() < 0 || request->page_size() > kMaxExpertisePage) {
          return absl::InvalidArgumentError(absl::StrCat(
              "page_size must be 0 (meaning ", kDefaultExpertisePage, ") to ", kMaxExpertisePage));
        }
        const int page_size =
            request->page_size() == 0 ? kDefaultExpertisePage : request->page_size();
        CERCLES_ASSIGN_OR_RETURN(auto position, DecodePosition(request->page_token()));
        std::optional<PersonPosition> after;
        if (position.has_value()) after = PersonPosition{position->first, position->second};
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::ExpertiseMatch> matches,
                                 people_.SearchExpertise(*tx, query, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        // Positions are "{fund_id}/{person_id}" of the last match's
        // "funds/{fund_id}/people/{person_id}".
        api::Page<v1::ExpertiseMatch> page =
            api::TakePage(std::move(matches), page_size, [](const v1::ExpertiseMatch& last) {
              absl::string_view rest = last.person();
              absl::ConsumePrefix(&rest, "funds/");
              return std::string(rest.substr(0, rest.find('/'))) + "/" +
                     std::string(rest.substr(rest.rfind('/') + 1));
            });
        for (v1::ExpertiseMatch& m : page.rows) *response->add_matches() = std::move(m);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NetworkService::GetNetworkStats(grpc::CallbackServerContext* context,
                                                          const v1::GetNetworkStatsRequest* request,
                                                          v1::GetNetworkStatsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        if (!request->fund_id().empty()) {
          CERCLES_RETURN_IF_ERROR(CheckFundId(request->fund_id(), "fund_id"));
        }
        absl::CivilDay as_of = absl::ToCivilDay(context_.clock->Now(), absl::UTCTimeZone());
        if (request->has_as_of()) {
          CERCLES_ASSIGN_OR_RETURN(as_of, api::DayFromDate(request->as_of(), "as_of"));
        }
        // The date is part of the key: "today" changes the answer at midnight.
        v1::GetNetworkStatsRequest keyed = *request;
        *keyed.mutable_as_of() = api::DateFromDay(as_of);
        return context_.cache->GetOrLoad(
            "stats", keyed, response, [&](google::protobuf::Message* out) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
              CERCLES_ASSIGN_OR_RETURN(std::vector<RegionFigures> figures,
                                       loans_.Figures(*tx, request->fund_id(), as_of));
              CERCLES_RETURN_IF_ERROR(tx->Commit());
              StatsTables tables = BuildStats(figures, request->by_region());
              auto* stats = static_cast<v1::GetNetworkStatsResponse*>(out);
              *stats->mutable_as_of() = api::DateFromDay(as_of);
              for (auto& row : tables.funds) *stats->add_funds() = std::move(row);
              for (auto& row : tables.regions) *stats->add_regions() = std::move(row);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* NetworkService::GetImpactReport(grpc::CallbackServerContext* context,
                                                          const v1::GetImpactReportRequest* request,
                                                          v1::GetImpactReportResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(
                             ImpactRange range,
                             CheckImpactRequest(*request, absl::ToCivilDay(context_.clock->Now(),
                                                                           absl::UTCTimeZone())));
                         // Not cached: a report is asked for rarely, and read as of today.
                         CERCLES_ASSIGN_OR_RETURN(
                             *response, ReadImpactReport(*context_.db, range, request->fund_id()));
                         if (!request->include_peers()) return absl::OkStatus();
                         // Asked of the peers now: their figures are as of today too, and none
                         // of them is kept here (measured and argued in the README).
                         return AddPeerImpact(*peers_, request->by_region(), *response);
                       });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* NetworkService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  return events::ServeEvents<v1::WatchEventsResponse>(context, *request, *context_.authorizer,
                                                      *context_.db, *context_.notifier,
                                                      *context_.stopping);
}

// The access log of this service's personal reads (common/service/personal_reads_rpc.h).
grpc::ServerUnaryReactor* NetworkService::ListPersonalReads(
    grpc::CallbackServerContext* context, const v1::ListPersonalReadsRequest* request,
    v1::ListPersonalReadsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         return service::ListPersonalReads(*context_.db, *request, response);
                       });
}

}  // namespace cercles::network
