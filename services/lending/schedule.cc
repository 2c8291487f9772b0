#include "services/lending/schedule.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/api/date.h"

namespace cercles::lending {
namespace {

constexpr int64_t kBpsPerUnit = 10'000;

// What keeps the arithmetic below exact: the principal is one 32-bit factor, the payment
// (below twice the principal, as the period rate is at most 100 % / 12) a 32-bit quotient,
// and the largest product, P * rate * n for flat interest, far inside int64.
static_assert(2 * kMaxPrincipalCents < (int64_t{1} << 32));
static_assert(kMaxPrincipalCents * kMaxAnnualRateBps * kMaxInstalments < (int64_t{1} << 60));

// Non-negative num / den rounded half up (x.5 goes to x+1). den > 0.
int64_t DivideRoundHalfUp(int64_t num, int64_t den) { return (2 * num + den) / (2 * den); }

// An unsigned integer of any size, with only what the annuity needs: (D + b)^n reaches
// about 5,000 bits for 260 instalments. Hand-written because the build image carries no
// arbitrary-precision library (GMP, Boost.Multiprecision) and these four operations on
// base-2^32 limbs are all it takes to make the rounding of the payment exact.
class ExactUnsigned {
 public:
  explicit ExactUnsigned(uint64_t value) {
    while (value != 0) {
      limbs_.push_back(static_cast<uint32_t>(value));
      value >>= 32;
    }
  }

  void MultiplyBy(uint32_t factor) {
    uint64_t carry = 0;
    for (uint32_t& limb : limbs_) {
      const uint64_t product = uint64_t{limb} * factor + carry;
      limb = static_cast<uint32_t>(product);
      carry = product >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
    Trim();
  }

  void Add(const ExactUnsigned& other) {
    if (limbs_.size() < other.limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
    uint64_t carry = 0;
    for (size_t i = 0; i < limbs_.size(); ++i) {
      const uint64_t sum =
          uint64_t{limbs_[i]} + (i < other.limbs_.size() ? other.limbs_[i] : 0) + carry;
      limbs_[i] = static_cast<uint32_t>(sum);
      carry = sum >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  }

  // Requires *this >= other.
  void Subtract(const ExactUnsigned& other) {
    int64_t borrow = 0;
    for (size_t i = 0; i < limbs_.size(); ++i) {
      int64_t difference =
          int64_t{limbs_[i]} - (i < other.limbs_.size() ? other.limbs_[i] : 0) - borrow;
      borrow = difference < 0 ? 1 : 0;
      if (difference < 0) difference += int64_t{1} << 32;
      limbs_[i] = static_cast<uint32_t>(difference);
    }
    Trim();
  }

  friend bool operator<=(const ExactUnsigned& a, const ExactUnsigned& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size();
    for (size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i];
    }
    return true;
  }

 private:
  void Trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }

  std::vector<uint32_t> limbs_;  // least significant first, no leading zero limbs
};

ExactUnsigned Power(uint32_t base, int32_t exponent) {
  ExactUnsigned result(1);
  for (int32_t i = 0; i < exponent; ++i) result.MultiplyBy(base);
  return result;
}

// The annuity payment P*r / (1 - (1 + r)^-n) with r = b / D, rounded half up to the cent.
// Exactly: with N = P*b*(D+b)^n and M = D*((D+b)^n - D^n), the payment is N / M, and
// rounded half up it is floor((2N + M) / 2M); the quotient is below P*(1 + r) < 2^32.
int64_t AnnuityPaymentCents(int64_t principal_cents, int64_t rate_bps, int64_t period_divisor,
                            int32_t count) {
  const auto d = static_cast<uint32_t>(period_divisor);
  const auto d_plus_b = static_cast<uint32_t>(period_divisor + rate_bps);

  ExactUnsigned grown = Power(d_plus_b, count);  // (D + b)^n
  ExactUnsigned numerator = grown;               // N = P * b * (D + b)^n
  numerator.MultiplyBy(static_cast<uint32_t>(rate_bps));
  numerator.MultiplyBy(static_cast<uint32_t>(principal_cents));  // P <= 10^9 < 2^32
  ExactUnsigned m_value = std::move(grown);
  m_value.Subtract(Power(d, count));
  m_value.MultiplyBy(d);  // M = D * ((D + b)^n - D^n)

  ExactUnsigned target = numerator;  // 2N + M
  target.MultiplyBy(2);
  target.Add(m_value);
  ExactUnsigned twice_m = std::move(m_value);
  twice_m.MultiplyBy(2);

  uint32_t quotient = 0;
  for (int bit = 31; bit >= 0; --bit) {
    const uint32_t candidate = quotient | (uint32_t{1} << bit);
    ExactUnsigned product = twice_m;
    product.MultiplyBy(candidate);
    if (product <= target) quotient = candidate;
  }
  return int64_t{quotient};
}

// Every part but the last is total / count rounded down; the last takes the rest.
std::vector<int64_t> EvenSplit(int64_t total, int32_t count) {
  const int64_t share = total / count;
  std::vector<int64_t> parts(static_cast<size_t>(count), share);
  parts.back() = total - share * (count - 1);
  return parts;
}

}  // namespace

int PeriodsPerYear(Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return 52;
    case Frequency::kEveryTwoWeeks:
      return 26;
    case Frequency::kMonthly:
      return 12;
  }
  return 0;
}

absl::CivilDay DueDate(absl::CivilDay first_due, Frequency frequency, int32_t number) {
  const int32_t periods = number - 1;
  switch (frequency) {
    case Frequency::kWeekly:
      return first_due + 7 * periods;
    case Frequency::kEveryTwoWeeks:
      return first_due + 14 * periods;
    case Frequency::kMonthly:
      break;
  }
  return api::AddMonthsClamped(first_due, periods);
}

absl::Status ValidateScheduleTerms(const ScheduleTerms& terms) {
  if (terms.instalment_count < 1 || terms.instalment_count > kMaxInstalments) {
    return absl::InvalidArgumentError(absl::StrCat("instalment_count must be between 1 and ",
                                                   kMaxInstalments, ", got ",
                                                   terms.instalment_count));
  }
  if (terms.principal_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be positive, got ", terms.principal_cents));
  }
  if (terms.principal_cents > kMaxPrincipalCents) {
    return absl::InvalidArgumentError(absl::StrCat("amount.minor_units must be at most ",
                                                   kMaxPrincipalCents, ", got ",
                                                   terms.principal_cents));
  }
  if (terms.principal_cents < terms.instalment_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be at least one minor unit per instalment (",
                     terms.instalment_count, "), got ", terms.principal_cents));
  }
  if (terms.annual_rate_bps < 0 || terms.annual_rate_bps > kMaxAnnualRateBps) {
    return absl::InvalidArgumentError(absl::StrCat("annual_rate_bps must be between 0 and ",
                                                   kMaxAnnualRateBps, " (0 % to 100 %), got ",
                                                   terms.annual_rate_bps));
  }
  if (PeriodsPerYear(terms.frequency) == 0) {
    return absl::InvalidArgumentError("frequency must be WEEKLY, EVERY_TWO_WEEKS or MONTHLY");
  }
  if (terms.method != InterestMethod::kDecliningBalance && terms.method != InterestMethod::kFlat) {
    return absl::InvalidArgumentError("method must be DECLINING_BALANCE or FLAT");
  }
  for (const auto& [field, grace] : {std::pair{"grace_on_principal", terms.grace_on_principal},
                                     std::pair{"grace_on_interest", terms.grace_on_interest}}) {
    if (grace < 0 || grace >= terms.instalment_count) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must lie in 0..", terms.instalment_count - 1,
          " (fewer than instalment_count: at least one instalment repays the principal), got ",
          grace));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> BuildSchedule(const ScheduleTerms& terms) {
  if (absl::Status status = ValidateScheduleTerms(terms); !status.ok()) return status;

  const int32_t count = terms.instalment_count;
  const int64_t principal = terms.principal_cents;
  const int64_t rate_bps = terms.annual_rate_bps;
  // r = rate_bps / period_divisor.
  const int64_t period_divisor = kBpsPerUnit * PeriodsPerYear(terms.frequency);
  // Nothing due on the first `interest_grace`; no principal on the first `principal_grace`
  // (an instalment with nothing due has no principal either); schedule.h.
  const int32_t interest_grace = terms.grace_on_interest;
  const int32_t principal_grace = std::max(terms.grace_on_principal, terms.grace_on_interest);
  const int32_t repaying = count - principal_grace;

  // Principal and interest of each instalment, 0-based.
  std::vector<int64_t> principal_parts(static_cast<size_t>(count), 0);
  std::vector<int64_t> interest_parts(static_cast<size_t>(count), 0);
  Schedule schedule;

  if (rate_bps == 0 || terms.method == InterestMethod::kFlat) {
    // Flat: interest over the term is P * rate * (n / periods per year).
    const int64_t interest = DivideRoundHalfUp(principal * rate_bps * count, period_divisor);
    const std::vector<int64_t> principal_split = EvenSplit(principal, repaying);
    const std::vector<int64_t> interest_split = EvenSplit(interest, count - interest_grace);
    std::copy(principal_split.begin(), principal_split.end(),
              principal_parts.begin() + principal_grace);
    std::copy(interest_split.begin(), interest_split.end(),
              interest_parts.begin() + interest_grace);
  } else {
    // Every period before the principal is repaid charges the interest on all of it; the
    // grace on interest defers its periods' share onto the instalments after it.
    const int64_t grace_interest = DivideRoundHalfUp(principal * rate_bps, period_divisor);
    for (int32_t i = interest_grace; i < principal_grace; ++i) {
      interest_parts[static_cast<size_t>(i)] = grace_interest;
    }
    const int64_t payment = AnnuityPaymentCents(principal, rate_bps, period_divisor, repaying);
    schedule.regular_payment_cents = payment;
    int64_t balance = principal;
    for (int32_t i = principal_grace; i < count; ++i) {
      const int64_t interest = DivideRoundHalfUp(balance * rate_bps, period_divisor);
      // payment >= interest always holds (the annuity exceeds the first period's interest
      // and the balance only falls); min() keeps a degenerate schedule from overpaying
      // principal.
      const int64_t principal_part =
          i == count - 1 ? balance : std::min(balance, std::max<int64_t>(0, payment - interest));
      principal_parts[static_cast<size_t>(i)] = principal_part;
      interest_parts[static_cast<size_t>(i)] = interest;
      balance -= principal_part;
    }
    if (interest_grace > 0) {
      const std::vector<int64_t> deferred =
          EvenSplit(grace_interest * interest_grace, count - interest_grace);
      for (size_t j = 0; j < deferred.size(); ++j) {
        interest_parts[static_cast<size_t>(interest_grace) + j] += deferred[j];
      }
    }
  }

  schedule.instalments.reserve(static_cast<size_t>(count));
  int64_t balance = principal;
  for (int32_t i = 0; i < count; ++i) {
    const int64_t principal_part = principal_parts[static_cast<size_t>(i)];
    const int64_t interest_part = interest_parts[static_cast<size_t>(i)];
    balance -= principal_part;
    schedule.total_interest_cents += interest_part;
    schedule.instalments.push_back(
        Instalment{i + 1, DueDate(terms.first_due, terms.frequency, i + 1), principal_part,
                   interest_part, principal_part + interest_part, balance});
  }
  return schedule;
}

}  // namespace cercles::lending
