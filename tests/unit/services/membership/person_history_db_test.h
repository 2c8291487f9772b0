// The fixture of the store tests of a person's histories (consent changes,
// corrections) on each engine (ServiceDbTest): committed writes, and a person
// to write about.
#ifndef CERCLES_TESTS_UNIT_SERVICES_MEMBERSHIP_PERSON_HISTORY_DB_TEST_H_
#define CERCLES_TESTS_UNIT_SERVICES_MEMBERSHIP_PERSON_HISTORY_DB_TEST_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/resource_name.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "services/membership/people_rules.h"
#include "services/membership/people_store.h"
#include "tests/support/service_db_test.h"

namespace cercles::membership {

// When the fixture's writes happen: 2024-05-01 00:00 UTC.
inline const absl::Time kHistoryTestNow = absl::FromUnixSeconds(1714521600);

class PersonHistoryDbTest : public cercles::testing::ServiceDbTest {
 protected:
  PersonHistoryDbTest(std::string database_prefix, Migrate migrate)
      : ServiceDbTest(std::move(database_prefix), std::move(migrate)) {}

  // Runs fn in a committed write transaction.
  template <typename Fn>
  void Write(Fn fn) {
    absl::Status status = storage::RunInTransaction(*db_, storage::TxMode::kWrite,
                                                    [&](storage::Transaction& tx) -> absl::Status {
                                                      fn(tx);
                                                      return absl::OkStatus();
                                                    });
    ASSERT_TRUE(status.ok()) << status;
  }

  // Stores "Nadia Tremblay" and returns her id.
  int64_t AddPerson() {
    Person p;
    p.set_given_name("Nadia");
    p.set_family_name("Tremblay");
    p.set_language(cercles::membership::v1::LANGUAGE_FR);
    int64_t id = 0;
    Write([&](storage::Transaction& tx) {
      auto stored =
          people_.Insert(tx, *NormalisePerson(p, absl::CivilDay(2024, 5, 1)), kHistoryTestNow);
      ASSERT_TRUE(stored.ok()) << stored.status();
      id = *api::ParseName(stored->name(), "people", "name");
    });
    return id;
  }

  PeopleStore people_;
};

}  // namespace cercles::membership

#endif  // CERCLES_TESTS_UNIT_SERVICES_MEMBERSHIP_PERSON_HISTORY_DB_TEST_H_
