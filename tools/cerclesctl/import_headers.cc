#include "tools/cerclesctl/import_headers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace cercles::cerclesctl {
namespace {

constexpr HeaderAlias kPeople[] = {
    {"prénom", "given_name"},
    {"nom", "family_name"},
    {"nom de famille", "family_name"},
    {"langue", "language"},
    {"courriel", "email"},
    {"adresse courriel", "email"},
    {"e-mail", "email"},
    {"téléphone", "phone"},
    {"tél", "phone"},
    {"adresse", "postal_address"},
    {"adresse postale", "postal_address"},
    {"date de naissance", "birth_date"},
    {"genre", "gender"},
    {"entreprise", "business_name"},
    {"nom de l'entreprise", "business_name"},
    {"secteur", "sector"},
    {"stade", "stage"},
    {"étape", "stage"},
    {"date de démarrage", "business_start_date"},
    {"date de début de l'entreprise", "business_start_date"},
    {"compétences", "expertise"},
    {"partage de l'expertise", "expertise_opt_in"},
    {"partage avec le réseau", "share_with_network"},
    {"partage avec les autres fonds", "share_with_other_funds"},
    {"rappels par courriel", "reminders_by_email"},
    {"formation", "training"},
};

constexpr HeaderAlias kCircles[] = {
    {"nom", "display_name"},
    {"nom du cercle", "display_name"},
    {"cercle", "display_name"},
    {"membres", "members"},
    {"caractéristiques", "characteristics"},
    {"conseiller", "advisor"},
    {"conseillère", "advisor"},
    {"activer", "activate"},
};

constexpr HeaderAlias kCollectionSheet[] = {
    {"cercle", "circle"},
    {"rencontre", "meeting"},
    {"personne", "person"},
    {"type", "kind"},
    {"prêt", "loan"},
    {"dû", "due"},
    {"en retard", "in_arrears"},
    {"arriérés", "in_arrears"},
    {"maximum", "most"},
    {"prochaine échéance", "next_due"},
    {"payé", "paid"},
    {"référence", "reference"},
};

// The ASCII letter(s) of a Latin-1 letter U+00C0..U+00FF (its second UTF-8
// byte 0x80..0xBF after 0xC3), lower case; "" for × and ÷.
constexpr const char* kLatin1Letters[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

}  // namespace

absl::Span<const HeaderAlias> PeopleHeaderAliases() { return kPeople; }
absl::Span<const HeaderAlias> CirclesHeaderAliases() { return kCircles; }
absl::Span<const HeaderAlias> CollectionSheetHeaderAliases() { return kCollectionSheet; }

std::string NormalizeHeader(absl::string_view cell) {
  cell = absl::StripAsciiWhitespace(cell);
  std::string out;
  bool gap = false;  // a separator run is pending
  auto letters = [&](absl::string_view s) {
    if (gap && !out.empty()) out.push_back('_');
    gap = false;
    out.append(s.data(), s.size());
  };
  for (size_t i = 0; i < cell.size(); ++i) {
    const auto b = static_cast<unsigned char>(cell[i]);
    const auto next = i + 1 < cell.size() ? static_cast<unsigned char>(cell[i + 1]) : 0;
    if (b == ' ' || b == '\t' || b == '-' || b == '\'' || b == '.') {
      gap = true;
    } else if (b == 0xE2 && next == 0x80 && i + 2 < cell.size() &&
               static_cast<unsigned char>(cell[i + 2]) == 0x99) {  // ’
      gap = true;
      i += 2;
    } else if (b == 0xC3 && next >= 0x80 && next <= 0xBF) {
      letters(kLatin1Letters[next - 0x80]);
      ++i;
    } else if (b == 0xC5 && (next == 0x92 || next == 0x93)) {  // Œ œ
      letters("oe");
      ++i;
    } else {
      const char c = absl::ascii_tolower(static_cast<char>(b));
      letters(absl::string_view(&c, 1));
    }
  }
  return out;
}

}  // namespace cercles::cerclesctl
