// Latency histogram of the load generator: log-linear buckets in the manner of
// HdrHistogram, in nanoseconds.
//
// Why not store every sample: at 50 000 calls/s for a few minutes that is tens of
// millions of samples, growing with the run; this histogram is 60 KB whatever the
// rate or duration, records in O(1) without allocating (it runs on the polling
// thread, inside the measurement), merges by addition (one per polling thread),
// and its relative error (at most 1/256 of the value, bucket midpoints reported) is
// far below the run-to-run noise of a shared machine. Why not HdrHistogram itself:
// Debian packages no C or C++ build of it, and the part we need is this file.
#ifndef CERCLES_BENCH_LATENCY_HISTOGRAM_H_
#define CERCLES_BENCH_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace cercles::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(int64_t nanos);  // negative values count as 0
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }
  // The value at quantile q in [0, 1] (0.99 for p99): the midpoint of the bucket
  // holding the ceil(q * count)-th smallest sample, clamped to [min, max]; exactly
  // min for q <= 0 and max for q >= 1. 0 when empty.
  int64_t ValueAtQuantile(double q) const;

  // Exposed for the tests: bucket index of a value and the range it stands for.
  static int BucketOf(int64_t nanos);
  static int64_t BucketLowest(int bucket);
  static int64_t BucketHighest(int bucket);
  static int BucketCount();

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  double sum_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
};

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_LATENCY_HISTOGRAM_H_
