// The collection sheet of a circle's meeting (collections.h): what each member
// owes on the meeting date, computed from the loans' positions and the called
// guarantees' shares.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/collections.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"
#include "tests/unit/services/lending/positions.h"

namespace cercles::lending {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

// 4 monthly instalments of 250.00 (no interest) from 2026-01-15.
LoanPosition Monthly1000() {
  return Open(100'000, 4, Frequency::kMonthly, absl::CivilDay(2026, 1, 15));
}

SheetLoan Repayable(const std::string& loan, const std::string& borrower, LoanPosition position) {
  SheetLoan out;
  out.loan = loan;
  out.borrower = borrower;
  out.repayable = true;
  out.position = std::move(position);
  return out;
}

SheetLine Line(const SheetLoan& loan, absl::CivilDay meeting, const FundSettings& settings = {}) {
  absl::StatusOr<SheetLine> line = RepaymentLine(loan, meeting, settings);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : SheetLine{};
}

TEST(CollectionSheetTest, DueIsWhatIsUnpaidOfTheInstalmentsDueByTheMeeting) {
  const SheetLoan loan = Repayable("loans/1", "people/1", Monthly1000());
  // Before the first due date nothing is due; the next due date is the first.
  SheetLine before = Line(loan, absl::CivilDay(2026, 1, 10));
  EXPECT_EQ(before.due_cents, 0);
  EXPECT_EQ(before.in_arrears_cents, 0);
  EXPECT_EQ(before.most_cents, 100'000);
  EXPECT_EQ(before.next_due_date, absl::CivilDay(2026, 1, 15));
  // On the due date the instalment is due, not yet late.
  SheetLine on = Line(loan, absl::CivilDay(2026, 1, 15));
  EXPECT_EQ(on.due_cents, 25'000);
  EXPECT_EQ(on.in_arrears_cents, 0);
  EXPECT_EQ(on.days_past_due, 0);
  EXPECT_EQ(on.next_due_date, absl::CivilDay(2026, 1, 15));
  // A month later: the first is late (in arrears), the second due that day.
  SheetLine later = Line(loan, absl::CivilDay(2026, 2, 15));
  EXPECT_EQ(later.due_cents, 50'000);
  EXPECT_EQ(later.in_arrears_cents, 25'000);
  EXPECT_EQ(later.days_past_due, 31);
}

TEST(CollectionSheetTest, PaymentsMadeReduceWhatIsDueAndAPrepaidLoanOwesNothingYet) {
  LoanPosition position = Monthly1000();
  Pay(&position, 10'000, absl::CivilDay(2026, 1, 15));  // 100.00 of the first 250.00
  SheetLine part = Line(Repayable("loans/1", "people/1", position), absl::CivilDay(2026, 2, 15));
  EXPECT_EQ(part.due_cents, 40'000);
  EXPECT_EQ(part.in_arrears_cents, 15'000);
  EXPECT_EQ(part.most_cents, 90'000);

  Pay(&position, 65'000, absl::CivilDay(2026, 1, 20));  // up to the third instalment
  SheetLine ahead = Line(Repayable("loans/1", "people/1", position), absl::CivilDay(2026, 2, 15));
  EXPECT_EQ(ahead.due_cents, 0);
  EXPECT_EQ(ahead.in_arrears_cents, 0);
  EXPECT_EQ(ahead.most_cents, 25'000);
  EXPECT_EQ(ahead.next_due_date, absl::CivilDay(2026, 4, 15));
}

TEST(CollectionSheetTest, ShortfallWithinTheToleranceIsDueButNotInArrears) {
  LoanPosition position = Monthly1000();
  Pay(&position, 24'900, absl::CivilDay(2026, 1, 15));  // 1.00 short
  FundSettings settings;
  settings.arrears_tolerance_cents = 200;
  SheetLine line =
      Line(Repayable("loans/1", "people/1", position), absl::CivilDay(2026, 2, 1), settings);
  EXPECT_EQ(line.due_cents, 100);
  EXPECT_EQ(line.in_arrears_cents, 0);
  EXPECT_EQ(line.next_due_date, absl::CivilDay(2026, 2, 15));
}

TEST(CollectionSheetTest, LinesFollowTheMembersThenRepaymentsBeforeSharesByLoan) {
  SheetLoan called;
  called.loan = "loans/10";
  called.borrower = "people/4";  // left the circle
  called.call_days_past_due = 75;
  called.called_shares = {{"people/1", 30'000, 10'000},
                          {"people/2", 30'000, 30'000},  // paid: no line
                          {"people/3", 30'000, 0}};
  const std::vector<SheetLoan> loans = {Repayable("loans/9", "people/3", Monthly1000()), called,
                                        Repayable("loans/2", "people/1", Monthly1000()),
                                        Repayable("loans/7", "people/9", Monthly1000())};
  absl::StatusOr<std::vector<SheetLine>> lines = CollectionSheetLines(
      loans, {"people/3", "people/2", "people/1"}, absl::CivilDay(2026, 1, 15), FundSettings());
  ASSERT_TRUE(lines.ok()) << lines.status();
  auto key = [](const SheetLine& l) { return l.person + " " + l.loan; };
  std::vector<std::string> keys;
  for (const SheetLine& line : *lines) keys.push_back(key(line));
  EXPECT_THAT(keys, ElementsAre("people/3 loans/9", "people/3 loans/10", "people/1 loans/2",
                                "people/1 loans/10", "people/9 loans/7"));
  EXPECT_EQ((*lines)[1].kind, CollectionKind::kGuarantorPayment);
  EXPECT_EQ((*lines)[1].due_cents, 30'000);
  EXPECT_EQ((*lines)[1].most_cents, 30'000);
  EXPECT_EQ((*lines)[1].days_past_due, 75);
  EXPECT_EQ((*lines)[3].due_cents, 20'000);
  EXPECT_THAT(*lines, ::testing::Each(Field(&SheetLine::in_arrears_cents, 0)));
}

TEST(CollectionSheetTest, ARepaidLoanHasNoLine) {
  LoanPosition position = Monthly1000();
  Pay(&position, 100'000, absl::CivilDay(2026, 1, 10));
  absl::StatusOr<std::vector<SheetLine>> lines =
      CollectionSheetLines({Repayable("loans/1", "people/1", position)}, {"people/1"},
                           absl::CivilDay(2026, 3, 1), FundSettings());
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_TRUE(lines->empty());
}

}  // namespace
}  // namespace cercles::lending
