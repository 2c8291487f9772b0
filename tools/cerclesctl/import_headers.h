#ifndef CERCLES_TOOLS_CERCLESCTL_IMPORT_HEADERS_H_
#define CERCLES_TOOLS_CERCLESCTL_IMPORT_HEADERS_H_

// The other names a CSV import accepts for its columns, as the fund's staff
// write them in French (and a few English spellings): one table per importer,
// all of them here. A header cell is compared after NormalizeHeader, so case,
// accents, spaces, hyphens and apostrophes do not matter: "Prénom",
// "PRENOM" and "prénom" are all the people import's given_name.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cercles::cerclesctl {

// Another name of a column: `alias` (as a person writes it) is `column`.
struct HeaderAlias {
  const char* alias;
  const char* column;
};

// `import people`: given_name, family_name, language, email, ...
absl::Span<const HeaderAlias> PeopleHeaderAliases();
// `import circles`: display_name, members, characteristics, advisor, activate.
absl::Span<const HeaderAlias> CirclesHeaderAliases();
// `collections record-collections` (a filled collection sheet): circle, date, ...
absl::Span<const HeaderAlias> CollectionSheetHeaderAliases();

// A header cell as compared with column names and aliases: surrounding
// whitespace stripped, letters lower-cased and stripped of their accents
// (the Latin-1 letters, é -> e, Ç -> c, œ -> oe), and each run of spaces,
// hyphens, apostrophes (' and ’) and dots made one '_' (none at either end).
std::string NormalizeHeader(absl::string_view cell);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_IMPORT_HEADERS_H_
