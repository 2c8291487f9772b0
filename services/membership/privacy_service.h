// The gRPC adapter of membership's privacy duties: the privacy officer's
// contact (public read), membership's access log of personal reads, and the
// register of confidentiality incidents (revisions appended, never overwritten),
// people's access requests (their handlers: access_request_service.cc),
// the erasure of a person's personal data (erasure_service.cc), and the
// retention schedule and its purge (retention_service.cc).
#ifndef CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "services/membership/access_request_store.h"
#include "services/membership/business_history_store.h"
#include "services/membership/circle_store.h"
#include "services/membership/consent_store.h"
#include "services/membership/context.h"
#include "services/membership/correction_store.h"
#include "services/membership/erasure_store.h"
#include "services/membership/meeting_store.h"
#include "services/membership/people_store.h"
#include "services/membership/privacy_store.h"
#include "services/membership/retention_store.h"
#include "services/membership/training_store.h"

namespace cercles::membership {

class PrivacyService final : public cercles::membership::v1::PrivacyService::CallbackService {
 public:
  explicit PrivacyService(const MembershipContext& context)
      : context_(context), circles_(context.fund_id) {}

  grpc::ServerUnaryReactor* GetPrivacyContact(grpc::CallbackServerContext* context,
                                              const v1::GetPrivacyContactRequest* request,
                                              v1::GetPrivacyContactResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePrivacyContact(
      grpc::CallbackServerContext* context, const v1::UpdatePrivacyContactRequest* request,
      v1::UpdatePrivacyContactResponse* response) override;
  grpc::ServerUnaryReactor* ListPersonalReads(grpc::CallbackServerContext* context,
                                              const v1::ListPersonalReadsRequest* request,
                                              v1::ListPersonalReadsResponse* response) override;
  grpc::ServerUnaryReactor* CreateIncident(grpc::CallbackServerContext* context,
                                           const v1::CreateIncidentRequest* request,
                                           v1::CreateIncidentResponse* response) override;
  grpc::ServerUnaryReactor* UpdateIncident(grpc::CallbackServerContext* context,
                                           const v1::UpdateIncidentRequest* request,
                                           v1::UpdateIncidentResponse* response) override;
  grpc::ServerUnaryReactor* GetIncident(grpc::CallbackServerContext* context,
                                        const v1::GetIncidentRequest* request,
                                        v1::GetIncidentResponse* response) override;
  grpc::ServerUnaryReactor* ListIncidents(grpc::CallbackServerContext* context,
                                          const v1::ListIncidentsRequest* request,
                                          v1::ListIncidentsResponse* response) override;
  grpc::ServerUnaryReactor* CreateAccessRequest(grpc::CallbackServerContext* context,
                                                const v1::CreateAccessRequestRequest* request,
                                                v1::CreateAccessRequestResponse* response) override;
  grpc::ServerUnaryReactor* GetAccessRequest(grpc::CallbackServerContext* context,
                                             const v1::GetAccessRequestRequest* request,
                                             v1::GetAccessRequestResponse* response) override;
  grpc::ServerUnaryReactor* ListAccessRequests(grpc::CallbackServerContext* context,
                                               const v1::ListAccessRequestsRequest* request,
                                               v1::ListAccessRequestsResponse* response) override;
  grpc::ServerUnaryReactor* CompleteAccessRequest(
      grpc::CallbackServerContext* context, const v1::CompleteAccessRequestRequest* request,
      v1::CompleteAccessRequestResponse* response) override;
  // person_export_service.cc
  grpc::ServerUnaryReactor* ExportPersonData(grpc::CallbackServerContext* context,
                                             const v1::ExportPersonDataRequest* request,
                                             v1::ExportPersonDataResponse* response) override;
  // erasure_service.cc
  grpc::ServerUnaryReactor* ErasePerson(grpc::CallbackServerContext* context,
                                        const v1::ErasePersonRequest* request,
                                        v1::ErasePersonResponse* response) override;
  // retention_service.cc
  grpc::ServerUnaryReactor* GetRetentionSchedule(
      grpc::CallbackServerContext* context, const v1::GetRetentionScheduleRequest* request,
      v1::GetRetentionScheduleResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRetentionSchedule(
      grpc::CallbackServerContext* context, const v1::UpdateRetentionScheduleRequest* request,
      v1::UpdateRetentionScheduleResponse* response) override;
  grpc::ServerUnaryReactor* PurgeExpiredRecords(grpc::CallbackServerContext* context,
                                                const v1::PurgeExpiredRecordsRequest* request,
                                                v1::PurgeExpiredRecordsResponse* response) override;

  // The erasure of person `id` (`name` in messages) inside `tx`, by `actor`:
  // the person as erased (as they are when erased before). The one function an
  // erasure runs, ErasePerson's and a retention purge's.
  absl::StatusOr<v1::Person> ErasePersonIn(storage::Transaction& tx, int64_t id,
                                           const std::string& name, v1::ErasureReason reason,
                                           const std::string& actor, absl::Time now) const;

 private:
  // NOT_FOUND naming the first affected person that does not exist.
  absl::Status CheckAffectedPeople(storage::Transaction& tx, const v1::Incident& incident) const;
  // Fills `response` with what membership holds about person `id` (`name`);
  // NOT_FOUND when there is no such person.
  absl::Status ExportPerson(storage::Transaction& tx, int64_t id, const std::string& name,
                            v1::ExportPersonDataResponse* response) const;
  // What a purge as of `today` would purge now, by the schedule in force,
  // keeping the people of `borrowing` (keep_people): the report of a dry run
  // (retention_service.cc).
  absl::StatusOr<v1::PurgeExpiredRecordsResponse> PlanPurge(
      storage::Transaction& tx, absl::CivilDay today,
      const absl::flat_hash_set<int64_t>& borrowing) const;
  // Purges at most `limit` records of `plan` (in its order) inside `tx`, by
  // `actor`; adds each one purged to `done`'s report of its kind; returns how many.
  absl::StatusOr<int> PurgeBatch(storage::Transaction& tx,
                                 const v1::PurgeExpiredRecordsResponse& plan, int limit,
                                 const std::string& actor, absl::Time now,
                                 v1::PurgeExpiredRecordsResponse& done) const;

  const MembershipContext context_;
  PrivacyStore privacy_;
  AccessRequestStore access_requests_;
  // What ExportPersonData reads and ErasePerson changes.
  ConsentStore consents_;
  CorrectionStore corrections_;
  TrainingStore trainings_;
  CircleStore circles_;
  MeetingStore meetings_;
  BusinessHistoryStore business_;
  PeopleStore people_;
  ErasureStore erasures_;
  RetentionStore retention_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
