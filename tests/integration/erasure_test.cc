// Erasure of a person's personal data (Law 25; issue 14, item 4) through the
// real processes, on both engines: the refusals (a request naming no person,
// an unknown one, no reason, an advisor) and cerclesctl's confirmation. The
// erasure of a person with data in the three services, searched for
// afterwards in every store, log, Redis key and event payload, is
// person_rights_test's flow.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/person_rights_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;

class ErasureTest : public PersonRightsFixture {
 protected:
  grpc::Status Erase(const std::string& request_id, const std::string& person,
                     mv1::ErasePersonResponse* response) {
    mv1::ErasePersonRequest request;
    request.set_request_id(request_id);
    request.set_person(person);
    request.set_reason(mv1::ERASURE_REASON_PERSON_REQUEST);
    return privacy_->ErasePerson(Admin().get(), request, response);
  }
};

TEST_P(ErasureTest, BadRequestsAreRefusedNamingTheField) {
  mv1::ErasePersonResponse response;
  EXPECT_THAT(Erase("", "people/1", &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));
  EXPECT_THAT(Erase("erase-bad", "circles/1", &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  EXPECT_THAT(Erase("erase-missing", "people/9999", &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/9999")));
  mv1::ErasePersonRequest request;
  request.set_request_id("erase-no-reason");
  request.set_person("people/1");
  EXPECT_THAT(privacy_->ErasePerson(Admin().get(), request, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr("reason must be one of ERASURE_REASON_PERSON_REQUEST")));
  request.set_reason(mv1::ERASURE_REASON_RETENTION);
  EXPECT_THAT(privacy_->ErasePerson(Bob().get(), request, &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_P(ErasureTest, CerclesctlAsksForConfirmationUnlessYes) {
  NewPerson draft;
  draft.given_name = "Ctl";
  const std::string person =
      CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token, training_,
                             ToDate(FundToday() - 450), draft);
  const std::string& admin = TestCredentials().admin_token;
  CtlResult r =
      RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "person-request"}, work_dir());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("not confirmed: nothing was erased"));
  mv1::GetPersonRequest get;
  get.set_name(person);
  mv1::GetPersonResponse got;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().status(), mv1::PERSON_STATUS_ACTIVE);

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "whim", "--yes"}, work_dir());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--reason must be person-request or retention, got \"whim\""));

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "retention", "--yes"}, work_dir());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("erased " + person));
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().status(), mv1::PERSON_STATUS_ERASED);
  EXPECT_EQ(got.person().given_name(), "Personne effacée");
}

INSTANTIATE_TEST_SUITE_P(Engines, ErasureTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
