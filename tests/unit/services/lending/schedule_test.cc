#include "services/lending/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;

struct ReferenceSchedule {
  std::string name;
  int64_t principal_cents;
  int32_t annual_rate_bps;
  int32_t instalment_count;
  Frequency frequency;
  InterestMethod method;
  absl::CivilDay first_due;
  std::vector<Instalment> instalments;
  int64_t total_interest_cents;
};

// Figures computed outside this code: tests/unit/services/lending/reference_schedules.py
// evaluates the annuity P*r / (1 - (1 + r)^-n) with Python's decimal module at 60
// significant digits and applies the rounding rules of schedule.h. Regenerate with
//   python3 tests/unit/services/lending/reference_schedules.py
// and paste its output below. Cross-checks: `bc -l` gives the same exact payments
// (8698.8429085..., 7893.6104245..., 23072.4631687...), and the first and fourth are the
// published textbook figures ($86.99 a month for $1,000 at 8 % over a year; $230.72 for
// $5,000 at 10 % over two years).
const std::vector<ReferenceSchedule>& ReferenceSchedules() {
  static const auto* const kReferenceSchedules = new std::vector<ReferenceSchedule>{
      {"1000_at_8pct_12_monthly",
       100000,
       800,
       12,
       Frequency::kMonthly,
       InterestMethod::kDecliningBalance,
       absl::CivilDay(2024, 1, 31),  // exact annuity payment 8698.842909 cents
       {
           {1, absl::CivilDay(2024, 1, 31), 8032, 667, 8699, 91968},
           {2, absl::CivilDay(2024, 2, 29), 8086, 613, 8699, 83882},
           {3, absl::CivilDay(2024, 3, 31), 8140, 559, 8699, 75742},
           {4, absl::CivilDay(2024, 4, 30), 8194, 505, 8699, 67548},
           {5, absl::CivilDay(2024, 5, 31), 8249, 450, 8699, 59299},
           {6, absl::CivilDay(2024, 6, 30), 8304, 395, 8699, 50995},
           {7, absl::CivilDay(2024, 7, 31), 8359, 340, 8699, 42636},
           {8, absl::CivilDay(2024, 8, 31), 8415, 284, 8699, 34221},
           {9, absl::CivilDay(2024, 9, 30), 8471, 228, 8699, 25750},
           {10, absl::CivilDay(2024, 10, 31), 8527, 172, 8699, 17223},
           {11, absl::CivilDay(2024, 11, 30), 8584, 115, 8699, 8639},
           {12, absl::CivilDay(2024, 12, 31), 8639, 58, 8697, 0},
       },
       /*total_interest_cents=*/4386},
      {"2000_at_5pct_26_biweekly",
       200000,
       500,
       26,
       Frequency::kEveryTwoWeeks,
       InterestMethod::kDecliningBalance,
       absl::CivilDay(2024, 3, 1),  // exact annuity payment 7893.610425 cents
       {
           {1, absl::CivilDay(2024, 3, 1), 7509, 385, 7894, 192491},
           {2, absl::CivilDay(2024, 3, 15), 7524, 370, 7894, 184967},
           {3, absl::CivilDay(2024, 3, 29), 7538, 356, 7894, 177429},
           {4, absl::CivilDay(2024, 4, 12), 7553, 341, 7894, 169876},
           {5, absl::CivilDay(2024, 4, 26), 7567, 327, 7894, 162309},
           {6, absl::CivilDay(2024, 5, 10), 7582, 312, 7894, 154727},
           {7, absl::CivilDay(2024, 5, 24), 7596, 298, 7894, 147131},
           {8, absl::CivilDay(2024, 6, 7), 7611, 283, 7894, 139520},
           {9, absl::CivilDay(2024, 6, 21), 7626, 268, 7894, 131894},
           {10, absl::CivilDay(2024, 7, 5), 7640, 254, 7894, 124254},
           {11, absl::CivilDay(2024, 7, 19), 7655, 239, 7894, 116599},
           {12, absl::CivilDay(2024, 8, 2), 7670, 224, 7894, 108929},
           {13, absl::CivilDay(2024, 8, 16), 7685, 209, 7894, 101244},
           {14, absl::CivilDay(2024, 8, 30), 7699, 195, 7894, 93545},
           {15, absl::CivilDay(2024, 9, 13), 7714, 180, 7894, 85831},
           {16, absl::CivilDay(2024, 9, 27), 7729, 165, 7894, 78102},
           {17, absl::CivilDay(2024, 10, 11), 7744, 150, 7894, 70358},
           {18, absl::CivilDay(2024, 10, 25), 7759, 135, 7894, 62599},
           {19, absl::CivilDay(2024, 11, 8), 7774, 120, 7894, 54825},
           {20, absl::CivilDay(2024, 11, 22), 7789, 105, 7894, 47036},
           {21, absl::CivilDay(2024, 12, 6), 7804, 90, 7894, 39232},
           {22, absl::CivilDay(2024, 12, 20), 7819, 75, 7894, 31413},
           {23, absl::CivilDay(2025, 1, 3), 7834, 60, 7894, 23579},
           {24, absl::CivilDay(2025, 1, 17), 7849, 45, 7894, 15730},
           {25, absl::CivilDay(2025, 1, 31), 7864, 30, 7894, 7866},
           {26, absl::CivilDay(2025, 2, 14), 7866, 15, 7881, 0},
       },
       /*total_interest_cents=*/5231},
      {"500_at_0pct_10_weekly",
       50000,
       0,
       10,
       Frequency::kWeekly,
       InterestMethod::kDecliningBalance,
       absl::CivilDay(2024, 2, 26),
       {
           {1, absl::CivilDay(2024, 2, 26), 5000, 0, 5000, 45000},
           {2, absl::CivilDay(2024, 3, 4), 5000, 0, 5000, 40000},
           {3, absl::CivilDay(2024, 3, 11), 5000, 0, 5000, 35000},
           {4, absl::CivilDay(2024, 3, 18), 5000, 0, 5000, 30000},
           {5, absl::CivilDay(2024, 3, 25), 5000, 0, 5000, 25000},
           {6, absl::CivilDay(2024, 4, 1), 5000, 0, 5000, 20000},
           {7, absl::CivilDay(2024, 4, 8), 5000, 0, 5000, 15000},
           {8, absl::CivilDay(2024, 4, 15), 5000, 0, 5000, 10000},
           {9, absl::CivilDay(2024, 4, 22), 5000, 0, 5000, 5000},
           {10, absl::CivilDay(2024, 4, 29), 5000, 0, 5000, 0},
       },
       /*total_interest_cents=*/0},
      {"5000_at_10pct_24_monthly",
       500000,
       1000,
       24,
       Frequency::kMonthly,
       InterestMethod::kDecliningBalance,
       absl::CivilDay(2025, 1, 15),  // exact annuity payment 23072.463169 cents
       {
           {1, absl::CivilDay(2025, 1, 15), 18905, 4167, 23072, 481095},
           {2, absl::CivilDay(2025, 2, 15), 19063, 4009, 23072, 462032},
           {3, absl::CivilDay(2025, 3, 15), 19222, 3850, 23072, 442810},
           {4, absl::CivilDay(2025, 4, 15), 19382, 3690, 23072, 423428},
           {5, absl::CivilDay(2025, 5, 15), 19543, 3529, 23072, 403885},
           {6, absl::CivilDay(2025, 6, 15), 19706, 3366, 23072, 384179},
           {7, absl::CivilDay(2025, 7, 15), 19871, 3201, 23072, 364308},
           {8, absl::CivilDay(2025, 8, 15), 20036, 3036, 23072, 344272},
           {9, absl::CivilDay(2025, 9, 15), 20203, 2869, 23072, 324069},
           {10, absl::CivilDay(2025, 10, 15), 20371, 2701, 23072, 303698},
           {11, absl::CivilDay(2025, 11, 15), 20541, 2531, 23072, 283157},
           {12, absl::CivilDay(2025, 12, 15), 20712, 2360, 23072, 262445},
           {13, absl::CivilDay(2026, 1, 15), 20885, 2187, 23072, 241560},
           {14, absl::CivilDay(2026, 2, 15), 21059, 2013, 23072, 220501},
           {15, absl::CivilDay(2026, 3, 15), 21234, 1838, 23072, 199267},
           {16, absl::CivilDay(2026, 4, 15), 21411, 1661, 23072, 177856},
           {17, absl::CivilDay(2026, 5, 15), 21590, 1482, 23072, 156266},
           {18, absl::CivilDay(2026, 6, 15), 21770, 1302, 23072, 134496},
           {19, absl::CivilDay(2026, 7, 15), 21951, 1121, 23072, 112545},
           {20, absl::CivilDay(2026, 8, 15), 22134, 938, 23072, 90411},
           {21, absl::CivilDay(2026, 9, 15), 22319, 753, 23072, 68092},
           {22, absl::CivilDay(2026, 10, 15), 22505, 567, 23072, 45587},
           {23, absl::CivilDay(2026, 11, 15), 22692, 380, 23072, 22895},
           {24, absl::CivilDay(2026, 12, 15), 22895, 191, 23086, 0},
       },
       /*total_interest_cents=*/53742},
      {"1000_flat_6pct_12_monthly",
       100000,
       600,
       12,
       Frequency::kMonthly,
       InterestMethod::kFlat,
       absl::CivilDay(2024, 8, 31),
       {
           {1, absl::CivilDay(2024, 8, 31), 8333, 500, 8833, 91667},
           {2, absl::CivilDay(2024, 9, 30), 8333, 500, 8833, 83334},
           {3, absl::CivilDay(2024, 10, 31), 8333, 500, 8833, 75001},
           {4, absl::CivilDay(2024, 11, 30), 8333, 500, 8833, 66668},
           {5, absl::CivilDay(2024, 12, 31), 8333, 500, 8833, 58335},
           {6, absl::CivilDay(2025, 1, 31), 8333, 500, 8833, 50002},
           {7, absl::CivilDay(2025, 2, 28), 8333, 500, 8833, 41669},
           {8, absl::CivilDay(2025, 3, 31), 8333, 500, 8833, 33336},
           {9, absl::CivilDay(2025, 4, 30), 8333, 500, 8833, 25003},
           {10, absl::CivilDay(2025, 5, 31), 8333, 500, 8833, 16670},
           {11, absl::CivilDay(2025, 6, 30), 8333, 500, 8833, 8337},
           {12, absl::CivilDay(2025, 7, 31), 8337, 500, 8837, 0},
       },
       /*total_interest_cents=*/6000},
      {"777_77_at_9_99pct_7_weekly",
       77777,
       999,
       7,
       Frequency::kWeekly,
       InterestMethod::kDecliningBalance,
       absl::CivilDay(2023, 12, 25),  // exact annuity payment 11196.547639 cents
       {
           {1, absl::CivilDay(2023, 12, 25), 11048, 149, 11197, 66729},
           {2, absl::CivilDay(2024, 1, 1), 11069, 128, 11197, 55660},
           {3, absl::CivilDay(2024, 1, 8), 11090, 107, 11197, 44570},
           {4, absl::CivilDay(2024, 1, 15), 11111, 86, 11197, 33459},
           {5, absl::CivilDay(2024, 1, 22), 11133, 64, 11197, 22326},
           {6, absl::CivilDay(2024, 1, 29), 11154, 43, 11197, 11172},
           {7, absl::CivilDay(2024, 2, 5), 11172, 21, 11193, 0},
       },
       /*total_interest_cents=*/598},
      {"1234_56_flat_7pct_15_biweekly",
       123456,
       700,
       15,
       Frequency::kEveryTwoWeeks,
       InterestMethod::kFlat,
       absl::CivilDay(2024, 12, 20),
       {
           {1, absl::CivilDay(2024, 12, 20), 8230, 332, 8562, 115226},
           {2, absl::CivilDay(2025, 1, 3), 8230, 332, 8562, 106996},
           {3, absl::CivilDay(2025, 1, 17), 8230, 332, 8562, 98766},
           {4, absl::CivilDay(2025, 1, 31), 8230, 332, 8562, 90536},
           {5, absl::CivilDay(2025, 2, 14), 8230, 332, 8562, 82306},
           {6, absl::CivilDay(2025, 2, 28), 8230, 332, 8562, 74076},
           {7, absl::CivilDay(2025, 3, 14), 8230, 332, 8562, 65846},
           {8, absl::CivilDay(2025, 3, 28), 8230, 332, 8562, 57616},
           {9, absl::CivilDay(2025, 4, 11), 8230, 332, 8562, 49386},
           {10, absl::CivilDay(2025, 4, 25), 8230, 332, 8562, 41156},
           {11, absl::CivilDay(2025, 5, 9), 8230, 332, 8562, 32926},
           {12, absl::CivilDay(2025, 5, 23), 8230, 332, 8562, 24696},
           {13, absl::CivilDay(2025, 6, 6), 8230, 332, 8562, 16466},
           {14, absl::CivilDay(2025, 6, 20), 8230, 332, 8562, 8236},
           {15, absl::CivilDay(2025, 7, 4), 8236, 338, 8574, 0},
       },
       /*total_interest_cents=*/4986},
  };
  return *kReferenceSchedules;
}

ScheduleTerms TermsOf(const ReferenceSchedule& reference) {
  ScheduleTerms terms;
  terms.principal_cents = reference.principal_cents;
  terms.annual_rate_bps = reference.annual_rate_bps;
  terms.instalment_count = reference.instalment_count;
  terms.frequency = reference.frequency;
  terms.first_due = reference.first_due;
  terms.method = reference.method;
  return terms;
}

TEST(ScheduleTest, MatchesTheReferenceTablesToTheCent) {
  for (const ReferenceSchedule& reference : ReferenceSchedules()) {
    SCOPED_TRACE(reference.name);
    absl::StatusOr<Schedule> schedule = BuildSchedule(TermsOf(reference));
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    ASSERT_EQ(schedule->instalments.size(), reference.instalments.size());
    for (size_t i = 0; i < reference.instalments.size(); ++i) {
      const Instalment& got = schedule->instalments[i];
      const Instalment& want = reference.instalments[i];
      SCOPED_TRACE(want.number);
      EXPECT_EQ(got.number, want.number);
      EXPECT_EQ(got.due, want.due);
      EXPECT_EQ(got.principal_cents, want.principal_cents);
      EXPECT_EQ(got.interest_cents, want.interest_cents);
      EXPECT_EQ(got.total_cents, want.total_cents);
      EXPECT_EQ(got.balance_after_cents, want.balance_after_cents);
    }
    EXPECT_EQ(schedule->total_interest_cents, reference.total_interest_cents);
  }
}

// Grace periods (schedule.h), computed by the same script outside this code (its
// GRACE_CASES; the deferred interest of a grace on interest spread over the instalments
// after it): grace on principal, then on interest, both (weekly), flat and 0 %.
struct GraceReference {
  int32_t grace_on_principal;
  int32_t grace_on_interest;
  ReferenceSchedule schedule;
};

const std::vector<GraceReference>& GraceReferenceSchedules() {
  static const auto* const kGraceReferenceSchedules = new std::vector<GraceReference>{
      {2,
       0,
       {"1500_at_8pct_12_monthly_2_principal_grace",
        150000,
        800,
        12,
        Frequency::kMonthly,
        InterestMethod::kDecliningBalance,
        absl::CivilDay(2025, 1, 31),  // exact annuity payment 15555.481340 cents
        {
            {1, absl::CivilDay(2025, 1, 31), 0, 1000, 1000, 150000},
            {2, absl::CivilDay(2025, 2, 28), 0, 1000, 1000, 150000},
            {3, absl::CivilDay(2025, 3, 31), 14555, 1000, 15555, 135445},
            {4, absl::CivilDay(2025, 4, 30), 14652, 903, 15555, 120793},
            {5, absl::CivilDay(2025, 5, 31), 14750, 805, 15555, 106043},
            {6, absl::CivilDay(2025, 6, 30), 14848, 707, 15555, 91195},
            {7, absl::CivilDay(2025, 7, 31), 14947, 608, 15555, 76248},
            {8, absl::CivilDay(2025, 8, 31), 15047, 508, 15555, 61201},
            {9, absl::CivilDay(2025, 9, 30), 15147, 408, 15555, 46054},
            {10, absl::CivilDay(2025, 10, 31), 15248, 307, 15555, 30806},
            {11, absl::CivilDay(2025, 11, 30), 15350, 205, 15555, 15456},
            {12, absl::CivilDay(2025, 12, 31), 15456, 103, 15559, 0},
        },
        /*total_interest_cents=*/7554}},
      {0,
       1,
       {"1500_at_8pct_12_monthly_1_interest_grace",
        150000,
        800,
        12,
        Frequency::kMonthly,
        InterestMethod::kDecliningBalance,
        absl::CivilDay(2025, 1, 31),  // exact annuity payment 14187.858133 cents
        {
            {1, absl::CivilDay(2025, 1, 31), 0, 0, 0, 150000},
            {2, absl::CivilDay(2025, 2, 28), 13188, 1090, 14278, 136812},
            {3, absl::CivilDay(2025, 3, 31), 13276, 1002, 14278, 123536},
            {4, absl::CivilDay(2025, 4, 30), 13364, 914, 14278, 110172},
            {5, absl::CivilDay(2025, 5, 31), 13454, 824, 14278, 96718},
            {6, absl::CivilDay(2025, 6, 30), 13543, 735, 14278, 83175},
            {7, absl::CivilDay(2025, 7, 31), 13633, 645, 14278, 69542},
            {8, absl::CivilDay(2025, 8, 31), 13724, 554, 14278, 55818},
            {9, absl::CivilDay(2025, 9, 30), 13816, 462, 14278, 42002},
            {10, absl::CivilDay(2025, 10, 31), 13908, 370, 14278, 28094},
            {11, absl::CivilDay(2025, 11, 30), 14001, 277, 14278, 14093},
            {12, absl::CivilDay(2025, 12, 31), 14093, 194, 14287, 0},
        },
        /*total_interest_cents=*/7067}},
      {4,
       2,
       {"1000_at_9pct_20_weekly_4_principal_2_interest_grace",
        100000,
        900,
        20,
        Frequency::kWeekly,
        InterestMethod::kDecliningBalance,
        absl::CivilDay(2025, 3, 3),  // exact annuity payment 6342.344614 cents
        {
            {1, absl::CivilDay(2025, 3, 3), 0, 0, 0, 100000},
            {2, absl::CivilDay(2025, 3, 10), 0, 0, 0, 100000},
            {3, absl::CivilDay(2025, 3, 17), 0, 192, 192, 100000},
            {4, absl::CivilDay(2025, 3, 24), 0, 192, 192, 100000},
            {5, absl::CivilDay(2025, 3, 31), 6169, 192, 6361, 93831},
            {6, absl::CivilDay(2025, 4, 7), 6180, 181, 6361, 87651},
            {7, absl::CivilDay(2025, 4, 14), 6190, 171, 6361, 81461},
            {8, absl::CivilDay(2025, 4, 21), 6201, 160, 6361, 75260},
            {9, absl::CivilDay(2025, 4, 28), 6212, 149, 6361, 69048},
            {10, absl::CivilDay(2025, 5, 5), 6222, 139, 6361, 62826},
            {11, absl::CivilDay(2025, 5, 12), 6233, 128, 6361, 56593},
            {12, absl::CivilDay(2025, 5, 19), 6244, 117, 6361, 50349},
            {13, absl::CivilDay(2025, 5, 26), 6255, 106, 6361, 44094},
            {14, absl::CivilDay(2025, 6, 2), 6266, 95, 6361, 37828},
            {15, absl::CivilDay(2025, 6, 9), 6277, 84, 6361, 31551},
            {16, absl::CivilDay(2025, 6, 16), 6287, 74, 6361, 25264},
            {17, absl::CivilDay(2025, 6, 23), 6298, 63, 6361, 18966},
            {18, absl::CivilDay(2025, 6, 30), 6309, 52, 6361, 12657},
            {19, absl::CivilDay(2025, 7, 7), 6320, 41, 6361, 6337},
            {20, absl::CivilDay(2025, 7, 14), 6337, 34, 6371, 0},
        },
        /*total_interest_cents=*/2170}},
      {3,
       1,
       {"1200_flat_6pct_12_monthly_3_principal_1_interest_grace",
        120000,
        600,
        12,
        Frequency::kMonthly,
        InterestMethod::kFlat,
        absl::CivilDay(2024, 11, 30),
        {
            {1, absl::CivilDay(2024, 11, 30), 0, 0, 0, 120000},
            {2, absl::CivilDay(2024, 12, 30), 0, 654, 654, 120000},
            {3, absl::CivilDay(2025, 1, 30), 0, 654, 654, 120000},
            {4, absl::CivilDay(2025, 2, 28), 13333, 654, 13987, 106667},
            {5, absl::CivilDay(2025, 3, 30), 13333, 654, 13987, 93334},
            {6, absl::CivilDay(2025, 4, 30), 13333, 654, 13987, 80001},
            {7, absl::CivilDay(2025, 5, 30), 13333, 654, 13987, 66668},
            {8, absl::CivilDay(2025, 6, 30), 13333, 654, 13987, 53335},
            {9, absl::CivilDay(2025, 7, 30), 13333, 654, 13987, 40002},
            {10, absl::CivilDay(2025, 8, 30), 13333, 654, 13987, 26669},
            {11, absl::CivilDay(2025, 9, 30), 13333, 654, 13987, 13336},
            {12, absl::CivilDay(2025, 10, 30), 13336, 660, 13996, 0},
        },
        /*total_interest_cents=*/7200}},
      {2,
       0,
       {"800_at_0pct_10_biweekly_2_principal_grace",
        80000,
        0,
        10,
        Frequency::kEveryTwoWeeks,
        InterestMethod::kDecliningBalance,
        absl::CivilDay(2025, 2, 14),
        {
            {1, absl::CivilDay(2025, 2, 14), 0, 0, 0, 80000},
            {2, absl::CivilDay(2025, 2, 28), 0, 0, 0, 80000},
            {3, absl::CivilDay(2025, 3, 14), 10000, 0, 10000, 70000},
            {4, absl::CivilDay(2025, 3, 28), 10000, 0, 10000, 60000},
            {5, absl::CivilDay(2025, 4, 11), 10000, 0, 10000, 50000},
            {6, absl::CivilDay(2025, 4, 25), 10000, 0, 10000, 40000},
            {7, absl::CivilDay(2025, 5, 9), 10000, 0, 10000, 30000},
            {8, absl::CivilDay(2025, 5, 23), 10000, 0, 10000, 20000},
            {9, absl::CivilDay(2025, 6, 6), 10000, 0, 10000, 10000},
            {10, absl::CivilDay(2025, 6, 20), 10000, 0, 10000, 0},
        },
        /*total_interest_cents=*/0}},
  };
  return *kGraceReferenceSchedules;
}

TEST(ScheduleTest, GracePeriodsMatchTheReferenceTablesToTheCent) {
  for (const GraceReference& grace : GraceReferenceSchedules()) {
    const ReferenceSchedule& reference = grace.schedule;
    SCOPED_TRACE(reference.name);
    ScheduleTerms terms = TermsOf(reference);
    terms.grace_on_principal = grace.grace_on_principal;
    terms.grace_on_interest = grace.grace_on_interest;
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    EXPECT_EQ(schedule->instalments, reference.instalments);
    EXPECT_EQ(schedule->total_interest_cents, reference.total_interest_cents);
    int64_t principal = 0;
    for (const Instalment& instalment : schedule->instalments) {
      principal += instalment.principal_cents;
    }
    EXPECT_EQ(principal, reference.principal_cents);  // interest is spread, never capitalised
  }
}

TEST(ScheduleTest, GracePeriodsOfZeroChangeNothing) {
  for (const ReferenceSchedule& reference : ReferenceSchedules()) {
    SCOPED_TRACE(reference.name);
    ScheduleTerms terms = TermsOf(reference);
    terms.grace_on_principal = 0;
    terms.grace_on_interest = 0;
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    EXPECT_EQ(schedule->instalments, reference.instalments);
  }
}

TEST(ScheduleTest, RegularPaymentIsTheRoundedAnnuity) {
  ScheduleTerms terms = TermsOf(ReferenceSchedules()[0]);  // $1,000 at 8 % over 12 months
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->regular_payment_cents, 8699);  // 8698.84 rounded half up

  terms.method = InterestMethod::kFlat;
  schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->regular_payment_cents, 0);
}

// An exact tie: 12 cents at 50 % for one month is 12 * (1 + 0.5/12) = 12.5 cents, which
// rounds half up to 13; its interest, 0.5 cent, rounds to 1.
TEST(ScheduleTest, ExactHalfCentRoundsUp) {
  ScheduleTerms terms;
  terms.principal_cents = 12;
  terms.annual_rate_bps = 5000;
  terms.instalment_count = 1;
  terms.first_due = absl::CivilDay(2024, 5, 1);
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->regular_payment_cents, 13);
  ASSERT_EQ(schedule->instalments.size(), 1u);
  EXPECT_EQ(schedule->instalments[0].principal_cents, 12);
  EXPECT_EQ(schedule->instalments[0].interest_cents, 1);
  EXPECT_EQ(schedule->instalments[0].total_cents, 13);

  // Flat, a tie on the total interest: 100 cents at 1 % over 6 months is 0.5 cent -> 1.
  terms.principal_cents = 100;
  terms.annual_rate_bps = 100;
  terms.instalment_count = 6;
  terms.method = InterestMethod::kFlat;
  schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->total_interest_cents, 1);
  EXPECT_EQ(schedule->instalments.back().interest_cents, 1);    // the last takes the remainder
  EXPECT_EQ(schedule->instalments.back().principal_cents, 20);  // 16 * 5 + 20
}

TEST(ScheduleTest, ZeroRateSplitsThePrincipalWithTheRemainderLast) {
  ScheduleTerms terms;
  terms.principal_cents = 100001;
  terms.annual_rate_bps = 0;
  terms.instalment_count = 7;
  terms.frequency = Frequency::kWeekly;
  terms.first_due = absl::CivilDay(2024, 1, 1);
  for (InterestMethod method : {InterestMethod::kDecliningBalance, InterestMethod::kFlat}) {
    terms.method = method;
    absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
    ASSERT_TRUE(schedule.ok()) << schedule.status();
    EXPECT_EQ(schedule->total_interest_cents, 0);
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(schedule->instalments[static_cast<size_t>(i)].principal_cents, 14285);
    EXPECT_EQ(schedule->instalments[6].principal_cents, 14291);  // 100001 - 6 * 14285
    EXPECT_EQ(schedule->instalments[6].balance_after_cents, 0);
  }
}

TEST(ScheduleTest, MonthlyDueDatesKeepTheDayWhenTheMonthAllowsIt) {
  const absl::CivilDay jan31(2024, 1, 31);
  EXPECT_EQ(DueDate(jan31, Frequency::kMonthly, 1), jan31);
  EXPECT_EQ(DueDate(jan31, Frequency::kMonthly, 2), absl::CivilDay(2024, 2, 29));  // leap
  EXPECT_EQ(DueDate(jan31, Frequency::kMonthly, 3), absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(DueDate(jan31, Frequency::kMonthly, 4), absl::CivilDay(2024, 4, 30));
  EXPECT_EQ(DueDate(jan31, Frequency::kMonthly, 14), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(DueDate(absl::CivilDay(2023, 1, 31), Frequency::kMonthly, 2),
            absl::CivilDay(2023, 2, 28));
  EXPECT_EQ(DueDate(absl::CivilDay(2023, 1, 30), Frequency::kMonthly, 2),
            absl::CivilDay(2023, 2, 28));
  EXPECT_EQ(DueDate(absl::CivilDay(2023, 1, 30), Frequency::kMonthly, 3),
            absl::CivilDay(2023, 3, 30));
  // A schedule starting on Feb 29 stays on the 29th.
  EXPECT_EQ(DueDate(absl::CivilDay(2024, 2, 29), Frequency::kMonthly, 2),
            absl::CivilDay(2024, 3, 29));
  EXPECT_EQ(DueDate(absl::CivilDay(2024, 2, 29), Frequency::kMonthly, 13),
            absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(DueDate(absl::CivilDay(2024, 2, 29), Frequency::kMonthly, 49),
            absl::CivilDay(2028, 2, 29));
  // Across a year end.
  EXPECT_EQ(DueDate(absl::CivilDay(2024, 11, 15), Frequency::kMonthly, 3),
            absl::CivilDay(2025, 1, 15));
}

TEST(ScheduleTest, WeeklyAndTwoWeeklyDueDatesCountDays) {
  const absl::CivilDay first(2024, 2, 22);
  EXPECT_EQ(DueDate(first, Frequency::kWeekly, 2), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(DueDate(first, Frequency::kWeekly, 3), absl::CivilDay(2024, 3, 7));
  EXPECT_EQ(DueDate(first, Frequency::kEveryTwoWeeks, 2), absl::CivilDay(2024, 3, 7));
  EXPECT_EQ(DueDate(first, Frequency::kWeekly, 53), absl::CivilDay(2025, 2, 20));
  EXPECT_EQ(PeriodsPerYear(Frequency::kWeekly), 52);
  EXPECT_EQ(PeriodsPerYear(Frequency::kEveryTwoWeeks), 26);
  EXPECT_EQ(PeriodsPerYear(Frequency::kMonthly), 12);
}

TEST(ScheduleTest, InvalidTermsNameTheFieldAndTheRule) {
  ScheduleTerms valid;
  valid.principal_cents = 100000;
  valid.annual_rate_bps = 500;
  valid.instalment_count = 12;
  valid.first_due = absl::CivilDay(2024, 1, 1);
  ASSERT_TRUE(BuildSchedule(valid).ok());

  struct Case {
    ScheduleTerms terms;
    std::string message;
  };
  std::vector<Case> cases;
  auto with = [&](auto change, std::string message) {
    ScheduleTerms terms = valid;
    change(terms);
    cases.push_back({terms, std::move(message)});
  };
  with([](ScheduleTerms& t) { t.principal_cents = 0; },
       "amount.minor_units must be positive, got 0");
  with([](ScheduleTerms& t) { t.principal_cents = -5; }, "amount.minor_units must be positive");
  with([](ScheduleTerms& t) { t.principal_cents = kMaxPrincipalCents + 1; },
       "amount.minor_units must be at most 1000000000");
  with([](ScheduleTerms& t) { t.principal_cents = 11; },
       "amount.minor_units must be at least one minor unit per instalment (12), got 11");
  with([](ScheduleTerms& t) { t.annual_rate_bps = -1; },
       "annual_rate_bps must be between 0 and 10000");
  with([](ScheduleTerms& t) { t.annual_rate_bps = 10001; },
       "annual_rate_bps must be between 0 and 10000");
  with([](ScheduleTerms& t) { t.instalment_count = 0; },
       "instalment_count must be between 1 and 260, got 0");
  with([](ScheduleTerms& t) { t.instalment_count = 261; },
       "instalment_count must be between 1 and 260");
  with([](ScheduleTerms& t) { t.frequency = static_cast<Frequency>(7); },
       "frequency must be WEEKLY");
  with([](ScheduleTerms& t) { t.method = static_cast<InterestMethod>(7); },
       "method must be DECLINING_BALANCE or FLAT");
  with([](ScheduleTerms& t) { t.grace_on_principal = 12; },
       "grace_on_principal must lie in 0..11 (fewer than instalment_count: at least one "
       "instalment repays the principal), got 12");
  with([](ScheduleTerms& t) { t.grace_on_principal = -1; }, "grace_on_principal must lie in 0..11");
  with([](ScheduleTerms& t) { t.grace_on_interest = 12; }, "grace_on_interest must lie in 0..11");
  for (const Case& c : cases) {
    absl::StatusOr<Schedule> schedule = BuildSchedule(c.terms);
    EXPECT_THAT(schedule.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }

  // The bounds themselves are valid.
  valid.principal_cents = kMaxPrincipalCents;
  valid.annual_rate_bps = kMaxAnnualRateBps;
  valid.instalment_count = kMaxInstalments;
  EXPECT_TRUE(BuildSchedule(valid).ok());
  valid.principal_cents = kMaxInstalments;
  valid.annual_rate_bps = 0;
  EXPECT_TRUE(BuildSchedule(valid).ok());
}

// --- Properties over many random terms, each checked by arithmetic written independently
// of schedule.cc (other formulas for rounding, dates and the annuity).

// Half up by quotient and remainder: q + 1 when the remainder is at least half the divisor.
int64_t HalfUp(int64_t numerator, int64_t divisor) {
  const int64_t q = numerator / divisor;
  const int64_t remainder = numerator % divisor;
  return 2 * remainder >= divisor ? q + 1 : q;
}

int LastDayOfMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The exact annuity rounded half up for one or two instalments, where it fits in 128 bits:
// n = 1: P (D + b) / D;  n = 2: P (D + b)^2 / (D (2D + b)).
int64_t ExactPaymentForOneOrTwo(int64_t principal, int64_t bps, int64_t d, int32_t n) {
  absl::uint128 numerator =
      absl::uint128(static_cast<uint64_t>(principal)) * static_cast<uint64_t>(d + bps);
  absl::uint128 denominator = static_cast<uint64_t>(d);
  if (n == 2) {
    numerator *= static_cast<uint64_t>(d + bps);
    denominator *= static_cast<uint64_t>(2 * d + bps);
  }
  return static_cast<int64_t>((2 * numerator + denominator) / (2 * denominator));
}

struct PropertyStats {
  int schedules = 0;
  int payment_checked_against_long_double = 0;
  int payment_checked_exactly = 0;
  // Over the network's loans ($500 or more at 10 % or less):
  int network_early_payoffs = 0;
  int64_t largest_last_instalment_gap_cents = 0;  // |last total - regular payment|
  // Over all terms: schedules whose payment's rounding repays the balance early.
  int early_payoffs = 0;
};

void CheckScheduleProperties(const ScheduleTerms& terms, PropertyStats* stats) {
  SCOPED_TRACE(::testing::Message()
               << "P=" << terms.principal_cents << " bps=" << terms.annual_rate_bps
               << " n=" << terms.instalment_count << " freq=" << static_cast<int>(terms.frequency)
               << " method=" << static_cast<int>(terms.method));
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  ++stats->schedules;
  const std::vector<Instalment>& rows = schedule->instalments;
  ASSERT_EQ(rows.size(), static_cast<size_t>(terms.instalment_count));
  const int64_t k = terms.frequency == Frequency::kWeekly          ? 52
                    : terms.frequency == Frequency::kEveryTwoWeeks ? 26
                                                                   : 12;
  const int64_t d = 10000 * k;
  const int64_t n = terms.instalment_count;
  const bool declining =
      terms.method == InterestMethod::kDecliningBalance && terms.annual_rate_bps > 0;

  int64_t principal_sum = 0;
  int64_t interest_sum = 0;
  int64_t balance = terms.principal_cents;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Instalment& row = rows[i];
    ASSERT_EQ(row.number, static_cast<int32_t>(i + 1));
    ASSERT_GE(row.principal_cents, 0);
    ASSERT_GE(row.interest_cents, 0);
    ASSERT_EQ(row.total_cents, row.principal_cents + row.interest_cents);
    if (declining) {
      // Each period's interest is the balance before it times r, rounded half up.
      ASSERT_EQ(row.interest_cents, HalfUp(balance * terms.annual_rate_bps, d)) << row.number;
      // Every instalment but the last is the regular payment, unless the balance runs out
      // first (payments of a few cents, or extreme rates over long terms): then that
      // instalment pays what is left and the later ones are zero.
      if (i + 1 < rows.size() && balance > 0) {
        const int64_t expected_principal =
            std::min(balance, schedule->regular_payment_cents - row.interest_cents);
        ASSERT_EQ(row.principal_cents, expected_principal) << row.number;
        if (expected_principal == balance) ++stats->early_payoffs;
      }
      if (balance == 0) {
        ASSERT_EQ(row.total_cents, 0) << row.number;
      }
    }
    balance -= row.principal_cents;
    ASSERT_EQ(row.balance_after_cents, balance);
    principal_sum += row.principal_cents;
    interest_sum += row.interest_cents;

    // Due dates, recomputed by stepping.
    if (terms.frequency == Frequency::kMonthly) {
      const int64_t months = terms.first_due.month() - 1 + static_cast<int64_t>(i);
      const int64_t year = terms.first_due.year() + months / 12;
      const int month = static_cast<int>(months % 12) + 1;
      const int day = std::min(terms.first_due.day(), LastDayOfMonth(year, month));
      ASSERT_EQ(row.due, absl::CivilDay(year, month, day));
    } else {
      const int64_t step = terms.frequency == Frequency::kWeekly ? 7 : 14;
      ASSERT_EQ(row.due - terms.first_due, step * static_cast<int64_t>(i));
    }
  }
  ASSERT_EQ(principal_sum, terms.principal_cents);
  ASSERT_EQ(balance, 0);
  ASSERT_EQ(interest_sum, schedule->total_interest_cents);

  if (!declining) {
    // Flat (or 0 %): interest = P * rate * n / k rounded half up, both parts split evenly
    // with the remainder (0 to n - 1 cents) on the last.
    const int64_t interest = HalfUp(terms.principal_cents * terms.annual_rate_bps * n, d);
    ASSERT_EQ(interest_sum, interest);
    for (size_t i = 0; i + 1 < rows.size(); ++i) {
      ASSERT_EQ(rows[i].principal_cents, terms.principal_cents / n);
      ASSERT_EQ(rows[i].interest_cents, interest / n);
    }
    ASSERT_GE(rows.back().principal_cents, terms.principal_cents / n);
    ASSERT_LT(rows.back().principal_cents, terms.principal_cents / n + n);
    ASSERT_EQ(schedule->regular_payment_cents, 0);
    return;
  }

  // The regular payment is the annuity rounded half up: exactly for n <= 2, else against
  // long double wherever the exact value is not within 1e-6 cent of a tie.
  const int64_t payment = schedule->regular_payment_cents;
  if (n <= 2) {
    ASSERT_EQ(payment, ExactPaymentForOneOrTwo(terms.principal_cents, terms.annual_rate_bps, d,
                                               static_cast<int32_t>(n)));
    ++stats->payment_checked_exactly;
  } else {
    const long double r =
        static_cast<long double>(terms.annual_rate_bps) / static_cast<long double>(d);
    const long double exact = static_cast<long double>(terms.principal_cents) * r /
                              (1.0L - std::pow(1.0L + r, -static_cast<long double>(n)));
    const long double fraction = exact - std::floor(exact);
    if (std::fabs(fraction - 0.5L) > 1e-6L) {
      ASSERT_EQ(payment, static_cast<int64_t>(std::floor(exact + 0.5L)))
          << static_cast<double>(exact);
      ++stats->payment_checked_against_long_double;
    }
  }
  if (terms.principal_cents >= 50000 && terms.annual_rate_bps <= 1000) {
    const bool early = std::any_of(rows.begin(), rows.end() - 1, [&](const Instalment& row) {
      return row.total_cents != payment;
    });
    if (early) ++stats->network_early_payoffs;
    stats->largest_last_instalment_gap_cents = std::max(
        stats->largest_last_instalment_gap_cents, std::abs(rows.back().total_cents - payment));
  }
}

TEST(SchedulePropertyTest, RandomTermsKeepEveryCent) {
  std::mt19937_64 random(20240131);  // fixed seed: a failure reproduces
  PropertyStats stats;
  const Frequency frequencies[] = {Frequency::kWeekly, Frequency::kEveryTwoWeeks,
                                   Frequency::kMonthly};
  for (int i = 0; i < 6000; ++i) {
    ScheduleTerms terms;
    terms.instalment_count = std::uniform_int_distribution<int32_t>(1, kMaxInstalments)(random);
    if (i % 3 == 0) terms.instalment_count = std::uniform_int_distribution<int32_t>(1, 3)(random);
    // Mostly the network's loans ($500 to $20,000 at 0 to 10 %), some anywhere in range.
    if (i % 4 != 0) {
      terms.principal_cents = std::uniform_int_distribution<int64_t>(50000, 2000000)(random);
      terms.annual_rate_bps = std::uniform_int_distribution<int32_t>(0, 1000)(random);
    } else {
      const int digits = std::uniform_int_distribution<int>(0, 9)(random);
      int64_t high = 1;
      for (int j = 0; j < digits; ++j) high *= 10;
      terms.principal_cents = std::max<int64_t>(
          terms.instalment_count, std::uniform_int_distribution<int64_t>(1, high)(random));
      terms.annual_rate_bps = std::uniform_int_distribution<int32_t>(0, kMaxAnnualRateBps)(random);
    }
    if (i % 10 == 0) terms.annual_rate_bps = 0;
    terms.frequency = frequencies[std::uniform_int_distribution<int>(0, 2)(random)];
    terms.method = std::uniform_int_distribution<int>(0, 3)(random) == 0
                       ? InterestMethod::kFlat
                       : InterestMethod::kDecliningBalance;
    terms.first_due =
        absl::CivilDay(2020, 1, 1) + std::uniform_int_distribution<int>(0, 3000)(random);
    ASSERT_NO_FATAL_FAILURE(CheckScheduleProperties(terms, &stats));
  }
  EXPECT_EQ(stats.schedules, 6000);
  EXPECT_GT(stats.payment_checked_exactly, 500);
  EXPECT_GT(stats.payment_checked_against_long_double, 2000);
  // For the network's loans every instalment but the last is the regular payment, and the
  // last differs by the sub-cent roundings accumulated over up to 260 periods: a few
  // dollars at the very most (up to 0.5 cent a period each way, compounded).
  EXPECT_EQ(stats.network_early_payoffs, 0);
  EXPECT_LE(stats.largest_last_instalment_gap_cents, 500);
  std::cout << "largest last-instalment gap for network loans: "
            << stats.largest_last_instalment_gap_cents << " cents; early payoffs (all terms) "
            << stats.early_payoffs << "; payments checked exactly " << stats.payment_checked_exactly
            << ", against long double " << stats.payment_checked_against_long_double << "\n";
}

TEST(SchedulePropertyTest, ExtremeTermsStayExact) {
  PropertyStats stats;
  for (Frequency frequency : {Frequency::kWeekly, Frequency::kEveryTwoWeeks, Frequency::kMonthly}) {
    for (InterestMethod method : {InterestMethod::kDecliningBalance, InterestMethod::kFlat}) {
      for (int32_t bps : {0, 1, 999, 1000, kMaxAnnualRateBps}) {
        for (int32_t n : {1, 2, 3, 59, kMaxInstalments}) {
          for (int64_t principal : {static_cast<int64_t>(n), int64_t{99999}, kMaxPrincipalCents}) {
            ScheduleTerms terms;
            terms.principal_cents = principal;
            terms.annual_rate_bps = bps;
            terms.instalment_count = n;
            terms.frequency = frequency;
            terms.method = method;
            terms.first_due = absl::CivilDay(2024, 1, 31);
            ASSERT_NO_FATAL_FAILURE(CheckScheduleProperties(terms, &stats));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace cercles::lending
