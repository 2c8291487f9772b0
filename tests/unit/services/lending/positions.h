// Loan positions for the tests of lending's rules: a schedule opened as a loan is
// disbursed, and repayments applied to it as RecordRepayment applies them.
#ifndef CERCLES_TESTS_UNIT_SERVICES_LENDING_POSITIONS_H_
#define CERCLES_TESTS_UNIT_SERVICES_LENDING_POSITIONS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

inline LoanPosition Open(int64_t principal, int32_t count, Frequency frequency,
                         absl::CivilDay first, int32_t annual_rate_bps = 0) {
  ScheduleTerms terms;
  terms.principal_cents = principal;
  terms.annual_rate_bps = annual_rate_bps;
  terms.instalment_count = count;
  terms.frequency = frequency;
  terms.first_due = first;
  absl::StatusOr<Schedule> schedule = BuildSchedule(terms);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return OpenPosition(*schedule);
}

inline void Pay(LoanPosition* position, int64_t amount, absl::CivilDay day) {
  absl::StatusOr<Allocation> allocation = AllocateRepayment(*position, amount, day);
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  ASSERT_TRUE(ApplyAllocation(*allocation, position).ok());
}

}  // namespace cercles::lending

#endif  // CERCLES_TESTS_UNIT_SERVICES_LENDING_POSITIONS_H_
