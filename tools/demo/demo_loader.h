// Sends a DemoPlan to a running membership service through its public gRPC API
// (so that every change is an event the network and lending services see),
// several calls in flight, each write with its plan-derived request id: a
// re-run replays instead of creating anything twice, and a failed call can be
// retried safely.
#ifndef CERCLES_TOOLS_DEMO_DEMO_LOADER_H_
#define CERCLES_TOOLS_DEMO_DEMO_LOADER_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.pb.h"
#include "tools/demo/demo_plan.h"

namespace cercles::demo {

struct LoaderOptions {
  std::string token;  // bearer token of an admin (advisors and assignments need one)
  absl::Duration timeout = absl::Seconds(10);  // deadline of each call
  int concurrency = 8;                         // calls in flight
  uint64_t seed = 2026;
  std::vector<std::string> advisor_token_names;
};

struct LoadSummary {
  absl::Duration elapsed;
  int64_t calls = 0;  // RPCs made, retries included
  std::string anchor_day;
  // Totals, and how many of them this run created (the rest were already there).
  int advisors = 0, advisors_new = 0;
  int trainings = 0, trainings_new = 0;
  int people = 0, people_new = 0;
  int french_speaking = 0, opted_in_expertise = 0;
  int enrolments = 0, completions = 0, in_training = 0;
  int circles = 0, circles_new = 0;
  std::map<cercles::membership::v1::CircleStatus, int> circles_by_status;
  int current_members = 0;
  int schedules = 0, monthly = 0, biweekly = 0;
  int meetings = 0, meetings_new = 0;
  int meeting_circles = 0;                          // circles with a meeting recorded
  std::string first_meeting_day, last_meeting_day;  // "2026-07-28"
  int present = 0, late = 0, excused = 0, absent = 0;
  int follow_ups = 0, referrals = 0;
  std::vector<std::pair<std::string, int>> circles_by_advisor;  // "Isabelle Gagnon (advisor)"
  std::string showcase;                                         // an active circle, "circles/N"
  std::string showcase_name;                                    // its display name
  // What the lending and network parts of the demo build on.
  DemoPlan plan;
  std::string fund_id;
  std::vector<std::string> person_names;  // "people/N", parallel to plan.people
  std::vector<std::string> circle_names;  // "circles/N", parallel to plan.circles
};

absl::StatusOr<LoadSummary> LoadDemo(const std::shared_ptr<grpc::Channel>& channel,
                                     const LoaderOptions& options);

// The summary as printed by cercles-demo.
std::string FormatSummary(const LoadSummary& summary);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_DEMO_LOADER_H_
