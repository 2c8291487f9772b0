// What a Montréal community microcredit fund's data looks like: given and
// family names of the communities it serves, neighbourhoods with their streets
// and postal areas, business sectors with the words entrepreneurs use about
// them, and a small deterministic random generator. Shared by cercles-demo (the
// run command's demo fund) and cercles-membership-dataset (the benchmark's
// 10,000 circles), so that both look like the same fund.
#ifndef CERCLES_TOOLS_DEMO_FUND_VOCABULARY_H_
#define CERCLES_TOOLS_DEMO_FUND_VOCABULARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cercles::demo {

// splitmix64: the same numbers on every platform and standard library (the
// <random> distributions are not), which is what "deterministic" needs here.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // An independent stream for one entity ("person", 17), so that adding an
  // entity of another kind does not shift every later value.
  static Rng For(uint64_t seed, absl::string_view kind, int64_t index);

  uint64_t Next();
  // Uniform in [0, n); n > 0.
  int Below(int n);
  // Uniform in [low, high].
  int Between(int low, int high) { return low + Below(high - low + 1); }
  // True with probability percent / 100.
  bool Percent(int percent) { return Below(100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[static_cast<size_t>(Below(static_cast<int>(values.size())))];
  }

 private:
  uint64_t state_;
};

enum class Language { kFrench, kEnglish };

// A community the fund serves; names are drawn from it, and affinity circles
// ("haitian-community") gather its members.
struct Community {
  std::string key;  // "quebec", "haitian", "maghreb"...
  std::vector<std::string> women;
  std::vector<std::string> men;
  std::vector<std::string> family_names;
};

struct Neighbourhood {
  std::string key;           // characteristic value: "hochelaga-maisonneuve"
  std::string display_name;  // "Hochelaga-Maisonneuve"
  std::string postal_area;   // forward sortation area: "H1W"
  std::vector<std::string> streets;
  std::string meeting_place;  // where circles of the area meet
};

struct Sector {
  std::string key;                        // business.sector and characteristic value
  std::vector<std::string> kinds_fr;      // "Traiteur", "Boulangerie"
  std::vector<std::string> kinds_en;      // "Catering", "Bakery"
  std::vector<std::string> expertise_fr;  // what members of it can teach
  std::vector<std::string> expertise_en;
  std::vector<std::string> progress_fr;  // follow-up: what moved forward
  std::vector<std::string> progress_en;
};

const std::vector<Community>& FrenchSpeakingCommunities();
const std::vector<Community>& EnglishSpeakingCommunities();
// By key, among both lists; nullptr when unknown.
const Community* FindCommunity(absl::string_view key);
// A community drawn with the fund's usual proportions for a language.
const Community& DrawCommunity(Rng& rng, Language language);

const std::vector<Neighbourhood>& Neighbourhoods();
const Neighbourhood* FindNeighbourhood(absl::string_view key);

const std::vector<Sector>& Sectors();
const Sector* FindSector(absl::string_view key);

// Expertise anyone may have, whatever the sector.
const std::vector<std::string>& GeneralExpertise(Language language);
// Qualifiers of business names: "Soleil", "du Quartier"...
const std::vector<std::string>& BusinessQualifiers(Language language);
// Follow-up texts not tied to a sector.
const std::vector<std::string>& Difficulties(Language language);
const std::vector<std::string>& ExcuseNotes(Language language);
// Partners for individual follow-up (seed rule 9): CDEC, SAJE, CLD, SACO.
const std::vector<std::string>& ReferralPartners(Language language);

// "Émilie" -> "emilie", "O'Brien" -> "obrien", "Marc-André" -> "marc-andre":
// lower-case ASCII letters, digits and '-', for e-mail addresses.
std::string AsciiSlug(absl::string_view text);

// "2345, rue Ontario Est, Montréal (Québec) H1W 2K7".
std::string PostalAddress(Rng& rng, const Neighbourhood& where);
// "H1W 2K7".
std::string PostalCode(Rng& rng, const Neighbourhood& where);
// "+1 514 555 0142" (555-01xx numbers are reserved for fiction).
std::string FictionalPhone(Rng& rng);
// "Traiteur Soleil", "Boulangerie Tremblay", "Maple Catering".
std::string BusinessName(Rng& rng, const Sector& sector, Language language,
                         const std::string& family_name);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_FUND_VOCABULARY_H_
