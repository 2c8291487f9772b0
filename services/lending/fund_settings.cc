#include "services/lending/fund_settings.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/api/money.h"

namespace cercles::lending {
namespace {

inline constexpr int32_t kMaxToleranceDays = 365;

absl::Status ValidateThreshold(absl::string_view field, const VoteThreshold& threshold) {
  if (threshold.denominator <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".denominator must be positive, got ", threshold.denominator));
  }
  if (threshold.numerator <= 0 || threshold.numerator > threshold.denominator) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the fraction must lie in (0, 1], got ",
                                                   threshold.numerator, "/",
                                                   threshold.denominator));
  }
  if (threshold.strictly_more && threshold.numerator == threshold.denominator) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"more than ", threshold.numerator, "/", threshold.denominator,
                     "\" can never be reached; use \"at least 1/1\" for unanimity"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTerms(absl::string_view field, const TermRange& range) {
  if (range.min_instalments < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".min_instalments must be at least 1, got ", range.min_instalments));
  }
  if (range.max_instalments < range.min_instalments) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".max_instalments must be at least ",
                                                   "min_instalments (", range.min_instalments,
                                                   "), got ", range.max_instalments));
  }
  if (range.max_instalments > kMaxInstalments) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".max_instalments must be at most ",
                                                   kMaxInstalments, ", got ",
                                                   range.max_instalments));
  }
  return absl::OkStatus();
}

std::string TermsText(const TermRange& range) {
  return absl::StrCat(range.min_instalments, "..", range.max_instalments);
}

std::string BoolText(bool value) { return value ? "true" : "false"; }

}  // namespace

bool Reaches(const VoteThreshold& threshold, int64_t count, int64_t total) {
  const int64_t left = count * threshold.denominator;
  const int64_t right = total * threshold.numerator;
  return threshold.strictly_more ? left > right : left >= right;
}

std::string DescribeThreshold(const VoteThreshold& threshold) {
  return absl::StrCat(threshold.strictly_more ? "more than " : "at least ", threshold.numerator,
                      "/", threshold.denominator);
}

const TermRange& TermRangeFor(const FundSettings& settings, Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return settings.weekly_terms;
    case Frequency::kEveryTwoWeeks:
      return settings.every_two_weeks_terms;
    case Frequency::kMonthly:
      return settings.monthly_terms;
  }
  return settings.monthly_terms;
}

absl::Status ValidateSettings(const FundSettings& settings) {
  const std::string& currency = settings.currency;
  if (!api::IsCurrencyCode(currency)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "currency: must be a three-letter upper-case ISO 4217 code such as CAD, got \"", currency,
        "\""));
  }
  if (settings.guarantee_threshold_cents <= 0 ||
      settings.guarantee_threshold_cents > kMaxPrincipalCents) {
    return absl::InvalidArgumentError(
        absl::StrCat("guarantee_threshold.minor_units must lie in 1..", kMaxPrincipalCents,
                     ", got ", settings.guarantee_threshold_cents));
  }
  // The ladder's rules live with the ladder itself.
  if (absl::StatusOr<int64_t> first = LadderCeilingCents(settings.ladder_cents, {}); !first.ok()) {
    return first.status();
  }
  if (settings.ladder_cents.back() > kMaxPrincipalCents) {
    return absl::InvalidArgumentError(absl::StrCat("ladder: the top rung must be at most ",
                                                   kMaxPrincipalCents, ", got ",
                                                   settings.ladder_cents.back()));
  }
  if (settings.on_time_tolerance_days < 0 || settings.on_time_tolerance_days > kMaxToleranceDays) {
    return absl::InvalidArgumentError(absl::StrCat("on_time_tolerance_days must lie in 0..",
                                                   kMaxToleranceDays, ", got ",
                                                   settings.on_time_tolerance_days));
  }
  if (absl::Status s = ValidateThreshold("vote_quorum", settings.vote_quorum); !s.ok()) return s;
  if (absl::Status s = ValidateThreshold("vote_approval", settings.vote_approval); !s.ok()) {
    return s;
  }
  if (settings.min_annual_rate_bps < 0) {
    return absl::InvalidArgumentError(absl::StrCat("min_annual_rate_bps must not be negative, got ",
                                                   settings.min_annual_rate_bps));
  }
  if (settings.max_annual_rate_bps < settings.min_annual_rate_bps) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_annual_rate_bps must be at least min_annual_rate_bps (",
                     settings.min_annual_rate_bps, "), got ", settings.max_annual_rate_bps));
  }
  if (settings.max_annual_rate_bps > kMaxAnnualRateBps) {
    return absl::InvalidArgumentError(absl::StrCat("max_annual_rate_bps must be at most ",
                                                   kMaxAnnualRateBps, ", got ",
                                                   settings.max_annual_rate_bps));
  }
  if (absl::Status s = ValidateTerms("weekly_terms", settings.weekly_terms); !s.ok()) return s;
  if (absl::Status s = ValidateTerms("every_two_weeks_terms", settings.every_two_weeks_terms);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateTerms("monthly_terms", settings.monthly_terms); !s.ok()) return s;
  if (absl::Status s = ValidateBucketBounds(settings.arrears_buckets); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("arrears_buckets.", s.message()));
  }
  if (settings.guarantee_call_days_past_due < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("guarantee_call_days_past_due must be at least 1, got ",
                     settings.guarantee_call_days_past_due));
  }
  if (settings.write_off_days_past_due < settings.guarantee_call_days_past_due) {
    return absl::InvalidArgumentError(
        absl::StrCat("write_off_days_past_due must be at least guarantee_call_days_past_due (",
                     settings.guarantee_call_days_past_due,
                     "): a loan is not written off before its "
                     "guarantee is called, got ",
                     settings.write_off_days_past_due));
  }
  if (settings.serious_arrears_days_past_due < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("serious_arrears_days_past_due must be at least 1, got ",
                     settings.serious_arrears_days_past_due));
  }
  if (settings.prepayment_rule != PrepaymentRule::kPayNextInstalments &&
      settings.prepayment_rule != PrepaymentRule::kReducePrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat("prepayment_rule must be PREPAYMENT_RULE_PAY_NEXT_INSTALMENTS (or unset) or "
                     "PREPAYMENT_RULE_REDUCE_PRINCIPAL, got ",
                     static_cast<int>(settings.prepayment_rule)));
  }
  if (settings.max_active_loans_per_person < 1 ||
      settings.max_active_loans_per_person > kMaxActiveLoansPerPerson) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_active_loans_per_person must lie in 1..", kMaxActiveLoansPerPerson,
                     " (0 or unset means 1), got ", settings.max_active_loans_per_person));
  }
  if (settings.circle_guarantors != CircleGuarantors::kWholeCircle &&
      settings.circle_guarantors != CircleGuarantors::kExceptNoVoters) {
    return absl::InvalidArgumentError(
        absl::StrCat("circle_guarantors must be CIRCLE_GUARANTORS_WHOLE_CIRCLE (or unset) or "
                     "CIRCLE_GUARANTORS_EXCEPT_NO_VOTERS, got ",
                     static_cast<int>(settings.circle_guarantors)));
  }
  for (const auto& [field, grace] :
       {std::pair{"default_grace_on_principal_instalments", settings.default_grace_on_principal},
        std::pair{"default_grace_on_interest_instalments", settings.default_grace_on_interest}}) {
    if (grace < 0 || grace > kMaxGraceInstalments) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must lie in 0..", kMaxGraceInstalments, " instalments, got ", grace));
    }
  }
  if (settings.arrears_tolerance_cents < 0 ||
      settings.arrears_tolerance_cents > kMaxArrearsToleranceCents) {
    return absl::InvalidArgumentError(absl::StrCat("arrears_tolerance.minor_units must lie in 0..",
                                                   kMaxArrearsToleranceCents, ", got ",
                                                   settings.arrears_tolerance_cents));
  }
  if (settings.reminder_days_before < 0 || settings.reminder_days_before > kMaxReminderDaysBefore) {
    return absl::InvalidArgumentError(
        absl::StrCat("reminder_days_before must lie in 0..", kMaxReminderDaysBefore,
                     " days (0: no upcoming reminders), got ", settings.reminder_days_before));
  }
  return absl::OkStatus();
}

std::string PrepaymentRuleName(PrepaymentRule rule) {
  switch (rule) {
    case PrepaymentRule::kPayNextInstalments:
      return "PAY_NEXT_INSTALMENTS";
    case PrepaymentRule::kReducePrincipal:
      return "REDUCE_PRINCIPAL";
  }
  return absl::StrCat(static_cast<int>(rule));
}

std::string CircleGuarantorsName(CircleGuarantors rule) {
  switch (rule) {
    case CircleGuarantors::kWholeCircle:
      return "WHOLE_CIRCLE";
    case CircleGuarantors::kExceptNoVoters:
      return "EXCEPT_NO_VOTERS";
  }
  return absl::StrCat(static_cast<int>(rule));
}

std::vector<SettingChange> DiffSettings(const FundSettings& old_settings,
                                        const FundSettings& new_settings) {
  std::vector<SettingChange> changes;
  auto add = [&changes](bool changed, std::string field, std::string old_value,
                        std::string new_value) {
    if (changed) {
      changes.push_back({std::move(field), std::move(old_value), std::move(new_value)});
    }
  };
  auto add_int = [&add](std::string field, int64_t old_value, int64_t new_value) {
    add(old_value != new_value, std::move(field), absl::StrCat(old_value), absl::StrCat(new_value));
  };
  const FundSettings& o = old_settings;
  const FundSettings& n = new_settings;
  add(o.currency != n.currency, "currency", o.currency, n.currency);
  add_int("guarantee_threshold_minor_units", o.guarantee_threshold_cents,
          n.guarantee_threshold_cents);
  add(o.ladder_cents != n.ladder_cents, "ladder_minor_units",
      absl::StrCat("[", absl::StrJoin(o.ladder_cents, ", "), "]"),
      absl::StrCat("[", absl::StrJoin(n.ladder_cents, ", "), "]"));
  add_int("on_time_tolerance_days", o.on_time_tolerance_days, n.on_time_tolerance_days);
  add(o.vote_quorum != n.vote_quorum, "vote_quorum", DescribeThreshold(o.vote_quorum),
      DescribeThreshold(n.vote_quorum));
  add(o.vote_approval != n.vote_approval, "vote_approval", DescribeThreshold(o.vote_approval),
      DescribeThreshold(n.vote_approval));
  add_int("min_annual_rate_bps", o.min_annual_rate_bps, n.min_annual_rate_bps);
  add_int("max_annual_rate_bps", o.max_annual_rate_bps, n.max_annual_rate_bps);
  add(o.weekly_terms != n.weekly_terms, "weekly_terms", TermsText(o.weekly_terms),
      TermsText(n.weekly_terms));
  add(o.every_two_weeks_terms != n.every_two_weeks_terms, "every_two_weeks_terms",
      TermsText(o.every_two_weeks_terms), TermsText(n.every_two_weeks_terms));
  add(o.monthly_terms != n.monthly_terms, "monthly_terms", TermsText(o.monthly_terms),
      TermsText(n.monthly_terms));
  add_int("arrears_buckets.first_max_days", o.arrears_buckets.first_max_days,
          n.arrears_buckets.first_max_days);
  add_int("arrears_buckets.second_max_days", o.arrears_buckets.second_max_days,
          n.arrears_buckets.second_max_days);
  add_int("arrears_buckets.third_max_days", o.arrears_buckets.third_max_days,
          n.arrears_buckets.third_max_days);
  add_int("guarantee_call_days_past_due", o.guarantee_call_days_past_due,
          n.guarantee_call_days_past_due);
  add_int("write_off_days_past_due", o.write_off_days_past_due, n.write_off_days_past_due);
  add_int("serious_arrears_days_past_due", o.serious_arrears_days_past_due,
          n.serious_arrears_days_past_due);
  add(o.circle_in_serious_arrears_may_guarantee != n.circle_in_serious_arrears_may_guarantee,
      "circle_in_serious_arrears_may_guarantee",
      BoolText(o.circle_in_serious_arrears_may_guarantee),
      BoolText(n.circle_in_serious_arrears_may_guarantee));
  add(o.prepayment_rule != n.prepayment_rule, "prepayment_rule",
      PrepaymentRuleName(o.prepayment_rule), PrepaymentRuleName(n.prepayment_rule));
  add_int("max_active_loans_per_person", o.max_active_loans_per_person,
          n.max_active_loans_per_person);
  add(o.circle_guarantors != n.circle_guarantors, "circle_guarantors",
      CircleGuarantorsName(o.circle_guarantors), CircleGuarantorsName(n.circle_guarantors));
  add_int("default_grace_on_principal_instalments", o.default_grace_on_principal,
          n.default_grace_on_principal);
  add_int("default_grace_on_interest_instalments", o.default_grace_on_interest,
          n.default_grace_on_interest);
  add_int("arrears_tolerance_minor_units", o.arrears_tolerance_cents, n.arrears_tolerance_cents);
  add_int("reminder_days_before", o.reminder_days_before, n.reminder_days_before);
  return changes;
}

bool GuaranteeCallDue(int32_t days_past_due, const FundSettings& settings) {
  return days_past_due >= settings.guarantee_call_days_past_due;
}

bool WriteOffDue(int32_t days_past_due, const FundSettings& settings) {
  return days_past_due >= settings.write_off_days_past_due;
}

bool InSeriousArrears(int32_t days_past_due, const FundSettings& settings) {
  return days_past_due >= settings.serious_arrears_days_past_due;
}

}  // namespace cercles::lending
