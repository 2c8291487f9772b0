#include "common/api/paging.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PagingTest, PageSizeBounds) {
  EXPECT_EQ(*NormalisePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*NormalisePageSize(7), 7);
  EXPECT_EQ(*NormalisePageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(NormalisePageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(NormalisePageSize(501).status().message(), HasSubstr("page_size"));
}

TEST(PagingTest, TokensRoundTripAndForgeriesAreRefused) {
  EXPECT_EQ(*DecodePageToken(""), "");
  EXPECT_EQ(*DecodePageToken(EncodePageToken("fund-a/42")), "fund-a/42");
  EXPECT_EQ(DecodePageToken("42").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("!!!").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PagingTest, IdTokensRoundTripAndRefuseOtherPositions) {
  EXPECT_EQ(*DecodeIdPageToken(""), 0);
  EXPECT_EQ(*DecodeIdPageToken(EncodeIdPageToken(42)), 42);
  EXPECT_EQ(DecodeIdPageToken(EncodePageToken("fund-a/42")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TakePageTest, OneRowMoreThanThePageGivesATokenAfterTheLastRowKept) {
  Page<int> page = TakePage(std::vector<int>{10, 20, 30}, 2, [](int row) { return row; });
  EXPECT_THAT(page.rows, ElementsAre(10, 20));
  EXPECT_EQ(*DecodeIdPageToken(page.next_page_token), 20);
}

TEST(TakePageTest, NoMoreRowsMeansNoToken) {
  Page<int> full = TakePage(std::vector<int>{10, 20}, 2, [](int row) { return row; });
  EXPECT_THAT(full.rows, ElementsAre(10, 20));
  EXPECT_EQ(full.next_page_token, "");
  Page<int> empty = TakePage(std::vector<int>{}, 5, [](int row) { return row; });
  EXPECT_TRUE(empty.rows.empty());
  EXPECT_EQ(empty.next_page_token, "");
}

TEST(TakePageTest, PositionsMayBeText) {
  Page<std::string> page = TakePage(std::vector<std::string>{"fund-a", "fund-b"}, 1,
                                    [](const std::string& row) { return row + "/7"; });
  EXPECT_THAT(page.rows, ElementsAre("fund-a"));
  EXPECT_EQ(*DecodePageToken(page.next_page_token), "fund-a/7");
}

}  // namespace
}  // namespace cercles::api
