// Network statistics from the lending events (days past due as of a date,
// portfolio at risk, repayment rate) and membership's business outcomes, and
// the per-fund and per-region rows.
// No gRPC, no SQL: the store hands in per-region aggregates.
#ifndef CERCLES_SERVICES_NETWORK_STATS_RULES_H_
#define CERCLES_SERVICES_NETWORK_STATS_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/network/v1/network.pb.h"

namespace cercles::network {

// PAR30: principal of loans more than this many days past due.
inline constexpr int kParDays = 30;
// Shown for circles (and their loans) without a region.
inline constexpr char kNoRegion[] = "(none)";

// Days since 1970-01-01 (how due dates are stored).
int64_t EpochDay(absl::CivilDay day);
absl::CivilDay FromEpochDay(int64_t epoch_day);

// Days from the oldest unpaid due date to `as_of` (0 when none is due or it
// falls due on or after as_of).
int DaysPastDue(std::optional<absl::CivilDay> oldest_unpaid_due, absl::CivilDay as_of);

// A loan counts towards PAR30 as of `as_of` when its oldest unpaid due date is
// at or before this day.
absl::CivilDay Par30LastDueDay(absl::CivilDay as_of);

// part / whole in basis points, rounded half up; nullopt when whole is 0.
std::optional<int32_t> BasisPoints(int64_t part, int64_t whole);

// Aggregates of one (fund, region): what the store counts.
struct RegionFigures {
  std::string fund_id;
  std::string region;  // as written; empty for circles without one
  int64_t circles = 0, active_circles = 0, members = 0;
  int64_t active_loans = 0, loans_repaid = 0, loans_written_off = 0;
  std::string currency;
  int64_t outstanding = 0, at_risk_30 = 0;
  int64_t loans_rescheduled = 0, reschedules = 0;  // approved reschedules, any state
  // Business outcomes (OutcomeFigures).
  int64_t entrepreneurs_with_outcome = 0, businesses_started = 0, businesses_closed = 0,
          businesses_kept = 0;
  int64_t jobs_created_full_time = 0, jobs_created_part_time = 0, jobs_kept_full_time = 0,
          jobs_kept_part_time = 0;
};

// Jobs an outcome gave (JobCounts), when it gave them.
struct OutcomeJobs {
  int64_t full_time = 0, part_time = 0;
};

// One business outcome of an entrepreneur as network keeps it (membership's
// MeetingRecorded), with the region of the meeting's circle.
struct OutcomeRow {
  std::string fund_id;
  std::string region;  // as written; empty for circles without one
  int64_t person_id = 0;
  std::string meeting_day;  // "2024-03-05": sorts like the day
  int64_t meeting_id = 0;
  int event = 0;  // cercles.membership.v1.BusinessEvent
  std::optional<OutcomeJobs> jobs_created, jobs_kept;
};

// The outcome figures of each (fund, region), rows in any order. Each
// entrepreneur counts once, in the region of their latest outcome (by meeting
// day, then meeting): started when any outcome says STARTED; closed, or kept
// when started, by their latest STARTED or CLOSED; jobs from the latest outcome
// that gave them.
std::vector<RegionFigures> OutcomeFigures(std::vector<OutcomeRow> rows);

struct StatsTables {
  std::vector<v1::NetworkStats> funds;
  std::vector<v1::NetworkStats> regions;
};

// One row per fund (the sum of its regions) and, with by_region, one per
// region, both sorted; figures of the same (fund, region) are added together.
StatsTables BuildStats(const std::vector<RegionFigures>& figures, bool by_region);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_STATS_RULES_H_
