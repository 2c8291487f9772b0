// Which circles may bring loan requests and guarantee them: a pure rule over the
// circle's state as membership reports it (seed: the circle analyses the request
// and guarantees it; DOMAIN.md: only an ACTIVE circle of 4 to 7 may do so).
#ifndef CERCLES_SERVICES_LENDING_ELIGIBILITY_H_
#define CERCLES_SERVICES_LENDING_ELIGIBILITY_H_

#include "cercles/lending/v1/lending.pb.h"
#include "cercles/membership/v1/membership.pb.h"

namespace cercles::lending {

cercles::lending::v1::CircleEligibility EvaluateCircle(
    const cercles::membership::v1::Circle& circle);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_ELIGIBILITY_H_
