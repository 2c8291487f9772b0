// The log's two paths to stdout: Write (now) and Buffered (the access log:
// within the flush period, in order with every other line).
#include "common/util/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::log {
namespace {

using ::testing::HasSubstr;

// Sends fd 1 to a file for the life of the object; Read() gives what reached it.
class CapturedStdout {
 public:
  CapturedStdout() {
    char name[] = "/tmp/cercles-log-test-XXXXXX";
    fd_ = ::mkstemp(name);
    path_ = name;
    saved_ = ::dup(STDOUT_FILENO);
    ::dup2(fd_, STDOUT_FILENO);
  }
  ~CapturedStdout() {
    Flush();
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::string Read() const {
    std::string out;
    char buffer[4096];
    int fd = ::open(path_.c_str(), O_RDONLY);
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
    ::close(fd);
    return out;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

std::vector<std::string> Messages(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const size_t at = line.find("\"msg\":\"");
    if (at == absl::string_view::npos) continue;
    const size_t end = line.find('"', at + 7);
    out.emplace_back(line.substr(at + 7, end - at - 7));
  }
  return out;
}

TEST(LogTest, AnImmediateLineFollowsTheBufferedOnesBeforeIt) {
  CapturedStdout out;
  Buffered(Level::kInfo, "first");
  Buffered(Level::kInfo, "second", {{"n", int64_t{2}}});
  Warning("third");
  EXPECT_THAT(Messages(out.Read()), ::testing::ElementsAre("first", "second", "third"));
}

TEST(LogTest, BufferedLinesReachStdoutWithoutAFlush) {
  CapturedStdout out;
  Buffered(Level::kInfo, "later", {{"method", std::string("/x.Y/Z")}});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Messages(out.Read()).empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const std::string text = out.Read();
  EXPECT_THAT(text, HasSubstr("\"msg\":\"later\",\"method\":\"/x.Y/Z\"}\n"));
  EXPECT_THAT(text, ::testing::MatchesRegex(
                        "\\{\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                        "\\.[0-9]{6}Z\",\"level\":\"info\".*\n"));
}

TEST(LogTest, LinesFromManyThreadsAreWholeAndNoneIsLost) {
  CapturedStdout out;
  constexpr int kThreads = 8, kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        if (i % 100 == 0) {
          Info(absl::StrCat("now-", t, "-", i));
        } else {
          Buffered(Level::kInfo, absl::StrCat("later-", t, "-", i));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  Flush();
  const std::string text = out.Read();
  std::vector<std::string> messages = Messages(text);
  ASSERT_EQ(messages.size(), static_cast<size_t>(kThreads * kLines));
  // Each thread's lines keep their order.
  std::vector<int> next(kThreads, 0);
  for (const std::string& m : messages) {
    std::vector<std::string> parts = absl::StrSplit(m, '-');
    ASSERT_EQ(parts.size(), 3u) << m;
    const int t = std::stoi(parts[1]), i = std::stoi(parts[2]);
    EXPECT_EQ(i, next[t]) << m;
    next[t] = i + 1;
  }
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{\"time\":") && absl::EndsWith(line, "}")) << line;
  }
}

TEST(LogTest, LinesBelowTheLevelAreDropped) {
  CapturedStdout out;
  SetMinLevel(Level::kWarning);
  Buffered(Level::kInfo, "quiet");
  Info("quiet too");
  Error("loud");
  SetMinLevel(Level::kInfo);
  EXPECT_THAT(Messages(out.Read()), ::testing::ElementsAre("loud"));
}

}  // namespace
}  // namespace cercles::log
