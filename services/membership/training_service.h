// The gRPC adapter of trainings and enrolments: validates, authorises (through
// the declared policies), and runs the rules and stores in one transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_TRAINING_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_TRAINING_SERVICE_H_

#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "services/membership/context.h"
#include "services/membership/people_store.h"
#include "services/membership/training_store.h"

namespace cercles::membership {

class TrainingService final : public cercles::membership::v1::TrainingService::CallbackService {
 public:
  explicit TrainingService(const MembershipContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* CreateTraining(grpc::CallbackServerContext* context,
                                           const v1::CreateTrainingRequest* request,
                                           v1::CreateTrainingResponse* response) override;
  grpc::ServerUnaryReactor* GetTraining(grpc::CallbackServerContext* context,
                                        const v1::GetTrainingRequest* request,
                                        v1::GetTrainingResponse* response) override;
  grpc::ServerUnaryReactor* ListTrainings(grpc::CallbackServerContext* context,
                                          const v1::ListTrainingsRequest* request,
                                          v1::ListTrainingsResponse* response) override;
  grpc::ServerUnaryReactor* EnrolPerson(grpc::CallbackServerContext* context,
                                        const v1::EnrolPersonRequest* request,
                                        v1::EnrolPersonResponse* response) override;
  grpc::ServerUnaryReactor* CompleteTraining(grpc::CallbackServerContext* context,
                                             const v1::CompleteTrainingRequest* request,
                                             v1::CompleteTrainingResponse* response) override;
  grpc::ServerUnaryReactor* ListEnrolments(grpc::CallbackServerContext* context,
                                           const v1::ListEnrolmentsRequest* request,
                                           v1::ListEnrolmentsResponse* response) override;

 private:
  const MembershipContext context_;
  TrainingStore trainings_;
  PeopleStore people_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_TRAINING_SERVICE_H_
