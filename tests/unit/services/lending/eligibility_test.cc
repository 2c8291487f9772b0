#include "services/lending/eligibility.h"

#include "gtest/gtest.h"

namespace cercles::lending {
namespace {

using cercles::membership::v1::Circle;

TEST(EligibilityTest, OnlyAnActiveCircleMayRequestAndGuarantee) {
  Circle circle;
  circle.set_name("circles/7");
  circle.set_status(cercles::membership::v1::CIRCLE_STATUS_ACTIVE);
  auto active = EvaluateCircle(circle);
  EXPECT_TRUE(active.may_request_loans());
  EXPECT_TRUE(active.may_guarantee());
  EXPECT_TRUE(active.reasons().empty());
  EXPECT_EQ(active.circle(), "circles/7");

  for (auto status : {cercles::membership::v1::CIRCLE_STATUS_FORMING,
                      cercles::membership::v1::CIRCLE_STATUS_UNDER_STRENGTH,
                      cercles::membership::v1::CIRCLE_STATUS_SUSPENDED,
                      cercles::membership::v1::CIRCLE_STATUS_DISSOLVED,
                      cercles::membership::v1::CIRCLE_STATUS_MERGED,
                      cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED}) {
    circle.set_status(status);
    auto e = EvaluateCircle(circle);
    EXPECT_FALSE(e.may_request_loans()) << status;
    EXPECT_FALSE(e.may_guarantee()) << status;
    EXPECT_EQ(e.reasons_size(), 1) << status;
  }
}

}  // namespace
}  // namespace cercles::lending
