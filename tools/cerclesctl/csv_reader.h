#ifndef CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_
#define CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_

// Comma-separated values as RFC 4180 writes them (and as spreadsheets export
// them): fields may be quoted, a quoted field may hold commas, doubled quotes
// and line breaks; records end with LF or CRLF; a UTF-8 byte-order mark is
// skipped. Written here rather than taken from a library: Debian offers no
// C++ CSV reader this project already depends on, and the format is small.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::cerclesctl {

struct CsvRecord {
  int line = 0;  // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

// Every record of `text`; blank lines are skipped. INVALID_ARGUMENT, naming
// the line, for a quote that is never closed or text right after a closing quote.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// One record as RFC 4180 writes it, ending with "\r\n": a field holding a
// comma, a quote or a line break is quoted, its quotes doubled.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_
