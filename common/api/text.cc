#include "common/api/text.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"

namespace cercles::api {
namespace {

// Decodes the code point at text[*i] and moves *i past it; false on a byte
// sequence that is not UTF-8 (overlong forms and surrogates included).
bool NextCodePoint(absl::string_view text, size_t* i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(*i);
  size_t length = 0;
  uint32_t value = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    ++*i;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (*i + length > text.size()) return false;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) return false;
    value = (value << 6) | (byte(*i + k) & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
  *code_point = value;
  *i += length;
  return true;
}

bool IsControl(uint32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

}  // namespace

size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    uint32_t c = 0;
    if (!NextCodePoint(text, &i, &c)) return text.size();
  }
  return count;
}

absl::string_view TrimText(absl::string_view text) { return absl::StripAsciiWhitespace(text); }

std::optional<std::string> TextViolation(absl::string_view text, const TextRule& rule) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    uint32_t c = 0;
    if (!NextCodePoint(text, &i, &c)) return std::string("must be valid UTF-8");
    if (!IsControl(c)) continue;
    if (rule.multi_line && (c == '\n' || c == '\r' || c == '\t')) continue;
    return std::string(rule.multi_line
                           ? "must not contain control characters other than tabs and line breaks"
                           : "must not contain control characters");
  }
  if (count < rule.min_chars || count > rule.max_chars) {
    return rule.min_chars == 0
               ? absl::StrCat("must be at most ", rule.max_chars, " characters, got ", count)
               : absl::StrCat("must be ", rule.min_chars, " to ", rule.max_chars,
                              " characters, got ", count);
  }
  return std::nullopt;
}

absl::string_view TextViolationReason(absl::string_view text, const TextRule& rule) {
  if (text.empty() && rule.min_chars > 0) return reason::kFieldRequired;
  const size_t count = CharacterCount(text);
  if (count < rule.min_chars || count > rule.max_chars) return reason::kValueOutOfRange;
  return reason::kFieldInvalidFormat;
}

absl::StatusOr<std::string> CleanText(absl::string_view text, absl::string_view field,
                                      const TextRule& rule) {
  const absl::string_view trimmed = TrimText(text);
  if (std::optional<std::string> violation = TextViolation(trimmed, rule)) {
    return InvalidField(field, *violation, TextViolationReason(trimmed, rule));
  }
  return std::string(trimmed);
}

std::string Quoted(absl::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return absl::StrCat("\"", absl::CHexEscape(value), "\"");
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, max_bytes)), "...\" (", value.size(),
                      " bytes)");
}

}  // namespace cercles::api
