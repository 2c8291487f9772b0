#include "common/observability/process_metrics.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cercles::observability {
namespace {

double ResidentMemoryBytes() {
  // statm: size resident shared text lib data dt, all in pages.
  std::ifstream statm("/proc/self/statm");
  long long size_pages = 0;
  long long resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return static_cast<double>(resident_pages) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// Boot time plus the process's start offset, both from /proc; falls back to "now"
// (registration usually happens at startup, so the error is small).
double StartTimeSeconds() {
  const double fallback = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  std::ifstream proc_stat("/proc/stat");
  std::string line;
  double boot_time = -1;
  while (std::getline(proc_stat, line)) {
    absl::string_view view = line;
    if (absl::ConsumePrefix(&view, "btime ")) {
      if (!absl::SimpleAtod(view, &boot_time)) return fallback;
      break;
    }
  }
  if (boot_time < 0) return fallback;

  std::ifstream self_stat("/proc/self/stat");
  const std::string content((std::istreambuf_iterator<char>(self_stat)),
                            std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces and parentheses, so fields are
  // counted from the last ')': starttime (field 22) is the 20th after it.
  const size_t close = content.rfind(')');
  if (close == std::string::npos) return fallback;
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(content).substr(close + 1), ' ', absl::SkipEmpty());
  double start_ticks = 0;
  if (fields.size() < 20 || !absl::SimpleAtod(fields[19], &start_ticks)) return fallback;
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return fallback;
  return boot_time + start_ticks / static_cast<double>(ticks_per_second);
}

}  // namespace

void RegisterProcessMetrics(Registry* registry) {
  if (registry == nullptr) return;
  registry->AddCallbackGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                             ResidentMemoryBytes);
  const double start = StartTimeSeconds();
  registry->AddCallbackGauge("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             [start] { return start; });
}

}  // namespace cercles::observability
