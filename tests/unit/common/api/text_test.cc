#include "common/api/text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::api {
namespace {

using ::testing::HasSubstr;

// What a message may quote of a caller's value: escaped, and a bounded prefix
// with the whole size once it is longer than the bound.
TEST(QuotedTest, QuotesShortValuesWholeAndLongOnesByABoundedPrefix) {
  EXPECT_EQ(Quoted("nickname"), "\"nickname\"");
  EXPECT_EQ(Quoted("a\"b\n\xff"), "\"a\\\"b\\n\\xff\"");
  EXPECT_EQ(Quoted("abcdef", 4), "\"abcd...\" (6 bytes)");
  EXPECT_EQ(Quoted("abcd", 4), "\"abcd\"");
  const std::string megabyte(1 << 20, 'x');
  const std::string quoted = Quoted(megabyte);
  EXPECT_EQ(quoted, "\"" + std::string(kMaxQuotedBytes, 'x') + "...\" (1048576 bytes)");
  // Escaping can at most quadruple the prefix: never more than ~4 x 128 bytes.
  EXPECT_LE(Quoted(std::string(1 << 20, '\x01')).size(), 4 * kMaxQuotedBytes + 32);
}

TEST(CleanTextTest, TrimsAndCountsCodePointsNotBytes) {
  EXPECT_EQ(*CleanText("  Cercle Élan \n", "name", OneLine(1, 100)), "Cercle Élan");
  EXPECT_EQ(*CleanText("ééééé", "x", OneLine(1, 5)), "ééééé");
  EXPECT_EQ(CleanText("éééééé", "x", OneLine(1, 5)).status().message(),
            "x must be 1 to 5 characters, got 6");
  EXPECT_EQ(CharacterCount("a€𝄞"), 3u);
}

TEST(CleanTextTest, BoundsNameTheFieldAndTheRule) {
  EXPECT_EQ(CleanText("   ", "reason", OneLine(1, 500)).status().message(),
            "reason must be 1 to 500 characters, got 0");
  EXPECT_EQ(*CleanText("", "note", MultiLine(0, 10)), "");
  EXPECT_EQ(CleanText(std::string(11, 'x'), "note", MultiLine(0, 10)).status().message(),
            "note must be at most 10 characters, got 11");
}

TEST(CleanTextTest, ControlCharactersAndLineBreaks) {
  EXPECT_EQ(CleanText("a\nb", "title", OneLine(0, 10)).status().message(),
            "title must not contain control characters");
  EXPECT_EQ(*CleanText("a\r\n\tb", "minutes", MultiLine(0, 10)), "a\r\n\tb");
  for (const std::string& bad : {std::string("a\0b", 3), std::string("a\x7f"), std::string("a\x1b"),
                                 std::string("a\xc2\x85")}) {
    EXPECT_THAT(CleanText(bad, "minutes", MultiLine(0, 10)).status().message(),
                HasSubstr("minutes must not contain control characters other than tabs and line "
                          "breaks"));
  }
}

TEST(CleanTextTest, RefusesTextThatIsNotUtf8) {
  for (const char* bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    EXPECT_EQ(CleanText(bad, "name", OneLine(0, 10)).status().message(), "name must be valid UTF-8")
        << bad;
  }
}

TEST(TextViolationTest, WithoutTheFieldForCheckersThatGatherViolations) {
  EXPECT_EQ(TextViolation("ok", OneLine(1, 2)), std::nullopt);
  EXPECT_EQ(TextViolation("", OneLine(1, 2)), "must be 1 to 2 characters, got 0");
}

}  // namespace
}  // namespace cercles::api
