#ifndef CERCLES_TESTS_UNIT_TOOLS_CLI_RUNNER_H_
#define CERCLES_TESTS_UNIT_TOOLS_CLI_RUNNER_H_

// Runs cerclesctl's whole command line in-process, with a made-up environment,
// and keeps what it printed.

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/global_options.h"

namespace cercles::cerclesctl {

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

inline CliResult RunCerclesctl(std::vector<std::string> args,
                               std::map<std::string, std::string> env = {}) {
  std::ostringstream out, err;
  const int code = RunCli(args, FakeEnv(std::move(env)), out, err);
  return {code, out.str(), err.str()};
}

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TESTS_UNIT_TOOLS_CLI_RUNNER_H_
