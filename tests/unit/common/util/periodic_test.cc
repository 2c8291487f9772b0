#include "common/util/periodic.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cercles::util {
namespace {

TEST(PeriodicTest, RunsEveryPeriodUntilStopped) {
  std::atomic<int> runs{0};
  absl::Notification third;
  Periodic periodic;
  periodic.Start(absl::Milliseconds(5), [&] {
    if (++runs == 3) third.Notify();
  });
  ASSERT_TRUE(third.WaitForNotificationWithTimeout(absl::Seconds(30)));
  periodic.Stop();
  const int after_stop = runs.load();
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop) << "a run started after Stop returned";
  periodic.Stop();  // idempotent
}

TEST(PeriodicTest, StopWakesAWaitAtOnceAndNeverRuns) {
  std::atomic<int> runs{0};
  Periodic periodic;
  periodic.Start(absl::Hours(1), [&] { ++runs; });
  const absl::Time before = absl::Now();
  periodic.Stop();
  EXPECT_LT(absl::Now() - before, absl::Minutes(1)) << "Stop waited for the period";
  EXPECT_EQ(runs.load(), 0);
}

TEST(PeriodicTest, StopWaitsForTheRunUnderWay) {
  absl::Notification running;
  std::atomic<bool> finished{false};
  Periodic periodic;
  periodic.Start(absl::Milliseconds(1), [&] {
    if (running.HasBeenNotified()) return;
    running.Notify();
    absl::SleepFor(absl::Milliseconds(50));
    finished = true;
  });
  ASSERT_TRUE(running.WaitForNotificationWithTimeout(absl::Seconds(30)));
  periodic.Stop();
  EXPECT_TRUE(finished.load());
}

TEST(PeriodicTest, AtOnceRunsBeforeTheFirstPeriodWithoutBlockingStart) {
  absl::Notification ran;
  Periodic periodic;
  periodic.Start(
      absl::Hours(1), [&] { ran.Notify(); }, Periodic::First::kAtOnce);
  EXPECT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(30)));
  periodic.Stop();
}

TEST(PeriodicTest, ANeverStartedTaskStops) {
  Periodic periodic;
  periodic.Stop();
}

}  // namespace
}  // namespace cercles::util
