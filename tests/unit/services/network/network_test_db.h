// A migrated network database per test on each engine: SQLite in memory, and
// PostgreSQL when CERCLES_TEST_POSTGRES_URL names a server where the test may
// create databases (a fresh one per test, dropped afterwards). Also builders of
// the events network consumes.
#ifndef CERCLES_TESTS_UNIT_SERVICES_NETWORK_NETWORK_TEST_DB_H_
#define CERCLES_TESTS_UNIT_SERVICES_NETWORK_NETWORK_TEST_DB_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cercles/common/v1/event.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "services/network/directory_store.h"
#include "tests/support/service_db_test.h"

namespace cercles::network {

using Engine = cercles::testing::DbEngine;

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return cercles::testing::DbEngineName(info);
}

class NetworkDbTest : public cercles::testing::ServiceDbTest {
 protected:
  NetworkDbTest() : ServiceDbTest("network_store", MigrateNetwork) {}
};

// An event of `fund` with `payload`, at `sequence`.
inline cercles::common::v1::Event MakeEvent(const std::string& fund, int64_t sequence,
                                            const google::protobuf::Message& payload) {
  cercles::common::v1::Event e;
  e.set_sequence(sequence);
  e.set_fund_id(fund);
  e.set_type(payload.GetDescriptor()->full_name());
  e.mutable_payload()->PackFrom(payload);
  return e;
}

inline cercles::membership::v1::Circle MakeCircle(
    int64_t id, cercles::membership::v1::CircleStatus status, int members,
    const std::vector<std::pair<cercles::membership::v1::CharacteristicKind, std::string>>& tags =
        {}) {
  cercles::membership::v1::Circle c;
  c.set_name("circles/" + std::to_string(id));
  c.set_display_name("Cercle " + std::to_string(id));
  c.set_status(status);
  c.set_member_count(members);
  for (const auto& [kind, value] : tags) {
    auto* ch = c.add_characteristics();
    ch->set_kind(kind);
    ch->set_value(value);
  }
  return c;
}

}  // namespace cercles::network

#endif  // CERCLES_TESTS_UNIT_SERVICES_NETWORK_NETWORK_TEST_DB_H_
