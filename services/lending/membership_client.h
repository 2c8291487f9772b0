// A typed client of membership for lending: deadlines and error translation in
// one place, so handlers see domain answers, not transport codes.
#ifndef CERCLES_SERVICES_LENDING_MEMBERSHIP_CLIENT_H_
#define CERCLES_SERVICES_LENDING_MEMBERSHIP_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "common/server/server.h"

namespace cercles::lending {

// Membership's view of a circle, asked before a write or a read that needs it.
struct CircleView {
  cercles::membership::v1::Circle circle;
  std::vector<std::string> members;  // current members, joining order
};

class MembershipClient {
 public:
  MembershipClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

  // NOT_FOUND when membership does not know the circle; UNAVAILABLE (retry) when
  // membership did not answer within the deadline; INTERNAL when membership
  // refused lending's identity (a deployment error, named in the message).
  absl::StatusOr<cercles::membership::v1::Circle> GetCircle(const std::string& name,
                                                            const std::string& trace_parent) const;

  // The circle's current members ("people/{id}", joining order), every page; the
  // same deadline (per page) and error translation as GetCircle.
  absl::StatusOr<std::vector<std::string>> ListCurrentMembers(
      const std::string& circle, const std::string& trace_parent) const;

  // GetCircle, then ListCurrentMembers.
  absl::StatusOr<CircleView> GetCircleView(const std::string& name,
                                           const std::string& trace_parent) const;

  // The person's current circle id (nullopt: in no circle, or a person membership
  // does not know); UNAVAILABLE and INTERNAL as GetCircle.
  absl::StatusOr<std::optional<int64_t>> CurrentCircleOf(const std::string& person,
                                                         const std::string& trace_parent) const;

  // The fund's retention schedule (closed_loans_months: lending's purge); the
  // same deadline and error translation as GetCircle.
  absl::StatusOr<cercles::membership::v1::RetentionSchedule> RetentionSchedule(
      const std::string& trace_parent) const;

 private:
  // One call to membership: the deadline and the caller's trace, then the
  // answer, or the transport status translated for `subject` (see GetCircle).
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Ask(
      Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, const std::string& subject, const std::string& trace_parent) const;
  void Prepare(grpc::ClientContext& context, const std::string& trace_parent) const;
  // Transport codes to domain answers (see GetCircle).
  absl::Status Translate(const grpc::Status& status, const std::string& circle) const;

  std::unique_ptr<cercles::membership::v1::MembershipService::Stub> stub_;
  std::unique_ptr<cercles::membership::v1::PeopleService::Stub> people_;
  std::unique_ptr<cercles::membership::v1::PrivacyService::Stub> privacy_;
  const absl::Duration deadline_;
};

// This call's traceparent (its own span: see server::TraceParentOf), passed on
// to membership as the parent of membership's span.
using server::TraceParentOf;

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_MEMBERSHIP_CLIENT_H_
