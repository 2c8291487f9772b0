#include "common/observability/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
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

// /proc/self/stat's fields after the command name (which may hold spaces and
// parentheses, so fields are counted from the last ')'): index 0 is field 3.
std::vector<std::string> StatFields() {
  std::ifstream self_stat("/proc/self/stat");
  const std::string content((std::istreambuf_iterator<char>(self_stat)),
                            std::istreambuf_iterator<char>());
  const size_t close = content.rfind(')');
  if (close == std::string::npos) return {};
  return absl::StrSplit(absl::string_view(content).substr(close + 1), ' ', absl::SkipEmpty());
}

double StatField(const std::vector<std::string>& fields, size_t field_number) {
  double value = 0;
  if (field_number < 3 || fields.size() <= field_number - 3) return 0;
  if (!absl::SimpleAtod(fields[field_number - 3], &value)) return 0;
  return value;
}

// utime (14) + stime (15), in clock ticks.
double CpuSeconds() {
  const std::vector<std::string> fields = StatFields();
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return 0;
  return (StatField(fields, 14) + StatField(fields, 15)) / static_cast<double>(ticks_per_second);
}

double Threads() { return StatField(StatFields(), 20); }        // num_threads
double VirtualMemory() { return StatField(StatFields(), 23); }  // vsize, bytes

double OpenFds() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return count;
}

double MaxFds() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

void RegisterProcessMetrics(Registry* registry) {
  if (registry == nullptr) return;
  registry->AddCallbackGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                             ResidentMemoryBytes);
  registry->AddCallbackGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                             VirtualMemory);
  registry->AddCallbackCounter("process_cpu_seconds_total",
                               "Total user and system CPU time spent in seconds.", CpuSeconds);
  registry->AddCallbackGauge("process_open_fds", "Number of open file descriptors.", OpenFds);
  registry->AddCallbackGauge("process_max_fds", "Maximum number of open file descriptors.", MaxFds);
  registry->AddCallbackGauge("process_threads", "Number of OS threads in the process.", Threads);
  const double start = StartTimeSeconds();
  registry->AddCallbackGauge("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             [start] { return start; });
}

}  // namespace cercles::observability
