#include "services/network/event_projection.h"

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/api/resource_name.h"
#include "common/service/erasure.h"
#include "common/util/status.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;

absl::Status Unpack(const cercles::common::v1::Event& event, google::protobuf::Message* payload) {
  if (!event.payload().UnpackTo(payload)) {
    return absl::DataLossError(
        absl::StrCat("event ", event.sequence(), " (", event.type(), "): unreadable payload"));
  }
  return absl::OkStatus();
}

// The payload of `event` if it is of type T ("cercles.membership.v1.CircleCreated").
template <typename T>
absl::StatusOr<std::optional<T>> PayloadIf(const cercles::common::v1::Event& event) {
  if (event.type() != T::descriptor()->full_name()) return std::optional<T>();
  T payload;
  CERCLES_RETURN_IF_ERROR(Unpack(event, &payload));
  return std::optional<T>(std::move(payload));
}

absl::StatusOr<int64_t> CircleId(const std::string& name) {
  return api::ParseName(name, "circles", "circle");
}

}  // namespace

absl::Status EventProjection::ApplyCircle(storage::Transaction& tx, const mv1::Circle& circle,
                                          const cercles::common::v1::Event& event) const {
  CircleKey key;
  CERCLES_ASSIGN_OR_RETURN(v1::NetworkCircle summary,
                           SummaryFromMembership(circle, event.fund_id(), &key));
  if (circle.status() == mv1::CIRCLE_STATUS_DISSOLVED) {
    // Dissolution ends every membership without an event per member.
    CERCLES_RETURN_IF_ERROR(people_.MoveMembers(tx, key.fund_id, key.circle_id, std::nullopt));
  }
  return directory_.Upsert(tx, key, summary, event.sequence());
}

absl::Status EventProjection::ApplyMembershipEvent(storage::Transaction& tx,
                                                   const cercles::common::v1::Event& event) const {
  const std::string& fund = event.fund_id();
  const int64_t sequence = event.sequence();
  CERCLES_ASSIGN_OR_RETURN(auto created, PayloadIf<mv1::CircleCreated>(event));
  if (created) return ApplyCircle(tx, created->circle(), event);
  CERCLES_ASSIGN_OR_RETURN(auto updated, PayloadIf<mv1::CircleUpdated>(event));
  if (updated) return ApplyCircle(tx, updated->circle(), event);
  CERCLES_ASSIGN_OR_RETURN(auto added, PayloadIf<mv1::CircleMemberAdded>(event));
  if (added) {
    CERCLES_ASSIGN_OR_RETURN(int64_t person,
                             api::ParseName(added->member().person(), "people", "member.person"));
    CERCLES_ASSIGN_OR_RETURN(int64_t circle, CircleId(added->circle().name()));
    CERCLES_RETURN_IF_ERROR(people_.JoinCircle(tx, fund, person, circle, sequence));
    return ApplyCircle(tx, added->circle(), event);
  }
  CERCLES_ASSIGN_OR_RETURN(auto removed, PayloadIf<mv1::CircleMemberRemoved>(event));
  if (removed) {
    CERCLES_ASSIGN_OR_RETURN(int64_t person,
                             api::ParseName(removed->member().person(), "people", "member.person"));
    CERCLES_ASSIGN_OR_RETURN(int64_t circle, CircleId(removed->circle().name()));
    CERCLES_RETURN_IF_ERROR(people_.LeaveCircle(tx, fund, person, circle));
    return ApplyCircle(tx, removed->circle(), event);
  }
  CERCLES_ASSIGN_OR_RETURN(auto merged, PayloadIf<mv1::CirclesMerged>(event));
  if (merged) {
    CERCLES_ASSIGN_OR_RETURN(int64_t into, CircleId(merged->circle().name()));
    for (const mv1::Circle& source : merged->merged()) {
      CERCLES_ASSIGN_OR_RETURN(int64_t from, CircleId(source.name()));
      CERCLES_RETURN_IF_ERROR(people_.MoveMembers(tx, fund, from, into));
      CERCLES_RETURN_IF_ERROR(ApplyCircle(tx, source, event));
    }
    return ApplyCircle(tx, merged->circle(), event);
  }
  CERCLES_ASSIGN_OR_RETURN(auto person_created, PayloadIf<mv1::PersonCreated>(event));
  if (person_created) return people_.Upsert(tx, fund, person_created->person(), sequence);
  CERCLES_ASSIGN_OR_RETURN(auto person_updated, PayloadIf<mv1::PersonUpdated>(event));
  if (person_updated) return people_.Upsert(tx, fund, person_updated->person(), sequence);
  CERCLES_ASSIGN_OR_RETURN(auto erased, PayloadIf<mv1::PersonErased>(event));
  if (erased) return ApplyPersonErased(tx, erased->person());
  CERCLES_ASSIGN_OR_RETURN(auto meeting, PayloadIf<mv1::MeetingRecorded>(event));
  if (meeting) return outcomes_.Record(tx, fund, *meeting, sequence);
  CERCLES_ASSIGN_OR_RETURN(auto advisor, PayloadIf<mv1::AdvisorCreated>(event));
  if (advisor) return people_.UpsertAdvisor(tx, fund, advisor->advisor());
  return absl::OkStatus();
}

const std::vector<std::string>& EventProjection::ErasureTables() {
  static const auto* tables = new std::vector<std::string>{
      "network_people", "network_expertise", "network_referrals", "federation_transfers",
      "outbox",         "idempotency_keys"};
  return *tables;
}

absl::Status EventProjection::ApplyPersonErased(storage::Transaction& tx,
                                                const std::string& person) const {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(person, "people", "person"));
  CERCLES_RETURN_IF_ERROR(partners_.EraseReferralsOf(tx, id).status());
  CERCLES_RETURN_IF_ERROR(federation_.ClearCandidatesOf(tx, id, absl::Now()).status());
  CERCLES_RETURN_IF_ERROR(
      service::ScrubPersonRecords(tx, TransferCandidateErasure(id, {})).status());
  ++erasures_applied_;  // counted before the commit: a rollback only costs a spare reclaim
  return absl::OkStatus();
}

absl::Status EventProjection::ApplyLendingEvent(storage::Transaction& tx,
                                                const cercles::common::v1::Event& event) const {
  CERCLES_ASSIGN_OR_RETURN(auto changed, PayloadIf<lv1::LoanChanged>(event));
  if (changed) {
    return loans_.Upsert(tx, event.fund_id(), *changed, event.sequence());
  }
  return absl::OkStatus();
}

}  // namespace cercles::network
