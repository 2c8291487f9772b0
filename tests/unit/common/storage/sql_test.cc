// storage::Sql: a statement's text and its parameters stay in step, and an IN
// list runs the same on every engine.
#include "common/storage/sql.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::storage {
namespace {

using testing::IsOk;

enum Colour { kRed = 1, kGreen = 2, kBlue = 3 };

// The parameters as text: integers as numbers, text quoted.
std::vector<std::string> Shown(const std::vector<Value>& params) {
  std::vector<std::string> shown;
  for (const Value& v : params) {
    if (const int64_t* i = std::get_if<int64_t>(&v)) {
      shown.push_back(std::to_string(*i));
    } else if (const std::string* s = std::get_if<std::string>(&v)) {
      shown.push_back("'" + *s + "'");
    } else {
      shown.push_back("?");
    }
  }
  return shown;
}

TEST(SqlTest, ListsBindTheirValuesWhereTheirPlaceholdersStand) {
  Sql sql("SELECT id FROM items WHERE owner = ? AND s IN ", {std::string("ana")});
  sql.List(std::vector<std::string>{"x", "y"})
      .Add(" AND colour NOT IN ")
      .List(std::vector<Colour>{kRed, kBlue})
      .Add(" LIMIT ?", {int64_t{5}});
  EXPECT_EQ(sql.text(),
            "SELECT id FROM items WHERE owner = ? AND s IN (?, ?) AND colour NOT IN "
            "(?, ?) LIMIT ?");
  EXPECT_EQ(Shown(sql.params()), (std::vector<std::string>{"'ana'", "'x'", "'y'", "1", "3", "5"}));
}

TEST(SqlTest, AListOfOneIsOnePlaceholder) {
  Sql sql("x IN ");
  sql.List(std::vector<int64_t>{7});
  EXPECT_EQ(sql.text(), "x IN (?)");
  EXPECT_EQ(Shown(sql.params()), std::vector<std::string>{"7"});
}

class SqlEngineTest : public testing::EngineTest {};

INSTANTIATE_TEST_SUITE_P(Engines, SqlEngineTest, testing::AllBackends(), testing::BackendName);

TEST_P(SqlEngineTest, InAndNotInListsSelectTheRowsTheyName) {
  if (IsSkipped()) return;
  ASSERT_TRUE(IsOk(db().Migrate(
      "test", {{1, "items", "CREATE TABLE items (id BIGINT PRIMARY KEY, s TEXT NOT NULL)"}})));
  ASSERT_TRUE(IsOk(RunInTransaction(db(), TxMode::kWrite, [](Transaction& tx) {
    for (int64_t id = 1; id <= 5; ++id) {
      absl::Status status = Sql("INSERT INTO items (id, s) VALUES ")
                                .List(std::vector<Value>{id, std::to_string(id)})
                                .Exec(tx)
                                .status();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  })));
  std::vector<int64_t> ids;
  ASSERT_TRUE(IsOk(RunInTransaction(db(), TxMode::kRead, [&](Transaction& tx) {
    Sql sql("SELECT id FROM items WHERE id IN ");
    sql.List(std::vector<int64_t>{1, 2, 3, 4})
        .Add(" AND s NOT IN ")
        .List(std::vector<std::string>{"2", "4"});
    sql.Add(" ORDER BY id");
    absl::StatusOr<Rows> rows = sql.Query(tx);
    if (!rows.ok()) return rows.status();
    for (const Row& row : *rows) ids.push_back(row.Int(0));
    return absl::OkStatus();
  })));
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 3}));
}

}  // namespace
}  // namespace cercles::storage
