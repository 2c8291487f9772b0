// The access log of personal reads (common/service/access_log.h) on both
// engines: batched appends that Stop writes whole, queries per person, per
// staff member and per time range, paged; and Answer recording a staff read
// of personal data while a service's or a read without personal data is not.
#include "common/service/access_log.h"

#include <grpcpp/server_context.h>

#include "cercles/membership/v1/people.grpc.pb.h"
#include "common/server/handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/service_db_test.h"

namespace cercles::service {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

class FixedClock : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1800000000);
};

class AccessLogTest : public testing::ServiceDbTest {
 protected:
  AccessLogTest() : ServiceDbTest("access_log", MigrateAccessLog) {}

  std::vector<PersonalRead> Query(const AccessLogFilter& filter) {
    auto rows = QueryAccessLog(*db_, filter);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<PersonalRead>{};
  }

  FixedClock clock_;
};

TEST_P(AccessLogTest, StopWritesEveryQueuedRead) {
  {
    // A long interval: only Stop (the destructor) writes.
    AccessLogWriter writer(*db_, &clock_, absl::Hours(1));
    writer.Record("staff:alice", "cercles.membership.v1.PeopleService.GetPerson", {7});
    clock_.now += absl::Minutes(1);
    writer.Record("staff:bob", "cercles.membership.v1.PeopleService.ListPeople", {7, 8});
    EXPECT_THAT(Query({}), IsEmpty());
  }
  const std::vector<PersonalRead> all = Query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].principal, "staff:alice");
  EXPECT_EQ(all[0].person_id, 7);
  EXPECT_EQ(all[0].rpc, "cercles.membership.v1.PeopleService.GetPerson");
  EXPECT_EQ(all[0].time, absl::FromUnixSeconds(1800000000));
  EXPECT_EQ(all[2].person_id, 8);
  EXPECT_EQ(all[2].time, absl::FromUnixSeconds(1800000060));
}

TEST_P(AccessLogTest, TheBackgroundThreadWritesWithinTheInterval) {
  AccessLogWriter writer(*db_, &clock_, absl::Milliseconds(10));
  writer.Record("staff:alice", "rpc", {1});
  for (int i = 0; i < 200 && writer.written() < 1; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(writer.written(), 1);
  EXPECT_EQ(Query({}).size(), 1u);
}

TEST_P(AccessLogTest, FiltersByPersonPrincipalAndTimeAndPages) {
  {
    AccessLogWriter writer(*db_, &clock_, absl::Hours(1));
    writer.Record("staff:alice", "rpc", {1, 2});
    clock_.now += absl::Hours(1);
    writer.Record("staff:bob", "rpc", {1});
    clock_.now += absl::Hours(1);
    writer.Record("staff:alice", "rpc", {1});
  }
  AccessLogFilter person;
  person.person_id = 1;
  EXPECT_THAT(Query(person), ElementsAre(Field(&PersonalRead::principal, "staff:alice"),
                                         Field(&PersonalRead::principal, "staff:bob"),
                                         Field(&PersonalRead::principal, "staff:alice")));
  AccessLogFilter bob;
  bob.principal = "staff:bob";
  EXPECT_THAT(Query(bob), ElementsAre(Field(&PersonalRead::person_id, 1)));
  AccessLogFilter window;
  window.from = absl::FromUnixSeconds(1800000000) + absl::Hours(1);
  window.to = absl::FromUnixSeconds(1800000000) + absl::Hours(2);
  EXPECT_THAT(Query(window), ElementsAre(Field(&PersonalRead::principal, "staff:bob")));
  AccessLogFilter page;
  page.limit = 2;
  const std::vector<PersonalRead> first = Query(page);
  ASSERT_EQ(first.size(), 2u);
  page.after_id = first.back().id;
  EXPECT_THAT(Query(page),
              ElementsAre(Field(&PersonalRead::person_id, 1), Field(&PersonalRead::person_id, 1)));
}

// Answer (common/server/handler.h) reports the people of a staff answer.
TEST_P(AccessLogTest, AnswerRecordsStaffReadsOfPersonalDataOnly) {
  using cercles::membership::v1::GetPersonRequest;
  using cercles::membership::v1::GetPersonResponse;
  auth::Authenticator authenticator(auth::TokenStore(), {});
  auth::Authorizer authorizer(&authenticator);
  authorizer.AddService(GetPersonRequest::descriptor()->file()->FindServiceByName("PeopleService"));
  AccessLogWriter writer(*db_, &clock_, absl::Hours(1));
  server::InstallPersonalReadLog(&writer);
  GetPersonRequest request;
  request.set_name("people/5");
  auth::Principal staff{auth::Principal::Kind::kStaff, "alice", cercles::common::v1::ROLE_ADVISOR};
  auth::Principal service{auth::Principal::Kind::kService, "network",
                          cercles::common::v1::ROLE_SERVICE};
  GetPersonResponse with_contact;
  with_contact.mutable_person()->set_name("people/5");
  with_contact.mutable_person()->mutable_contact()->set_email("e@example.org");
  GetPersonResponse without;
  without.mutable_person()->set_name("people/6");
  without.mutable_person()->set_given_name("Luc");
  server::RecordPersonalReads(authorizer, staff, request, with_contact);
  server::RecordPersonalReads(authorizer, staff, request, without);
  server::RecordPersonalReads(authorizer, service, request, with_contact);
  server::InstallPersonalReadLog(nullptr);
  writer.Stop();
  const std::vector<PersonalRead> all = Query({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].principal, "staff:alice");
  EXPECT_EQ(all[0].person_id, 5);
  EXPECT_EQ(all[0].rpc, "cercles.membership.v1.PeopleService.GetPerson");
}

INSTANTIATE_TEST_SUITE_P(Engines, AccessLogTest,
                         ::testing::Values(testing::DbEngine::kSqlite,
                                           testing::DbEngine::kPostgres),
                         testing::DbEngineName);

}  // namespace
}  // namespace cercles::service
