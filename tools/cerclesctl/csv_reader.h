#ifndef CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_
#define CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_

// Comma-separated values as RFC 4180 writes them (and as spreadsheets export
// them): fields may be quoted, a quoted field may hold separators, doubled
// quotes and line breaks; records end with LF or CRLF; a UTF-8 byte-order mark
// is skipped. French Excel saves with ';' between fields and in Windows-1252:
// DecodeSpreadsheetText and DetectSeparator read such files too. Written here rather than taken
// from a library: Debian offers no C++ CSV reader this project already depends on, and the format
// is small.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::cerclesctl {

struct CsvRecord {
  int line = 0;  // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

// Every record of `text`, fields split at `separator`; blank lines are skipped.
// INVALID_ARGUMENT, naming the line, for a quote that is never closed or text
// right after a closing quote.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text, char separator = ',');

// The encodings a spreadsheet's CSV file comes in.
enum class TextEncoding {
  kUtf8,         // UTF-8 without a byte-order mark (or plain ASCII)
  kUtf8Bom,      // UTF-8 after a byte-order mark (Excel's "CSV UTF-8")
  kWindows1252,  // anything that is not valid UTF-8 (Excel's "CSV" on a French Windows)
};

// A file's bytes as UTF-8: valid UTF-8 is kept as it is (its byte-order mark
// dropped); anything else is read as Windows-1252 and converted (so é saved as
// the single byte 0xE9 becomes the two bytes 0xC3 0xA9).
struct DecodedText {
  std::string utf8;
  TextEncoding encoding = TextEncoding::kUtf8;
};
DecodedText DecodeSpreadsheetText(absl::string_view bytes);

// Whether `bytes` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(absl::string_view bytes);

// `bytes` read as Windows-1252, in UTF-8 (the five bytes Windows-1252 leaves
// undefined become the C1 controls of the same number, as Windows does).
std::string Windows1252ToUtf8(absl::string_view bytes);

// The field separator of a file: ';' when its first line (the header) has
// more semicolons than commas outside quotes, ',' otherwise.
char DetectSeparator(absl::string_view text);

// One record as RFC 4180 writes it, ending with "\r\n": a field holding a
// comma, a quote or a line break is quoted, its quotes doubled.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CSV_READER_H_
