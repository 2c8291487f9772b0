#include "tools/cerclesctl/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cercles::cerclesctl {
namespace {

constexpr absl::string_view kSection = "context ";

std::string* Field(Context& context, absl::string_view key) {
  if (key == "membership") return &context.membership;
  if (key == "lending") return &context.lending;
  if (key == "network") return &context.network;
  if (key == "ca") return &context.ca;
  if (key == "cert") return &context.cert;
  if (key == "key") return &context.key;
  if (key == "token-file") return &context.token_file;
  if (key == "token") return &context.token;
  if (key == "server-name") return &context.server_name;
  return nullptr;
}

bool ValidContextName(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  return absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

const std::string& Context::Address(absl::string_view service) const {
  static const std::string kNone;
  if (service == "membership") return membership;
  if (service == "lending") return lending;
  if (service == "network") return network;
  return kNone;
}

const Context* Config::Find(absl::string_view name) const {
  for (const Context& c : contexts) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Context* Config::Find(absl::string_view name) {
  for (Context& c : contexts) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const std::vector<std::string>& ContextKeys() {
  static const auto* const kKeys =
      new std::vector<std::string>{"membership", "lending", "network",     "ca",      "cert", "key",
                                   "token-file", "token",   "server-name", "insecure"};
  return *kKeys;
}

absl::Status SetContextKey(Context& context, absl::string_view key, absl::string_view value) {
  if (key == "insecure") {
    if (value != "true" && value != "false") {
      return absl::InvalidArgumentError(
          absl::StrCat("insecure must be true or false, not \"", value, "\""));
    }
    context.insecure = value == "true";
    return absl::OkStatus();
  }
  std::string* field = Field(context, key);
  if (field == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown key \"", key, "\""));
  }
  *field = std::string(value);
  return absl::OkStatus();
}

absl::StatusOr<Config> ParseConfig(absl::string_view text, absl::string_view path) {
  Config config;
  Context* context = nullptr;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    auto error = [&](absl::string_view rule) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", rule));
    };
    if (absl::ConsumePrefix(&line, "[")) {
      if (!absl::ConsumeSuffix(&line, "]") || !absl::ConsumePrefix(&line, kSection)) {
        return error("a section must be [context NAME]");
      }
      const absl::string_view name = absl::StripAsciiWhitespace(line);
      if (!ValidContextName(name)) {
        return error("a context name is 1 to 63 letters, digits, '-', '_' or '.'");
      }
      if (config.Find(name) != nullptr) return error(absl::StrCat("context ", name, " twice"));
      config.contexts.emplace_back();
      context = &config.contexts.back();
      context->name = std::string(name);
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) return error("expected KEY = VALUE");
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, equals));
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(equals + 1));
    if (context == nullptr) {
      if (key != "current-context") return error("only current-context comes before [context]");
      config.current_context = std::string(value);
      continue;
    }
    if (absl::Status set = SetContextKey(*context, key, value); !set.ok()) {
      return error(set.message());
    }
  }
  return config;
}

std::string FormatConfig(const Config& config) {
  std::string text = "# cerclesctl contexts: edit with `cerclesctl config set-context`\n";
  if (!config.current_context.empty()) {
    absl::StrAppend(&text, "current-context = ", config.current_context, "\n");
  }
  for (const Context& c : config.contexts) {
    absl::StrAppend(&text, "\n[", kSection, c.name, "]\n");
    Context copy = c;
    for (const std::string& key : ContextKeys()) {
      if (key == "insecure") {
        if (c.insecure) absl::StrAppend(&text, "insecure = true\n");
        continue;
      }
      const std::string& value = *Field(copy, key);
      if (!value.empty()) absl::StrAppend(&text, key, " = ", value, "\n");
    }
  }
  return text;
}

absl::StatusOr<std::string> ConfigPath(const std::string& flag, const EnvLookup& env) {
  if (!flag.empty()) return flag;
  if (auto path = env("CERCLES_CONFIG")) return *path;
  if (auto xdg = env("XDG_CONFIG_HOME")) return absl::StrCat(*xdg, "/cercles/config");
  if (auto home = env("HOME")) return absl::StrCat(*home, "/.config/cercles/config");
  return absl::FailedPreconditionError(
      "no configuration file: set HOME, XDG_CONFIG_HOME or CERCLES_CONFIG, or pass --config");
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Config();
    return ErrnoStatus("cannot read", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Config> config = ParseConfig(text.str(), path);
  if (!config.ok()) return config.status();
  bool holds_token = false;
  for (const Context& c : config->contexts) holds_token = holds_token || !c.token.empty();
  if (holds_token && (info.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, " holds a token and its group or others may read it (mode ",
                     absl::StrFormat("%04o", info.st_mode & 07777), "): run chmod 600 ", path));
  }
  return config;
}

absl::Status WritePrivateFile(const std::string& path, const std::string& text) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  FILE* file = nullptr;
  {
    const mode_t previous = umask(077);
    file = std::fopen(temporary.c_str(), "w");
    umask(previous);
  }
  if (file == nullptr) return ErrnoStatus("cannot write", temporary);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed || chmod(temporary.c_str(), 0600) != 0) {
    std::remove(temporary.c_str());
    return ErrnoStatus("cannot write", temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return ErrnoStatus("cannot replace", path);
  }
  return absl::OkStatus();
}

absl::Status SaveConfig(const std::string& path, const Config& config) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    // Each missing folder on the way, 0700.
    for (size_t at = path.find('/', 1); at != std::string::npos && at <= slash;
         at = path.find('/', at + 1)) {
      const std::string folder = path.substr(0, at);
      if (mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        return ErrnoStatus("cannot make the folder", folder);
      }
    }
  }
  return WritePrivateFile(path, FormatConfig(config));
}

}  // namespace cercles::cerclesctl
