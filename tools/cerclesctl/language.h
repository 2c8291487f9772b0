// The language cerclesctl speaks to the person at the keyboard (issue 15,
// item 1): French (Canada) or English, from --lang, CERCLES_LANG or the locale.
// Help texts are Bilingual beside their English in the command table (a test
// fails when one lacks its French); cerclesctl's own messages (usage errors,
// prompts) are English where they are written and translated where they are
// printed, by Localize and the catalogue of cli_messages_fr.cc.
#ifndef CERCLES_TOOLS_CERCLESCTL_LANGUAGE_H_
#define CERCLES_TOOLS_CERCLESCTL_LANGUAGE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/api/display.h"

namespace cercles::cerclesctl {

// The language of what cerclesctl prints: api::DisplayLanguage, whose formats
// (money, percentages, counts, days) its tables and reports use.
using Lang = api::DisplayLanguage;

// "fr" or "en".
std::string LangCode(Lang lang);
// The language of `code` (GlobalOptions::lang: --lang, CERCLES_LANG or the
// locale's): French for "fr", else English.
Lang LangOfCode(absl::string_view code);

// A text a person reads, in English and French: `{"Lists people.", "Liste les
// personnes."}`. A lone English text converts implicitly (its French empty:
// In() falls back to the English, and the table's tests name it).
struct Bilingual {
  Bilingual() = default;
  Bilingual(const char* english) : en(english) {}             // NOLINT: implicit by design
  Bilingual(std::string english) : en(std::move(english)) {}  // NOLINT
  Bilingual(absl::string_view english) : en(english) {}       // NOLINT
  Bilingual(std::string english, std::string french)
      : en(std::move(english)), fr(std::move(french)) {}

  // The French when asked for and written, else the English.
  const std::string& In(Lang lang) const { return lang == Lang::kFr && !fr.empty() ? fr : en; }

  std::string en;
  std::string fr;
};

// cerclesctl's own message (a usage error, a local failure) in `lang`: its
// French from the catalogue of cli_messages_fr.cc when it has one, else as it
// is (a server's message, already in the caller's language, passes unchanged).
std::string Localize(Lang lang, absl::string_view message);
// The English messages of that catalogue that have no French: none, or a test fails.
std::vector<std::string> UntranslatedCliMessages();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_LANGUAGE_H_
