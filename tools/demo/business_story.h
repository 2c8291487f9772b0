// What the demo's follow-ups say of each member's business (issue 15, item 4):
// the business outcomes the impact report counts. Each person's story is drawn
// once from the seed and their request id, so every meeting tells the same
// story: a business at the starting stage may start at one of its circle's
// meetings (STARTED, with the entrepreneur's own job and some part-time
// ones), and a few of those close at a later meeting; an operating business
// reports the jobs it keeps; an idea stays an idea. Pure and deterministic.
#ifndef CERCLES_TOOLS_DEMO_BUSINESS_STORY_H_
#define CERCLES_TOOLS_DEMO_BUSINESS_STORY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "tools/demo/demo_plan.h"

namespace cercles::demo {

// One person's business over the demo's meetings of their founding circle.
struct BusinessStory {
  // Index into the circle's meeting_days of the meeting where it starts
  // (nullopt: it does not start during the demo's history).
  std::optional<int> start_meeting;
  // Index of the meeting where it closes (after the start; nullopt: kept).
  std::optional<int> close_meeting;
  int jobs_full_time = 0;  // created (started) or kept (operating)
  int jobs_part_time = 0;
};

// The story of `person` in `circle` (`meetings`: how many meetings it held).
BusinessStory StoryOf(uint64_t seed, const PersonPlan& person, int meetings);

// Adds to the follow-ups of `meeting` (held by `circle` on `day`, members in
// attendance order) what each member's story says at that meeting; a story
// runs over the meetings of the person's founding circle (`circles`), and a
// later circle's meeting (the merge's) comes after all of them. Only existing
// follow-ups get an outcome: the meeting's minutes stay true.
void AddBusinessOutcomes(uint64_t seed, const std::vector<CirclePlan>& circles,
                         const CirclePlan& circle, absl::CivilDay day,
                         const std::vector<MeetingMember>& members,
                         cercles::membership::v1::Meeting* meeting);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_BUSINESS_STORY_H_
