#include "tools/cerclesctl/language.h"

#include "absl/strings/str_split.h"
#include "common/i18n/catalogue.h"

namespace cercles::cerclesctl {

// cerclesctl's own messages (usage errors, local failures, prompts) and their
// French, in common/i18n's catalogue format: English <TAB> French, {name}
// placeholders copied as they are (options, values, paths stay as typed).
// Written in the words of the services' catalogue (common/i18n/messages_fr.tsv).
extern const char kCliMessagesFr[];

std::string LangCode(Lang lang) { return lang == Lang::kFr ? "fr" : "en"; }

Lang LangOfCode(absl::string_view code) { return code == "fr" ? Lang::kFr : Lang::kEn; }

namespace {

const i18n::Catalogue& CliCatalogue() {
  static const auto* const kCatalogue = [] {
    auto parsed = i18n::Catalogue::Parse(kCliMessagesFr);
    // A malformed line is a programming error the unit test names
    // (UntranslatedCliMessages); the CLI then speaks English.
    return new i18n::Catalogue(parsed.ok() ? *std::move(parsed) : i18n::Catalogue());
  }();
  return *kCatalogue;
}

}  // namespace

std::string Localize(Lang lang, absl::string_view message) {
  if (lang != Lang::kFr) return std::string(message);
  return CliCatalogue().Translate(message).value_or(std::string(message));
}

std::vector<std::string> UntranslatedCliMessages() {
  std::vector<std::string> missing;
  auto parsed = i18n::Catalogue::Parse(kCliMessagesFr);
  if (!parsed.ok()) return {std::string(parsed.status().message())};
  for (absl::string_view line : absl::StrSplit(kCliMessagesFr, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> sides = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    if (sides.size() != 2 || sides[1].empty()) missing.emplace_back(line);
  }
  return missing;
}

}  // namespace cercles::cerclesctl
