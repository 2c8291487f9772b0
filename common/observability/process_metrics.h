// Standard process_* gauges (as the official Prometheus clients export them), so
// dashboards can treat every Cercles service alike.
#ifndef CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
#define CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_

#include "common/observability/metrics.h"

namespace cercles::observability {

// Adds, read from /proc at each scrape: process_cpu_seconds_total (user +
// system), process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_threads; and
// process_start_time_seconds (seconds since the Unix epoch).
void RegisterProcessMetrics(Registry* registry);

}  // namespace cercles::observability

#endif  // CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
