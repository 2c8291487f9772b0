#include "tools/cerclesctl/import_common.h"

#include <google/protobuf/struct.pb.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cercles::cerclesctl {
namespace {

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

// The column `cell` names: one of `columns.all` or an alias's column; "" when
// it names none.
std::string ColumnOf(const std::string& cell, const ImportColumns& columns) {
  const std::string name = NormalizeHeader(cell);
  for (const char* column : columns.all) {
    if (name == column) return column;
  }
  for (const HeaderAlias& alias : columns.aliases) {
    if (name == NormalizeHeader(alias.alias)) return alias.column;
  }
  return "";
}

// The aliases of `column`, joined by ", ".
std::string AliasesOf(absl::string_view column, const ImportColumns& columns) {
  std::vector<absl::string_view> names;
  for (const HeaderAlias& alias : columns.aliases) {
    if (column.empty() || alias.column == column) names.push_back(alias.alias);
  }
  return absl::StrJoin(names, ", ");
}

// The header's column names; errors for unknown, repeated and missing ones.
std::vector<std::string> ReadHeader(const CsvRecord& record, const ImportColumns& columns,
                                    std::vector<std::string>* errors) {
  std::vector<std::string> header;
  for (const std::string& field : record.fields) {
    const std::string cell(absl::StripAsciiWhitespace(field));
    std::string column = ColumnOf(cell, columns);
    if (column.empty()) {
      std::string rule =
          absl::StrCat("column \"", cell, "\" is not one of ", absl::StrJoin(columns.all, ","));
      if (!columns.aliases.empty()) absl::StrAppend(&rule, " nor ", AliasesOf("", columns));
      errors->push_back(std::move(rule));
      column = cell;
    } else if (std::find(header.begin(), header.end(), column) != header.end()) {
      errors->push_back(absl::StrCat("column \"", column, "\" appears twice (\"", cell, "\")"));
    }
    header.push_back(std::move(column));
  }
  for (const char* column : columns.required) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      std::string rule = absl::StrCat("column \"", column, "\" is required");
      if (std::string aliases = AliasesOf(column, columns); !aliases.empty()) {
        absl::StrAppend(&rule, " (or: ", aliases, ")");
      }
      errors->push_back(std::move(rule));
    }
  }
  return header;
}

}  // namespace

int ReadImportFile(CommandContext& ctx, const std::string& path, const ImportColumns& columns,
                   ImportFile* file) {
  file->path = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ctx.Fail(absl::NotFoundError(absl::StrCat("cannot read ", path)));
  std::stringstream content;
  content << in.rdbuf();
  const DecodedText text = DecodeSpreadsheetText(content.str());
  if (text.encoding == TextEncoding::kWindows1252) {
    ctx.err() << path << ": "
              << Localize(ctx.lang(), "not UTF-8: read as Windows-1252 and converted") << '\n';
  }
  auto records = ParseCsv(text.utf8, DetectSeparator(text.utf8));
  if (!records.ok()) {
    return ctx.Fail(
        absl::InvalidArgumentError(absl::StrCat(path, ": ", records.status().message())));
  }
  if (records->empty()) {
    return ctx.Fail(absl::InvalidArgumentError(absl::StrCat(path, ": no header row")));
  }
  std::vector<std::string> header_errors;
  file->header = ReadHeader((*records)[0], columns, &header_errors);
  for (const std::string& error : header_errors) {
    ctx.err() << path << ":" << (*records)[0].line << ": " << Localize(ctx.lang(), error) << '\n';
  }
  if (!header_errors.empty()) return kExitFailure;
  for (size_t i = 1; i < records->size(); ++i) {
    CsvRecord& record = (*records)[i];
    bool blank = true;
    for (const std::string& f : record.fields) {
      blank = blank && absl::StripAsciiWhitespace(f).empty();
    }
    if (!blank) file->rows.push_back(std::move(record));
  }
  return kExitOk;
}

bool HasColumnError(const std::vector<RowError>& errors, absl::string_view column) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const RowError& e) { return e.column == column; });
}

bool RowFields(const CsvRecord& record, const std::vector<std::string>& header,
               std::map<std::string, std::string>* values, std::vector<RowError>* errors) {
  for (size_t i = 0; i < header.size() && i < record.fields.size(); ++i) {
    (*values)[header[i]] = std::string(absl::StripAsciiWhitespace(record.fields[i]));
  }
  if (record.fields.size() == header.size()) return true;
  errors->push_back({"row", absl::StrCat("has ", record.fields.size(),
                                         " fields where the header has ", header.size())});
  return false;
}

std::string CanonicalRow(absl::Span<const char* const> columns,
                         const std::map<std::string, std::string>& values) {
  std::string canonical;
  for (const char* column : columns) {
    auto it = values.find(column);
    const absl::string_view v = it == values.end() ? absl::string_view() : it->second;
    absl::StrAppend(&canonical, column, "=", v.size(), ":", v, "\n");
  }
  return canonical;
}

std::string ImportRequestId(absl::string_view step, const std::string& canonical) {
  return absl::StrCat("import-", step, "-", Sha256Hex(canonical).substr(0, 32));
}

void PrintRowErrors(CommandContext& ctx, const std::string& path, int line,
                    const std::vector<RowError>& errors) {
  for (const RowError& error : errors) {
    ctx.err() << path << ":" << line << ": " << error.column << ": "
              << Localize(ctx.lang(), error.rule) << '\n';
  }
}

void PrintWriteFailure(CommandContext& ctx, const std::string& path, int line,
                       const grpc::Status& status) {
  ctx.err() << path << ":" << line << ": "
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())) << ": "
            << status.error_message() << '\n';
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    ctx.err() << path << ":" << line << ": "
              << Localize(ctx.lang(),
                          "run the same file again to finish this row (nothing is duplicated)")
              << '\n';
  }
}

bool IsRowError(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
         status.error_code() == grpc::StatusCode::NOT_FOUND ||
         status.error_code() == grpc::StatusCode::FAILED_PRECONDITION;
}

Progress::Progress(CommandContext& ctx, std::string label, size_t total)
    : err_(ctx.err()),
      enabled_(&ctx.err() == &std::cerr && isatty(STDERR_FILENO) == 1 && total > 0),
      label_(std::move(label)),
      total_(total) {}

Progress::~Progress() {
  if (enabled_) err_ << "\r\033[K" << std::flush;
}

void Progress::Step() {
  ++done_;
  if (!enabled_) return;
  constexpr size_t kWidth = 30;
  const size_t filled = std::min(done_, total_) * kWidth / total_;
  err_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.')
       << "] " << done_ << "/" << total_ << std::flush;
}

int PrintImportSummary(CommandContext& ctx, const std::string& path, const ImportSummary& s,
                       bool dry_run) {
  if (ctx.json()) {
    google::protobuf::Struct out;
    auto& fields = *out.mutable_fields();
    fields["file"].set_string_value(path);
    fields["dryRun"].set_bool_value(dry_run);
    fields["rows"].set_number_value(s.rows);
    fields["valid"].set_number_value(s.valid);
    fields["created"].set_number_value(s.created);
    fields["alreadyThere"].set_number_value(s.already_there);
    fields["failed"].set_number_value(s.failed);
    if (ctx.PrintJson(out) != kExitOk) return kExitFailure;
  } else if (dry_run) {
    ctx.out() << path << ": "
              << Localize(ctx.lang(), absl::StrCat(s.rows, " rows checked: ", s.valid, " valid, ",
                                                   s.failed, " failed; nothing written (dry run)"))
              << '\n';
  } else {
    ctx.out() << path << ": "
              << Localize(ctx.lang(),
                          absl::StrCat(s.rows, " rows: ", s.created, " created, ", s.already_there,
                                       " already there, ", s.failed, " failed"))
              << '\n';
  }
  return s.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace cercles::cerclesctl
