#include "services/membership/circle_store.h"

#include "common/api/resource_name.h"
#include "common/storage/statement_stats.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/circle_rules.h"
#include "services/membership/context.h"
#include "tests/support/service_db_test.h"

namespace cercles::membership {
namespace {

class CircleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::Open("sqlite::memory:");
    ASSERT_TRUE(db.ok());
    db_ = *std::move(db);
    ASSERT_TRUE(MigrateMembership(*db_).ok());
    // 30 circles: sector food on even ids, language fr on multiples of 3.
    for (int i = 1; i <= 30; ++i) {
      Circle draft;
      draft.set_display_name("Cercle " + std::to_string(i));
      draft.set_status(i % 5 == 0 ? v1::CIRCLE_STATUS_ACTIVE : v1::CIRCLE_STATUS_FORMING);
      if (i % 2 == 0) Add(&draft, v1::CHARACTERISTIC_KIND_SECTOR, "food");
      if (i % 3 == 0) Add(&draft, v1::CHARACTERISTIC_KIND_LANGUAGE, "fr");
      ASSERT_TRUE(
          storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
            return store_.Insert(tx, draft, std::nullopt, "test", absl::FromUnixSeconds(1700000000))
                .status();
          }).ok());
    }
  }
  static void Add(Circle* c, v1::CharacteristicKind kind, const std::string& value) {
    auto* ch = c->add_characteristics();
    ch->set_kind(kind);
    ch->set_value(value);
  }
  // All ids matching `filter`, page by page of `page`.
  std::vector<int64_t> Ids(CircleFilter filter, int page) {
    std::vector<int64_t> ids;
    int64_t after = 0;
    for (;;) {
      auto tx = db_->Begin(storage::TxMode::kRead);
      auto circles = store_.List(**tx, filter, after, page);
      EXPECT_TRUE(circles.ok()) << circles.status();
      if (!circles.ok() || circles->empty()) break;
      for (const auto& c : *circles) ids.push_back(*api::ParseName(c.name(), "circles", "name"));
      after = ids.back();
      if (static_cast<int>(circles->size()) < page) break;
    }
    return ids;
  }
  std::unique_ptr<storage::Database> db_;
  CircleStore store_{"fund-test"};
};

Characteristic Make(v1::CharacteristicKind kind, const std::string& value) {
  Characteristic c;
  c.set_kind(kind);
  c.set_value(value);
  return c;
}

TEST_F(CircleStoreTest, CharacteristicFiltersPageInIdOrder) {
  CircleFilter food;
  food.characteristics = {Make(v1::CHARACTERISTIC_KIND_SECTOR, "food")};
  std::vector<int64_t> expected;
  for (int i = 2; i <= 30; i += 2) expected.push_back(i);
  for (int page : {1, 4, 7, 100}) EXPECT_EQ(Ids(food, page), expected) << page;

  CircleFilter both = food;
  both.characteristics.push_back(Make(v1::CHARACTERISTIC_KIND_LANGUAGE, "fr"));
  EXPECT_THAT(Ids(both, 2), ::testing::ElementsAre(6, 12, 18, 24, 30));

  both.status = v1::CIRCLE_STATUS_ACTIVE;
  EXPECT_THAT(Ids(both, 3), ::testing::ElementsAre(30));

  CircleFilter none;
  none.characteristics = {Make(v1::CHARACTERISTIC_KIND_SECTOR, "mining")};
  EXPECT_TRUE(Ids(none, 10).empty());

  CircleFilter all;
  all.status = v1::CIRCLE_STATUS_ACTIVE;
  EXPECT_THAT(Ids(all, 4), ::testing::ElementsAre(5, 10, 15, 20, 25, 30));
  all.status = v1::CIRCLE_STATUS_UNSPECIFIED;
  all.has_room = true;
  EXPECT_EQ(Ids(all, 8).size(), 30u);  // all empty, forming or active
}

// Get reads a circle whole (row, characteristics in order, lineage) in one
// statement, on both engines, and answers what List (which reads the details
// per page) answers for the same circle.
class CircleGetTest : public cercles::testing::ServiceDbTest {
 protected:
  CircleGetTest() : ServiceDbTest("membership_circle_get", MigrateMembership) {}

  int64_t InsertCircle(const std::string& name, const std::vector<Characteristic>& characteristics,
                       const std::vector<int64_t>& merged_from) {
    Circle draft;
    draft.set_display_name(name);
    draft.set_status(v1::CIRCLE_STATUS_FORMING);
    for (const Characteristic& c : characteristics) *draft.add_characteristics() = c;
    int64_t id = 0;
    EXPECT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  const absl::Time now = absl::FromUnixSeconds(1700000000);
                  absl::StatusOr<Circle> circle = store_.Insert(tx, draft, std::nullopt, "t", now);
                  if (!circle.ok()) return circle.status();
                  id = *api::ParseName(circle->name(), "circles", "name");
                  for (int64_t source : merged_from) {
                    absl::Status added = store_.AddLineage(tx, id, source, now);
                    if (!added.ok()) return added;
                  }
                  return absl::OkStatus();
                }).ok());
    return id;
  }

  // Get's answer and the statements it ran (prepared, reused or not cached).
  std::pair<std::optional<Circle>, int64_t> Get(int64_t id) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status();
    const storage::StatementStats before = storage::StatementStatsOf(*db_);
    absl::StatusOr<std::optional<Circle>> circle = store_.Get(**tx, id);
    const storage::StatementStats after = storage::StatementStatsOf(*db_);
    EXPECT_TRUE(circle.ok()) << circle.status();
    const int64_t statements = (after.prepared + after.reused + after.uncached) -
                               (before.prepared + before.reused + before.uncached);
    return {circle.ok() ? *circle : std::nullopt, statements};
  }

  CircleStore store_{"fund-test"};
};

INSTANTIATE_TEST_SUITE_P(Engines, CircleGetTest,
                         ::testing::Values(cercles::testing::DbEngine::kSqlite,
                                           cercles::testing::DbEngine::kPostgres),
                         cercles::testing::DbEngineName);

TEST_P(CircleGetTest, ReadsACircleWholeInOneStatementWithListsAnswer) {
  const int64_t a = InsertCircle("A", {}, {});
  const int64_t b = InsertCircle("B", {Make(v1::CHARACTERISTIC_KIND_SECTOR, "food")}, {});
  Characteristic custom = Make(v1::CHARACTERISTIC_KIND_OTHER, "blue");
  custom.set_custom_kind("colour");
  // Characteristics in their own order (not sorted), lineage in id order.
  const int64_t c = InsertCircle("C",
                                 {Make(v1::CHARACTERISTIC_KIND_LANGUAGE, "fr"), custom,
                                  Make(v1::CHARACTERISTIC_KIND_SECTOR, "agriculture")},
                                 {b, a});
  std::vector<Circle> listed;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                absl::StatusOr<std::vector<Circle>> all = store_.List(tx, CircleFilter(), 0, 10);
                if (!all.ok()) return all.status();
                listed = *all;
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(listed.size(), 3u);
  for (const Circle& expected : listed) {
    const int64_t id = *api::ParseName(expected.name(), "circles", "name");
    auto [circle, statements] = Get(id);
    ASSERT_TRUE(circle.has_value()) << id;
    EXPECT_EQ(circle->SerializeAsString(), expected.SerializeAsString()) << circle->DebugString();
    EXPECT_EQ(statements, 1) << id;
  }
  auto [third, statements] = Get(c);
  ASSERT_TRUE(third.has_value());
  ASSERT_EQ(third->characteristics_size(), 3);
  EXPECT_EQ(third->characteristics(0).value(), "fr");
  EXPECT_EQ(third->characteristics(1).custom_kind(), "colour");
  EXPECT_EQ(third->characteristics(2).value(), "agriculture");
  EXPECT_THAT(third->merged_from(),
              ::testing::ElementsAre(CircleName(std::min(a, b)), CircleName(std::max(a, b))));
  auto [missing, missing_statements] = Get(c + 100);
  EXPECT_FALSE(missing.has_value());
  EXPECT_EQ(missing_statements, 1);
}

}  // namespace
}  // namespace cercles::membership
