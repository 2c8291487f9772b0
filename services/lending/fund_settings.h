// The fund's lending settings (DOMAIN.md: the guarantee threshold, the stepped-loan
// ladder, the circle's quorum and majority, allowed rates and terms, arrears buckets and
// what happens at which lateness are all fund settings), as pure rules: the defaults, the
// one validation every change passes, and the list of changed fields each change records
// for the audit ("every change recorded").
#ifndef CERCLES_SERVICES_LENDING_FUND_SETTINGS_H_
#define CERCLES_SERVICES_LENDING_FUND_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/lending/arrears.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// A share of a count that a vote must reach: "more than 1/2" (strictly_more, the
// default), "at least 2/3", or unanimity "at least 1/1". The fraction lies in (0, 1];
// "more than 1/1" can never be reached and is refused.
struct VoteThreshold {
  int32_t numerator = 1;
  int32_t denominator = 2;
  bool strictly_more = true;

  friend bool operator==(const VoteThreshold& a, const VoteThreshold& b) {
    return a.numerator == b.numerator && a.denominator == b.denominator &&
           a.strictly_more == b.strictly_more;
  }
  friend bool operator!=(const VoteThreshold& a, const VoteThreshold& b) { return !(a == b); }
};

// Whether `count` out of `total` reaches the threshold (exact integer arithmetic).
bool Reaches(const VoteThreshold& threshold, int64_t count, int64_t total);
// "more than 1/2", "at least 2/3".
std::string DescribeThreshold(const VoteThreshold& threshold);

// Allowed numbers of instalments for one repayment frequency, both ends included.
struct TermRange {
  int32_t min_instalments = 1;
  int32_t max_instalments = 1;

  friend bool operator==(const TermRange& a, const TermRange& b) {
    return a.min_instalments == b.min_instalments && a.max_instalments == b.max_instalments;
  }
  friend bool operator!=(const TermRange& a, const TermRange& b) { return !(a == b); }
};

// Who guarantees a loan its circle approved, up to the guarantee threshold.
enum class CircleGuarantors {
  // Every other current member, however they voted: the guarantee is the circle's
  // (seed: "le cercle l'analyse et, si elle est acceptée, la cautionne"; the default).
  kWholeCircle = 1,
  // Every other current member except those who voted no.
  kExceptNoVoters = 2,
};

// The most active loans a fund may let one person hold at once.
inline constexpr int32_t kMaxActiveLoansPerPerson = 10;

// The longest grace (on principal or on interest) a fund may give by default or a request
// may ask for: a year of weekly instalments. A loan's grace is also below its number of
// instalments (schedule.h).
inline constexpr int32_t kMaxGraceInstalments = 52;
// The largest arrears tolerance: $100.00. A tolerance forgives cents or a few dollars
// left unpaid, not an instalment.
inline constexpr int64_t kMaxArrearsToleranceCents = 10'000;
// The largest number of days before a due date an upcoming reminder may start.
inline constexpr int32_t kMaxReminderDaysBefore = 30;

struct FundSettings {
  // ISO 4217; the fund keeps its books in one currency.
  std::string currency = "CAD";

  // A loan of at most this amount is guaranteed jointly by the circle; above it the
  // borrower alone is responsible (seed: "supérieures à 2000$ ... responsabilité
  // individuelle").
  int64_t guarantee_threshold_cents = 200'000;

  // Stepped loans: the first loan's ceiling, then one rung up per loan repaid on time
  // (LadderCeilingCents), where on time means no instalment cleared more than
  // on_time_tolerance_days after its due date (RepaidOnTime).
  std::vector<int64_t> ladder_cents = {50'000, 100'000, 200'000, 500'000};
  int32_t on_time_tolerance_days = 7;

  // The circle's vote (TallyVotes): the share of the eligible voters (the other members)
  // who must vote, and the share of the votes cast that must approve.
  VoteThreshold vote_quorum = {1, 2, true};
  VoteThreshold vote_approval = {1, 2, true};

  // Annual interest rate, in basis points (800 is 8 %), both ends allowed.
  int32_t min_annual_rate_bps = 0;
  int32_t max_annual_rate_bps = 1'000;

  // Number of instalments allowed for each frequency: two years at most by default.
  TermRange weekly_terms = {1, 104};
  TermRange every_two_weeks_terms = {1, 52};
  TermRange monthly_terms = {1, 24};

  // Arrears classification of an active loan (1-30, 31-60, 61-90, 90+ by default).
  ArrearsBucketBounds arrears_buckets;
  // Days past due from which the fund calls the circle's guarantee, and from which it
  // writes the loan off (never before the guarantee call).
  int32_t guarantee_call_days_past_due = 60;
  int32_t write_off_days_past_due = 180;
  // A member whose loan is this many days past due or more is in serious arrears (61:
  // the third bucket with the default bounds); while one is, the circle may guarantee
  // new loans only when circle_in_serious_arrears_may_guarantee is set.
  int32_t serious_arrears_days_past_due = 61;
  bool circle_in_serious_arrears_may_guarantee = false;

  // What a repayment does beyond the current instalment (repayment.h): pay the next
  // instalments as scheduled, or reduce the principal and recompute the later
  // instalments' interest. Applies to the repayments recorded while it is in force.
  PrepaymentRule prepayment_rule = PrepaymentRule::kPayNextInstalments;

  // How many ACTIVE loans one person may hold at once (CheckActiveLoanLimit): checked
  // when a request is submitted, counting it, and again when a loan is disbursed.
  int32_t max_active_loans_per_person = 1;

  // Whether a member who voted no on a request is one of its joint guarantors
  // (GuaranteeFor, GuarantorsAfterVote).
  CircleGuarantors circle_guarantors = CircleGuarantors::kWholeCircle;

  // The grace periods a request gets when it does not ask for its own (schedule.h: the
  // first instalments interest only, or with nothing due and their interest spread over
  // the rest), stored on the loan at submission.
  int32_t default_grace_on_principal = 0;
  int32_t default_grace_on_interest = 0;

  // An instalment whose unpaid amount is below this is not late (LateOn): days past due,
  // buckets, guarantee calls, serious arrears, PAR30 and the portfolio report.
  int64_t arrears_tolerance_cents = 0;

  // Reminders (reminders.h): an upcoming notice from this many days before an
  // instalment's due date; 0 turns upcoming notices off.
  int32_t reminder_days_before = 3;
};

// "PAY_NEXT_INSTALMENTS", "REDUCE_PRINCIPAL", as the API names them without their prefix.
std::string PrepaymentRuleName(PrepaymentRule rule);

// "WHOLE_CIRCLE", "EXCEPT_NO_VOTERS", as the API names them without their prefix.
std::string CircleGuarantorsName(CircleGuarantors rule);

// The allowed instalment counts for `frequency`.
const TermRange& TermRangeFor(const FundSettings& settings, Frequency frequency);

// INVALID_ARGUMENT naming the field and the rule: a three-letter upper-case currency; a
// positive threshold of at most kMaxPrincipalCents; a non-empty, positive, strictly
// increasing ladder whose top is at most kMaxPrincipalCents; a tolerance of 0..365 days;
// both vote thresholds with a positive denominator and a fraction in (0, 1], never "more
// than 1/1"; 0 <= min rate <= max rate <= kMaxAnnualRateBps; each term range with
// 1 <= min <= max <= kMaxInstalments; increasing bucket bounds (ValidateBucketBounds);
// a guarantee call from at least 1 day; write-off days >= guarantee-call days; serious
// arrears from at least 1 day; a prepayment rule that is one of PrepaymentRule's; 1 to
// kMaxActiveLoansPerPerson active loans per person; a circle_guarantors rule that is one
// of CircleGuarantors'; default graces of 0..kMaxGraceInstalments; an arrears tolerance
// of 0..kMaxArrearsToleranceCents; reminder days before of 0..kMaxReminderDaysBefore.
absl::Status ValidateSettings(const FundSettings& settings);

// One changed field, with both values as the audit shows them.
struct SettingChange {
  std::string
      field;  // "guarantee_threshold_minor_units", "weekly_terms", "arrears_buckets.first_max_days"
  std::string old_value;
  std::string new_value;

  friend bool operator==(const SettingChange& a, const SettingChange& b) {
    return a.field == b.field && a.old_value == b.old_value && a.new_value == b.new_value;
  }
};

// The fields that differ, in declaration order; empty when nothing changed.
std::vector<SettingChange> DiffSettings(const FundSettings& old_settings,
                                        const FundSettings& new_settings);

// Whether an active loan this late is due for a guarantee call, a write-off, or marks
// its borrower as in serious arrears.
bool GuaranteeCallDue(int32_t days_past_due, const FundSettings& settings);
bool WriteOffDue(int32_t days_past_due, const FundSettings& settings);
bool InSeriousArrears(int32_t days_past_due, const FundSettings& settings);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_FUND_SETTINGS_H_
