#include "tests/support/access_matrix.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cercles::testing {
namespace {

const std::vector<std::string>& Columns() {
  static const auto* columns =
      new std::vector<std::string>{"rpc",     "admin",     "advisor",   "membership", "lending",
                                   "network", "peer-fund", "anonymous", "why"};
  return *columns;
}

}  // namespace

const AccessMatrix::Row* AccessMatrix::Find(const std::string& rpc) const {
  for (const Row& row : rows) {
    if (row.rpc == rpc) return &row;
  }
  return nullptr;
}

absl::StatusOr<AccessMatrix> ParseAccessMatrix(const std::string& text, const std::string& source) {
  AccessMatrix matrix;
  matrix.callers.assign(Columns().begin() + 1, Columns().end() - 1);
  matrix.services = {"membership", "lending", "network"};
  std::set<std::string> seen;
  bool header = false;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    auto error = [&](const std::string& rule) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", rule));
    };
    std::vector<std::string> cells = absl::StrSplit(line, '\t');
    if (!header) {
      if (cells != Columns()) {
        return error(absl::StrCat("the header must be \"", absl::StrJoin(Columns(), "\\t"), "\""));
      }
      header = true;
      continue;
    }
    if (cells.size() != Columns().size()) {
      return error(
          absl::StrCat(Columns().size(), " tab-separated cells expected, found ", cells.size()));
    }
    AccessMatrix::Row row;
    row.rpc = cells[0];
    row.why = cells.back();
    row.line = line_number;
    if (row.rpc.find('/') == std::string::npos) {
      return error("the rpc must be \"package.Service/Method\"");
    }
    if (!seen.insert(row.rpc).second) return error(absl::StrCat(row.rpc, " appears twice"));
    for (size_t i = 1; i + 1 < cells.size(); ++i) {
      if (cells[i] == "yes") {
        row.allowed.insert(Columns()[i]);
      } else if (cells[i] != "no") {
        return error(absl::StrCat(Columns()[i], ": \"yes\" or \"no\", not \"", cells[i], "\""));
      }
    }
    bool needs_reason = row.allowed.count("peer-fund") > 0;
    for (const std::string& service : matrix.services) {
      needs_reason = needs_reason || row.allowed.count(service) > 0;
    }
    if (needs_reason && (row.why.empty() || row.why == "-")) {
      return error("a row that lets a service or a peer fund in says why (the code that calls it)");
    }
    matrix.rows.push_back(std::move(row));
  }
  if (!header) return absl::InvalidArgumentError(absl::StrCat(source, ": no header line"));
  return matrix;
}

absl::StatusOr<AccessMatrix> LoadAccessMatrix(const std::string& path) {
  std::ifstream in(path);
  if (!in.good()) return absl::NotFoundError(absl::StrCat("cannot read \"", path, "\""));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseAccessMatrix(buffer.str(), path);
}

}  // namespace cercles::testing
