#include "tests/integration/membership_fixtures.h"

#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {

namespace mv1 = cercles::membership::v1;

std::string CreatePersonInTraining(mv1::PeopleService::Stub& people,
                                   mv1::TrainingService::Stub& trainings, const std::string& token,
                                   const std::string& training,
                                   const cercles::common::v1::Date& completion_date,
                                   const NewPerson& person) {
  const std::string& given = person.given_name;
  mv1::CreatePersonRequest request;
  request.set_request_id("person-" + given);
  request.mutable_person()->set_given_name(given);
  request.mutable_person()->set_family_name("Entrepreneure");
  request.mutable_person()->set_language(person.language);
  if (!person.sector.empty()) {
    request.mutable_person()->mutable_business()->set_name(given + " inc.");
    request.mutable_person()->mutable_business()->set_sector(person.sector);
  }
  mv1::CreatePersonResponse response;
  grpc::Status status = people.CreatePerson(Context(token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  const std::string name = response.person().name();
  mv1::EnrolPersonRequest enrol;
  enrol.set_request_id("enrol-" + given);
  enrol.set_training(training);
  enrol.set_person(name);
  mv1::EnrolPersonResponse enrolled;
  status = trainings.EnrolPerson(Context(token).get(), enrol, &enrolled);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (person.trained) {
    mv1::CompleteTrainingRequest complete;
    complete.set_request_id("complete-" + given);
    complete.set_training(training);
    complete.set_person(name);
    *complete.mutable_completion_date() = completion_date;
    mv1::CompleteTrainingResponse completed;
    status = trainings.CompleteTraining(Context(token).get(), complete, &completed);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  return name;
}

std::optional<Suite::Options> MembershipSuiteTest::SuiteOptions() const {
  std::optional<Suite::Options> options = EngineSuiteTest::SuiteOptions();
  options->with_redis = false;
  return options;
}

void MembershipSuiteTest::SetUp() {
  EngineSuiteTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  Connect();
}

void MembershipSuiteTest::Connect() {
  auto channel = suite_->StaffChannel("membership");
  circles_ = cercles::membership::v1::MembershipService::NewStub(channel);
  people_ = cercles::membership::v1::PeopleService::NewStub(channel);
  trainings_ = cercles::membership::v1::TrainingService::NewStub(channel);
}

}  // namespace cercles::testing
