// The SQL of repayments and guarantee calls on each engine: what is stored reads
// back the same, reversals link once, shares never take more than called.
#include "services/lending/servicing_store.h"

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/loan_store.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/lending/lending_test_db.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);

class ServicingStoreTest : public LendingDbTest {
 protected:
  void SetUp() override {
    LendingDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    LoanRecord loan;
    loan.applicant = "people/1";
    loan.circle = "circles/1";
    loan.state = LoanState::kActive;
    loan.request.amount_cents = 50'000;
    loan.request.purpose = "Stock";
    loan.request.business_plan_summary = "Market stall";
    loan.request.instalment_count = 12;
    loan.request.annual_rate_bps = 500;
    loan.ceiling_cents = 50'000;
    loan.submitted_by = "staff:alice";
    loan.create_time = kNow;
    loan.update_time = kNow;
    ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(loan_id_, InsertLoan(tx, loan));
                  return absl::OkStatus();
                }).ok());
  }

  RepaymentRecord Repayment(int64_t cents) const {
    RepaymentRecord r;
    r.loan_id = loan_id_;
    r.amount_cents = cents;
    r.reference = "reçu 12";
    r.allocation.received_on = absl::CivilDay(2026, 3, 4);
    r.allocation.lines = {{1, 400, 120}, {2, cents - 520, 0}};
    r.allocation.principal_cents = cents - 120;
    r.allocation.interest_cents = 120;
    r.journal_entry_id = 77;
    r.recorded_by = "staff:bob";
    r.create_time = kNow;
    return r;
  }

  int64_t Insert(const RepaymentRecord& r) {
    int64_t id = 0;
    EXPECT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(id, InsertRepayment(tx, r));
                  return absl::OkStatus();
                }).ok());
    return id;
  }

  int64_t loan_id_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Engines, ServicingStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

TEST_P(ServicingStoreTest, ARepaymentReadsBackWithItsAllocation) {
  RepaymentRecord written = Repayment(1'000);
  written.id = Insert(written);
  ASSERT_GT(written.id, 0);
  RepaymentRecord read;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(read, LoadRepayment(tx, {loan_id_, written.id}));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(read.name(), absl::StrCat("loans/", loan_id_, "/repayments/", written.id));
  EXPECT_EQ(read.amount_cents, 1'000);
  EXPECT_EQ(read.reference, "reçu 12");
  EXPECT_EQ(read.allocation.received_on, absl::CivilDay(2026, 3, 4));
  EXPECT_EQ(read.allocation.lines, written.allocation.lines);
  EXPECT_EQ(read.allocation.principal_cents, 880);
  EXPECT_EQ(read.allocation.interest_cents, 120);
  EXPECT_FALSE(read.reversal_entry_id.has_value());
  EXPECT_EQ(read.create_time, kNow);

  v1::Repayment view = RepaymentToProto(read, "CAD", "people/4");
  EXPECT_EQ(view.borrower(), "people/4");
  ASSERT_EQ(view.allocations_size(), 2);
  EXPECT_EQ(view.allocations(1).principal().minor_units(), 480);
  EXPECT_FALSE(view.reversed());
  EXPECT_TRUE(read.allocation.revisions.empty());
  EXPECT_EQ(view.revised_instalments_size(), 0);

  // A repayment that recomputed later instalments (REDUCE_PRINCIPAL) keeps each revision,
  // both sides, for its view and its reversal.
  RepaymentRecord prepaid = Repayment(2'000);
  prepaid.allocation.revisions = {{2, 8086, 613, 26327, 480}, {3, 8140, 559, 6369, 438}};
  prepaid.id = Insert(prepaid);
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(read, LoadRepayment(tx, {loan_id_, prepaid.id}));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(read.allocation.revisions, prepaid.allocation.revisions);
  view = RepaymentToProto(read, "CAD", "people/4");
  ASSERT_EQ(view.revised_instalments_size(), 2);
  EXPECT_EQ(view.revised_instalments(0).instalment_number(), 2);
  EXPECT_EQ(view.revised_instalments(0).principal_before().minor_units(), 8086);
  EXPECT_EQ(view.revised_instalments(0).interest_before().minor_units(), 613);
  EXPECT_EQ(view.revised_instalments(0).principal_after().minor_units(), 26327);
  EXPECT_EQ(view.revised_instalments(1).interest_after().minor_units(), 438);

  absl::Status missing = Read([&](storage::Transaction& tx) {
    return LoadRepayment(tx, {loan_id_ + 1, written.id}).status();
  });
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(ServicingStoreTest, OnlyTheLatestLiveRepaymentIsReversedAndOnce) {
  const int64_t first = Insert(Repayment(1'000));
  const int64_t second = Insert(Repayment(2'000));
  std::optional<int64_t> latest;
  auto read_latest = [&] {
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(latest, LatestLiveRepaymentId(tx, loan_id_));
                  return absl::OkStatus();
                }).ok());
    return latest;
  };
  EXPECT_EQ(read_latest(), second);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return MarkRepaymentReversed(tx, second, 90, "bounced");
              }).ok());
  EXPECT_EQ(read_latest(), first);
  absl::Status again =
      Write([&](storage::Transaction& tx) { return MarkRepaymentReversed(tx, second, 91, "x"); });
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAborted));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return MarkRepaymentReversed(tx, first, 92, "bounced");
              }).ok());
  EXPECT_EQ(read_latest(), std::nullopt);

  std::vector<RepaymentRecord> page;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(page, ListRepaymentRecords(tx, loan_id_, first, 10));
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, second);
  EXPECT_EQ(page[0].reversal_entry_id, 90);
  EXPECT_EQ(page[0].reversal_reason, "bounced");
}

TEST_P(ServicingStoreTest, AGuaranteeCallIsStoredOnceAndSharesNeverOverflow) {
  GuaranteeCallRecord call;
  call.loan_id = loan_id_;
  call.amount_cents = 1'001;
  call.days_past_due = 75;
  call.call_date = absl::CivilDay(2026, 6, 1);
  call.journal_entry_id = 12;
  call.create_time = kNow;
  call.shares = {{"people/2", 501, 0}, {"people/3", 500, 0}};
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return InsertGuaranteeCall(tx, call); }).ok());
  absl::Status twice =
      Write([&](storage::Transaction& tx) { return InsertGuaranteeCall(tx, call); });
  EXPECT_THAT(twice, StatusIs(absl::StatusCode::kAlreadyExists));

  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return AddGuarantorPayment(tx, loan_id_, "people/2", 500);
              }).ok());
  absl::Status too_much = Write(
      [&](storage::Transaction& tx) { return AddGuarantorPayment(tx, loan_id_, "people/2", 2); });
  EXPECT_THAT(too_much, StatusIs(absl::StatusCode::kAborted));
  absl::Status stranger = Write(
      [&](storage::Transaction& tx) { return AddGuarantorPayment(tx, loan_id_, "people/9", 1); });
  EXPECT_THAT(stranger, StatusIs(absl::StatusCode::kAborted));

  std::optional<GuaranteeCallRecord> read;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(read, LoadGuaranteeCall(tx, loan_id_));
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->call_date, absl::CivilDay(2026, 6, 1));
  ASSERT_EQ(read->shares.size(), 2u);
  EXPECT_EQ(read->shares[0].guarantor, "people/2");
  EXPECT_EQ(read->shares[0].paid_cents, 500);
  EXPECT_EQ(read->shares[1].paid_cents, 0);
  v1::GuaranteeCall view = GuaranteeCallToProto(*read, "CAD");
  EXPECT_EQ(view.loan(), absl::StrCat("loans/", loan_id_));
  EXPECT_EQ(view.shares(0).amount().minor_units() + view.shares(1).amount().minor_units(), 1'001);

  std::optional<GuaranteeCallRecord> none;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(none, LoadGuaranteeCall(tx, loan_id_ + 1));
                return absl::OkStatus();
              }).ok());
  EXPECT_FALSE(none.has_value());
}

TEST(ServicingNamesTest, RepaymentNamesAndAmounts) {
  absl::StatusOr<RepaymentKey> key = ParseRepaymentName("loans/12/repayments/3", "repayment");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->loan_id, 12);
  EXPECT_EQ(key->id, 3);
  for (const char* bad : {"", "loans/12", "loans/12/repayments/", "loans/x/repayments/3",
                          "loans/0/repayments/3", "loans/1/payments/3", "loans/1/repayments/3/x"}) {
    absl::StatusOr<RepaymentKey> parsed = ParseRepaymentName(bad, "repayment");
    EXPECT_THAT(parsed.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repayment")))
        << bad;
  }
}

}  // namespace
}  // namespace cercles::lending
