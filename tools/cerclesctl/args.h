#ifndef CERCLES_TOOLS_CERCLESCTL_ARGS_H_
#define CERCLES_TOOLS_CERCLESCTL_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// One "--name VALUE" (or "--name" switch) a command accepts.
struct OptionSpec {
  std::string name;        // Without dashes: "display-name".
  std::string value_name;  // "NAME"; empty for a switch that takes no value.
  Bilingual help;          // One line, shown by --help (French beside the English).
  bool repeatable = false;
  bool required = false;
};

// What the command line said, after ParseArgs checked it against the specs.
class ParsedArgs {
 public:
  bool Has(absl::string_view name) const;
  // The value of an option given at most once, or `fallback` when absent.
  std::string Value(absl::string_view name, absl::string_view fallback = "") const;
  // Every value of a repeatable option, in command-line order.
  std::vector<std::string> Values(absl::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  void Add(const std::string& name, std::string value);
  void AddPositional(std::string value) { positionals_.push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> options_;
  std::vector<std::string> positionals_;
};

// Parses "--name VALUE", "--name=VALUE", switches, "-h" (= "--help") and
// positionals; "--" ends the options. Strict: an unknown option, a missing
// value (end of line, or a next word that is itself an option), a value given
// to a switch, a non-repeatable option given twice and a missing required
// option are all InvalidArgument errors whose message names the option.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& specs);

// "--characteristic KIND=VALUE", "--all".
std::string OptionLabel(const OptionSpec& spec);
// As in a usage line: "--display-name NAME", "[--characteristic KIND=VALUE]...", "[--all]".
std::string OptionSynopsis(const OptionSpec& spec);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_ARGS_H_
