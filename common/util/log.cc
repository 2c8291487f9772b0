#include "common/util/log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cercles::log {
namespace {

std::mutex& OutputMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}
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

void Write(Level level, absl::string_view message, const Fields& fields) {
  if (level < MinLevel()) return;
  std::string line = absl::StrCat(
      "{\"time\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", LevelName(level), "\",\"component\":", JsonQuote(Component()),
      ",\"msg\":", JsonQuote(message));
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
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace cercles::log
