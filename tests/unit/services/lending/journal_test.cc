// The journal's pure rules: the chart of accounts, ValidateEntry rule by rule,
// and the builders of the standard entries.
#include "services/lending/journal.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kLoan[] = "loans/17";

EntryHeader Header() { return EntryHeader{absl::CivilDay(2024, 3, 15), "CAD", ""}; }

JournalLine Line(Account account, int64_t debit, int64_t credit, std::string loan = kLoan,
                 std::string party = "") {
  return JournalLine{account, debit, credit, std::move(loan), std::move(party)};
}

RepaymentSplit Split(int64_t principal, int64_t interest, int64_t accrued = 0, int64_t fee = 0,
                     int64_t overpayment = 0) {
  RepaymentSplit split;
  split.principal_cents = principal;
  split.interest_cents = interest;
  split.accrued_interest_cents = accrued;
  split.fee_cents = fee;
  split.overpayment_cents = overpayment;
  return split;
}

// A valid two-line entry the rule cases below break one way each.
JournalEntry ValidEntry() { return Disbursement(Header(), kLoan, 150'000); }

TEST(ChartOfAccountsTest, CodesAreUniqueStableAndRoundTrip) {
  std::set<std::string> codes;
  for (const AccountInfo& info : ChartOfAccounts()) {
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_EQ(AccountFromCode(info.code), info.account);
    EXPECT_EQ(AccountCode(info.account), info.code);
    EXPECT_EQ(FindAccount(info.account), &info);
  }
  EXPECT_EQ(AccountCode(Account::kCash), "1000");
  EXPECT_EQ(AccountCode(Account::kLoansReceivable), "1100");
  EXPECT_EQ(AccountCode(Account::kInterestReceivable), "1110");
  EXPECT_EQ(AccountCode(Account::kGuaranteeReceivable), "1200");
  EXPECT_EQ(AccountCode(Account::kFundCapital), "3000");
  EXPECT_EQ(AccountCode(Account::kInterestIncome), "4000");
  EXPECT_EQ(AccountCode(Account::kWriteOffExpense), "5000");
  EXPECT_FALSE(AccountFromCode("9999").has_value());
  EXPECT_EQ(FindAccount(static_cast<Account>(99)), nullptr);
}

TEST(ChartOfAccountsTest, NormalSideFollowsTheAccountType) {
  for (const AccountInfo& info : ChartOfAccounts()) {
    const bool debit_normal =
        info.type == AccountType::kAsset || info.type == AccountType::kExpense;
    EXPECT_EQ(info.normal_side, debit_normal ? Side::kDebit : Side::kCredit) << info.name;
  }
  EXPECT_EQ(FindAccount(Account::kInterestIncome)->normal_side, Side::kCredit);
  EXPECT_EQ(FindAccount(Account::kWriteOffExpense)->normal_side, Side::kDebit);
}

TEST(EntryKindTest, NamesRoundTrip) {
  for (EntryKind kind :
       {EntryKind::kCapitalContribution, EntryKind::kDisbursement, EntryKind::kRepayment,
        EntryKind::kInterestAccrual, EntryKind::kWriteOff, EntryKind::kRecovery,
        EntryKind::kGuaranteeCall, EntryKind::kGuaranteePayment, EntryKind::kRepaymentReversal,
        EntryKind::kReversal}) {
    EXPECT_EQ(EntryKindFromName(EntryKindName(kind)), kind) << EntryKindName(kind);
  }
  EXPECT_EQ(EntryKindName(EntryKind::kRepaymentReversal), "REPAYMENT_REVERSAL");
  EXPECT_FALSE(EntryKindFromName("ADJUSTMENT").has_value());
  EXPECT_TRUE(IsReversalKind(EntryKind::kReversal));
  EXPECT_FALSE(IsReversalKind(EntryKind::kRepayment));
}

TEST(ValidateEntryTest, AcceptsAValidEntryAndTheLargestAmount) {
  EXPECT_TRUE(ValidateEntry(ValidEntry()).ok());
  EXPECT_TRUE(ValidateEntry(Disbursement(Header(), kLoan, kMaxLineCents)).ok());
}

struct RuleCase {
  std::string name;
  std::function<void(JournalEntry&)> breaks;
  std::string message;
};

class ValidateEntryRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ValidateEntryRuleTest, RefusesWithTheLineAndTheRule) {
  JournalEntry entry = ValidEntry();
  GetParam().breaks(entry);
  absl::Status status = ValidateEntry(entry);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateEntryRuleTest,
    ::testing::Values(
        RuleCase{"OneLine", [](JournalEntry& e) { e.lines.pop_back(); },
                 "lines: an entry has at least 2 lines"},
        RuleCase{"NoLines", [](JournalEntry& e) { e.lines.clear(); },
                 "lines: an entry has at least 2 lines"},
        RuleCase{"TooManyLines",
                 [](JournalEntry& e) {
                   e.lines.clear();
                   for (size_t i = 0; i < kMaxLines / 2 + 1; ++i) {
                     e.lines.push_back(Line(Account::kLoansReceivable, 1, 0));
                     e.lines.push_back(Line(Account::kCash, 0, 1));
                   }
                 },
                 "lines: at most 200 lines"},
        RuleCase{"BothSides", [](JournalEntry& e) { e.lines[1].debit_cents = 5; },
                 "lines[1]: has both a debit and a credit; a line has exactly one side "
                 "(account 1000 CASH)"},
        RuleCase{"NoSide", [](JournalEntry& e) { e.lines.push_back(Line(Account::kCash, 0, 0)); },
                 "lines[2]: has no amount; a line has exactly one positive side"},
        RuleCase{"NegativeDebit",
                 [](JournalEntry& e) {
                   e.lines[0].debit_cents = -150'000;
                   e.lines[1] = Line(Account::kCash, -150'000, 0);
                 },
                 "lines[0]: amounts must not be negative (account 1100 LOANS_RECEIVABLE)"},
        RuleCase{"NegativeCredit", [](JournalEntry& e) { e.lines[1].debit_cents = -1; },
                 "lines[1]: amounts must not be negative"},
        RuleCase{"AboveTheCeiling",
                 [](JournalEntry& e) {
                   e.lines[0].debit_cents = kMaxLineCents + 1;
                   e.lines[1].credit_cents = kMaxLineCents + 1;
                 },
                 "lines[0]: amount exceeds 10000000000000 minor units"},
        RuleCase{"Unbalanced", [](JournalEntry& e) { e.lines[1].credit_cents -= 1; },
                 "lines: debits (150000 minor units) must equal credits (149999 minor units)"},
        RuleCase{"UnknownAccount",
                 [](JournalEntry& e) { e.lines[1].account = static_cast<Account>(42); },
                 "lines[1]: account is not in the chart of accounts"},
        RuleCase{"LoanMissing", [](JournalEntry& e) { e.lines[0].loan.clear(); },
                 "lines[0]: a loan is required (account 1100 LOANS_RECEIVABLE)"},
        RuleCase{"PartyMissing",
                 [](JournalEntry& e) { e.lines[0].account = Account::kGuaranteeReceivable; },
                 "lines[0]: a party (the guarantor) is required (account 1200"},
        RuleCase{"MalformedLoan", [](JournalEntry& e) { e.lines[1].loan = "circles/4"; },
                 "lines[1]: loan must be \"loans/{id}\" with {id} a positive whole number"},
        RuleCase{"MalformedParty", [](JournalEntry& e) { e.lines[1].party = "people/"; },
                 "lines[1]: party must be \"people/{id}\" or \"circles/{id}\" with {id}"},
        RuleCase{"LowerCaseCurrency", [](JournalEntry& e) { e.currency = "cad"; },
                 "currency: must be a three-letter upper-case ISO 4217 code"},
        RuleCase{"NoCurrency", [](JournalEntry& e) { e.currency.clear(); },
                 "currency: must be a three-letter"},
        RuleCase{"UnknownKind", [](JournalEntry& e) { e.kind = static_cast<EntryKind>(77); },
                 "kind: not a known entry kind"},
        RuleCase{"YearOutOfRange",
                 [](JournalEntry& e) { e.effective_date = absl::CivilDay(10000, 1, 1); },
                 "effective_date: the year must be between 1900 and 9999"},
        RuleCase{"LongDescription", [](JournalEntry& e) { e.description = std::string(501, 'x'); },
                 "description: at most 500 characters"},
        RuleCase{"ReversalWithoutTarget", [](JournalEntry& e) { e.kind = EntryKind::kReversal; },
                 "reverses_entry_id: required on REVERSAL and REPAYMENT_REVERSAL entries"},
        RuleCase{"TargetOnOrdinaryEntry", [](JournalEntry& e) { e.reverses_entry_id = 3; },
                 "reverses_entry_id: required on REVERSAL and REPAYMENT_REVERSAL entries and "
                 "only there"},
        RuleCase{"NonPositiveTarget",
                 [](JournalEntry& e) {
                   e.kind = EntryKind::kReversal;
                   e.reverses_entry_id = 0;
                 },
                 "reverses_entry_id: must be a positive entry id"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

void ExpectValidAndBalanced(const JournalEntry& entry) {
  EXPECT_TRUE(ValidateEntry(entry).ok()) << ValidateEntry(entry);
  EXPECT_EQ(TotalDebits(entry), TotalCredits(entry));
}

TEST(BuildersTest, DisbursementMovesCashToTheLoan) {
  JournalEntry entry = Disbursement(Header(), kLoan, 250'000);
  ExpectValidAndBalanced(entry);
  EXPECT_EQ(entry.kind, EntryKind::kDisbursement);
  EXPECT_EQ(entry.description, "Disbursement of loans/17");
  ASSERT_EQ(entry.lines.size(), 2u);
  EXPECT_EQ(entry.lines[0].account, Account::kLoansReceivable);
  EXPECT_EQ(entry.lines[0].debit_cents, 250'000);
  EXPECT_EQ(entry.lines[1].account, Account::kCash);
  EXPECT_EQ(entry.lines[1].credit_cents, 250'000);
  EXPECT_EQ(entry.lines[1].loan, kLoan);
}

TEST(BuildersTest, RepaymentSplitsThePaymentAndLeavesZeroPartsOut) {
  JournalEntry entry = Repayment(Header(), kLoan, Split(9'000, 450));
  ExpectValidAndBalanced(entry);
  ASSERT_EQ(entry.lines.size(), 3u);
  EXPECT_EQ(entry.lines[0].account, Account::kCash);
  EXPECT_EQ(entry.lines[0].debit_cents, 9'450);
  EXPECT_EQ(entry.lines[1].account, Account::kLoansReceivable);
  EXPECT_EQ(entry.lines[1].credit_cents, 9'000);
  EXPECT_EQ(entry.lines[2].account, Account::kInterestIncome);
  EXPECT_EQ(entry.lines[2].credit_cents, 450);

  JournalEntry full = Repayment(Header(), kLoan, Split(1, 2, 3, 4, 5));
  ExpectValidAndBalanced(full);
  EXPECT_EQ(full.lines.size(), 6u);
  EXPECT_EQ(full.lines[0].debit_cents, 15);
}

TEST(BuildersTest, AnEmptyRepaymentIsCaughtByValidation) {
  EXPECT_THAT(ValidateEntry(Repayment(Header(), kLoan, {})),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BuildersTest, WriteOffExpensesPrincipalAndAccruedInterest) {
  JournalEntry entry = WriteOff(Header(), kLoan, 80'000, 1'200);
  ExpectValidAndBalanced(entry);
  ASSERT_EQ(entry.lines.size(), 3u);
  EXPECT_EQ(entry.lines[0].account, Account::kWriteOffExpense);
  EXPECT_EQ(entry.lines[0].debit_cents, 81'200);
  EXPECT_EQ(entry.lines[1].account, Account::kLoansReceivable);
  EXPECT_EQ(entry.lines[2].account, Account::kInterestReceivable);
  EXPECT_EQ(WriteOff(Header(), kLoan, 80'000).lines.size(), 2u);
}

TEST(BuildersTest, OtherStandardEntriesAreBalanced) {
  ExpectValidAndBalanced(CapitalContribution(Header(), 10'000'000));
  ExpectValidAndBalanced(CapitalContribution(Header(), 10'000'000, "people/3"));
  ExpectValidAndBalanced(InterestAccrual(Header(), kLoan, 375));
  ExpectValidAndBalanced(Recovery(Header(), kLoan, 5'000));
  ExpectValidAndBalanced(GuaranteePayment(Header(), kLoan, "people/8", 12'345));
  EXPECT_EQ(InterestAccrual(Header(), kLoan, 375).lines[0].account, Account::kInterestReceivable);
}

TEST(BuildersTest, HeaderDescriptionWins) {
  EntryHeader header = Header();
  header.description = "First loan of the Verdun circle";
  EXPECT_EQ(Disbursement(header, kLoan, 100).description, "First loan of the Verdun circle");
}

TEST(ShareEquallyTest, SharesSumExactlyWithTheRemainderOnTheFirst) {
  std::vector<GuarantorShare> shares = ShareEqually(
      100'001, {"people/1", "people/2", "people/3", "people/4", "people/5", "people/6"});
  ASSERT_EQ(shares.size(), 6u);
  int64_t sum = 0;
  for (const GuarantorShare& share : shares) sum += share.cents;
  EXPECT_EQ(sum, 100'001);
  EXPECT_EQ(shares[0].cents, 16'667);
  EXPECT_EQ(shares[4].cents, 16'667);
  EXPECT_EQ(shares[5].cents, 16'666);
  EXPECT_EQ(shares[2].party, "people/3");
  EXPECT_TRUE(ShareEqually(100, {}).empty());
}

TEST(BuildersTest, GuaranteeCallMovesThePrincipalToTheGuarantors) {
  JournalEntry entry = GuaranteeCall(
      Header(), kLoan, ShareEqually(150'000, {"people/1", "people/2", "people/3", "people/4"}));
  ExpectValidAndBalanced(entry);
  ASSERT_EQ(entry.lines.size(), 5u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(entry.lines[i].account, Account::kGuaranteeReceivable);
    EXPECT_EQ(entry.lines[i].debit_cents, 37'500);
    EXPECT_EQ(entry.lines[i].loan, kLoan);
  }
  EXPECT_EQ(entry.lines[4].account, Account::kLoansReceivable);
  EXPECT_EQ(entry.lines[4].credit_cents, 150'000);
}

TEST(ReversalTest, SwapsSidesAndReferencesTheOriginal) {
  JournalEntry original = Repayment(Header(), kLoan, Split(9'000, 450));
  original.currency = "CAD";
  JournalEntry reversal =
      Reversal(EntryHeader{absl::CivilDay(2024, 3, 20), "USD", ""}, 41, original);
  ExpectValidAndBalanced(reversal);
  EXPECT_EQ(reversal.kind, EntryKind::kRepaymentReversal);
  EXPECT_EQ(reversal.reverses_entry_id, 41);
  EXPECT_EQ(reversal.currency, "CAD");
  EXPECT_EQ(reversal.effective_date, absl::CivilDay(2024, 3, 20));
  EXPECT_EQ(reversal.description, "Reversal of entry 41");
  ASSERT_EQ(reversal.lines.size(), original.lines.size());
  for (size_t i = 0; i < original.lines.size(); ++i) {
    EXPECT_EQ(reversal.lines[i].account, original.lines[i].account);
    EXPECT_EQ(reversal.lines[i].debit_cents, original.lines[i].credit_cents);
    EXPECT_EQ(reversal.lines[i].credit_cents, original.lines[i].debit_cents);
    EXPECT_EQ(reversal.lines[i].loan, original.lines[i].loan);
  }
}

TEST(ReversalTest, OtherKindsReverseAsReversal) {
  JournalEntry reversal = Reversal(Header(), 5, Disbursement(Header(), kLoan, 100));
  EXPECT_EQ(reversal.kind, EntryKind::kReversal);
  ExpectValidAndBalanced(reversal);
  JournalEntry call = GuaranteeCall(Header(), kLoan, ShareEqually(10, {"circles/2"}));
  EXPECT_THAT(Reversal(Header(), 6, call).lines[0].party, "circles/2");
  EXPECT_THAT(Reversal(Header(), 6, call).lines[0].credit_cents, 10);
}

}  // namespace
}  // namespace cercles::lending
