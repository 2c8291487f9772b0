// A migrated lending database per test on each engine (tests/support/service_db_test.h).
#ifndef CERCLES_TESTS_UNIT_SERVICES_LENDING_LENDING_TEST_DB_H_
#define CERCLES_TESTS_UNIT_SERVICES_LENDING_LENDING_TEST_DB_H_

#include <string>

#include "common/util/status.h"
#include "services/lending/context.h"
#include "services/lending/membership_events.h"
#include "tests/support/service_db_test.h"

namespace cercles::lending {

using Engine = cercles::testing::DbEngine;

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return cercles::testing::DbEngineName(info);
}

class LendingDbTest : public cercles::testing::ServiceDbTest {
 protected:
  LendingDbTest()
      : ServiceDbTest("lending_loans", [](storage::Database& db) -> absl::Status {
          CERCLES_RETURN_IF_ERROR(MigrateLending(db));
          return MigrateMembershipEvents(db);
        }) {}
};

}  // namespace cercles::lending

#endif  // CERCLES_TESTS_UNIT_SERVICES_LENDING_LENDING_TEST_DB_H_
