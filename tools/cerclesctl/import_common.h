#ifndef CERCLES_TOOLS_CERCLESCTL_IMPORT_COMMON_H_
#define CERCLES_TOOLS_CERCLESCTL_IMPORT_COMMON_H_

// What every `cerclesctl import THINGS FILE.csv` shares: the file read as CSV
// with a header row naming its columns (in any order), the rows' fields by
// column, errors printed as `FILE:LINE: column: rule`, the normalised row and
// the request ids derived from it (so that running the same file again changes
// nothing), a row's writes answered as replays (the `cercles-replayed` response
// header), the progress bar on a terminal and the closing summary.

#include <grpcpp/support/status.h>

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/import_headers.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {

// The columns an import knows, in the order its normalised row lists them,
// and the other names its header may give them (import_headers.h).
struct ImportColumns {
  absl::Span<const char* const> all;
  absl::Span<const char* const> required;
  absl::Span<const HeaderAlias> aliases;
};

// A file read for an import: its header and its data rows.
struct ImportFile {
  std::string path;
  std::vector<std::string> header;  // the columns' own names, in the file's order
  std::vector<CsvRecord> rows;      // the data records; rows of blank fields are left out
};

// Reads `path` as CSV and checks its header row against `columns`: every
// column known (by its name or an alias, compared after NormalizeHeader), none
// twice, every required one present. The file may be UTF-8 (with or without a
// byte-order mark) or, when it is not valid UTF-8, Windows-1252 (converted,
// with a note on stderr); its separator is ';' or ',' (DetectSeparator).
// kExitOk, or (after saying why on stderr, header mistakes as `FILE:1: ...`)
// kExitFailure.
int ReadImportFile(CommandContext& ctx, const std::string& path, const ImportColumns& columns,
                   ImportFile* file);

// A broken rule in a row: the column and the rule.
struct RowError {
  std::string column;
  std::string rule;
};

bool HasColumnError(const std::vector<RowError>& errors, absl::string_view column);

// The record's fields by column name, surrounding whitespace stripped. False,
// with a `row` error, when it does not have as many fields as the header.
bool RowFields(const CsvRecord& record, const std::vector<std::string>& header,
               std::map<std::string, std::string>* values, std::vector<RowError>* errors);

// The normalised row: one "column=<length>:value" line per column of
// `columns`, in that order (unambiguous even when a value holds a line break).
std::string CanonicalRow(absl::Span<const char* const> columns,
                         const std::map<std::string, std::string>& values);

// "import-<step>-" and the first 32 hex digits of the canonical row's SHA-256:
// the same row always gives the same request id.
std::string ImportRequestId(absl::string_view step, const std::string& canonical);

// Prints each error as `FILE:LINE: column: rule` on stderr.
void PrintRowErrors(CommandContext& ctx, const std::string& path, int line,
                    const std::vector<RowError>& errors);

// Prints a failed write as `FILE:LINE: CODE: message`; when its outcome is
// unknown (UNAVAILABLE, DEADLINE_EXCEEDED), says that running the file again
// finishes the row.
void PrintWriteFailure(CommandContext& ctx, const std::string& path, int line,
                       const grpc::Status& status);

// Whether a status is about the row (INVALID_ARGUMENT, NOT_FOUND,
// FAILED_PRECONDITION) rather than a reason to stop the whole import.
bool IsRowError(const grpc::Status& status);

// The writes of one row, each with its request id. The row was "already
// there" when every write was answered from its first answer.
class RowWrites {
 public:
  explicit RowWrites(CommandContext& ctx) : ctx_(ctx) {}

  template <typename Service, typename Request, typename Response>
  grpc::Status Call(grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
                    const Request& request, Response* response) {
    bool replayed = false;
    grpc::Status status = CallWrite<Service>(ctx_, method, request, response, &replayed);
    all_replayed_ = all_replayed_ && replayed;
    return status;
  }
  bool all_replayed() const { return all_replayed_; }

 private:
  CommandContext& ctx_;
  bool all_replayed_ = true;
};

// A bar on stderr while rows are checked and written, only on a terminal.
class Progress {
 public:
  Progress(CommandContext& ctx, std::string label, size_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Step();

 private:
  std::ostream& err_;
  const bool enabled_;
  const std::string label_;
  const size_t total_;
  size_t done_ = 0;
};

struct ImportSummary {
  int rows = 0, valid = 0, created = 0, already_there = 0, failed = 0;
};

// `FILE: N rows: C created, A already there, F failed` (or the dry run's
// `N rows checked: V valid, F failed; nothing written (dry run)`), as JSON
// with --output json. kExitFailure when a row failed.
int PrintImportSummary(CommandContext& ctx, const std::string& path, const ImportSummary& summary,
                       bool dry_run);

// After the checking pass: prints every row's errors and counts the rows that
// may be written (valid) and those that failed. `Row` has line, errors, ok().
template <typename Row>
ImportSummary ReportCheckedRows(CommandContext& ctx, const std::string& path,
                                const std::vector<Row>& rows) {
  ImportSummary summary;
  summary.rows = static_cast<int>(rows.size());
  for (const Row& row : rows) {
    PrintRowErrors(ctx, path, row.line, row.errors);
    if (row.ok()) {
      ++summary.valid;
    } else {
      ++summary.failed;
    }
  }
  return summary;
}

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_IMPORT_COMMON_H_
