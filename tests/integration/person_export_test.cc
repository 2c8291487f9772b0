// Issue 14, item 2 (the export) on each storage engine: each service checks
// the person and admits admins only, and cerclesctl writes nothing when a
// service refuses. The export of a person with data in the three services,
// compared field by field with what they answer, is person_rights_test's flow.
#include <sys/stat.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/person_rights_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;

using PersonExportTest = PersonRightsFixture;

TEST_P(PersonExportTest, EachServiceChecksThePersonAndAdmitsAdminsOnly) {
  mv1::ExportPersonDataRequest m_request;
  mv1::ExportPersonDataResponse m_response;
  m_request.set_person("circles/1");
  EXPECT_THAT(privacy_->ExportPersonData(Admin().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  m_request.set_person("people/9999");
  EXPECT_THAT(privacy_->ExportPersonData(Admin().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/9999")));
  EXPECT_THAT(privacy_->ExportPersonData(Bob().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  lv1::ExportPersonDataRequest l_request;
  lv1::ExportPersonDataResponse l_response;
  EXPECT_THAT(lending_->ExportPersonData(Admin().get(), l_request, &l_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  l_request.set_person("people/9999");
  ASSERT_TRUE(lending_->ExportPersonData(Admin().get(), l_request, &l_response).ok());
  EXPECT_EQ(l_response.ByteSizeLong(), 0u);  // lending holds nothing about them
  EXPECT_THAT(lending_->ExportPersonData(Bob().get(), l_request, &l_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  nv1::ExportPersonDataRequest n_request;
  nv1::ExportPersonDataResponse n_response;
  n_request.set_person("people/x");
  EXPECT_THAT(network_privacy_->ExportPersonData(Admin().get(), n_request, &n_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  n_request.set_person("people/9999");
  EXPECT_THAT(network_privacy_->ExportPersonData(Bob().get(), n_request, &n_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // cerclesctl: --out is required; an unknown person fails, writing nothing.
  const std::string path = work_dir() + "/nobody.json";
  CtlResult r = RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                              {"privacy", "export", "people/9999"}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("--out"));
  r = RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                    {"privacy", "export", "people/9999", "--out", path}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
  struct stat info {};
  EXPECT_NE(stat(path.c_str(), &info), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PersonExportTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
