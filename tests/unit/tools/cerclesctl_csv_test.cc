// cerclesctl's CSV reading of the files funds really have, without a server:
// the separator detected from the header line, UTF-8 (with or without a
// byte-order mark) or Windows-1252 detected and converted, CRLF line ends,
// and the header names compared accent-, case- and space-blind with each
// importer's French aliases.
// (Suites start with "cerclesctl" so that `ctest -R cerclesctl` selects them.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/import_headers.h"

namespace cercles::cerclesctl {
namespace {

using ::testing::ElementsAre;

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> fields;
  for (const CsvRecord& r : records) fields.push_back(r.fields);
  return fields;
}

TEST(cerclesctlCsv, TheSeparatorIsTheHeaderLinesOutsideQuotes) {
  EXPECT_EQ(DetectSeparator("a,b,c\n1;2;3;4;5\n"), ',');
  EXPECT_EQ(DetectSeparator("a;b;c\r\n1,2,3,4,5\r\n"), ';');
  // Inside quotes neither counts, a doubled quote included.
  EXPECT_EQ(DetectSeparator("\"a,b,\"\"c,d\";e;f\n"), ';');
  EXPECT_EQ(DetectSeparator("\"x;y;z\",w\n"), ',');
  // A quoted header cell over two lines is still the header line.
  EXPECT_EQ(DetectSeparator("\"a\nb\";c;d\n1,2,3,4\n"), ';');
  // Blank lines before the header are skipped; a one-column header is ','.
  EXPECT_EQ(DetectSeparator("\r\n\na;b\n"), ';');
  EXPECT_EQ(DetectSeparator("name\n1;2;3\n"), ',');
  EXPECT_EQ(DetectSeparator("\xEF\xBB\xBF"
                            "a;b\n"),
            ';');
  EXPECT_EQ(DetectSeparator(""), ',');
}

TEST(cerclesctlCsv, SemicolonFilesSplitAtSemicolonsOnly) {
  auto records =
      ParseCsv("nom;montant\r\nRoy;\"12,50\"\r\nCôté;3,25\r\n\"a;b\";\"x\"\"y\"\r\n", ';');
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records),
              ElementsAre(ElementsAre("nom", "montant"), ElementsAre("Roy", "12,50"),
                          ElementsAre("Côté", "3,25"), ElementsAre("a;b", "x\"y")));
  EXPECT_EQ((*records)[3].line, 4);
}

TEST(cerclesctlCsv, ValidUtf8IsKeptAndItsByteOrderMarkDropped) {
  DecodedText plain = DecodeSpreadsheetText("prénom\n");
  EXPECT_EQ(plain.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(plain.utf8, "prénom\n");
  DecodedText bom = DecodeSpreadsheetText("\xEF\xBB\xBFprénom;nom\r\n");
  EXPECT_EQ(bom.encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(bom.utf8, "prénom;nom\r\n");
  EXPECT_EQ(DecodeSpreadsheetText("plain ascii").encoding, TextEncoding::kUtf8);
}

TEST(cerclesctlCsv, InvalidUtf8IsReadAsWindows1252) {
  // "Prénom;Côté;Œuvre €" as French Excel saves it.
  DecodedText text = DecodeSpreadsheetText(
      "Pr\xE9nom;C\xF4t\xE9;\x8C"
      "uvre \x80\r\n");
  EXPECT_EQ(text.encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(text.utf8, "Prénom;Côté;Œuvre €\r\n");
  // Windows-1252's own punctuation and its undefined bytes.
  EXPECT_EQ(Windows1252ToUtf8("\x92\x93\x94\x96\x85\x81\xA0\xFF"),
            "\u2019\u201C\u201D\u2013\u2026\u0081\u00A0\u00FF");
  // A UTF-8 byte-order mark followed by Windows-1252 bytes is not UTF-8.
  EXPECT_EQ(DecodeSpreadsheetText("\xEF\xBB\xBF\xE9").encoding, TextEncoding::kWindows1252);
}

TEST(cerclesctlCsv, Utf8ValidityFollowsTheStandard) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("é € 𝄞"));
  EXPECT_FALSE(IsValidUtf8("\xE9"));              // a lone Latin-1 byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));              // a continuation byte alone
}

TEST(cerclesctlCsv, HeadersAreComparedWithoutCaseAccentsOrSpacing) {
  EXPECT_EQ(NormalizeHeader("  Prénom "), "prenom");
  EXPECT_EQ(NormalizeHeader("PRÉNOM"), "prenom");
  EXPECT_EQ(NormalizeHeader("Date de naissance"), "date_de_naissance");
  EXPECT_EQ(NormalizeHeader("Nom de l’entreprise"), "nom_de_l_entreprise");
  EXPECT_EQ(NormalizeHeader("nom  de  l'entreprise"), "nom_de_l_entreprise");
  EXPECT_EQ(NormalizeHeader("Téléphone"), "telephone");
  EXPECT_EQ(NormalizeHeader("E-mail"), "e_mail");
  EXPECT_EQ(NormalizeHeader("given_name"), "given_name");
  EXPECT_EQ(NormalizeHeader("Caractéristiques"), "caracteristiques");
  EXPECT_EQ(NormalizeHeader("Çà Œ"), "ca_oe");
}

TEST(cerclesctlCsv, NoTwoAliasesOfAnImporterReadAlike) {
  for (auto aliases :
       {PeopleHeaderAliases(), CirclesHeaderAliases(), CollectionSheetHeaderAliases()}) {
    ASSERT_FALSE(aliases.empty());
    for (size_t i = 0; i < aliases.size(); ++i) {
      for (size_t j = i + 1; j < aliases.size(); ++j) {
        EXPECT_NE(NormalizeHeader(aliases[i].alias), NormalizeHeader(aliases[j].alias))
            << aliases[i].alias << " and " << aliases[j].alias;
      }
    }
  }
}

}  // namespace
}  // namespace cercles::cerclesctl
