// Standard process_* gauges (as the official Prometheus clients export them), so
// dashboards can treat every Cercles service alike.
#ifndef CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
#define CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_

#include "common/observability/metrics.h"

namespace cercles::observability {

// Adds callback gauges process_resident_memory_bytes (read from /proc at each
// scrape) and process_start_time_seconds (seconds since the Unix epoch).
void RegisterProcessMetrics(Registry* registry);

}  // namespace cercles::observability

#endif  // CERCLES_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
