// The SQL of bank referrals and subsidy applications, on SQLite in memory and on
// PostgreSQL when CERCLES_TEST_POSTGRES_URL is set (a fresh database per test).
#include "services/lending/financing_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/context.h"
#include "tests/support/servers.h"

namespace cercles::lending {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1'717'000'000);
const absl::Time kUpdated = kCreated + absl::Hours(26);

class FinancingStoreTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    std::string url = "sqlite::memory:";
    if (GetParam() == storage::Engine::kPostgres) {
      base_url_ = cercles::testing::PostgresBaseUrlFromEnv();
      if (base_url_.empty()) GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set";
      auto created = cercles::testing::CreatePostgresDatabase(base_url_, "financing_store");
      ASSERT_TRUE(created.ok()) << created.status();
      url = pg_url_ = *created;
    }
    auto db = storage::Database::Open(url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    absl::Status migrated = MigrateLending(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }

  void TearDown() override {
    db_.reset();
    if (!pg_url_.empty()) cercles::testing::DropPostgresDatabase(base_url_, pg_url_);
  }

  // Runs `fn` in a committed write transaction.
  void Write(const std::function<absl::Status(storage::Transaction&)>& fn) {
    absl::Status status = storage::RunInTransaction(*db_, storage::TxMode::kWrite, fn);
    ASSERT_TRUE(status.ok()) << status;
  }

  v1::BankReferral InsertReferral(const std::string& person, int64_t cents) {
    v1::BankReferral draft;
    draft.set_person(person);
    draft.set_institution("Caisse populaire");
    draft.set_note("first meeting");
    v1::BankReferral stored;
    Write([&](storage::Transaction& tx) -> absl::Status {
      auto inserted =
          FinancingStore::InsertReferral(tx, draft, cents, "CAD", "staff:alice", kCreated);
      if (!inserted.ok()) return inserted.status();
      stored = *inserted;
      return absl::OkStatus();
    });
    return stored;
  }

  std::vector<v1::BankReferral> ListReferrals(const ReferralFilter& filter, int64_t after_id = 0,
                                              int limit = 50) {
    auto tx = db_->Begin(storage::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto listed = FinancingStore::ListReferrals(**tx, filter, after_id, limit);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.value_or(std::vector<v1::BankReferral>{});
  }

  std::string base_url_, pg_url_;
  std::unique_ptr<storage::Database> db_;
};

TEST_P(FinancingStoreTest, ReferralIsStoredPreparedAndUpdated) {
  v1::BankReferral referral = InsertReferral("people/3", 1'500'000);
  EXPECT_EQ(referral.name(), "bankReferrals/1");
  EXPECT_EQ(referral.person(), "people/3");
  EXPECT_EQ(referral.institution(), "Caisse populaire");
  EXPECT_EQ(referral.amount_requested().currency_code(), "CAD");
  EXPECT_EQ(referral.amount_requested().minor_units(), 1'500'000);
  EXPECT_EQ(referral.status(), v1::BANK_REFERRAL_STATUS_PREPARED);
  EXPECT_FALSE(referral.has_amount_obtained());
  EXPECT_EQ(referral.created_by(), "staff:alice");
  EXPECT_EQ(referral.create_time().seconds(), 1'717'000'000);

  v1::BankReferral accepted;
  Write([&](storage::Transaction& tx) -> absl::Status {
    auto locked = FinancingStore::GetReferral(tx, 1, /*for_update=*/true);
    if (!locked.ok()) return locked.status();
    EXPECT_TRUE(locked->has_value());
    ReferralChange change{v1::BANK_REFERRAL_STATUS_ACCEPTED, 1'200'000, "lent 12,000"};
    auto updated = FinancingStore::UpdateReferral(tx, 1, change, kUpdated);
    if (!updated.ok()) return updated.status();
    accepted = *updated;
    return absl::OkStatus();
  });
  EXPECT_EQ(accepted.status(), v1::BANK_REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(accepted.amount_obtained().minor_units(), 1'200'000);
  EXPECT_EQ(accepted.amount_obtained().currency_code(), "CAD");
  EXPECT_EQ(accepted.note(), "lent 12,000");
  EXPECT_EQ(accepted.create_time().seconds(), 1'717'000'000);
  EXPECT_EQ(accepted.update_time().seconds(), 1'717'000'000 + 26 * 3600);

  auto tx = db_->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto missing = FinancingStore::GetReferral(**tx, 99, /*for_update=*/false);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(FinancingStoreTest, ReferralsListByPersonStatusAndPage) {
  for (int i = 0; i < 5; ++i) InsertReferral(i % 2 == 0 ? "people/1" : "people/2", 1000 + i);
  Write([&](storage::Transaction& tx) {
    return FinancingStore::UpdateReferral(tx, 3, {v1::BANK_REFERRAL_STATUS_SENT, 0, ""}, kUpdated)
        .status();
  });
  auto names = [](const std::vector<v1::BankReferral>& list) {
    std::vector<std::string> out;
    for (const auto& r : list) out.push_back(r.name());
    return out;
  };
  EXPECT_THAT(names(ListReferrals({})),
              ::testing::ElementsAre("bankReferrals/1", "bankReferrals/2", "bankReferrals/3",
                                     "bankReferrals/4", "bankReferrals/5"));
  EXPECT_THAT(names(ListReferrals({"people/1", {}})),
              ::testing::ElementsAre("bankReferrals/1", "bankReferrals/3", "bankReferrals/5"));
  EXPECT_THAT(names(ListReferrals({"", v1::BANK_REFERRAL_STATUS_SENT})),
              ::testing::ElementsAre("bankReferrals/3"));
  EXPECT_THAT(names(ListReferrals({"people/2", v1::BANK_REFERRAL_STATUS_SENT})),
              ::testing::IsEmpty());
  EXPECT_THAT(names(ListReferrals({}, /*after_id=*/2, /*limit=*/2)),
              ::testing::ElementsAre("bankReferrals/3", "bankReferrals/4"));
}

TEST_P(FinancingStoreTest, SubsidyApplicationRoundTrip) {
  v1::SubsidyApplication draft;
  draft.set_person("people/8");
  draft.set_programme("Futurpreneur Canada");
  v1::SubsidyApplication granted;
  Write([&](storage::Transaction& tx) -> absl::Status {
    auto inserted = FinancingStore::InsertSubsidy(tx, draft, 750'000, "CAD", "staff:bob", kCreated);
    if (!inserted.ok()) return inserted.status();
    EXPECT_EQ(inserted->status(), v1::SUBSIDY_STATUS_PREPARED);
    EXPECT_EQ(inserted->name(), "subsidyApplications/1");
    EXPECT_FALSE(inserted->has_amount_granted());
    auto updated = FinancingStore::UpdateSubsidy(
        tx, 1, {v1::SUBSIDY_STATUS_GRANTED, 500'000, "granted in part"}, kUpdated);
    if (!updated.ok()) return updated.status();
    granted = *updated;
    return absl::OkStatus();
  });
  EXPECT_EQ(granted.programme(), "Futurpreneur Canada");
  EXPECT_EQ(granted.amount_requested().minor_units(), 750'000);
  EXPECT_EQ(granted.amount_granted().minor_units(), 500'000);
  EXPECT_EQ(granted.outcome(), "granted in part");
  EXPECT_EQ(granted.created_by(), "staff:bob");

  auto tx = db_->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto listed =
      FinancingStore::ListSubsidies(**tx, {"people/8", v1::SUBSIDY_STATUS_GRANTED}, 0, 10);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name(), "subsidyApplications/1");
}

INSTANTIATE_TEST_SUITE_P(Engines, FinancingStoreTest,
                         ::testing::Values(storage::Engine::kSqlite, storage::Engine::kPostgres),
                         [](const ::testing::TestParamInfo<storage::Engine>& info) {
                           return info.param == storage::Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace cercles::lending
