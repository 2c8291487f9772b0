#include "tools/demo/business_story.h"

#include <algorithm>
#include <map>
#include <string>

#include "tools/demo/fund_vocabulary.h"

namespace cercles::demo {

BusinessStory StoryOf(uint64_t seed, const PersonPlan& person, int meetings) {
  // A stream of its own per person: the meetings' own draws stay as they were.
  Rng rng = Rng::For(seed, "business-" + person.request_id, 0);
  BusinessStory story;
  switch (person.person.business().stage()) {
    case v1::BUSINESS_STAGE_STARTING:
      // Most businesses being started open within a few months of the circle.
      if (meetings > 0 && rng.Percent(70)) {
        story.start_meeting = rng.Below(meetings);
        story.jobs_full_time = 1;  // the entrepreneur's own
        const int roll = rng.Below(100);
        story.jobs_part_time = roll < 60 ? 0 : roll < 90 ? 1 : 2;
        // About 8 % a year close (67 % five-year survival): a few within the history.
        if (*story.start_meeting + 1 < meetings && rng.Percent(8)) {
          story.close_meeting = rng.Between(*story.start_meeting + 1, meetings - 1);
        }
      }
      break;
    case v1::BUSINESS_STAGE_OPERATING:
      story.jobs_full_time = rng.Between(1, 2);
      story.jobs_part_time = rng.Between(0, 2);
      break;
    case v1::BUSINESS_STAGE_GROWING:
      story.jobs_full_time = rng.Between(2, 5);
      story.jobs_part_time = rng.Between(0, 3);
      break;
    default:
      break;
  }
  return story;
}

void AddBusinessOutcomes(uint64_t seed, const std::vector<CirclePlan>& circles,
                         const CirclePlan& circle, absl::CivilDay day,
                         const std::vector<MeetingMember>& members, v1::Meeting* meeting) {
  std::map<std::string, const PersonPlan*> plans;
  for (const MeetingMember& m : members) plans[m.person] = m.plan;
  for (v1::BusinessFollowUp& f : *meeting->mutable_follow_ups()) {
    auto plan = plans.find(f.person());
    if (plan == plans.end() || plan->second == nullptr) continue;
    const PersonPlan& person = *plan->second;
    const CirclePlan* founding =
        person.circle >= 0 && person.circle < static_cast<int>(circles.size())
            ? &circles[static_cast<size_t>(person.circle)]
            : nullptr;
    const int meetings = founding != nullptr ? static_cast<int>(founding->meeting_days.size()) : 0;
    const BusinessStory story = StoryOf(seed, person, meetings);
    // Which of the founding circle's meetings this is; a later circle's
    // meeting after all of them, an earlier one before.
    std::optional<int> index;
    if (founding != nullptr) {
      const auto found =
          std::find(founding->meeting_days.begin(), founding->meeting_days.end(), day);
      if (found != founding->meeting_days.end()) {
        index = static_cast<int>(found - founding->meeting_days.begin());
      } else if (!founding->meeting_days.empty() && day > founding->meeting_days.back()) {
        index = meetings;
      }
    }
    v1::BusinessOutcome* outcome = f.mutable_outcome();
    if (story.start_meeting.has_value()) {
      if (!index.has_value() || *index < *story.start_meeting) {
        outcome->set_stage(v1::BUSINESS_STAGE_STARTING);
      } else if (story.close_meeting.has_value() && *index >= *story.close_meeting) {
        if (*index == *story.close_meeting) {
          outcome->set_event(v1::BUSINESS_EVENT_CLOSED);
        } else {
          f.clear_outcome();  // closed: nothing more to say of it
        }
      } else {
        outcome->set_stage(v1::BUSINESS_STAGE_OPERATING);
        if (*index == *story.start_meeting) outcome->set_event(v1::BUSINESS_EVENT_STARTED);
        outcome->mutable_jobs_created()->set_full_time(story.jobs_full_time);
        outcome->mutable_jobs_created()->set_part_time(story.jobs_part_time);
        outcome->set_revenue_band(v1::REVENUE_BAND_UNDER_10K);
      }
    } else if (story.jobs_full_time > 0) {
      outcome->set_stage(person.person.business().stage());
      outcome->mutable_jobs_kept()->set_full_time(story.jobs_full_time);
      outcome->mutable_jobs_kept()->set_part_time(story.jobs_part_time);
      outcome->set_revenue_band(person.person.business().stage() == v1::BUSINESS_STAGE_GROWING
                                    ? v1::REVENUE_BAND_50K_TO_100K
                                    : v1::REVENUE_BAND_10K_TO_50K);
    } else if (person.person.business().stage() != v1::BUSINESS_STAGE_UNSPECIFIED) {
      outcome->set_stage(person.person.business().stage());
    } else {
      f.clear_outcome();
    }
  }
}

}  // namespace cercles::demo
