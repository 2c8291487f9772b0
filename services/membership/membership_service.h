// The gRPC adapter of membership's circles: validates, authorises (declared
// policies, then the per-circle advisor rule), loads through the store, lets the
// domain rules (circle_rules.h, formation.h) decide, and writes in one transaction
// with the change's event and idempotency record. One class, its methods by
// subject: circle_service.cc (circles, status changes, merges, events),
// circle_member_service.cc (members, history), advisor_service.cc,
// formation_service.cc (proposals from a cohort).
#ifndef CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_

#include <functional>
#include <string>

#include "cercles/membership/v1/membership.grpc.pb.h"
#include "services/membership/circle_rules.h"
#include "services/membership/circle_store.h"
#include "services/membership/context.h"

namespace cercles::membership {

class MembershipService final : public cercles::membership::v1::MembershipService::CallbackService {
 public:
  explicit MembershipService(const MembershipContext& context);

  grpc::ServerUnaryReactor* CreateCircle(grpc::CallbackServerContext* context,
                                         const v1::CreateCircleRequest* request,
                                         v1::CreateCircleResponse* response) override;
  grpc::ServerUnaryReactor* GetCircle(grpc::CallbackServerContext* context,
                                      const v1::GetCircleRequest* request,
                                      v1::GetCircleResponse* response) override;
  grpc::ServerUnaryReactor* ListCircles(grpc::CallbackServerContext* context,
                                        const v1::ListCirclesRequest* request,
                                        v1::ListCirclesResponse* response) override;
  // A callback-API stream: an open stream holds no thread (common/events/watch.h).
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;
  grpc::ServerUnaryReactor* UpdateCircle(grpc::CallbackServerContext* context,
                                         const v1::UpdateCircleRequest* request,
                                         v1::UpdateCircleResponse* response) override;
  grpc::ServerUnaryReactor* AddCircleMember(grpc::CallbackServerContext* context,
                                            const v1::AddCircleMemberRequest* request,
                                            v1::AddCircleMemberResponse* response) override;
  grpc::ServerUnaryReactor* RemoveCircleMember(grpc::CallbackServerContext* context,
                                               const v1::RemoveCircleMemberRequest* request,
                                               v1::RemoveCircleMemberResponse* response) override;
  grpc::ServerUnaryReactor* ListCircleMembers(grpc::CallbackServerContext* context,
                                              const v1::ListCircleMembersRequest* request,
                                              v1::ListCircleMembersResponse* response) override;
  grpc::ServerUnaryReactor* ListCircleHistory(grpc::CallbackServerContext* context,
                                              const v1::ListCircleHistoryRequest* request,
                                              v1::ListCircleHistoryResponse* response) override;
  grpc::ServerUnaryReactor* ActivateCircle(grpc::CallbackServerContext* context,
                                           const v1::ActivateCircleRequest* request,
                                           v1::ActivateCircleResponse* response) override;
  grpc::ServerUnaryReactor* SuspendCircle(grpc::CallbackServerContext* context,
                                          const v1::SuspendCircleRequest* request,
                                          v1::SuspendCircleResponse* response) override;
  grpc::ServerUnaryReactor* ResumeCircle(grpc::CallbackServerContext* context,
                                         const v1::ResumeCircleRequest* request,
                                         v1::ResumeCircleResponse* response) override;
  grpc::ServerUnaryReactor* DissolveCircle(grpc::CallbackServerContext* context,
                                           const v1::DissolveCircleRequest* request,
                                           v1::DissolveCircleResponse* response) override;
  grpc::ServerUnaryReactor* MergeCircles(grpc::CallbackServerContext* context,
                                         const v1::MergeCirclesRequest* request,
                                         v1::MergeCirclesResponse* response) override;
  grpc::ServerUnaryReactor* ProposeCircles(grpc::CallbackServerContext* context,
                                           const v1::ProposeCirclesRequest* request,
                                           v1::ProposeCirclesResponse* response) override;
  grpc::ServerUnaryReactor* AcceptCircleProposal(
      grpc::CallbackServerContext* context, const v1::AcceptCircleProposalRequest* request,
      v1::AcceptCircleProposalResponse* response) override;
  grpc::ServerUnaryReactor* CreateAdvisor(grpc::CallbackServerContext* context,
                                          const v1::CreateAdvisorRequest* request,
                                          v1::CreateAdvisorResponse* response) override;
  grpc::ServerUnaryReactor* ListAdvisors(grpc::CallbackServerContext* context,
                                         const v1::ListAdvisorsRequest* request,
                                         v1::ListAdvisorsResponse* response) override;
  grpc::ServerUnaryReactor* AssignCircleAdvisor(grpc::CallbackServerContext* context,
                                                const v1::AssignCircleAdvisorRequest* request,
                                                v1::AssignCircleAdvisorResponse* response) override;

 private:
  static bool IsAdmin(const auth::Principal& who) {
    return who.role == cercles::common::v1::ROLE_ADMIN;
  }
  // What decides whether a person may join a circle (CheckPersonMayJoin).
  absl::StatusOr<JoiningPerson> LoadJoiningPerson(storage::Transaction& tx, int64_t person_id);
  absl::StatusOr<v1::Circle> Reload(storage::Transaction& tx, int64_t id);
  // Reloads a changed circle, emits CircleUpdated with it and copies it to `out`.
  absl::Status EmitCircleUpdated(storage::Transaction& tx, int64_t id, absl::Time now,
                                 v1::Circle* out);
  // Checks `who` may manage circle `id` (circle_access.h), then locks it and
  // returns its state: how every change of one circle starts.
  absl::StatusOr<CircleState> LockManagedCircle(storage::Transaction& tx,
                                                const auth::Principal& who, int64_t id);
  // When a change of the circle in `state` takes effect: now, or the request's
  // effective time (see EffectiveTime).
  absl::StatusOr<absl::Time> ChangeTime(const google::protobuf::Timestamp* effective,
                                        const auth::Principal& who, absl::Time now,
                                        const CircleState& state);
  // A change of one member of a circle (AddCircleMember, RemoveCircleMember): the
  // request's names and reason are parsed; then, in one write, the managed circle
  // is locked, `check` decides on the locked state whether the person may join or
  // leave, `write` records the membership at the change's time, the count and
  // status move by `delta` (+1 or -1), and the Event (CircleMemberAdded or
  // CircleMemberRemoved) carries the member and the circle as it now is, which
  // the response receives.
  using MemberCheck =
      std::function<absl::Status(storage::Transaction&, int64_t person_id, const CircleState&)>;
  using MemberWrite = std::function<absl::StatusOr<MemberRow>(
      storage::Transaction&, int64_t circle_id, int64_t person_id, const std::string& reason,
      absl::Time at)>;
  template <typename Event, typename Request, typename Response>
  absl::Status ChangeMember(grpc::ServerContextBase* call, const auth::Principal& who,
                            const Request& request, Response* response, int delta,
                            const MemberCheck& check, const MemberWrite& write);
  // A status change of one circle (activate, suspend, resume, dissolve): `next`
  // checks the rule on the locked state and returns the new status (and may change
  // the member count, as dissolving does).
  using NextStatus = std::function<absl::StatusOr<v1::CircleStatus>(
      storage::Transaction&, const CircleState&, int* member_count, absl::Time now)>;
  template <typename Response>
  absl::Status ChangeStatus(grpc::ServerContextBase* call, const auth::Principal& who,
                            const char* method, const std::string& request_id,
                            const google::protobuf::Message& request, const std::string& name,
                            const std::string& reason_in, bool reason_required,
                            const NextStatus& next, Response* response,
                            const google::protobuf::Timestamp* effective = nullptr);

  MembershipContext context_;
  CircleStore circles_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
