#include "services/lending/arrears.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cercles::lending {

std::string BucketLabel(ArrearsBucket bucket, const ArrearsBucketBounds& bounds) {
  switch (bucket) {
    case ArrearsBucket::kCurrent:
      return "CURRENT";
    case ArrearsBucket::kFirst:
      return absl::StrCat("1-", bounds.first_max_days);
    case ArrearsBucket::kSecond:
      return absl::StrCat(bounds.first_max_days + 1, "-", bounds.second_max_days);
    case ArrearsBucket::kThird:
      return absl::StrCat(bounds.second_max_days + 1, "-", bounds.third_max_days);
    case ArrearsBucket::kBeyond:
      return absl::StrCat(bounds.third_max_days, "+");
  }
  return "UNKNOWN";
}

absl::Status ValidateBucketBounds(const ArrearsBucketBounds& bounds) {
  if (bounds.first_max_days < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_max_days must be at least 1, got ", bounds.first_max_days));
  }
  if (bounds.second_max_days <= bounds.first_max_days) {
    return absl::InvalidArgumentError(absl::StrCat("second_max_days must exceed first_max_days (",
                                                   bounds.first_max_days, "), got ",
                                                   bounds.second_max_days));
  }
  if (bounds.third_max_days <= bounds.second_max_days) {
    return absl::InvalidArgumentError(absl::StrCat("third_max_days must exceed second_max_days (",
                                                   bounds.second_max_days, "), got ",
                                                   bounds.third_max_days));
  }
  return absl::OkStatus();
}

ArrearsBucket BucketFor(int32_t days_past_due, const ArrearsBucketBounds& bounds) {
  if (days_past_due <= 0) return ArrearsBucket::kCurrent;
  if (days_past_due <= bounds.first_max_days) return ArrearsBucket::kFirst;
  if (days_past_due <= bounds.second_max_days) return ArrearsBucket::kSecond;
  if (days_past_due <= bounds.third_max_days) return ArrearsBucket::kThird;
  return ArrearsBucket::kBeyond;
}

bool SettledOn(const InstalmentPosition& instalment, absl::CivilDay day) {
  if (!instalment.fully_paid()) return false;
  return !instalment.cleared_on.has_value() || *instalment.cleared_on <= day;
}

bool WithinTolerance(const InstalmentPosition& instalment, int64_t tolerance_cents) {
  return !instalment.fully_paid() && instalment.outstanding_cents() < tolerance_cents;
}

bool LateOn(const InstalmentPosition& instalment, absl::CivilDay day, int64_t tolerance_cents) {
  if (instalment.due >= day || SettledOn(instalment, day)) return false;
  return !WithinTolerance(instalment, tolerance_cents);
}

absl::StatusOr<ArrearsStatus> ClassifyArrears(const LoanPosition& position, absl::CivilDay as_of,
                                              const ArrearsBucketBounds& bounds,
                                              int64_t tolerance_cents) {
  if (absl::Status status = ValidateBucketBounds(bounds); !status.ok()) return status;
  if (absl::Status status = ValidatePosition(position); !status.ok()) return status;
  if (tolerance_cents < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("arrears_tolerance.minor_units must not be negative, got ", tolerance_cents));
  }
  ArrearsStatus arrears;
  for (const InstalmentPosition& p : position) {
    if (p.due >= as_of) break;  // in due-date order: the rest are not late either
    if (!LateOn(p, as_of, tolerance_cents)) continue;
    arrears.amount_in_arrears_cents += p.outstanding_cents();
    if (!arrears.oldest_unpaid_due.has_value()) {
      arrears.oldest_unpaid_due = p.due;
      arrears.days_past_due = static_cast<int32_t>(as_of - p.due);
    }
  }
  arrears.bucket = BucketFor(arrears.days_past_due, bounds);
  return arrears;
}

absl::StatusOr<bool> RepaidOnTime(const LoanPosition& position, int32_t tolerance_days) {
  if (tolerance_days < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance_days must not be negative, got ", tolerance_days));
  }
  if (absl::Status status = ValidatePosition(position); !status.ok()) return status;
  bool on_time = true;
  for (const InstalmentPosition& p : position) {
    if (!p.fully_paid()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the loan is not closed: instalment ", p.number, " still has ",
                       p.outstanding_cents(), " minor units outstanding"));
    }
    if (p.principal_due_cents == 0 && p.interest_due_cents == 0) continue;
    if (!p.cleared_on.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("instalment ", p.number, " is paid but has no cleared date"));
    }
    if (*p.cleared_on - p.due > tolerance_days) on_time = false;
  }
  return on_time;
}

absl::StatusOr<int64_t> LadderCeilingCents(const std::vector<int64_t>& ladder_cents,
                                           const std::vector<bool>& previous_loans_on_time) {
  if (ladder_cents.empty()) {
    return absl::InvalidArgumentError("ladder must have at least one rung");
  }
  for (size_t i = 0; i < ladder_cents.size(); ++i) {
    if (ladder_cents[i] <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("ladder[", i, "].minor_units must be positive, got ", ladder_cents[i]));
    }
    if (i > 0 && ladder_cents[i] <= ladder_cents[i - 1]) {
      return absl::InvalidArgumentError(
          absl::StrCat("ladder[", i, "].minor_units must exceed ladder[", i - 1, "].minor_units (",
                       ladder_cents[i - 1], "), got ", ladder_cents[i]));
    }
  }
  const auto rungs_climbed = static_cast<size_t>(
      std::count(previous_loans_on_time.begin(), previous_loans_on_time.end(), true));
  return ladder_cents[std::min(rungs_climbed, ladder_cents.size() - 1)];
}

}  // namespace cercles::lending
