// The journal store, the same tests on every engine: SQLite in memory, SQLite on
// a file, and PostgreSQL when CERCLES_TEST_POSTGRES_URL names a server where the
// test may create databases (each test gets a fresh one, dropped afterwards).
#include "services/lending/journal_store.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/context.h"
#include "tests/support/servers.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

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

constexpr char kActor[] = "staff:alice";
const absl::Time kNow = absl::FromUnixSeconds(1'710'000'000);
const absl::CivilDay kDay(2024, 3, 1);
const absl::CivilDay kFarFuture(2100, 1, 1);

EntryHeader On(absl::CivilDay day) { return EntryHeader{day, "CAD", ""}; }

std::string LoanName(int64_t id) { return absl::StrCat("loans/", id); }

RepaymentSplit Split(int64_t principal, int64_t interest) {
  RepaymentSplit split;
  split.principal_cents = principal;
  split.interest_cents = interest;
  return split;
}

class JournalStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string url;
    switch (GetParam()) {
      case Backend::kSqliteMemory:
        url = "sqlite::memory:";
        break;
      case Backend::kSqliteFile: {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "cercles_journal_test_XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        temp_dir_ = pattern;
        url = "sqlite://" + temp_dir_ + "/lending.db";
        break;
      }
      case Backend::kPostgres: {
        base_url_ = cercles::testing::PostgresBaseUrlFromEnv();
        if (base_url_.empty()) {
          GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set; skipping the PostgreSQL "
                          "instance of this test";
        }
        auto created = cercles::testing::CreatePostgresDatabase(base_url_, "journal_store");
        ASSERT_TRUE(created.ok()) << created.status();
        url = pg_url_ = *created;
        break;
      }
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
    if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);
  }

  // Posts in its own transaction; returns the id (0 on failure, with the test failed).
  int64_t Post(const JournalEntry& entry) {
    int64_t id = 0;
    absl::Status status =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          absl::StatusOr<int64_t> posted = store_.Post(tx, entry, kNow, kActor);
          if (!posted.ok()) return posted.status();
          id = *posted;
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  absl::StatusOr<int64_t> Reverse(int64_t id, absl::CivilDay day = kDay) {
    int64_t reversal = 0;
    absl::Status status =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          absl::StatusOr<int64_t> reversed = store_.Reverse(tx, id, day, "", kNow, kActor);
          if (!reversed.ok()) return reversed.status();
          reversal = *reversed;
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return reversal;
  }

  std::unique_ptr<storage::Transaction> Read() {
    auto tx = db_->Begin(storage::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status();
    return tx.ok() ? std::move(*tx) : nullptr;
  }

  int64_t BalanceOf(Account account, const SubLedger& sub = {}, absl::CivilDay as_of = kFarFuture) {
    auto tx = Read();
    absl::StatusOr<AccountTotals> totals = store_.Balance(*tx, account, sub, as_of);
    EXPECT_TRUE(totals.ok()) << totals.status();
    return totals.ok() ? totals->balance_cents : -1;
  }

  TrialBalanceReport Trial(absl::CivilDay as_of = kFarFuture) {
    auto tx = Read();
    absl::StatusOr<TrialBalanceReport> report = store_.TrialBalance(*tx, as_of);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(TrialBalanceReport());
  }

  std::optional<StoredEntry> Get(int64_t id) {
    auto tx = Read();
    absl::StatusOr<std::optional<StoredEntry>> entry = store_.Get(*tx, id);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return entry.value_or(std::nullopt);
  }

  std::vector<int64_t> Unbalanced() {
    auto tx = Read();
    absl::StatusOr<std::vector<int64_t>> ids = store_.FindUnbalancedEntries(*tx);
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.value_or(std::vector<int64_t>{-1});
  }

  // All pages of a listing, checking the paging contract on the way.
  std::vector<StoredEntry> ListAll(const JournalFilter& filter, int page_size) {
    std::vector<StoredEntry> all;
    int64_t after = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      auto tx = Read();
      absl::StatusOr<JournalPage> page = store_.ListEntries(*tx, filter, after, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->entries.size(), static_cast<size_t>(page_size));
      for (StoredEntry& entry : page->entries) all.push_back(std::move(entry));
      if (!page->next_after_id.has_value()) break;
      EXPECT_EQ(page->entries.size(), static_cast<size_t>(page_size));
      EXPECT_EQ(*page->next_after_id, all.back().id);
      after = *page->next_after_id;
    }
    return all;
  }

  std::string base_url_, pg_url_, temp_dir_;
  std::unique_ptr<storage::Database> db_;
  JournalStore store_{"CAD"};
};

TEST_P(JournalStoreTest, PostStoresTheEntryWithItsLines) {
  EntryHeader header = On(kDay);
  header.description = "Premier prêt du cercle de Verdun";
  const int64_t id = Post(Disbursement(header, LoanName(1), 150'000));
  ASSERT_GT(id, 0);
  std::optional<StoredEntry> stored = Get(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, id);
  EXPECT_EQ(stored->entry.kind, EntryKind::kDisbursement);
  EXPECT_EQ(stored->entry.effective_date, kDay);
  EXPECT_EQ(stored->entry.description, "Premier prêt du cercle de Verdun");
  EXPECT_EQ(stored->entry.currency, "CAD");
  EXPECT_FALSE(stored->entry.reverses_entry_id.has_value());
  EXPECT_FALSE(stored->reversed_by_entry_id.has_value());
  EXPECT_EQ(stored->create_time, kNow);
  EXPECT_EQ(stored->posted_by, kActor);
  ASSERT_EQ(stored->entry.lines.size(), 2u);
  EXPECT_EQ(stored->entry.lines[0].account, Account::kLoansReceivable);
  EXPECT_EQ(stored->entry.lines[0].debit_cents, 150'000);
  EXPECT_EQ(stored->entry.lines[0].credit_cents, 0);
  EXPECT_EQ(stored->entry.lines[0].loan, "loans/1");
  EXPECT_EQ(stored->entry.lines[0].party, "");
  EXPECT_EQ(stored->entry.lines[1].account, Account::kCash);
  EXPECT_EQ(stored->entry.lines[1].credit_cents, 150'000);
  EXPECT_FALSE(Get(id + 100).has_value());
}

TEST_P(JournalStoreTest, PostRefusesInvalidForeignCurrencyAndReversalEntries) {
  JournalEntry unbalanced = Disbursement(On(kDay), LoanName(1), 100);
  unbalanced.lines[1].credit_cents = 99;
  JournalEntry dollars = Disbursement(EntryHeader{kDay, "USD", ""}, LoanName(1), 100);
  JournalEntry reversal = Reversal(On(kDay), 1, Disbursement(On(kDay), LoanName(1), 100));
  struct Case {
    const JournalEntry* entry;
    std::string message;
  };
  for (const Case& c :
       {Case{&unbalanced, "debits (100 minor units) must equal credits (99 minor units)"},
        Case{&dollars, "currency: the fund keeps its books in CAD"},
        Case{&reversal, "a reversal is posted with Reverse"}}) {
    auto tx = db_->Begin(storage::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    absl::StatusOr<int64_t> id = store_.Post(**tx, *c.entry, kNow, kActor);
    EXPECT_THAT(id.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << id.status();
  }
  EXPECT_EQ(Trial().total_debit_cents, 0);
}

TEST_P(JournalStoreTest, ReverseSwapsTheLinesAndLinksBothEntries) {
  const std::string loan = LoanName(7);
  Post(Disbursement(On(kDay), loan, 100'000));
  const int64_t repayment = Post(Repayment(On(kDay + 30), loan, Split(9'000, 450)));
  ASSERT_EQ(BalanceOf(Account::kLoansReceivable, {loan, ""}), 91'000);

  absl::StatusOr<int64_t> reversal = Reverse(repayment, kDay + 31);
  ASSERT_TRUE(reversal.ok()) << reversal.status();
  std::optional<StoredEntry> stored = Get(*reversal);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->entry.kind, EntryKind::kRepaymentReversal);
  EXPECT_EQ(stored->entry.reverses_entry_id, repayment);
  EXPECT_EQ(stored->entry.effective_date, kDay + 31);
  EXPECT_EQ(stored->entry.description, absl::StrCat("Reversal of entry ", repayment));
  ASSERT_EQ(stored->entry.lines.size(), 3u);
  EXPECT_EQ(stored->entry.lines[0].account, Account::kCash);
  EXPECT_EQ(stored->entry.lines[0].credit_cents, 9'450);
  EXPECT_EQ(stored->entry.lines[1].debit_cents, 9'000);
  EXPECT_EQ(stored->entry.lines[2].account, Account::kInterestIncome);
  EXPECT_EQ(stored->entry.lines[2].debit_cents, 450);
  EXPECT_EQ(Get(repayment)->reversed_by_entry_id, *reversal);

  // The repayment counts until the reversal's date, and not after.
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {loan, ""}, kDay + 30), 91'000);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {loan, ""}), 100'000);
  EXPECT_EQ(BalanceOf(Account::kInterestIncome), 0);
  EXPECT_TRUE(Unbalanced().empty());
}

TEST_P(JournalStoreTest, ASecondReversalAndTheReversalOfAReversalAreRefused) {
  const int64_t disbursement = Post(Disbursement(On(kDay), LoanName(3), 50'000));
  absl::StatusOr<int64_t> reversal = Reverse(disbursement);
  ASSERT_TRUE(reversal.ok()) << reversal.status();
  EXPECT_EQ(Get(*reversal)->entry.kind, EntryKind::kReversal);

  absl::StatusOr<int64_t> again = Reverse(disbursement);
  EXPECT_THAT(again.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(absl::StrCat("already reversed by entry ", *reversal))))
      << again.status();

  absl::StatusOr<int64_t> of_reversal = Reverse(*reversal);
  EXPECT_THAT(of_reversal.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("is itself the reversal of entry")));

  EXPECT_THAT(Reverse(*reversal + 50).status(), StatusIs(absl::StatusCode::kNotFound));

  const int64_t later = Post(Disbursement(On(kDay + 10), LoanName(4), 50'000));
  absl::StatusOr<int64_t> backdated = Reverse(later, kDay + 9);
  EXPECT_THAT(backdated.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot be dated before the entry it reverses (2024-03-11)")));

  const TrialBalanceReport trial = Trial();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(trial.total_debit_cents, 150'000);  // 50,000 twice (entry, reversal) + 50,000
}

TEST_P(JournalStoreTest, ConcurrentReversalsOfOneEntryLetExactlyOneThrough) {
  const int64_t id = Post(Repayment(On(kDay), LoanName(1), Split(5'000, 100)));
  constexpr int kThreads = 4;
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = Reverse(id).status(); });
  }
  for (std::thread& thread : threads) thread.join();
  int succeeded = 0;
  for (const absl::Status& status : results) {
    if (status.ok()) {
      ++succeeded;
    } else {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
    }
  }
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(ListAll({}, 10).size(), 2u);
  EXPECT_EQ(BalanceOf(Account::kCash), 0);
}

TEST_P(JournalStoreTest, TheDatabaseRefusesWhatTheDomainWouldRefuse) {
  const int64_t id = Post(Disbursement(On(kDay), LoanName(1), 100));
  const int64_t reversal = *Reverse(id);
  // A line with both sides, a line with none, and a reversal marked reversed.
  for (const std::string& sql :
       {absl::StrCat("INSERT INTO journal_lines (entry_id, line_no, account, debit_cents, "
                     "credit_cents) VALUES (",
                     id, ", 9, '1000', 5, 5)"),
        absl::StrCat("INSERT INTO journal_lines (entry_id, line_no, account, debit_cents, "
                     "credit_cents) VALUES (",
                     id, ", 9, '1000', 0, 0)"),
        absl::StrCat("UPDATE journal_entries SET reversed_by_entry_id = ", id,
                     " WHERE id = ", reversal),
        absl::StrCat("INSERT INTO journal_entries (kind, effective_date, description, currency, "
                     "total_cents, reverses_entry_id, create_time_us, posted_by) VALUES "
                     "('REVERSAL', '2024-03-01', '', 'CAD', 100, ",
                     id, ", 0, 'x')")}) {
    absl::Status status =
        storage::RunInTransaction(*db_, storage::TxMode::kWrite,
                                  [&](storage::Transaction& tx) { return tx.Exec(sql).status(); });
    EXPECT_FALSE(status.ok()) << sql;
    if (absl::StrContains(sql, "INSERT INTO journal_entries")) {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists));
    }
  }
  EXPECT_TRUE(Unbalanced().empty());
}

TEST_P(JournalStoreTest, TheAuditFindsATamperedEntry) {
  const int64_t first = Post(Disbursement(On(kDay), LoanName(1), 100));
  const int64_t second = Post(Disbursement(On(kDay), LoanName(2), 200));
  ASSERT_TRUE(Unbalanced().empty());
  absl::Status tampered =
      storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
        return tx
            .Exec(
                "UPDATE journal_lines SET debit_cents = debit_cents + 1 WHERE entry_id = ? AND "
                "debit_cents > 0",
                {second})
            .status();
      });
  ASSERT_TRUE(tampered.ok()) << tampered;
  EXPECT_THAT(Unbalanced(), ::testing::ElementsAre(second));
  EXPECT_FALSE(Trial().balanced());
  (void)first;
}

TEST_P(JournalStoreTest, BalancesByAccountByLoanByPartyAndAsOfADate) {
  Post(CapitalContribution(On(kDay), 10'000'000, "people/90"));
  Post(Disbursement(On(kDay + 1), LoanName(1), 100'000));
  Post(Disbursement(On(kDay + 2), LoanName(2), 300'000));
  Post(Repayment(On(kDay + 10), LoanName(1), Split(20'000, 1'000)));
  Post(InterestAccrual(On(kDay + 20), LoanName(2), 2'500));
  Post(GuaranteeCall(On(kDay + 40), LoanName(2),
                     ShareEqually(300'000, {"people/1", "people/2", "people/3", "people/4"})));
  Post(GuaranteePayment(On(kDay + 45), LoanName(2), "people/2", 75'000));
  Post(WriteOff(On(kDay + 50), LoanName(2), 0, 2'500));

  EXPECT_EQ(BalanceOf(Account::kCash), 10'000'000 - 100'000 - 300'000 + 21'000 + 75'000);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable), 80'000);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {LoanName(1), ""}), 80'000);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {LoanName(2), ""}), 0);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {LoanName(2), ""}, kDay + 39), 300'000);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {LoanName(1), ""}, kDay), 0);
  EXPECT_EQ(BalanceOf(Account::kInterestIncome), 3'500);
  EXPECT_EQ(BalanceOf(Account::kInterestReceivable), 0);
  EXPECT_EQ(BalanceOf(Account::kInterestReceivable, {}, kDay + 49), 2'500);
  EXPECT_EQ(BalanceOf(Account::kWriteOffExpense), 2'500);
  EXPECT_EQ(BalanceOf(Account::kFundCapital), 10'000'000);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable), 225'000);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable, {"", "people/2"}), 0);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable, {"", "people/3"}), 75'000);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable, {LoanName(2), "people/1"}), 75'000);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable, {LoanName(1), "people/1"}), 0);

  auto tx = Read();
  absl::StatusOr<AccountTotals> cash = store_.Balance(*tx, Account::kCash, {}, kFarFuture);
  ASSERT_TRUE(cash.ok());
  EXPECT_EQ(cash->debit_cents, 10'000'000 + 21'000 + 75'000);
  EXPECT_EQ(cash->credit_cents, 400'000);
  EXPECT_THAT(store_.Balance(*tx, static_cast<Account>(99), {}, kFarFuture).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// Capital of 100,000.00, forty loans of 500 to 5,000 disbursed over forty days
// with random repayments in between, interest accrued on a few, one write-off
// and one guarantee call: the trial balance equals what the test computed on its
// own, and debits equal credits.
TEST_P(JournalStoreTest, TrialBalanceOfARealisticSequence) {
  std::mt19937_64 random(20240301);
  std::map<Account, int64_t> expected;  // on the normal side
  std::map<std::string, int64_t> outstanding;
  Post(CapitalContribution(On(kDay), 10'000'000));
  expected[Account::kCash] += 10'000'000;
  expected[Account::kFundCapital] += 10'000'000;
  int64_t day = 0;
  for (int loan_id = 1; loan_id <= 40; ++loan_id) {
    ++day;
    const std::string loan = LoanName(loan_id);
    const int64_t principal = 50'000 + static_cast<int64_t>(random() % 91) * 5'000;
    Post(Disbursement(On(kDay + day), loan, principal));
    outstanding[loan] = principal;
    expected[Account::kLoansReceivable] += principal;
    expected[Account::kCash] -= principal;
    for (auto& [name, owed] : outstanding) {
      if (owed == 0 || random() % 3 != 0) continue;
      const int64_t part = std::min<int64_t>(owed, 1 + static_cast<int64_t>(random() % 40'000));
      const int64_t interest = part / 50;
      Post(Repayment(On(kDay + day), name, Split(part, interest)));
      owed -= part;
      expected[Account::kCash] += part + interest;
      expected[Account::kLoansReceivable] -= part;
      expected[Account::kInterestIncome] += interest;
    }
  }
  // Accrued interest on loan 5, then written off with its principal.
  Post(InterestAccrual(On(kDay + 45), LoanName(5), 1'234));
  Post(WriteOff(On(kDay + 50), LoanName(5), outstanding[LoanName(5)], 1'234));
  expected[Account::kInterestIncome] += 1'234;
  expected[Account::kWriteOffExpense] += outstanding[LoanName(5)] + 1'234;
  expected[Account::kLoansReceivable] -= outstanding[LoanName(5)];
  outstanding[LoanName(5)] = 0;
  // The circle of the last loan still owing is called for what remains; two
  // guarantors pay their share.
  std::string called;
  for (const auto& [name, owed] : outstanding) {
    if (owed > 0) called = name;
  }
  ASSERT_FALSE(called.empty());
  const int64_t remaining = outstanding[called];
  const std::vector<GuarantorShare> shares =
      ShareEqually(remaining, {"people/91", "people/92", "people/93", "people/94", "people/95"});
  Post(GuaranteeCall(On(kDay + 55), called, shares));
  Post(GuaranteePayment(On(kDay + 60), called, shares[0].party, shares[0].cents));
  Post(GuaranteePayment(On(kDay + 61), called, shares[1].party, shares[1].cents));
  expected[Account::kLoansReceivable] -= remaining;
  expected[Account::kGuaranteeReceivable] += remaining - shares[0].cents - shares[1].cents;
  expected[Account::kCash] += shares[0].cents + shares[1].cents;
  outstanding[called] = 0;

  const TrialBalanceReport trial = Trial();
  EXPECT_TRUE(trial.balanced());
  EXPECT_GT(trial.total_debit_cents, 10'000'000);
  ASSERT_EQ(trial.accounts.size(), ChartOfAccounts().size());
  for (const AccountTotals& totals : trial.accounts) {
    EXPECT_EQ(totals.balance_cents, expected[totals.account]) << AccountCode(totals.account);
    EXPECT_EQ(totals.balance_cents, BalanceOf(totals.account)) << AccountCode(totals.account);
  }
  // The sub-ledger adds up to the control account.
  int64_t sub_ledger = 0;
  for (const auto& [name, owed] : outstanding) {
    EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {name, ""}), owed) << name;
    sub_ledger += owed;
  }
  EXPECT_EQ(sub_ledger, expected[Account::kLoansReceivable]);
  EXPECT_EQ(BalanceOf(Account::kGuaranteeReceivable, {called, "people/93"}), shares[2].cents);
  // As of the day before the write-off, the trial balance is still balanced
  // and loan 5 is still receivable.
  const TrialBalanceReport earlier = Trial(kDay + 49);
  EXPECT_TRUE(earlier.balanced());
  EXPECT_LT(earlier.total_debit_cents, trial.total_debit_cents);
  EXPECT_TRUE(Unbalanced().empty());
}

TEST_P(JournalStoreTest, ARolledBackTransactionLeavesNoEntry) {
  {
    auto tx = db_->Begin(storage::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store_.Post(**tx, Disbursement(On(kDay), LoanName(1), 100), kNow, kActor).ok());
  }  // destroyed without Commit
  absl::Status failed =
      storage::RunInTransaction(*db_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
        absl::StatusOr<int64_t> id =
            store_.Post(tx, Disbursement(On(kDay), LoanName(2), 200), kNow, kActor);
        if (!id.ok()) return id.status();
        return absl::FailedPreconditionError("the loan change failed after the entry");
      });
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(ListAll({}, 10).empty());
  EXPECT_EQ(Trial().total_debit_cents, 0);
  // An entry posted afterwards is the only one.
  Post(Disbursement(On(kDay), LoanName(3), 300));
  EXPECT_EQ(ListAll({}, 10).size(), 1u);
  EXPECT_EQ(Trial().total_debit_cents, 300);
}

TEST_P(JournalStoreTest, EightThreadsPostingConcurrentlyEndWithTheExactTotals) {
  constexpr int kThreads = 8;
  constexpr int kPostsPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPostsPerThread; ++i) {
        const std::string loan = absl::StrCat("loans/", 1000 * (t + 1) + i);
        const int64_t principal = 100 * (t + 1) + i;
        for (const JournalEntry& entry :
             {Disbursement(On(kDay), loan, principal),
              Repayment(On(kDay + 1), loan, Split(principal / 2, t + 1))}) {
          absl::Status status = storage::RunInTransaction(
              *db_, storage::TxMode::kWrite,
              [&](storage::Transaction& tx) {
                return store_.Post(tx, entry, kNow, absl::StrCat("thread-", t)).status();
              },
              /*attempts=*/50);
          if (!status.ok()) {
            ADD_FAILURE() << status;
            failures.fetch_add(1);
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);

  int64_t lent = 0, repaid = 0, interest = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPostsPerThread; ++i) {
      const int64_t principal = 100 * (t + 1) + i;
      lent += principal;
      repaid += principal / 2;
      interest += t + 1;
    }
  }
  const TrialBalanceReport trial = Trial();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(trial.total_debit_cents, lent + repaid + interest);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable), lent - repaid);
  EXPECT_EQ(BalanceOf(Account::kCash), -lent + repaid + interest);
  EXPECT_EQ(BalanceOf(Account::kInterestIncome), interest);
  EXPECT_EQ(BalanceOf(Account::kLoansReceivable, {"loans/4007", ""}), 407 - 203);
  EXPECT_EQ(ListAll({}, 500).size(), static_cast<size_t>(2 * kThreads * kPostsPerThread));
  EXPECT_TRUE(Unbalanced().empty());
}

TEST_P(JournalStoreTest, ListingIsPaginatedAndFiltered) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 23; ++i) {
    const std::string loan = LoanName(1 + i % 2);
    ids.push_back(Post(i % 3 == 0 ? Disbursement(On(kDay + i), loan, 1'000 + i)
                                  : Repayment(On(kDay + i), loan, Split(100 + i, 0))));
  }
  for (int page_size : {1, 5, 23, 100}) {
    std::vector<StoredEntry> all = ListAll({}, page_size);
    ASSERT_EQ(all.size(), ids.size()) << page_size;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].id, ids[i]);
      EXPECT_GE(all[i].entry.lines.size(), 2u);
    }
  }
  {
    auto tx = Read();
    absl::StatusOr<JournalPage> page = store_.ListEntries(*tx, {}, 0, 23);
    ASSERT_TRUE(page.ok());
    EXPECT_FALSE(page->next_after_id.has_value());
    absl::StatusOr<JournalPage> empty = store_.ListEntries(*tx, {}, ids.back(), 10);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->entries.empty());
    EXPECT_FALSE(empty->next_after_id.has_value());
    for (int bad : {0, -1, 1001}) {
      EXPECT_THAT(store_.ListEntries(*tx, {}, 0, bad).status(),
                  StatusIs(absl::StatusCode::kInvalidArgument));
    }
  }

  JournalFilter by_loan;
  by_loan.loan = LoanName(2);
  std::vector<StoredEntry> loan_two = ListAll(by_loan, 4);
  EXPECT_EQ(loan_two.size(), 11u);
  for (const StoredEntry& e : loan_two) EXPECT_EQ(e.entry.lines[0].loan, LoanName(2));

  JournalFilter by_kind;
  by_kind.kind = EntryKind::kDisbursement;
  EXPECT_EQ(ListAll(by_kind, 3).size(), 8u);  // i = 0, 3, ..., 21

  JournalFilter by_dates;
  by_dates.from_date = kDay + 5;
  by_dates.to_date = kDay + 9;
  std::vector<StoredEntry> week = ListAll(by_dates, 2);
  ASSERT_EQ(week.size(), 5u);
  EXPECT_EQ(week.front().entry.effective_date, kDay + 5);
  EXPECT_EQ(week.back().entry.effective_date, kDay + 9);

  JournalFilter combined = by_dates;
  combined.loan = LoanName(1);
  combined.kind = EntryKind::kRepayment;
  EXPECT_EQ(ListAll(combined, 10).size(), 1u);  // i = 8; i = 6 is a disbursement

  JournalFilter by_party;
  by_party.party = "people/1";
  EXPECT_TRUE(ListAll(by_party, 10).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, JournalStoreTest,
                         ::testing::Values(Backend::kSqliteMemory, Backend::kSqliteFile,
                                           Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace cercles::lending
