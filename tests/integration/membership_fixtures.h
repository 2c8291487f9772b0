// Setting up membership data through its public API in integration tests.
#ifndef CERCLES_TESTS_INTEGRATION_MEMBERSHIP_FIXTURES_H_
#define CERCLES_TESTS_INTEGRATION_MEMBERSHIP_FIXTURES_H_

#include <memory>
#include <optional>
#include <string>

#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "tests/integration/suite.h"

namespace cercles::testing {

struct NewPerson {
  std::string given_name;
  cercles::membership::v1::Language language = cercles::membership::v1::LANGUAGE_FR;
  std::string sector;   // empty: no business profile
  bool trained = true;  // completes the training on `completion_date`
};

// Creates the person as `token` (request ids derived from the given name),
// enrols them in `training` and, if trained, completes it. Returns "people/N";
// failures are reported as test failures.
std::string CreatePersonInTraining(cercles::membership::v1::PeopleService::Stub& people,
                                   cercles::membership::v1::TrainingService::Stub& trainings,
                                   const std::string& token, const std::string& training,
                                   const cercles::common::v1::Date& completion_date,
                                   const NewPerson& person);

// A suite of membership's API on each engine, without Redis: stubs of its
// circles, people and trainings services on one staff channel, made again by
// Connect() (after a restart).
class MembershipSuiteTest : public EngineSuiteTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override;
  void SetUp() override;
  virtual void Connect();

  std::unique_ptr<cercles::membership::v1::MembershipService::Stub> circles_;
  std::unique_ptr<cercles::membership::v1::PeopleService::Stub> people_;
  std::unique_ptr<cercles::membership::v1::TrainingService::Stub> trainings_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_MEMBERSHIP_FIXTURES_H_
