// The gRPC adapter of meetings: validates (meeting_rules), authorises (the
// declared policies, then CheckCircleAccess on the circle) and runs the store in
// one transaction with the event and the idempotency record. A person's
// business history (ListBusinessHistory) is written by RecordMeeting.
#ifndef CERCLES_SERVICES_MEMBERSHIP_MEETING_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_MEETING_SERVICE_H_

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "services/membership/business_history_store.h"
#include "services/membership/circle_access.h"
#include "services/membership/context.h"
#include "services/membership/meeting_store.h"
#include "services/membership/people_store.h"

namespace cercles::membership {

class MeetingService final : public cercles::membership::v1::MeetingService::CallbackService {
 public:
  explicit MeetingService(const MembershipContext& context);

  grpc::ServerUnaryReactor* SetMeetingSchedule(grpc::CallbackServerContext* context,
                                               const v1::SetMeetingScheduleRequest* request,
                                               v1::SetMeetingScheduleResponse* response) override;
  grpc::ServerUnaryReactor* GetMeetingSchedule(grpc::CallbackServerContext* context,
                                               const v1::GetMeetingScheduleRequest* request,
                                               v1::GetMeetingScheduleResponse* response) override;
  grpc::ServerUnaryReactor* RecordMeeting(grpc::CallbackServerContext* context,
                                          const v1::RecordMeetingRequest* request,
                                          v1::RecordMeetingResponse* response) override;
  grpc::ServerUnaryReactor* GetMeeting(grpc::CallbackServerContext* context,
                                       const v1::GetMeetingRequest* request,
                                       v1::GetMeetingResponse* response) override;
  grpc::ServerUnaryReactor* ListMeetings(grpc::CallbackServerContext* context,
                                         const v1::ListMeetingsRequest* request,
                                         v1::ListMeetingsResponse* response) override;
  grpc::ServerUnaryReactor* GetAttendanceSummary(
      grpc::CallbackServerContext* context, const v1::GetAttendanceSummaryRequest* request,
      v1::GetAttendanceSummaryResponse* response) override;
  grpc::ServerUnaryReactor* ListBusinessHistory(grpc::CallbackServerContext* context,
                                                const v1::ListBusinessHistoryRequest* request,
                                                v1::ListBusinessHistoryResponse* response) override;
  // The circles report: circles_report_service.cc.
  grpc::ServerUnaryReactor* GetCirclesReport(grpc::CallbackServerContext* context,
                                             const v1::GetCirclesReportRequest* request,
                                             v1::GetCirclesReportResponse* response) override;

 private:
  absl::CivilDay Today() const;
  // CheckCircleAccess in a transaction of its own: refuses a caller before an
  // idempotent write could replay a stored answer to them.
  absl::Status CheckAccessBeforeWrite(const auth::Principal& who, int64_t circle_id) const;
  // Inside a write: the caller manages the circle and the circle meets.
  absl::Status CheckCircleMeets(storage::Transaction& tx, const auth::Principal& who,
                                int64_t circle_id) const;

  // Inside RecordMeeting's write, once the meeting (and its outcomes' history
  // rows) is stored: each outcome that is its person's latest by meeting day
  // updates the person's business (ApplyOutcome), announced as PersonUpdated.
  absl::Status ApplyOutcomes(storage::Transaction& tx, const v1::Meeting& meeting,
                             const MeetingDraft& draft, absl::Time now) const;

  const MembershipContext context_;
  MeetingStore meetings_;
  BusinessHistoryStore history_;
  PeopleStore people_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_MEETING_SERVICE_H_
