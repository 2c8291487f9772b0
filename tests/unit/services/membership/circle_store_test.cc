#include "services/membership/circle_store.h"

#include "common/api/resource_name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/circle_rules.h"
#include "services/membership/context.h"

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

}  // namespace
}  // namespace cercles::membership
