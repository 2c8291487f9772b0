#include "common/util/log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cercles::log {
namespace {

// Where every line goes: stdout (fd 1), in order. Lines given to Buffered()
// wait in `pending_` until the flusher thread writes them (every kFlushPeriod)
// or the buffer passes kFlushBytes; any other line first writes what is
// pending, then itself, at once. write(2) on the descriptor rather than stdio:
// the flusher may still run while exit() closes stdio's streams.
class Sink {
 public:
  static Sink& Get() {
    static Sink* sink = new Sink();  // never destroyed: the flusher may outlive main
    return *sink;
  }

  void Now(const std::string& line) {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    std::string batch = TakePending();
    batch += line;
    WriteAll(batch);
  }

  void Later(const std::string& line) {
    bool full = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ += line;
      full = pending_.size() >= kFlushBytes;
      if (!flusher_started_) {
        flusher_started_ = true;
        std::thread([this] { FlushEveryPeriod(); }).detach();
        std::atexit([] { Sink::Get().Flush(); });
      }
    }
    if (full) Flush();
  }

  void Flush() {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    WriteAll(TakePending());
  }

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr std::chrono::milliseconds kFlushPeriod{20};

  std::string TakePending() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    out.swap(pending_);
    pending_.reserve(out.capacity());
    return out;
  }

  static void WriteAll(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // nowhere to log to: drop rather than block or crash
      done += static_cast<size_t>(n);
    }
  }

  [[noreturn]] void FlushEveryPeriod() {
    for (;;) {
      std::this_thread::sleep_for(kFlushPeriod);
      Flush();
    }
  }

  std::mutex write_mu_;  // held while writing: lines leave in the order taken
  std::mutex mu_;        // guards pending_
  std::string pending_;
  bool flusher_started_ = false;
};
std::string& Component() {
  static std::string* c = new std::string("cercles");
  return *c;
}
Level& MinLevel() {
  static Level level = Level::kInfo;
  return level;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void SetComponent(std::string component) { Component() = std::move(component); }
void SetMinLevel(Level level) { MinLevel() = level; }

std::string JsonQuote(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

namespace {

// "2026-12-06T12:00:00.123456Z": the part up to the seconds is formatted once
// per second per thread.
void AppendTime(std::string* out) {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  const absl::Time now = absl::Now();
  const int64_t micros = absl::ToUnixMicros(now);
  const int64_t second = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  if (second != cached_second) {
    cached =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
    cached_second = second;
  }
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06dZ", static_cast<int>(micros - second * 1000000));
  absl::StrAppend(out, cached, fraction);
}

std::string FormatLine(Level level, absl::string_view message, const Fields& fields) {
  std::string line;
  line.reserve(256);
  line += "{\"time\":\"";
  AppendTime(&line);
  absl::StrAppend(&line, "\",\"level\":\"", LevelName(level),
                  "\",\"component\":", JsonQuote(Component()), ",\"msg\":", JsonQuote(message));
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",", JsonQuote(key), ":");
    if (const auto* s = std::get_if<std::string>(&value)) {
      absl::StrAppend(&line, JsonQuote(*s));
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      absl::StrAppend(&line, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      absl::StrAppend(&line, *d);
    } else {
      absl::StrAppend(&line, std::get<bool>(value) ? "true" : "false");
    }
  }
  line += "}\n";
  return line;
}

}  // namespace

void Write(Level level, absl::string_view message, const Fields& fields) {
  if (level < MinLevel()) return;
  Sink::Get().Now(FormatLine(level, message, fields));
}

void Buffered(Level level, absl::string_view message, const Fields& fields) {
  if (level < MinLevel()) return;
  Sink::Get().Later(FormatLine(level, message, fields));
}

void Flush() { Sink::Get().Flush(); }

}  // namespace cercles::log
