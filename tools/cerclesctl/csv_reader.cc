#include "tools/cerclesctl/csv_reader.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace cercles::cerclesctl {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text, char separator) {
  absl::ConsumePrefix(&text, kUtf8Bom);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int line = 1;
  bool in_quotes = false;
  bool after_quotes = false;  // a quoted field just closed: only ',' or an end of line may follow
  bool record_has_content = false;
  int quote_line = 0;

  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    after_quotes = false;
  };
  auto end_record = [&] {
    end_field();
    // A line with nothing on it is not a record of one empty field.
    if (record_has_content) records.push_back(std::move(record));
    record = CsvRecord();
    record_has_content = false;
  };

  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!record_has_content && record.fields.empty() && field.empty() && c != '\n' && c != '\r') {
      record.line = line;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quotes = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == separator) {
      record_has_content = true;
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else if (after_quotes) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": text after the closing quote of a field"));
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      quote_line = line;
      record_has_content = true;
    } else {
      record_has_content = true;
      field.push_back(c);
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", quote_line, ": a quoted field is never closed"));
  }
  if (record_has_content || !field.empty()) end_record();
  return records;
}

namespace {

// The code points of Windows-1252's bytes 0x80 to 0x9F (0xA0 to 0xFF are
// U+00A0 to U+00FF, as in Latin-1).
constexpr char32_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

bool IsValidUtf8(absl::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    size_t length = 0;
    char32_t c = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      length = 2, c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3, c = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4, c = b & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      c = (c << 6) | (next & 0x3F);
    }
    if ((length == 3 && c < 0x800) || (length == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string Windows1252ToUtf8(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char byte : bytes) {
    const auto b = static_cast<unsigned char>(byte);
    if (b < 0x80) {
      out.push_back(byte);
    } else if (b < 0xA0) {
      AppendUtf8(kWindows1252High[b - 0x80], &out);
    } else {
      AppendUtf8(b, &out);
    }
  }
  return out;
}

DecodedText DecodeSpreadsheetText(absl::string_view bytes) {
  DecodedText decoded;
  if (!IsValidUtf8(bytes)) {
    decoded.utf8 = Windows1252ToUtf8(bytes);
    decoded.encoding = TextEncoding::kWindows1252;
  } else if (absl::ConsumePrefix(&bytes, kUtf8Bom)) {
    decoded.utf8 = std::string(bytes);
    decoded.encoding = TextEncoding::kUtf8Bom;
  } else {
    decoded.utf8 = std::string(bytes);
  }
  return decoded;
}

char DetectSeparator(absl::string_view text) {
  absl::ConsumePrefix(&text, kUtf8Bom);
  int commas = 0, semicolons = 0;
  bool in_quotes = false;
  bool header_started = false;  // blank lines before the header are skipped, as ParseCsv does
  for (char c : text) {
    if (c == '"') {
      in_quotes = !in_quotes;  // a doubled quote toggles twice: still inside
      header_started = true;
    } else if (in_quotes) {
      continue;
    } else if (c == '\n' || c == '\r') {
      if (header_started) break;
    } else if (c == ',') {
      ++commas;
    } else if (c == ';') {
      ++semicolons;
    }
    header_started = header_started || (c != '\n' && c != '\r');
  }
  return semicolons > commas ? ';' : ',';
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    const std::string& field = fields[i];
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
      line += field;
      continue;
    }
    line.push_back('"');
    for (char c : field) {
      if (c == '"') line.push_back('"');
      line.push_back(c);
    }
    line.push_back('"');
  }
  line += "\r\n";
  return line;
}

}  // namespace cercles::cerclesctl
