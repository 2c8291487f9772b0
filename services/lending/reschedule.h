// Rescheduling what remains of an active loan (LoanReschedule in servicing.proto): which
// instalments are kept, what principal and late interest go into the new schedule, and
// the new instalments, built by BuildSchedule (schedule.h) like a disbursement's.
//
//  - Kept: every instalment up to the last one with something paid on it (payments go to
//    the oldest instalment first, so they are a prefix). One paid in part is closed at
//    what was paid (its scheduled amounts become the paid ones) and cleared on the
//    approval day; what it still owed of principal joins the rescheduled principal.
//  - The rest are dropped; their principal (nothing was paid on it) joins the
//    rescheduled principal.
//  - Interest: what is still unpaid on instalments due on or before the approval day
//    (earned, late) is carried into the first new instalment that carries interest (the
//    first after the grace on interest); the interest of the instalments not yet due is
//    replaced by the new schedule's. Interest is income when received (journal.h), so
//    neither change is posted.
//  - The new instalments are numbered after the kept ones and fall due from the new first
//    due date, which must be after every kept instalment's due date.
#ifndef CERCLES_SERVICES_LENDING_RESCHEDULE_H_
#define CERCLES_SERVICES_LENDING_RESCHEDULE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// The terms of the new instalments (the loan's rate and interest method, the request's
// count, frequency, graces and first due date).
struct RescheduleTerms {
  int32_t instalment_count = 0;
  Frequency frequency = Frequency::kMonthly;
  int32_t grace_on_principal = 0;
  int32_t grace_on_interest = 0;
  absl::CivilDay first_due;
  int32_t annual_rate_bps = 0;
  InterestMethod method = InterestMethod::kDecliningBalance;
};

struct Rescheduled {
  LoanPosition position;               // the kept instalments, then the new ones
  size_t kept = 0;                     // how many were kept
  std::vector<int32_t> closed;         // kept instalments closed at what was paid
  Schedule added;                      // the new instalments, numbered after the kept ones
  int64_t principal_cents = 0;         // rescheduled
  int64_t carried_interest_cents = 0;  // late interest carried into `added`
};

// FAILED_PRECONDITION when nothing principal is left to reschedule or the first due date
// is not after a kept instalment's due date; INVALID_ARGUMENT (naming the field) when
// BuildSchedule refuses the terms.
absl::StatusOr<Rescheduled> Reschedule(const LoanPosition& position, const RescheduleTerms& terms,
                                       absl::CivilDay day);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_RESCHEDULE_H_
