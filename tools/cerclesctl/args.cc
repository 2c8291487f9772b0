#include "tools/cerclesctl/args.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cercles::cerclesctl {

bool ParsedArgs::Has(absl::string_view name) const { return options_.find(name) != options_.end(); }

std::string ParsedArgs::Value(absl::string_view name, absl::string_view fallback) const {
  auto it = options_.find(name);
  if (it == options_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::Values(absl::string_view name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return {};
  return it->second;
}

void ParsedArgs::Add(const std::string& name, std::string value) {
  options_[name].push_back(std::move(value));
}

namespace {

const OptionSpec* FindSpec(const std::vector<OptionSpec>& specs, absl::string_view name) {
  auto it = std::find_if(specs.begin(), specs.end(),
                         [&](const OptionSpec& spec) { return spec.name == name; });
  return it == specs.end() ? nullptr : &*it;
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& specs) {
  ParsedArgs parsed;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg == "-" || !absl::StartsWith(arg, "-")) {
      parsed.AddPositional(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg == "-h") {
      parsed.Add("help", "");
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", arg, " (options are spelled --name)"));
    }
    absl::string_view body = absl::string_view(arg).substr(2);
    std::string name(body.substr(0, body.find('=')));
    const bool has_inline_value = body.find('=') != absl::string_view::npos;
    const OptionSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    if (parsed.Has(name) && !spec->repeatable) {
      return absl::InvalidArgumentError(absl::StrCat("option --", name, " given more than once"));
    }
    if (spec->value_name.empty()) {
      if (has_inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("option --", name, " takes no value"));
      }
      parsed.Add(name, "");
      continue;
    }
    if (has_inline_value) {
      parsed.Add(name, std::string(body.substr(body.find('=') + 1)));
      continue;
    }
    if (i + 1 >= args.size() || absl::StartsWith(args[i + 1], "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("option --", name, " needs a value (", spec->value_name, ")"));
    }
    parsed.Add(name, args[++i]);
  }
  if (!parsed.Has("help")) {
    for (const OptionSpec& spec : specs) {
      if (spec.required && !parsed.Has(spec.name)) {
        return absl::InvalidArgumentError(absl::StrCat("missing required option --", spec.name));
      }
    }
  }
  return parsed;
}

std::string OptionLabel(const OptionSpec& spec) {
  std::string text = absl::StrCat("--", spec.name);
  if (!spec.value_name.empty()) absl::StrAppend(&text, " ", spec.value_name);
  return text;
}

std::string OptionSynopsis(const OptionSpec& spec) {
  std::string text = OptionLabel(spec);
  if (!spec.required) text = absl::StrCat("[", text, "]");
  if (spec.repeatable) absl::StrAppend(&text, "...");
  return text;
}

}  // namespace cercles::cerclesctl
