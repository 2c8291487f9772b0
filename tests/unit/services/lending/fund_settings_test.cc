#include "services/lending/fund_settings.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/schedule.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(FundSettingsTest, DefaultsFollowTheIssue) {
  const FundSettings settings;
  EXPECT_EQ(settings.currency, "CAD");
  EXPECT_EQ(settings.guarantee_threshold_cents, 200000);
  EXPECT_THAT(settings.ladder_cents, ElementsAre(50000, 100000, 200000, 500000));
  EXPECT_EQ(settings.on_time_tolerance_days, 7);
  EXPECT_EQ(DescribeThreshold(settings.vote_quorum), "more than 1/2");
  EXPECT_EQ(DescribeThreshold(settings.vote_approval), "more than 1/2");
  EXPECT_EQ(settings.min_annual_rate_bps, 0);
  EXPECT_EQ(settings.max_annual_rate_bps, 1000);
  EXPECT_EQ(TermRangeFor(settings, Frequency::kWeekly), (TermRange{1, 104}));
  EXPECT_EQ(TermRangeFor(settings, Frequency::kEveryTwoWeeks), (TermRange{1, 52}));
  EXPECT_EQ(TermRangeFor(settings, Frequency::kMonthly), (TermRange{1, 24}));
  EXPECT_EQ(settings.arrears_buckets.first_max_days, 30);
  EXPECT_EQ(settings.arrears_buckets.second_max_days, 60);
  EXPECT_EQ(settings.arrears_buckets.third_max_days, 90);
  EXPECT_EQ(settings.guarantee_call_days_past_due, 60);
  EXPECT_EQ(settings.write_off_days_past_due, 180);
  EXPECT_EQ(settings.serious_arrears_days_past_due, 61);
  EXPECT_FALSE(settings.circle_in_serious_arrears_may_guarantee);
  EXPECT_EQ(settings.prepayment_rule, PrepaymentRule::kPayNextInstalments);
  EXPECT_EQ(settings.max_active_loans_per_person, 1);
  EXPECT_EQ(settings.circle_guarantors, CircleGuarantors::kWholeCircle);
  EXPECT_EQ(settings.default_grace_on_principal, 0);
  EXPECT_EQ(settings.default_grace_on_interest, 0);
  EXPECT_EQ(settings.arrears_tolerance_cents, 0);
  EXPECT_EQ(settings.reminder_days_before, 3);
  EXPECT_TRUE(ValidateSettings(settings).ok()) << ValidateSettings(settings);
}

TEST(FundSettingsTest, ThresholdArithmetic) {
  const VoteThreshold majority{1, 2, true};
  EXPECT_FALSE(Reaches(majority, 0, 0));
  EXPECT_FALSE(Reaches(majority, 2, 4));
  EXPECT_TRUE(Reaches(majority, 3, 4));
  EXPECT_TRUE(Reaches(majority, 3, 5));
  EXPECT_FALSE(Reaches(majority, 2, 5));
  const VoteThreshold two_thirds{2, 3, false};
  EXPECT_EQ(DescribeThreshold(two_thirds), "at least 2/3");
  EXPECT_TRUE(Reaches(two_thirds, 4, 6));
  EXPECT_FALSE(Reaches(two_thirds, 3, 6));
  EXPECT_TRUE(Reaches(two_thirds, 2, 3));
  const VoteThreshold unanimity{1, 1, false};
  EXPECT_TRUE(Reaches(unanimity, 6, 6));
  EXPECT_FALSE(Reaches(unanimity, 5, 6));
}

struct InvalidCase {
  const char* name;
  std::function<void(FundSettings&)> change;
  const char* message;
};

TEST(FundSettingsTest, EveryRuleIsNamed) {
  const std::vector<InvalidCase> cases = {
      {"lower-case currency", [](FundSettings& s) { s.currency = "cad"; }, "currency: must be"},
      {"long currency", [](FundSettings& s) { s.currency = "CADX"; }, "currency: must be"},
      {"empty currency", [](FundSettings& s) { s.currency.clear(); }, "currency: must be"},
      {"zero threshold", [](FundSettings& s) { s.guarantee_threshold_cents = 0; },
       "guarantee_threshold.minor_units must lie in 1..1000000000, got 0"},
      {"negative threshold", [](FundSettings& s) { s.guarantee_threshold_cents = -1; },
       "guarantee_threshold.minor_units must lie in"},
      {"huge threshold",
       [](FundSettings& s) { s.guarantee_threshold_cents = kMaxPrincipalCents + 1; },
       "guarantee_threshold.minor_units must lie in"},
      {"empty ladder", [](FundSettings& s) { s.ladder_cents.clear(); },
       "ladder must have at least one rung"},
      {"ladder not increasing",
       [](FundSettings& s) {
         s.ladder_cents = {50000, 50000};
       },
       "ladder[1].minor_units must exceed ladder[0].minor_units (50000), got 50000"},
      {"ladder decreasing",
       [](FundSettings& s) {
         s.ladder_cents = {100000, 50000};
       },
       "ladder[1].minor_units must exceed ladder[0].minor_units"},
      {"ladder zero rung",
       [](FundSettings& s) {
         s.ladder_cents = {0, 50000};
       },
       "ladder[0].minor_units must be positive, got 0"},
      {"ladder too high",
       [](FundSettings& s) {
         s.ladder_cents = {50000, kMaxPrincipalCents + 1};
       },
       "ladder: the top rung must be at most"},
      {"negative tolerance", [](FundSettings& s) { s.on_time_tolerance_days = -1; },
       "on_time_tolerance_days must lie in 0..365, got -1"},
      {"tolerance over a year", [](FundSettings& s) { s.on_time_tolerance_days = 366; },
       "on_time_tolerance_days must lie in 0..365"},
      {"quorum zero denominator",
       [](FundSettings& s) {
         s.vote_quorum = {1, 0, true};
       },
       "vote_quorum.denominator must be positive, got 0"},
      {"quorum zero fraction",
       [](FundSettings& s) {
         s.vote_quorum = {0, 2, false};
       },
       "vote_quorum: the fraction must lie in (0, 1], got 0/2"},
      {"quorum above one",
       [](FundSettings& s) {
         s.vote_quorum = {3, 2, false};
       },
       "vote_quorum: the fraction must lie in (0, 1], got 3/2"},
      {"quorum more than all",
       [](FundSettings& s) {
         s.vote_quorum = {2, 2, true};
       },
       "vote_quorum: \"more than 2/2\" can never be reached"},
      {"approval negative",
       [](FundSettings& s) {
         s.vote_approval = {-1, 2, true};
       },
       "vote_approval: the fraction must lie in (0, 1]"},
      {"approval more than all",
       [](FundSettings& s) {
         s.vote_approval = {1, 1, true};
       },
       "vote_approval: \"more than 1/1\" can never be reached"},
      {"approval negative denominator",
       [](FundSettings& s) {
         s.vote_approval = {1, -2, true};
       },
       "vote_approval.denominator must be positive"},
      {"negative min rate", [](FundSettings& s) { s.min_annual_rate_bps = -1; },
       "min_annual_rate_bps must not be negative, got -1"},
      {"max below min",
       [](FundSettings& s) {
         s.min_annual_rate_bps = 500;
         s.max_annual_rate_bps = 400;
       },
       "max_annual_rate_bps must be at least min_annual_rate_bps (500), got 400"},
      {"max above 100 %", [](FundSettings& s) { s.max_annual_rate_bps = kMaxAnnualRateBps + 1; },
       "max_annual_rate_bps must be at most 10000"},
      {"weekly min zero",
       [](FundSettings& s) {
         s.weekly_terms = {0, 10};
       },
       "weekly_terms.min_instalments must be at least 1, got 0"},
      {"two-weekly max below min",
       [](FundSettings& s) {
         s.every_two_weeks_terms = {10, 9};
       },
       "every_two_weeks_terms.max_instalments must be at least min_instalments (10), got 9"},
      {"monthly too long",
       [](FundSettings& s) {
         s.monthly_terms = {1, kMaxInstalments + 1};
       },
       "monthly_terms.max_instalments must be at most 260"},
      {"first bucket zero", [](FundSettings& s) { s.arrears_buckets.first_max_days = 0; },
       "arrears_buckets.first_max_days must be at least 1"},
      {"buckets not increasing", [](FundSettings& s) { s.arrears_buckets.second_max_days = 30; },
       "arrears_buckets.second_max_days must exceed first_max_days (30), got 30"},
      {"third bucket not increasing",
       [](FundSettings& s) { s.arrears_buckets.third_max_days = 59; },
       "arrears_buckets.third_max_days must exceed second_max_days (60), got 59"},
      {"guarantee call at zero", [](FundSettings& s) { s.guarantee_call_days_past_due = 0; },
       "guarantee_call_days_past_due must be at least 1, got 0"},
      {"write-off before the call", [](FundSettings& s) { s.write_off_days_past_due = 59; },
       "write_off_days_past_due must be at least guarantee_call_days_past_due (60)"},
      {"serious arrears at zero", [](FundSettings& s) { s.serious_arrears_days_past_due = 0; },
       "serious_arrears_days_past_due must be at least 1, got 0"},
      {"unknown prepayment rule",
       [](FundSettings& s) { s.prepayment_rule = static_cast<PrepaymentRule>(7); },
       "prepayment_rule must be PREPAYMENT_RULE_PAY_NEXT_INSTALMENTS (or unset) or "
       "PREPAYMENT_RULE_REDUCE_PRINCIPAL, got 7"},
      {"no active loan allowed", [](FundSettings& s) { s.max_active_loans_per_person = 0; },
       "max_active_loans_per_person must lie in 1..10 (0 or unset means 1), got 0"},
      {"too many active loans", [](FundSettings& s) { s.max_active_loans_per_person = 11; },
       "max_active_loans_per_person must lie in 1..10 (0 or unset means 1), got 11"},
      {"unknown guarantors rule",
       [](FundSettings& s) { s.circle_guarantors = static_cast<CircleGuarantors>(5); },
       "circle_guarantors must be CIRCLE_GUARANTORS_WHOLE_CIRCLE (or unset) or "
       "CIRCLE_GUARANTORS_EXCEPT_NO_VOTERS, got 5"},
      {"negative grace on principal", [](FundSettings& s) { s.default_grace_on_principal = -1; },
       "default_grace_on_principal_instalments must lie in 0..52 instalments, got -1"},
      {"long grace on interest", [](FundSettings& s) { s.default_grace_on_interest = 53; },
       "default_grace_on_interest_instalments must lie in 0..52 instalments, got 53"},
      {"negative tolerance", [](FundSettings& s) { s.arrears_tolerance_cents = -1; },
       "arrears_tolerance.minor_units must lie in 0..10000, got -1"},
      {"large tolerance", [](FundSettings& s) { s.arrears_tolerance_cents = 10001; },
       "arrears_tolerance.minor_units must lie in 0..10000, got 10001"},
      {"negative reminder days", [](FundSettings& s) { s.reminder_days_before = -1; },
       "reminder_days_before must lie in 0..30 days (0: no upcoming reminders), got -1"},
      {"late reminder days", [](FundSettings& s) { s.reminder_days_before = 31; },
       "reminder_days_before must lie in 0..30 days (0: no upcoming reminders), got 31"},
  };
  for (const InvalidCase& c : cases) {
    FundSettings settings;
    c.change(settings);
    const absl::Status status = ValidateSettings(settings);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(FundSettingsTest, EdgesThatAreAllowed) {
  FundSettings settings;
  settings.ladder_cents = {100};
  settings.on_time_tolerance_days = 0;
  settings.vote_quorum = {1, 1, false};  // everyone must vote
  settings.vote_approval = {2, 3, false};
  settings.min_annual_rate_bps = 1000;
  settings.max_annual_rate_bps = 1000;  // one fixed rate
  settings.weekly_terms = {kMaxInstalments, kMaxInstalments};
  settings.write_off_days_past_due = settings.guarantee_call_days_past_due;
  settings.guarantee_threshold_cents = 1;
  settings.serious_arrears_days_past_due = 1;
  settings.max_active_loans_per_person = kMaxActiveLoansPerPerson;
  settings.circle_guarantors = CircleGuarantors::kExceptNoVoters;
  settings.default_grace_on_principal = kMaxGraceInstalments;
  settings.default_grace_on_interest = kMaxGraceInstalments;
  settings.arrears_tolerance_cents = kMaxArrearsToleranceCents;
  settings.reminder_days_before = kMaxReminderDaysBefore;
  EXPECT_TRUE(ValidateSettings(settings).ok()) << ValidateSettings(settings);
}

TEST(FundSettingsTest, DiffOfEqualSettingsIsEmpty) {
  EXPECT_THAT(DiffSettings(FundSettings{}, FundSettings{}), IsEmpty());
}

TEST(FundSettingsTest, DiffNamesEveryFieldWithBothValues) {
  struct Change {
    std::function<void(FundSettings&)> apply;
    SettingChange expected;
  };
  const std::vector<Change> changes = {
      {[](FundSettings& s) { s.currency = "EUR"; }, {"currency", "CAD", "EUR"}},
      {[](FundSettings& s) { s.guarantee_threshold_cents = 250000; },
       {"guarantee_threshold_minor_units", "200000", "250000"}},
      {[](FundSettings& s) {
         s.ladder_cents = {50000, 100000};
       },
       {"ladder_minor_units", "[50000, 100000, 200000, 500000]", "[50000, 100000]"}},
      {[](FundSettings& s) { s.on_time_tolerance_days = 3; }, {"on_time_tolerance_days", "7", "3"}},
      {[](FundSettings& s) {
         s.vote_quorum = {2, 3, false};
       },
       {"vote_quorum", "more than 1/2", "at least 2/3"}},
      {[](FundSettings& s) { s.vote_approval.strictly_more = false; },
       {"vote_approval", "more than 1/2", "at least 1/2"}},
      {[](FundSettings& s) { s.min_annual_rate_bps = 100; }, {"min_annual_rate_bps", "0", "100"}},
      {[](FundSettings& s) { s.max_annual_rate_bps = 800; },
       {"max_annual_rate_bps", "1000", "800"}},
      {[](FundSettings& s) { s.weekly_terms.max_instalments = 52; },
       {"weekly_terms", "1..104", "1..52"}},
      {[](FundSettings& s) { s.every_two_weeks_terms.min_instalments = 2; },
       {"every_two_weeks_terms", "1..52", "2..52"}},
      {[](FundSettings& s) {
         s.monthly_terms = {3, 36};
       },
       {"monthly_terms", "1..24", "3..36"}},
      {[](FundSettings& s) { s.arrears_buckets.first_max_days = 14; },
       {"arrears_buckets.first_max_days", "30", "14"}},
      {[](FundSettings& s) { s.arrears_buckets.second_max_days = 45; },
       {"arrears_buckets.second_max_days", "60", "45"}},
      {[](FundSettings& s) { s.arrears_buckets.third_max_days = 120; },
       {"arrears_buckets.third_max_days", "90", "120"}},
      {[](FundSettings& s) { s.guarantee_call_days_past_due = 90; },
       {"guarantee_call_days_past_due", "60", "90"}},
      {[](FundSettings& s) { s.write_off_days_past_due = 365; },
       {"write_off_days_past_due", "180", "365"}},
      {[](FundSettings& s) { s.serious_arrears_days_past_due = 91; },
       {"serious_arrears_days_past_due", "61", "91"}},
      {[](FundSettings& s) { s.circle_in_serious_arrears_may_guarantee = true; },
       {"circle_in_serious_arrears_may_guarantee", "false", "true"}},
      {[](FundSettings& s) { s.prepayment_rule = PrepaymentRule::kReducePrincipal; },
       {"prepayment_rule", "PAY_NEXT_INSTALMENTS", "REDUCE_PRINCIPAL"}},
      {[](FundSettings& s) { s.max_active_loans_per_person = 2; },
       {"max_active_loans_per_person", "1", "2"}},
      {[](FundSettings& s) { s.circle_guarantors = CircleGuarantors::kExceptNoVoters; },
       {"circle_guarantors", "WHOLE_CIRCLE", "EXCEPT_NO_VOTERS"}},
      {[](FundSettings& s) { s.default_grace_on_principal = 2; },
       {"default_grace_on_principal_instalments", "0", "2"}},
      {[](FundSettings& s) { s.default_grace_on_interest = 1; },
       {"default_grace_on_interest_instalments", "0", "1"}},
      {[](FundSettings& s) { s.arrears_tolerance_cents = 500; },
       {"arrears_tolerance_minor_units", "0", "500"}},
      {[](FundSettings& s) { s.reminder_days_before = 0; }, {"reminder_days_before", "3", "0"}},
  };
  FundSettings everything;
  std::vector<SettingChange> all_expected;
  for (const Change& change : changes) {
    FundSettings changed;
    change.apply(changed);
    EXPECT_THAT(DiffSettings(FundSettings{}, changed), ElementsAre(change.expected))
        << change.expected.field;
    // And back: the same field with the values swapped.
    EXPECT_THAT(DiffSettings(changed, FundSettings{}),
                ElementsAre(SettingChange{change.expected.field, change.expected.new_value,
                                          change.expected.old_value}));
    change.apply(everything);
    all_expected.push_back(change.expected);
  }
  // Every field at once, in declaration order.
  EXPECT_EQ(DiffSettings(FundSettings{}, everything), all_expected);
}

TEST(FundSettingsTest, ArrearsActions) {
  const FundSettings settings;
  EXPECT_FALSE(GuaranteeCallDue(59, settings));
  EXPECT_TRUE(GuaranteeCallDue(60, settings));
  EXPECT_FALSE(WriteOffDue(179, settings));
  EXPECT_TRUE(WriteOffDue(180, settings));
  EXPECT_FALSE(InSeriousArrears(60, settings));
  EXPECT_TRUE(InSeriousArrears(61, settings));
  EXPECT_FALSE(InSeriousArrears(0, settings));
}

}  // namespace
}  // namespace cercles::lending
