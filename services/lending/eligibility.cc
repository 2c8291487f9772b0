#include "services/lending/eligibility.h"

namespace cercles::lending {

using cercles::membership::v1::Circle;

cercles::lending::v1::CircleEligibility EvaluateCircle(const Circle& circle) {
  cercles::lending::v1::CircleEligibility e;
  e.set_circle(circle.name());
  e.set_circle_status(circle.status());
  switch (circle.status()) {
    case cercles::membership::v1::CIRCLE_STATUS_ACTIVE:
      e.set_may_request_loans(true);
      e.set_may_guarantee(true);
      break;
    case cercles::membership::v1::CIRCLE_STATUS_FORMING:
      e.add_reasons(
          "the circle is still forming: it must be activated with 4 to 7 trained members");
      break;
    case cercles::membership::v1::CIRCLE_STATUS_UNDER_STRENGTH:
      e.add_reasons(
          "the circle has fallen below 4 members: no loan requests or guarantees until it is "
          "back to 4");
      break;
    case cercles::membership::v1::CIRCLE_STATUS_SUSPENDED:
      e.add_reasons("the circle is suspended by the fund");
      break;
    case cercles::membership::v1::CIRCLE_STATUS_DISSOLVED:
      e.add_reasons("the circle is dissolved");
      break;
    case cercles::membership::v1::CIRCLE_STATUS_MERGED:
      e.add_reasons("the circle was merged into another circle: use the resulting circle");
      break;
    default:
      e.add_reasons("membership reported no status for the circle");
      break;
  }
  return e;
}

}  // namespace cercles::lending
