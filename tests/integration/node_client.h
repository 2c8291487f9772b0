// Running Node clients from integration and interop tests: the node binary
// (CERCLES_NODE, or `node` on the PATH) and quoting arguments for the shell.
#pragma once

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace cercles::testing {

// `arg` quoted for /bin/sh.
inline std::string ShellQuote(const std::string& arg) {
  return absl::StrCat("'", absl::StrReplaceAll(arg, {{"'", "'\\''"}}), "'");
}

// The node binary the tests run: CERCLES_NODE, else `node`.
inline std::string NodeBinary() {
  const char* env = std::getenv("CERCLES_NODE");
  return env != nullptr && *env != '\0' ? env : "node";
}

}  // namespace cercles::testing
