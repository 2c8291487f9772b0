// When a closed loan's free text is past retention (issue 14, item 4): only
// final loans, from the day they closed (UTC), on the day the period ends and
// not the day before, once per close.
#include "services/lending/loan_retention_rules.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cercles::lending {
namespace {

absl::Time At(absl::CivilSecond when) { return absl::FromCivil(when, absl::UTCTimeZone()); }

TEST(LoanRetentionRulesTest, OnlyFinalLoansWithACloseTimeAreClosed) {
  const absl::Time closed = At(absl::CivilSecond(2020, 3, 15, 23, 59, 59));
  for (LoanState state : AllLoanStates()) {
    const bool final_state = state == LoanState::kCircleRejected || state == LoanState::kRejected ||
                             state == LoanState::kWithdrawn || state == LoanState::kClosedRepaid ||
                             state == LoanState::kWrittenOff;
    EXPECT_EQ(LoanCloseDay(state, closed).has_value(), final_state) << LoanStateName(state);
    EXPECT_EQ(LoanTextPastRetention(state, closed, std::nullopt, 0, absl::CivilDay(2030, 1, 1)),
              final_state)
        << LoanStateName(state);
  }
  EXPECT_FALSE(LoanCloseDay(LoanState::kClosedRepaid, std::nullopt).has_value());
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kClosedRepaid, std::nullopt, std::nullopt, 0,
                                     absl::CivilDay(2030, 1, 1)));
}

TEST(LoanRetentionRulesTest, TheCloseDayIsUtcAndThePeriodEndsOnItsDay) {
  // 23:59:59 UTC on 2020-03-15: the close day is the 15th whatever the fund's zone.
  const absl::Time closed = At(absl::CivilSecond(2020, 3, 15, 23, 59, 59));
  EXPECT_EQ(*LoanCloseDay(LoanState::kRejected, closed), absl::CivilDay(2020, 3, 15));
  // 84 months: past from 2027-03-15 on, not on the 14th.
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kRejected, closed, std::nullopt, 84,
                                     absl::CivilDay(2027, 3, 14)));
  EXPECT_TRUE(LoanTextPastRetention(LoanState::kRejected, closed, std::nullopt, 84,
                                    absl::CivilDay(2027, 3, 15)));
  // 0 months: past the day it closed.
  EXPECT_TRUE(LoanTextPastRetention(LoanState::kWithdrawn, closed, std::nullopt, 0,
                                    absl::CivilDay(2020, 3, 15)));
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kWithdrawn, closed, std::nullopt, 0,
                                     absl::CivilDay(2020, 3, 14)));
  // Month ends: closed 2024-01-31, one month ends on 2024-02-29.
  const absl::Time january = At(absl::CivilSecond(2024, 1, 31, 12, 0, 0));
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kClosedRepaid, january, std::nullopt, 1,
                                     absl::CivilDay(2024, 2, 28)));
  EXPECT_TRUE(LoanTextPastRetention(LoanState::kClosedRepaid, january, std::nullopt, 1,
                                    absl::CivilDay(2024, 2, 29)));
}

TEST(LoanRetentionRulesTest, APurgedLoanIsPurgedAgainOnlyAfterAnotherClose) {
  const absl::Time closed = At(absl::CivilSecond(2020, 3, 15, 10, 0, 0));
  const absl::CivilDay today(2030, 1, 1);
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kClosedRepaid, closed,
                                     closed + absl::Hours(24 * 365 * 7), 0, today));
  EXPECT_FALSE(LoanTextPastRetention(LoanState::kClosedRepaid, closed, closed, 0, today));
  // Reopened by a reversal and closed again after the purge: its new text is purged.
  EXPECT_TRUE(
      LoanTextPastRetention(LoanState::kClosedRepaid, closed, closed - absl::Seconds(1), 0, today));
}

}  // namespace
}  // namespace cercles::lending
