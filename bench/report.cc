#include "bench/report.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/util/log.h"

namespace cercles::bench {
namespace {

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

struct Percentile {
  const char* json_name;
  const char* column;
  double quantile;
};
constexpr Percentile kPercentiles[] = {{"p50_ms", "p50 ms", 0.50},
                                       {"p90_ms", "p90 ms", 0.90},
                                       {"p99_ms", "p99 ms", 0.99},
                                       {"p999_ms", "p99.9 ms", 0.999}};

}  // namespace

std::string DescribeLoad(const LoadOptions& options) {
  if (options.mode == LoadMode::kOpen) return absl::StrFormat("open %g/s", options.rate);
  if (options.calls > 0)
    return absl::StrCat("closed c=", options.concurrency, " n=", options.calls);
  return absl::StrCat("closed c=", options.concurrency);
}

std::string FormatJson(const RunDescription& run, const LoadResult& result) {
  std::vector<std::string> counts, messages;
  for (const auto& [code, error] : result.errors) {
    counts.push_back(absl::StrCat(log::JsonQuote(code), ":", error.count));
    messages.push_back(
        absl::StrCat(log::JsonQuote(code), ":", log::JsonQuote(error.first_message)));
  }
  const bool open = run.options.mode == LoadMode::kOpen;
  std::string out = absl::StrCat(
      "{\"label\":", log::JsonQuote(run.label), ",\"method\":", log::JsonQuote(run.method),
      ",\"mode\":\"", open ? "open" : "closed",
      "\",\"concurrency\":", open ? 0 : run.options.concurrency,
      ",\"rate\":", absl::StrFormat("%g", open ? run.options.rate : 0), ",\"calls\":", result.calls,
      ",\"ok\":", result.ok, ",\"errors\":", result.error_count(), ",\"errors_by_code\":{",
      absl::StrJoin(counts, ","), "},\"error_messages\":{", absl::StrJoin(messages, ","),
      "},\"dropped\":", result.dropped,
      absl::StrFormat(",\"seconds\":%.3f,\"calls_per_s\":%.1f", result.seconds,
                      result.calls_per_second));
  for (const Percentile& p : kPercentiles) {
    absl::StrAppendFormat(&out, ",\"%s\":%.3f", p.json_name,
                          Millis(result.latency.ValueAtQuantile(p.quantile)));
  }
  absl::StrAppendFormat(&out, ",\"max_ms\":%.3f,\"mean_ms\":%.3f}", Millis(result.latency.max()),
                        result.latency.mean() / 1e6);
  return out;
}

std::string FormatTable(const RunDescription& run, const LoadResult& result) {
  std::string out = absl::StrFormat("%-24s %-16s %10s %8s %8s %10s", "label", "load", "calls",
                                    "errors", "dropped", "calls/s");
  for (const Percentile& p : kPercentiles) absl::StrAppendFormat(&out, " %9s", p.column);
  absl::StrAppendFormat(&out, "\n%-24s %-16s %10d %8d %8d %10.1f", run.label,
                        DescribeLoad(run.options), result.calls, result.error_count(),
                        result.dropped, result.calls_per_second);
  for (const Percentile& p : kPercentiles) {
    absl::StrAppendFormat(&out, " %9.3f", Millis(result.latency.ValueAtQuantile(p.quantile)));
  }
  out += "\n";
  for (const auto& [code, error] : result.errors) {
    absl::StrAppendFormat(&out, "  %s x%d, first: %s\n", code, error.count, error.first_message);
  }
  return out;
}

}  // namespace cercles::bench
