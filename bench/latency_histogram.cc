#include "bench/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace cercles::bench {
namespace {

// Values below kSubBuckets have a bucket each; each power-of-two range above is
// split into kSubBuckets / 2 buckets of equal width.
constexpr int kPrecisionBits = 8;
constexpr int64_t kSubBuckets = int64_t{1} << kPrecisionBits;
constexpr int64_t kHalf = kSubBuckets / 2;
// Ranges [2^m, 2^(m+1)) for m = kPrecisionBits .. 62 (the largest int64_t).
constexpr int kRanges = 62 - kPrecisionBits + 1;
constexpr int kBucketCount = static_cast<int>(kSubBuckets + kRanges * kHalf);

int FloorLog2(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

int LatencyHistogram::BucketCount() { return kBucketCount; }

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < kSubBuckets) return static_cast<int>(std::max<int64_t>(nanos, 0));
  const int m = FloorLog2(static_cast<uint64_t>(nanos));
  const int shift = m - kPrecisionBits + 1;
  return static_cast<int>(kSubBuckets + (m - kPrecisionBits) * kHalf + ((nanos >> shift) - kHalf));
}

int64_t LatencyHistogram::BucketLowest(int bucket) {
  if (bucket < kSubBuckets) return bucket;
  const int64_t r = bucket - kSubBuckets;
  const int shift = static_cast<int>(r / kHalf) + 1;
  return (kHalf + r % kHalf) << shift;
}

int64_t LatencyHistogram::BucketHighest(int bucket) {
  if (bucket < kSubBuckets) return bucket;
  const int shift = static_cast<int>((bucket - kSubBuckets) / kHalf) + 1;
  return BucketLowest(bucket) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  ++buckets_[BucketOf(nanos)];
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (nanos > max_) max_ = nanos;
  ++count_;
  sum_ += static_cast<double>(nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (int b = 0; b < kBucketCount; ++b) {
    seen += buckets_[b];
    if (seen >= rank) {
      const int64_t lo = BucketLowest(b);
      const int64_t mid = lo + (BucketHighest(b) - lo) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace cercles::bench
