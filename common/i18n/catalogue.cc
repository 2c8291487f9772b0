#include "common/i18n/catalogue.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cercles::i18n {
namespace {

// The placeholder name starting right after the '{' at `open`, or "" when the
// brace opens no placeholder (then it is literal text).
absl::string_view PlaceholderAt(absl::string_view text, size_t open) {
  size_t end = open + 1;
  while (end < text.size() &&
         (absl::ascii_islower(static_cast<unsigned char>(text[end])) ||
          absl::ascii_isdigit(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
    ++end;
  }
  if (end == open + 1 || end >= text.size() || text[end] != '}') return {};
  return text.substr(open + 1, end - open - 1);
}

// A template as literal texts around placeholder names (literals.size() ==
// names.size() + 1); false when two placeholders touch.
bool SplitTemplate(absl::string_view text, std::vector<std::string>* literals,
                   std::vector<std::string>* names) {
  literals->assign(1, "");
  names->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
      literals->back().push_back(text[i++]);  // "{{" and "}}" write one brace
      continue;
    }
    const absl::string_view name = text[i] == '{' ? PlaceholderAt(text, i) : absl::string_view();
    if (name.empty()) {
      literals->back().push_back(text[i]);
      continue;
    }
    if (!names->empty() && literals->back().empty()) return false;
    names->emplace_back(name);
    literals->emplace_back();
    i += name.size() + 1;
  }
  return true;
}

bool IsMessageSlot(absl::string_view name) { return absl::StartsWith(name, "message"); }

// Whether `value` may fill placeholder `name`: a {field...} is a field path as
// the API spells it ("page_size", "circles[2].members"); only a {message...},
// a {term...} (a phrase of its own entry) or a {detail...} (text of another
// system, copied as it is: gRPC's "failed to connect to all addresses; last
// error: ...") spans a "; " (the next rule of a list of refusals is not a value).
bool Fits(absl::string_view name, absl::string_view value) {
  if (IsMessageSlot(name) || absl::StartsWith(name, "term") || absl::StartsWith(name, "detail")) {
    return true;
  }
  if (absl::StrContains(value, "; ")) return false;
  if (!absl::StartsWith(name, "field")) return true;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '_' && c != '.' && c != '[' && c != ']') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Catalogue> Catalogue::Parse(absl::string_view text) {
  Catalogue catalogue;
  absl::flat_hash_set<std::string> seen;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("catalogue line ", number, ": ", why));
    };
    const size_t tab = line.find('\t');
    if (tab == absl::string_view::npos || line.find('\t', tab + 1) != absl::string_view::npos) {
      return fail("must be the English text, one tab, the translation");
    }
    const absl::string_view english = line.substr(0, tab);
    const absl::string_view translated = line.substr(tab + 1);
    if (english.empty() || translated.empty()) return fail("has an empty side");
    if (!seen.insert(std::string(english)).second) {
      return fail(absl::StrCat("repeats \"", english, "\""));
    }
    Pattern pattern;
    if (!SplitTemplate(english, &pattern.literals, &pattern.names)) {
      return fail("has two placeholders with no text between them");
    }
    std::vector<std::string> literals, names;
    if (!SplitTemplate(translated, &literals, &names)) {
      return fail("the translation has two placeholders with no text between them");
    }
    if (pattern.names.empty()) {
      if (!names.empty()) return fail("the translation has placeholders the English lacks");
      catalogue.exact_.emplace(pattern.literals.front(), literals.front());
      continue;
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (!literals[i].empty()) pattern.translation.push_back(Piece{literals[i], -1});
      auto at = std::find(pattern.names.begin(), pattern.names.end(), names[i]);
      if (at == pattern.names.end()) {
        return fail(absl::StrCat("the translation's {", names[i], "} is not in the English"));
      }
      pattern.translation.push_back(Piece{"", static_cast<int>(at - pattern.names.begin())});
    }
    if (!literals.back().empty()) pattern.translation.push_back(Piece{literals.back(), -1});
    for (const std::string& name : pattern.names) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        return fail(absl::StrCat("the translation lacks {", name, "}"));
      }
    }
    for (const std::string& literal : pattern.literals) pattern.literal_size += literal.size();
    catalogue.patterns_.push_back(std::move(pattern));
  }
  // Most literal text first: the more precise entry wins.
  std::stable_sort(
      catalogue.patterns_.begin(), catalogue.patterns_.end(),
      [](const Pattern& a, const Pattern& b) { return a.literal_size > b.literal_size; });
  for (size_t i = 0; i < catalogue.patterns_.size(); ++i) {
    const Pattern& pattern = catalogue.patterns_[i];
    const std::string& last = pattern.literals.back();
    const std::string& first = pattern.literals.front();
    if (last.size() >= kAnchor) {
      catalogue.by_end_[last.substr(last.size() - kAnchor)].push_back(i);
    } else if (first.size() >= kAnchor) {
      catalogue.by_start_[first.substr(0, kAnchor)].push_back(i);
    } else {
      catalogue.unanchored_.push_back(i);
    }
  }
  return catalogue;
}

std::optional<std::string> Catalogue::Translate(absl::string_view message) const {
  if (std::optional<std::string> whole = TranslateOne(message)) return whole;
  if (!absl::StrContains(message, "; ")) return std::nullopt;
  std::string out;
  for (absl::string_view part : absl::StrSplit(message, "; ")) {
    std::optional<std::string> translated = TranslateOne(part);
    if (!translated.has_value()) return std::nullopt;
    absl::StrAppend(&out, out.empty() ? "" : " ; ", *translated);  // French spaces it
  }
  return out;
}

std::optional<std::string> Catalogue::TranslateOne(absl::string_view message) const {
  if (auto it = exact_.find(message); it != exact_.end()) return it->second;
  // The entries that may match: those ending (else starting) as the message
  // does, and the few anchored on neither, most literal first.
  absl::InlinedVector<size_t, 64> candidates(unanchored_.begin(), unanchored_.end());
  if (message.size() >= kAnchor) {
    for (const auto* index : {&by_end_, &by_start_}) {
      const absl::string_view key =
          index == &by_end_ ? message.substr(message.size() - kAnchor) : message.substr(0, kAnchor);
      if (auto it = index->find(key); it != index->end()) {
        candidates.insert(candidates.end(), it->second.begin(), it->second.end());
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  Values values;
  for (size_t i : candidates) {
    if (!Match(patterns_[i], message, &values)) continue;
    if (std::optional<std::string> rendered = Render(patterns_[i], values)) return rendered;
  }
  return std::nullopt;
}

bool Catalogue::Match(const Pattern& pattern, absl::string_view message, Values* values) const {
  const size_t n = pattern.names.size();
  if (message.size() < pattern.literal_size + n) return false;
  if (!absl::StartsWith(message, pattern.literals.front()) ||
      !absl::EndsWith(message, pattern.literals.back())) {
    return false;
  }
  values->assign(n, absl::string_view());
  return MatchFrom(pattern, message.substr(0, message.size() - pattern.literals.back().size()), 0,
                   pattern.literals.front().size(), values);
}

// Fills placeholder `slot` from `pos` of `message` (which ends where the last
// literal begins), trying each place the next literal occurs, earliest first.
bool Catalogue::MatchFrom(const Pattern& pattern, absl::string_view message, size_t slot,
                          size_t pos, Values* values) const {
  const size_t n = pattern.names.size();
  auto consistent = [&](size_t filled) {
    if (!Fits(pattern.names[filled], (*values)[filled])) return false;
    for (size_t earlier = 0; earlier < filled; ++earlier) {
      if (pattern.names[earlier] == pattern.names[filled] &&
          (*values)[earlier] != (*values)[filled]) {
        return false;
      }
    }
    return true;
  };
  if (slot + 1 == n) {
    if (pos >= message.size()) return false;
    (*values)[slot] = message.substr(pos);
    return consistent(slot);
  }
  const std::string& next = pattern.literals[slot + 1];
  for (size_t at = message.find(next, pos + 1); at != absl::string_view::npos;
       at = message.find(next, at + 1)) {
    (*values)[slot] = message.substr(pos, at - pos);
    if (consistent(slot) && MatchFrom(pattern, message, slot + 1, at + next.size(), values)) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> Catalogue::Render(const Pattern& pattern, const Values& values) const {
  std::string out;
  for (const Piece& piece : pattern.translation) {
    if (piece.slot < 0) {
      out.append(piece.literal);
    } else if (absl::StartsWith(pattern.names[piece.slot], "term")) {
      auto word = exact_.find(values[piece.slot]);
      if (word != exact_.end()) {
        out.append(word->second);
      } else {
        out.append(values[piece.slot].data(), values[piece.slot].size());
      }
    } else if (IsMessageSlot(pattern.names[piece.slot])) {
      std::optional<std::string> inner = Translate(values[piece.slot]);
      if (!inner.has_value()) return std::nullopt;
      out.append(*inner);
    } else {
      out.append(values[piece.slot].data(), values[piece.slot].size());
    }
  }
  return out;
}

const Catalogue& CatalogueOf(Language language) {
  static const Catalogue* const kEnglish = new Catalogue();
  static const Catalogue* const kFrench = [] {
    absl::StatusOr<Catalogue> parsed = Catalogue::Parse(FrenchCatalogueText());
    if (!parsed.ok()) {  // the unit tests parse it: a broken file never ships
      std::fprintf(stderr, "messages_fr.tsv: %s\n", std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return new Catalogue(*std::move(parsed));
  }();
  return language == Language::kFrench ? *kFrench : *kEnglish;
}

}  // namespace cercles::i18n
