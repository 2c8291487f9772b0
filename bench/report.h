// How a load generator run is printed: a table for people, or one JSON object per
// line for scripts (scripts/bench assembles its comparison table from them).
#ifndef CERCLES_BENCH_REPORT_H_
#define CERCLES_BENCH_REPORT_H_

#include <string>

#include "bench/load_generator.h"

namespace cercles::bench {

struct RunDescription {
  std::string label;
  std::string method;
  LoadOptions options;
};

// One line, no newline:
// {"label":"echo","method":"/...","mode":"closed","concurrency":64,"rate":0,
//  "calls":123,"ok":123,"errors":0,"errors_by_code":{},"error_messages":{},
//  "dropped":0,"seconds":10.0,"calls_per_s":12.3,"p50_ms":..,"p90_ms":..,
//  "p99_ms":..,"p999_ms":..,"max_ms":..,"mean_ms":..}
std::string FormatJson(const RunDescription& run, const LoadResult& result);

// A header, the run's row, and one line per error code with its first message.
std::string FormatTable(const RunDescription& run, const LoadResult& result);

// "closed c=64" or "open 1000/s".
std::string DescribeLoad(const LoadOptions& options);

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_REPORT_H_
