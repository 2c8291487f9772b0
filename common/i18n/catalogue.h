// A message catalogue: the English messages of the services, as templates with
// placeholders, and their translation into one other language.
//
// The services build their messages with the values of the call (field paths,
// numbers, names, states), so an entry is a template: "{field} must be at most
// {n} characters" <TAB> "{field} doit compter au plus {n} caractères". A
// placeholder is {name} (lowercase letters, digits, '_'); it matches any
// non-empty text without "; " (a {field...} only a field path: letters,
// digits, "_.[]"),
// the same text wherever the name recurs, and its value is
// copied into the translation as it is (field paths, resource names and enum
// words are API identifiers and stay English). A placeholder whose name starts
// with "message" holds another message of the catalogue ("circle: {message}",
// a refusal forwarded from another service), translated in its turn; one whose
// name starts with "term" is a word of the messages ("{circle} is {term}:" with
// "under strength"), translated by its own entry when there is one; one whose
// name starts with "detail" is any text, "; " included (what another system
// said: gRPC's "failed to connect to all addresses; last error: ..."), copied
// as it is.
//
// "{{" and "}}" are one literal brace ("with {{id}} a positive whole number").
// The catalogues are data: common/i18n/messages_fr.tsv, compiled in.
#ifndef CERCLES_COMMON_I18N_CATALOGUE_H_
#define CERCLES_COMMON_I18N_CATALOGUE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/i18n/language.h"

namespace cercles::i18n {

class Catalogue {
 public:
  // One "english<TAB>translation" line per entry; empty lines and lines
  // starting with '#' are skipped. InvalidArgument naming the line when a line
  // has no tab, an entry repeats, two placeholders touch, or the two sides do
  // not use the same placeholders.
  static absl::StatusOr<Catalogue> Parse(absl::string_view text);

  // The translation of `message`: of the whole, else of each of its
  // "; "-separated parts (a refusal listing several broken rules,
  // api::InvalidFields and api::Combine; joined by " ; " as French writes
  // it); nullopt when no entry matches (a part). An entry
  // without placeholders is found by one hash lookup; otherwise the entries are
  // tried most literal text first (so "{field} is required" loses to a longer
  // "circle {name} is required to ..."), among those indexed by the message's
  // last (or first) bytes, each rejected at once unless the message starts and
  // ends with its outer text.
  std::optional<std::string> Translate(absl::string_view message) const;

  size_t size() const { return exact_.size() + patterns_.size(); }

 private:
  struct Piece {
    std::string literal;
    int slot = -1;  // index into Pattern::names when a placeholder
  };
  // The text each placeholder took, in the order of Pattern::names (few: no
  // allocation for a typical message).
  using Values = absl::InlinedVector<absl::string_view, 8>;
  struct Pattern {
    std::vector<std::string> literals;  // around the placeholders: names.size() + 1
    std::vector<std::string> names;     // in the order they appear in the English
    std::vector<Piece> translation;
    size_t literal_size = 0;
  };

  std::optional<std::string> TranslateOne(absl::string_view message) const;
  bool Match(const Pattern& pattern, absl::string_view message, Values* values) const;
  bool MatchFrom(const Pattern& pattern, absl::string_view message, size_t slot, size_t pos,
                 Values* values) const;
  std::optional<std::string> Render(const Pattern& pattern, const Values& values) const;

  // How many bytes of an entry's outer text index it.
  static constexpr size_t kAnchor = 6;

  absl::flat_hash_map<std::string, std::string> exact_;
  std::vector<Pattern> patterns_;  // most literal text first
  // Indexes into patterns_ (ascending): by the last kAnchor bytes of an
  // entry's last literal, else the first of its first literal, else neither.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_end_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_start_;
  std::vector<size_t> unanchored_;
};

// The compiled-in catalogue from English into `language`; for English, an
// empty one (nothing to translate).
const Catalogue& CatalogueOf(Language language);

// The text of common/i18n/messages_fr.tsv, compiled in by the build
// (common/CMakeLists.txt writes its definition).
absl::string_view FrenchCatalogueText();

}  // namespace cercles::i18n

#endif  // CERCLES_COMMON_I18N_CATALOGUE_H_
