#include "common/i18n/language.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cercles::i18n {
namespace {

// How much a header wants one language: its q-value (0: not acceptable), and
// where the range that gave it was written (earlier wins a tie), or -1 when
// no range named it.
struct Want {
  double q = 0;
  int position = -1;
  bool named = false;  // by its own range, not by "*"
};

// A q-value of RFC 9110: 0 to 1 with at most three decimals; nullopt otherwise.
std::optional<double> ParseQ(absl::string_view text) {
  if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  double q = 0;
  if (!absl::SimpleAtod(text, &q) || q < 0 || q > 1) return std::nullopt;
  return q;
}

}  // namespace

absl::string_view LanguageCode(Language language) {
  return language == Language::kFrench ? "fr" : "en";
}

std::optional<Language> ParseLanguageCode(absl::string_view code) {
  if (absl::EqualsIgnoreCase(code, "fr")) return Language::kFrench;
  if (absl::EqualsIgnoreCase(code, "en")) return Language::kEnglish;
  return std::nullopt;
}

absl::string_view LocaleOf(Language language) {
  return language == Language::kFrench ? "fr-CA" : "en-CA";
}

Language LanguageOfAcceptLanguage(absl::string_view header, Language fallback) {
  Want french, english, any;
  int position = 0;
  for (absl::string_view element : absl::StrSplit(header, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> parts = absl::StrSplit(element, ';');
    const absl::string_view range = absl::StripAsciiWhitespace(parts[0]);
    double q = 1;
    bool valid = !range.empty();
    for (size_t i = 1; i < parts.size() && valid; ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") || absl::ConsumePrefix(&parameter, "Q=")) {
        std::optional<double> parsed = ParseQ(parameter);
        valid = parsed.has_value();
        if (valid) q = *parsed;
      }
    }
    if (!valid) return fallback;  // a malformed header asks for nothing we can trust
    const absl::string_view primary = range.substr(0, range.find('-'));
    Want* want = nullptr;
    if (range == "*") {
      want = &any;
    } else if (absl::EqualsIgnoreCase(primary, "fr")) {
      want = &french;
    } else if (absl::EqualsIgnoreCase(primary, "en")) {
      want = &english;
    }
    // The first range naming a language sets its weight ("fr-CA;q=0, fr" is
    // rare enough that the first word is taken as the caller's).
    if (want != nullptr && want->position < 0) *want = Want{q, position, want != &any};
    ++position;
  }
  for (Want* want : {&french, &english}) {
    if (want->position < 0 && any.position >= 0) *want = Want{any.q, any.position, false};
  }
  const bool french_ok = french.q > 0;
  const bool english_ok = english.q > 0;
  // "fr;q=0" refuses French: English, though it was not named.
  if (!french_ok && french.named && english.position < 0) return Language::kEnglish;
  if (!english_ok && english.named && french.position < 0) return Language::kFrench;
  if (!french_ok && !english_ok) return fallback;
  if (!french_ok) return Language::kEnglish;
  if (!english_ok) return Language::kFrench;
  if (french.q != english.q) return french.q > english.q ? Language::kFrench : Language::kEnglish;
  if (french.named != english.named) return french.named ? Language::kFrench : Language::kEnglish;
  if (!french.named) return fallback;  // both only through "*"
  return french.position < english.position ? Language::kFrench : Language::kEnglish;
}

}  // namespace cercles::i18n
