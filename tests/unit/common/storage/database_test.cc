// The same behaviour is checked on every engine: SQLite in memory, SQLite on a
// file, and PostgreSQL when CERCLES_TEST_POSTGRES_URL names a server where the
// test may create databases (each test gets a fresh one, dropped afterwards).
#include "common/storage/database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::storage {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPostgresUrlVariable[] = "CERCLES_TEST_POSTGRES_URL";

::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status;
}

template <typename T>
::testing::AssertionResult IsOk(const absl::StatusOr<T>& status_or) {
  return IsOk(status_or.status());
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// ---------------------------------------------------------------------------
// PostgreSQL scratch databases.

// "postgresql://user@host:port/db?x=y" with the database replaced by `name`.
std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t start = url.find("://") + 3;
  size_t authority_end = url.find_first_of("/?", start);
  if (authority_end == std::string::npos) authority_end = url.size();
  const size_t query = url.find('?', start);
  return url.substr(0, authority_end) + "/" + name +
         (query == std::string::npos ? "" : url.substr(query));
}

// Runs one statement on its own connection, outside any transaction (CREATE
// DATABASE refuses to run inside one, and the storage API always opens one).
bool RunAdminStatement(const std::string& url, const std::string& sql, std::string* error) {
  PGconn* conn = PQconnectdb(url.c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (ok) {
    PGresult* result = PQexec(conn, sql.c_str());
    ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok) *error = PQresultErrorMessage(result);
    PQclear(result);
  } else {
    *error = PQerrorMessage(conn);
  }
  PQfinish(conn);
  return ok;
}

// ---------------------------------------------------------------------------
// The fixture.

enum class Backend { kSqliteMemory, kSqliteFile, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kSqliteMemory:
      return "SqliteMemory";
    case Backend::kSqliteFile:
      return "SqliteFile";
    case Backend::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

// The table most tests use; unique index on s for ALREADY_EXISTS checks.
const std::vector<Migration>& ItemsSchema() {
  static const auto* const schema = new std::vector<Migration>{
      {1, "items",
       "CREATE TABLE items (id BIGINT PRIMARY KEY, n BIGINT, s TEXT, b {{BLOB}});"
       "CREATE UNIQUE INDEX items_s ON items (s)"},
      {2, "counter",
       "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
       "INSERT INTO counter (id, n) VALUES (1, 0)"},
  };
  return *schema;
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Backend::kSqliteMemory:
        url_ = "sqlite::memory:";
        break;
      case Backend::kSqliteFile: {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "cercles_storage_test_XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        temp_dir_ = pattern;
        // A missing parent directory is created by Open.
        db_path_ = temp_dir_ + "/nested/dir/test.db";
        url_ = "sqlite://" + db_path_;  // absolute: "sqlite:///tmp/..."
        break;
      }
      case Backend::kPostgres: {
        const char* admin_url = std::getenv(kPostgresUrlVariable);
        if (admin_url == nullptr || *admin_url == '\0') {
          GTEST_SKIP() << kPostgresUrlVariable
                       << " is not set; skipping the PostgreSQL instance of this test";
        }
        static std::atomic<int> counter{0};
        admin_url_ = admin_url;
        pg_database_ =
            "cercles_test_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
        std::string error;
        ASSERT_TRUE(RunAdminStatement(admin_url_, "CREATE DATABASE " + pg_database_, &error))
            << error;
        url_ = WithDatabase(admin_url_, pg_database_);
        break;
      }
    }
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(url_);
    ASSERT_TRUE(IsOk(db));
    db_ = std::move(*db);
    ASSERT_TRUE(IsOk(db_->Migrate("test", ItemsSchema())));
  }

  void TearDown() override {
    db_.reset();  // its connections must be closed before DROP DATABASE
    if (!pg_database_.empty()) {
      std::string error;
      EXPECT_TRUE(RunAdminStatement(
          admin_url_, "DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)", &error))
          << error;
    }
    if (!temp_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temp_dir_, ignored);
    }
  }

  Database& db() { return *db_; }

  bool SharedBetweenObjects() const { return GetParam() != Backend::kSqliteMemory; }

  Engine ExpectedEngine() const {
    return GetParam() == Backend::kPostgres ? Engine::kPostgres : Engine::kSqlite;
  }

  static absl::StatusOr<Rows> Read(Database& db, std::string_view sql,
                                   const std::vector<Value>& params = {}) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
    if (!tx.ok()) return tx.status();
    absl::StatusOr<Rows> rows = (*tx)->Query(sql, params);
    if (!rows.ok()) return rows.status();
    if (absl::Status status = (*tx)->Commit(); !status.ok()) return status;
    return rows;
  }

  static absl::Status Write(Database& db, std::string_view sql,
                            const std::vector<Value>& params = {}) {
    return RunInTransaction(db, TxMode::kWrite,
                            [&](Transaction& tx) { return tx.Exec(sql, params).status(); });
  }

  // Reads one integer (e.g. a COUNT); -1 on error, which the test then reports.
  int64_t ReadInt(std::string_view sql, const std::vector<Value>& params = {}) {
    absl::StatusOr<Rows> rows = Read(db(), sql, params);
    EXPECT_TRUE(IsOk(rows)) << sql;
    if (!rows.ok() || rows->size() != 1) return -1;
    return (*rows)[0].Int(0);
  }

  std::vector<int64_t> AppliedVersions(Database& db, const std::string& component) {
    std::vector<int64_t> versions;
    absl::StatusOr<Rows> rows =
        Read(db, "SELECT version FROM schema_migrations_" + component + " ORDER BY version");
    EXPECT_TRUE(IsOk(rows));
    if (rows.ok()) {
      for (const Row& row : *rows) versions.push_back(row.Int(0));
    }
    return versions;
  }

  std::string url_;
  std::string db_path_;
  std::string temp_dir_;
  std::string admin_url_;
  std::string pg_database_;
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseTest,
                         ::testing::Values(Backend::kSqliteMemory, Backend::kSqliteFile,
                                           Backend::kPostgres),
                         BackendName);

// ---------------------------------------------------------------------------
// Migrations.

TEST_P(DatabaseTest, MigrationsAreAppliedOnceAndRerunsAreNoOps) {
  EXPECT_EQ(db().engine(), ExpectedEngine());
  std::vector<Migration> migrations = {
      {1, "create", "CREATE TABLE widgets (id BIGINT PRIMARY KEY, name TEXT)"},
      // Applying this twice would violate the primary key.
      {2, "seed",
       "INSERT INTO widgets (id, name) VALUES (1, 'one');"
       "INSERT INTO widgets (id, name) VALUES (2, 'two; with a semicolon')"},
  };
  ASSERT_TRUE(IsOk(db().Migrate("widgets", migrations)));
  ASSERT_TRUE(IsOk(db().Migrate("widgets", migrations)));
  EXPECT_EQ(AppliedVersions(db(), "widgets"), (std::vector<int64_t>{1, 2}));

  migrations.push_back({3, "more", "INSERT INTO widgets (id, name) VALUES (3, 'three')"});
  ASSERT_TRUE(IsOk(db().Migrate("widgets", migrations)));
  ASSERT_TRUE(IsOk(db().Migrate("widgets", migrations)));
  EXPECT_EQ(AppliedVersions(db(), "widgets"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM widgets"), 3);

  absl::StatusOr<Rows> rows = Read(
      db(), "SELECT version, name, applied_at_us FROM schema_migrations_widgets ORDER BY version");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Text(1), "create");
  EXPECT_EQ((*rows)[2].Text(1), "more");
  EXPECT_GT((*rows)[0].Int(2), int64_t{1'600'000'000'000'000});  // micros, after 2020

  // Each component keeps its own history.
  ASSERT_TRUE(IsOk(db().Migrate("gadgets", {{1, "create", "CREATE TABLE gadgets (id BIGINT)"}})));
  EXPECT_EQ(AppliedVersions(db(), "gadgets"), (std::vector<int64_t>{1}));
  EXPECT_EQ(AppliedVersions(db(), "widgets"), (std::vector<int64_t>{1, 2, 3}));
}

TEST_P(DatabaseTest, MigrateRejectsBadComponentsAndVersionOrder) {
  const std::vector<Migration> one = {{1, "create", "CREATE TABLE x (id BIGINT)"}};
  for (const char* component : {"", "Widgets", "wid-gets", "w1", "x; DROP TABLE items"}) {
    EXPECT_THAT(db().Migrate(component, one), StatusIs(absl::StatusCode::kInvalidArgument))
        << component;
  }
  const std::vector<std::vector<Migration>> bad_orders = {
      {{2, "b", "CREATE TABLE b (id BIGINT)"}, {1, "a", "CREATE TABLE a (id BIGINT)"}},
      {{1, "a", "CREATE TABLE a (id BIGINT)"}, {1, "a2", "CREATE TABLE a2 (id BIGINT)"}},
      {{0, "zero", "CREATE TABLE z (id BIGINT)"}},
  };
  for (const std::vector<Migration>& migrations : bad_orders) {
    EXPECT_THAT(db().Migrate("ordering", migrations), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  // Nothing of the rejected runs was applied.
  EXPECT_THAT(Read(db(), "SELECT COUNT(*) FROM a"), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(Read(db(), "SELECT COUNT(*) FROM b"), StatusIs(absl::StatusCode::kInternal));
}

TEST_P(DatabaseTest, FailedMigrationRollsBackEntirely) {
  std::vector<Migration> migrations = {
      {1, "first", "CREATE TABLE first_table (id BIGINT PRIMARY KEY)"},
      {2, "broken",
       "CREATE TABLE second_table (id BIGINT PRIMARY KEY);"
       "INSERT INTO second_table (id) VALUES (1);"
       "INSERT INTO no_such_table (id) VALUES (1)"},
      {3, "never", "CREATE TABLE third_table (id BIGINT)"},
  };
  absl::Status status = db().Migrate("fragile", migrations);
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(Message(status), HasSubstr("fragile v2 (broken)"));

  // Version 1 committed; version 2 left neither its table nor its row; 3 never ran.
  EXPECT_EQ(AppliedVersions(db(), "fragile"), (std::vector<int64_t>{1}));
  EXPECT_TRUE(Read(db(), "SELECT COUNT(*) FROM first_table").ok());
  EXPECT_THAT(Read(db(), "SELECT COUNT(*) FROM second_table"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(Read(db(), "SELECT COUNT(*) FROM third_table"),
              StatusIs(absl::StatusCode::kInternal));

  // Once fixed, the run resumes where it stopped.
  migrations[1].sql =
      "CREATE TABLE second_table (id BIGINT PRIMARY KEY);"
      "INSERT INTO second_table (id) VALUES (1)";
  ASSERT_TRUE(IsOk(db().Migrate("fragile", migrations)));
  EXPECT_EQ(AppliedVersions(db(), "fragile"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM second_table"), 1);
}

TEST_P(DatabaseTest, DialectTokensGiveAutoIncrementKeysAndBlobColumns) {
  ASSERT_TRUE(IsOk(db().Migrate(
      "dialect", {{1, "things", "CREATE TABLE things (id {{SERIAL_PK}}, payload {{BLOB}})"}})));
  const std::string payload("\x00\x01\xff", 3);
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO things (payload) VALUES (?)", {Blob{payload}})));
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO things (payload) VALUES (?)", {Blob{"second"}})));
  absl::StatusOr<Rows> rows = Read(db(), "SELECT id, payload FROM things ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_GT((*rows)[0].Int(0), 0);
  EXPECT_GT((*rows)[1].Int(0), (*rows)[0].Int(0));
  EXPECT_EQ((*rows)[0].Bytes(1), payload);
  EXPECT_EQ((*rows)[1].Bytes(1), "second");
}

TEST_P(DatabaseTest, InsertReturningIdGivesEachNewRowsId) {
  ASSERT_TRUE(IsOk(db().Migrate(
      "returning", {{1, "things", "CREATE TABLE things (id {{SERIAL_PK}}, label TEXT)"}})));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  absl::StatusOr<int64_t> first = InsertReturningId(
      **tx, "INSERT INTO things (label) VALUES (?) RETURNING id", {std::string("a")}, "thing");
  absl::StatusOr<int64_t> second = InsertReturningId(
      **tx, "INSERT INTO things (label) VALUES (?) RETURNING id", {std::string("b")}, "thing");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  EXPECT_GT(*first, 0);
  EXPECT_GT(*second, *first);
  // An INSERT that adds no row returns no id: the caller learns it, named.
  EXPECT_THAT(
      InsertReturningId(**tx, "INSERT INTO things (label) SELECT ? WHERE 1 = 0 RETURNING id",
                        {std::string("c")}, "thing"),
      StatusIs(absl::StatusCode::kInternal, "thing insert returned no id"));
  ASSERT_TRUE(IsOk((*tx)->Commit()));
  absl::StatusOr<Rows> rows = Read(db(), "SELECT id, label FROM things ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Int(0), *first);
  EXPECT_EQ((*rows)[0].Text(1), "a");
  EXPECT_EQ((*rows)[1].Int(0), *second);
}

TEST_P(DatabaseTest, TwoDatabaseObjectsMigratingAtOnceApplyEachMigrationOnce) {
  if (!SharedBetweenObjects()) {
    GTEST_SKIP() << "each sqlite::memory: Database is a private database";
  }
  const std::vector<Migration> migrations = {
      {1, "create", "CREATE TABLE race_log (id BIGINT PRIMARY KEY, note TEXT)"},
      {2, "first row", "INSERT INTO race_log (id, note) VALUES (1, 'a')"},
      {3, "index", "CREATE INDEX race_log_note ON race_log (note)"},
      {4, "second row", "INSERT INTO race_log (id, note) VALUES (2, 'b')"},
  };
  for (int round = 0; round < 3; ++round) {
    const std::string component = std::string("race_") + static_cast<char>('a' + round);
    std::vector<Migration> round_migrations = migrations;
    for (Migration& m : round_migrations) {
      // Separate tables per round, so every round starts from nothing.
      for (size_t at = m.sql.find("race_log"); at != std::string::npos;
           at = m.sql.find("race_log", at + 1)) {
        m.sql.replace(at, 8, component + "_log");
      }
    }
    std::atomic<int> ready{0};
    absl::Status results[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        absl::StatusOr<std::unique_ptr<Database>> own = Database::Open(url_);
        if (!own.ok()) {
          results[i] = own.status();
          ready.fetch_add(1);
          return;
        }
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        results[i] = (*own)->Migrate(component, round_migrations);
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_TRUE(IsOk(results[0]));
    EXPECT_TRUE(IsOk(results[1]));
    EXPECT_EQ(AppliedVersions(db(), component), (std::vector<int64_t>{1, 2, 3, 4}));
    EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM " + component + "_log"), 2);
  }
}

// ---------------------------------------------------------------------------
// Values.

TEST_P(DatabaseTest, Int64ExtremesRoundTrip) {
  const std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), 0, -1, 1};
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, n) VALUES (?, ?)",
                           {static_cast<int64_t>(i), values[i]})));
  }
  absl::StatusOr<Rows> rows = Read(db(), "SELECT id, n FROM items ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ((*rows)[i].Int(1), values[i]);
    EXPECT_EQ((*rows)[i].Text(1), std::to_string(values[i]));
  }
  EXPECT_EQ(ReadInt("SELECT n FROM items WHERE n = ?", {std::numeric_limits<int64_t>::min()}),
            std::numeric_limits<int64_t>::min());
  // Integer parameters are typed, so arithmetic on them works on both engines.
  EXPECT_EQ(ReadInt("SELECT ? + 1", {int64_t{41}}), 42);
}

TEST_P(DatabaseTest, TextWithQuotesAndQuestionMarksIsBoundVerbatim) {
  const std::string tricky =
      "it's a \"quoted\" 'text' with ? and ?? and $1 -- not a comment /* nor this */ "
      "\xc3\xbcnic\xc3\xb6"
      "de";
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, tricky})));
  // '?' inside a literal is not a placeholder; the ones outside still are.
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, s, n) VALUES (?, 'lit''eral ? with ?', ?)",
                         {int64_t{2}, int64_t{7}})));
  absl::StatusOr<Rows> rows = Read(db(), "SELECT s, n FROM items ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), tricky);
  EXPECT_EQ((*rows)[1].Text(0), "lit'eral ? with ?");
  EXPECT_EQ((*rows)[1].Int(1), 7);
  EXPECT_EQ(ReadInt("SELECT id FROM items WHERE s = ? AND s <> '?'", {tricky}), 1);
  EXPECT_EQ(ReadInt("SELECT id -- which one?\nFROM items WHERE id = ? /* really? */", {int64_t{2}}),
            2);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items WHERE s = ?", {std::string("")}), 0);
}

TEST_P(DatabaseTest, TextWithNulIsRejected) {
  // PostgreSQL text cannot hold NUL bytes; both engines refuse rather than cut.
  absl::Status status =
      Write(db(), "INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, std::string("a\0b", 3)});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(DatabaseTest, BlobsKeepEveryByte) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  const std::string with_nuls("\0\0a\0", 4);
  std::string large(1 << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>((i * 7919) % 251);
  ASSERT_TRUE(
      IsOk(Write(db(), "INSERT INTO items (id, b) VALUES (?, ?)", {int64_t{1}, Blob{all_bytes}})));
  ASSERT_TRUE(
      IsOk(Write(db(), "INSERT INTO items (id, b) VALUES (?, ?)", {int64_t{2}, Blob{with_nuls}})));
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, b) VALUES (?, ?)", {int64_t{3}, Blob{}})));
  ASSERT_TRUE(
      IsOk(Write(db(), "INSERT INTO items (id, b) VALUES (?, ?)", {int64_t{4}, Blob{large}})));
  absl::StatusOr<Rows> rows = Read(db(), "SELECT b FROM items ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].Bytes(0), all_bytes);
  EXPECT_EQ((*rows)[1].Bytes(0), with_nuls);
  EXPECT_FALSE((*rows)[2].IsNull(0)) << "an empty blob is not NULL";
  EXPECT_EQ((*rows)[2].Bytes(0), "");
  EXPECT_TRUE((*rows)[3].Bytes(0) == large);
  // A blob also works as a lookup key.
  EXPECT_EQ(ReadInt("SELECT id FROM items WHERE b = ?", {Blob{with_nuls}}), 2);
}

TEST_P(DatabaseTest, NullsReadAsZeroAndEmpty) {
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, n, s, b) VALUES (?, ?, ?, ?)",
                         {int64_t{1}, Null{}, Null{}, Null{}})));
  absl::StatusOr<Rows> rows = Read(db(), "SELECT n, s, b, id FROM items");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  const Row& row = (*rows)[0];
  ASSERT_EQ(row.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(row.IsNull(i));
    EXPECT_EQ(row.Int(i), 0);
    EXPECT_EQ(row.Text(i), "");
    EXPECT_EQ(row.Bytes(i), "");
  }
  EXPECT_FALSE(row.IsNull(3));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items WHERE s IS NULL"), 1);
}

TEST_P(DatabaseTest, ExecReportsChangedRows) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  for (int64_t id = 1; id <= 3; ++id) {
    absl::StatusOr<int64_t> inserted =
        (*tx)->Exec("INSERT INTO items (id, n) VALUES (?, ?)", {id, int64_t{0}});
    ASSERT_TRUE(IsOk(inserted));
    EXPECT_EQ(*inserted, 1);
  }
  absl::StatusOr<int64_t> updated = (*tx)->Exec("UPDATE items SET n = n + 1");
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ(*updated, 3);
  absl::StatusOr<int64_t> none = (*tx)->Exec("UPDATE items SET n = 0 WHERE id = ?", {int64_t{9}});
  ASSERT_TRUE(IsOk(none));
  EXPECT_EQ(*none, 0);
  absl::StatusOr<int64_t> selected = (*tx)->Exec("SELECT n FROM items");
  ASSERT_TRUE(IsOk(selected));
  EXPECT_EQ(*selected, 0) << "a SELECT changes nothing";
  ASSERT_TRUE(IsOk((*tx)->Commit()));
}

TEST_P(DatabaseTest, WrongParameterCountOrSeveralStatementsAreErrors) {
  EXPECT_THAT(Write(db(), "INSERT INTO items (id, n) VALUES (?, ?)", {int64_t{1}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // SQLite refuses the second statement itself; PostgreSQL reports its syntax error.
  EXPECT_THAT(Write(db(), "INSERT INTO items (id) VALUES (1); INSERT INTO items (id) VALUES (2)"),
              StatusIs(GetParam() == Backend::kPostgres ? absl::StatusCode::kInternal
                                                        : absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 0);
}

// ---------------------------------------------------------------------------
// Transactions.

TEST_P(DatabaseTest, UncommittedTransactionRollsBackOnDestruction) {
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
    ASSERT_TRUE(IsOk(tx));
    EXPECT_EQ((*tx)->engine(), ExpectedEngine());
    ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{1}})));
    ASSERT_EQ((*tx)->Query("SELECT id FROM items")->size(), 1u);
  }
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 0);

  // fn failing rolls back too, and is not retried.
  int calls = 0;
  absl::Status status = RunInTransaction(db(), TxMode::kWrite, [&](Transaction& tx) {
    ++calls;
    absl::Status inserted = tx.Exec("INSERT INTO items (id) VALUES (?)", {int64_t{2}}).status();
    if (!inserted.ok()) return inserted;
    return absl::InvalidArgumentError("caller changed its mind");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 0);
}

TEST_P(DatabaseTest, ConnectionsReturnToThePoolOnEveryPath) {
  OpenOptions options;
  options.max_connections = 2;
  options.lock_timeout_ms = 300;
  // In memory this is a fresh private database, elsewhere the same one.
  absl::StatusOr<std::unique_ptr<Database>> small = Database::Open(url_, options);
  ASSERT_TRUE(IsOk(small));
  ASSERT_TRUE(IsOk((*small)->Migrate("test", ItemsSchema())));
  Database& db = **small;
  for (int i = 0; i < 10; ++i) {
    {  // destroyed without commit
      absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kWrite);
      ASSERT_TRUE(IsOk(tx));
    }
    {  // a failing statement, then destroyed
      absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
      ASSERT_TRUE(IsOk(tx));
      EXPECT_THAT((*tx)->Query("SELECT * FROM no_such_table"),
                  StatusIs(absl::StatusCode::kInternal));
    }
    {  // a failing statement, then Commit
      absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kWrite);
      ASSERT_TRUE(IsOk(tx));
      EXPECT_THAT((*tx)->Exec("INSERT INTO no_such_table VALUES (1)"),
                  StatusIs(absl::StatusCode::kInternal));
      EXPECT_THAT((*tx)->Commit(), StatusIs(absl::StatusCode::kInternal));
    }
    {  // committed
      absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
      ASSERT_TRUE(IsOk(tx));
      ASSERT_TRUE(IsOk((*tx)->Commit()));
    }
  }
  // Both connections are free: two transactions at once still fit.
  absl::StatusOr<std::unique_ptr<Transaction>> first = db.Begin(TxMode::kRead);
  absl::StatusOr<std::unique_ptr<Transaction>> second = db.Begin(TxMode::kRead);
  EXPECT_TRUE(IsOk(first));
  EXPECT_TRUE(IsOk(second));
  // A third waits lock_timeout_ms for a connection, then gives up as ABORTED.
  absl::StatusOr<std::unique_ptr<Transaction>> third = db.Begin(TxMode::kRead);
  EXPECT_THAT(third.status(), StatusIs(absl::StatusCode::kAborted)) << third.status();
}

TEST_P(DatabaseTest, CommitTwiceIsFailedPrecondition) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{1}})));
  ASSERT_TRUE(IsOk((*tx)->Commit()));
  EXPECT_THAT((*tx)->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT((*tx)->Query("SELECT 1").status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  tx->reset();
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, ReadTransactionsCannotWrite) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(tx));
  EXPECT_THAT((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{1}}),
              StatusIs(absl::StatusCode::kInternal));
  tx->reset();
  // The same pooled connection writes again in a write transaction.
  EXPECT_TRUE(IsOk(Write(db(), "INSERT INTO items (id) VALUES (?)", {int64_t{1}})));
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExistsWithoutTheValue) {
  const std::string secret = "secret-person@example.com";
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, secret})));

  absl::Status duplicate_key =
      Write(db(), "INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, std::string("other")});
  EXPECT_THAT(duplicate_key, StatusIs(absl::StatusCode::kAlreadyExists));

  absl::Status duplicate_text =
      Write(db(), "INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{2}, secret});
  EXPECT_THAT(duplicate_text, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(duplicate_text), Not(HasSubstr(secret)));
  EXPECT_THAT(Message(duplicate_text), HasSubstr("INSERT INTO items"));
}

// A full disk is RESOURCE_EXHAUSTED, which a client may retry later, not
// INTERNAL; nothing of the transaction stays. SQLite's page limit stands in for
// the disk: it fails the same way (SQLITE_FULL).
TEST_P(DatabaseTest, AFullDiskIsResourceExhaustedAndWritesNothing) {
  if (GetParam() == Backend::kPostgres) {
    GTEST_SKIP() << "SQLite only: PostgreSQL's disk-full (SQLSTATE 53100) needs a full disk";
  }
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
    ASSERT_TRUE(IsOk(tx));
    ASSERT_TRUE(IsOk((*tx)->Query("PRAGMA max_page_count = 1")));  // the file's size now
    ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{1}})));
    absl::StatusOr<int64_t> full = (*tx)->Exec("INSERT INTO items (id, b) VALUES (?, ?)",
                                               {int64_t{2}, Blob{std::string(200'000, 'x')}});
    EXPECT_THAT(full, StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(Message(full.status()), HasSubstr("the disk is full, nothing was written"));
    EXPECT_THAT(Message(full.status()), HasSubstr("INSERT INTO items"));
  }  // not committed: rolled back
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 0);
}

TEST_P(DatabaseTest, FailedStatementFailsTheTransaction) {
  // PostgreSQL refuses everything after an error in a transaction; SQLite is
  // made to behave the same so that code tested on one works on the other.
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id) VALUES (?)", {int64_t{1}})));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{2}})));
  EXPECT_THAT((*tx)->Exec("INSERT INTO items (id) VALUES (?)", {int64_t{1}}).status(),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT((*tx)->Query("SELECT 1").status(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT((*tx)->Commit(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT((*tx)->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
  tx->reset();
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, ErrorsNeverQuoteParameterValues) {
  const std::string secret = "not-a-number-SECRET";
  absl::Status status =
      Write(db(), "INSERT INTO items (id, n) VALUES (?, ?)", {int64_t{1}, secret});
  // SQLite stores the text (column affinity); PostgreSQL rejects it.
  if (!status.ok()) {
    EXPECT_THAT(Message(status), Not(HasSubstr("SECRET")));
    EXPECT_THAT(Message(status), HasSubstr("INSERT INTO items"));
  }
  absl::Status missing =
      Write(db(), "INSERT INTO no_such_table (secret) VALUES (?)", {std::string("SECRET")});
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(Message(missing), HasSubstr("no_such_table"));
}

TEST_P(DatabaseTest, LockTimeoutIsAborted) {
  OpenOptions options;
  options.lock_timeout_ms = 200;
  absl::StatusOr<std::unique_ptr<Database>> impatient = Database::Open(url_, options);
  ASSERT_TRUE(IsOk(impatient));
  ASSERT_TRUE(IsOk((*impatient)->Migrate("test", ItemsSchema())));
  // Where two objects share the data, the lock is held through the other one,
  // as another process would; in memory the impatient object waits for itself.
  Database& holding = SharedBetweenObjects() ? db() : **impatient;
  ASSERT_TRUE(IsOk(Write(holding, "INSERT INTO items (id, n) VALUES (1, 0)")));

  absl::StatusOr<std::unique_ptr<Transaction>> holder = holding.Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(holder));
  ASSERT_TRUE(IsOk((*holder)->Exec("UPDATE items SET n = 1 WHERE id = 1")));

  absl::Status blocked = [&]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = (*impatient)->Begin(TxMode::kWrite);
    if (!tx.ok()) return tx.status();
    return (*tx)->Exec("UPDATE items SET n = 2 WHERE id = 1").status();
  }();
  EXPECT_THAT(blocked, StatusIs(absl::StatusCode::kAborted));
  ASSERT_TRUE(IsOk((*holder)->Commit()));
  absl::StatusOr<Rows> rows = Read(holding, "SELECT n FROM items WHERE id = 1");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ((*rows)[0].Int(0), 1);
}

TEST_P(DatabaseTest, RunInTransactionRetriesAborted) {
  int calls = 0;
  absl::Status status = RunInTransaction(db(), TxMode::kWrite, [&](Transaction& tx) {
    ++calls;
    absl::Status inserted = tx.Exec("INSERT INTO items (id) VALUES (?)", {int64_t{calls}}).status();
    if (!inserted.ok()) return inserted;
    return calls < 3 ? absl::AbortedError("simulated serialization failure") : absl::OkStatus();
  });
  EXPECT_TRUE(IsOk(status));
  EXPECT_EQ(calls, 3);
  // Only the attempt that committed left its row.
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM items"), 1);
  EXPECT_EQ(ReadInt("SELECT id FROM items"), 3);

  calls = 0;
  status = RunInTransaction(
      db(), TxMode::kWrite,
      [&](Transaction&) {
        ++calls;
        return absl::AbortedError("always");
      },
      4);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(calls, 4);

  calls = 0;
  status = RunInTransaction(db(), TxMode::kRead, [&](Transaction&) {
    ++calls;
    return absl::NotFoundError("not retried");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(calls, 1);
}

TEST_P(DatabaseTest, ConcurrentWritersNeverLoseAnIncrement) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write: correct only if LockExclusive (PostgreSQL) or
        // BEGIN IMMEDIATE (SQLite) serialises the writers.
        absl::Status status = RunInTransaction(
            db(), TxMode::kWrite,
            [](Transaction& tx) -> absl::Status {
              if (absl::Status locked = tx.LockExclusive(1234); !locked.ok()) return locked;
              absl::StatusOr<Rows> rows = tx.Query("SELECT n FROM counter WHERE id = 1");
              if (!rows.ok()) return rows.status();
              return tx.Exec("UPDATE counter SET n = ? WHERE id = 1", {(*rows)[0].Int(0) + 1})
                  .status();
            },
            20);
        if (!status.ok()) {
          ADD_FAILURE() << status;
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ReadInt("SELECT n FROM counter WHERE id = 1"), kThreads * kIncrements);
}

TEST_P(DatabaseTest, ReadersRunBesideAWriter) {
  if (!SharedBetweenObjects()) {
    GTEST_SKIP() << "in memory, readers wait for the writer by design";
  }
  ASSERT_TRUE(IsOk(Write(db(), "INSERT INTO items (id, n) VALUES (1, 10)")));
  absl::StatusOr<std::unique_ptr<Transaction>> writer = db().Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Exec("UPDATE items SET n = 11 WHERE id = 1")));
  // The reader sees the last committed value, without waiting.
  EXPECT_EQ(ReadInt("SELECT n FROM items WHERE id = 1"), 10);
  ASSERT_TRUE(IsOk((*writer)->Commit()));
  EXPECT_EQ(ReadInt("SELECT n FROM items WHERE id = 1"), 11);
}

TEST_P(DatabaseTest, LostConnectionIsUnavailableAndReplaced) {
  if (GetParam() != Backend::kPostgres) {
    GTEST_SKIP() << "SQLite has no connection to lose";
  }
  OpenOptions options;
  options.max_connections = 1;
  absl::StatusOr<std::unique_ptr<Database>> opened = Database::Open(url_, options);
  ASSERT_TRUE(IsOk(opened));
  Database& single = **opened;
  auto kill = [&](int64_t pid) {
    // The two-argument form waits until the backend is gone.
    return Write(db(), "SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)", {pid});
  };

  // Killed inside a transaction.
  absl::StatusOr<std::unique_ptr<Transaction>> tx = single.Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  absl::StatusOr<Rows> pid = (*tx)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(IsOk(pid));
  ASSERT_TRUE(IsOk(kill((*pid)[0].Int(0))));
  absl::Status lost = (*tx)->Query("SELECT 1").status();
  EXPECT_THAT(lost, StatusIs(absl::StatusCode::kUnavailable));
  tx->reset();

  // The only slot was freed and a new connection is made.
  absl::StatusOr<Rows> new_pid = Read(single, "SELECT pg_backend_pid()");
  ASSERT_TRUE(IsOk(new_pid));
  EXPECT_NE((*new_pid)[0].Int(0), (*pid)[0].Int(0));

  // Killed while idle in the pool: the next Begin notices and reconnects.
  ASSERT_TRUE(IsOk(kill((*new_pid)[0].Int(0))));
  EXPECT_TRUE(IsOk(Read(single, "SELECT 1")));
}

// ---------------------------------------------------------------------------
// Opening and describing.

std::string WithPassword(const std::string& url, const std::string& password) {
  const size_t start = url.find("://") + 3;
  const size_t at = url.find('@', start);
  const size_t authority_end = url.find_first_of("/?", start);
  if (at == std::string::npos || (authority_end != std::string::npos && at > authority_end)) {
    return url;  // no user to attach a password to
  }
  const size_t colon = url.find(':', start);
  if (colon != std::string::npos && colon < at) return url;  // keeps its own password
  return url.substr(0, at) + ":" + password + url.substr(at);
}

TEST_P(DatabaseTest, DescribeHidesThePassword) {
  switch (GetParam()) {
    case Backend::kSqliteMemory:
      EXPECT_EQ(db().Describe(), "sqlite::memory:");
      break;
    case Backend::kSqliteFile:
      EXPECT_EQ(db().Describe(), "sqlite:" + db_path_);
      EXPECT_TRUE(std::filesystem::exists(db_path_));
      break;
    case Backend::kPostgres: {
      // The test server trusts local connections, so any password is accepted.
      const std::string with_password = WithPassword(url_, "hunter2-pw");
      absl::StatusOr<std::unique_ptr<Database>> opened = Database::Open(with_password);
      ASSERT_TRUE(IsOk(opened));
      const std::string description = (*opened)->Describe();
      EXPECT_THAT(description, Not(HasSubstr("hunter2")));
      EXPECT_THAT(description, HasSubstr("postgresql://"));
      EXPECT_THAT(description, HasSubstr("/" + pg_database_));
      EXPECT_THAT(description, HasSubstr("@"));
      EXPECT_EQ(db().Describe(), description);
      break;
    }
  }
}

TEST(DatabaseOpenTest, RejectsUrlsOfOtherKinds) {
  for (const char* url : {"", "mysql://user:pw-secret@host/db", "sqlite:", "sqlite:/x.db",
                          "http://example.com", "SQLITE://x.db", "memory"}) {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(url);
    EXPECT_THAT(db.status(), StatusIs(absl::StatusCode::kInvalidArgument)) << url;
    EXPECT_THAT(Message(db.status()),
                HasSubstr("database_url must start with sqlite:// or postgresql://"));
    EXPECT_THAT(Message(db.status()), Not(HasSubstr("pw-secret")));
  }
  EXPECT_THAT(Database::Open("sqlite://").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  OpenOptions no_connections;
  no_connections.max_connections = 0;
  EXPECT_THAT(Database::Open("sqlite::memory:", no_connections).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DatabaseOpenTest, UnreachablePostgresIsUnavailableWithoutThePassword) {
  // Port 1 on loopback refuses at once.
  absl::StatusOr<std::unique_ptr<Database>> db =
      Database::Open("postgresql://someone:pw-secret@127.0.0.1:1/nothing?connect_timeout=2");
  EXPECT_THAT(db.status(), StatusIs(absl::StatusCode::kUnavailable)) << db.status();
  EXPECT_THAT(Message(db.status()), Not(HasSubstr("pw-secret")));
  EXPECT_THAT(Message(db.status()), HasSubstr("someone@127.0.0.1:1/nothing"));
}

TEST(DatabaseOpenTest, InMemoryDatabasesArePrivateToTheirObject) {
  absl::StatusOr<std::unique_ptr<Database>> first = Database::Open("sqlite::memory:");
  absl::StatusOr<std::unique_ptr<Database>> second = Database::Open("sqlite::memory:");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  ASSERT_TRUE(IsOk((*first)->Migrate("solo", {{1, "t", "CREATE TABLE only_here (id BIGINT)"}})));
  absl::StatusOr<std::unique_ptr<Transaction>> tx = (*second)->Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(tx));
  EXPECT_THAT((*tx)->Query("SELECT * FROM only_here"), StatusIs(absl::StatusCode::kInternal));
}

TEST(DatabaseOpenTest, RelativeSqlitePathsAreRelativeToTheWorkingDirectory) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "cercles_storage_rel_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(pattern);
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open("sqlite://data/rel.db");
    EXPECT_TRUE(IsOk(db));
    if (db.ok()) {
      EXPECT_EQ((*db)->Describe(), "sqlite:data/rel.db");
    }
  }
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(pattern) / "data" / "rel.db"));
  std::filesystem::current_path(previous);
  std::filesystem::remove_all(pattern);
}

// ---------------------------------------------------------------------------
// Engine-independent helpers.

TEST(ApplyDialectTest, ReplacesEveryToken) {
  const std::string schema = "CREATE TABLE t (id {{SERIAL_PK}}, a {{BLOB}}, b {{BLOB}})";
  EXPECT_EQ(ApplyDialect(schema, Engine::kSqlite),
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a BLOB, b BLOB)");
  EXPECT_EQ(ApplyDialect(schema, Engine::kPostgres),
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, a BYTEA, b BYTEA)");
  EXPECT_EQ(ApplyDialect("SELECT 1", Engine::kPostgres), "SELECT 1");
}

TEST(RowTest, IntParsesWholeCellsOnly) {
  const Row row({std::string("42"), std::string("-9223372036854775808"), std::string("abc"),
                 std::nullopt, std::string("12abc"), std::string(""),
                 std::string("99999999999999999999"), std::string("1.5")});
  EXPECT_EQ(row.size(), 8u);
  EXPECT_EQ(row.Int(0), 42);
  EXPECT_EQ(row.Int(1), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(row.Int(2), 0);
  EXPECT_EQ(row.Int(3), 0);
  EXPECT_TRUE(row.IsNull(3));
  EXPECT_EQ(row.Text(3), "");
  EXPECT_EQ(row.Int(4), 0);
  EXPECT_EQ(row.Int(5), 0);
  EXPECT_EQ(row.Int(6), 0);
  EXPECT_EQ(row.Int(7), 0);
  EXPECT_EQ(row.Text(2), "abc");
}

}  // namespace
}  // namespace cercles::storage
