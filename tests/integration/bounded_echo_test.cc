// Error messages quote at most a bounded prefix of what the caller sent
// (api::Quoted): a 1 MB update_mask path is answered at once with a short
// INVALID_ARGUMENT, and the call's log line stays short. (Before, the whole path
// was copied into the message and the log line: above ~64 KB the status could
// not reach a Node client, which stalled until its deadline.)
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::HasSubstr;

class BoundedEchoTest : public SuiteTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = SuiteTest::SuiteOptions();
    options->with_redis = false;
    return options;
  }

  // The longest line of the service's log that names `method`, once there is one.
  size_t LongestLogLineOf(const std::string& service, const std::string& method) {
    size_t longest = 0;
    EXPECT_TRUE(Eventually(
        [&] {
          longest = 0;
          for (absl::string_view line : absl::StrSplit(suite_->Log(service), '\n')) {
            if (absl::StrContains(line, method)) longest = std::max(longest, line.size());
          }
          return longest > 0;
        },
        absl::Seconds(10)))
        << method;
    return longest;
  }
};

TEST_F(BoundedEchoTest, AMegabyteUpdateMaskPathYieldsAShortErrorAndLogLine) {
  const std::string huge(1 << 20, 'p');
  const std::string admin = TestCredentials().admin_token;
  auto membership = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
  auto people = mv1::PeopleService::NewStub(suite_->StaffChannel("membership"));

  mv1::CreatePersonRequest create;
  create.set_request_id("bounded-echo-person");
  create.mutable_person()->set_given_name("Émilie");
  create.mutable_person()->set_family_name("Tremblay");
  create.mutable_person()->set_language(mv1::LANGUAGE_FR);
  mv1::CreatePersonResponse created;
  ASSERT_TRUE(people->CreatePerson(Context(admin).get(), create, &created).ok());

  mv1::UpdateCircleRequest circle;
  circle.set_request_id("bounded-echo-circle");
  circle.mutable_circle()->set_name("circles/1");
  circle.mutable_update_mask()->add_paths(huge);
  mv1::UpdateCircleResponse circle_response;
  absl::Time start = absl::Now();
  grpc::Status status =
      membership->UpdateCircle(Context(admin, absl::Seconds(10)).get(), circle, &circle_response);
  const absl::Duration circle_took = absl::Now() - start;
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("update_mask path \"pppp")));
  EXPECT_THAT(status.error_message(), HasSubstr("...\" (1048576 bytes) cannot be updated here"));
  EXPECT_LT(status.error_message().size(), 512u);

  mv1::UpdatePersonRequest person;
  person.set_request_id("bounded-echo-update");
  person.mutable_person()->set_name(created.person().name());
  person.mutable_update_mask()->add_paths(huge);
  mv1::UpdatePersonResponse person_response;
  start = absl::Now();
  status = people->UpdatePerson(Context(admin, absl::Seconds(10)).get(), person, &person_response);
  const absl::Duration person_took = absl::Now() - start;
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("...\" (1048576 bytes) is not a field of Person")));
  EXPECT_LT(status.error_message().size(), 512u);

  // The calls' log lines quote the same short messages.
  const size_t circle_line = LongestLogLineOf("membership", "/UpdateCircle\"");
  const size_t person_line = LongestLogLineOf("membership", "/UpdatePerson\"");
  EXPECT_LT(circle_line, 2048u);
  EXPECT_LT(person_line, 2048u);
  std::printf(
      "1 MB update_mask path: UpdateCircle answered in %lld ms (log line %zu bytes), "
      "UpdatePerson in %lld ms (log line %zu bytes)\n",
      static_cast<long long>(absl::ToInt64Milliseconds(circle_took)), circle_line,
      static_cast<long long>(absl::ToInt64Milliseconds(person_took)), person_line);
}

}  // namespace
}  // namespace cercles::testing
