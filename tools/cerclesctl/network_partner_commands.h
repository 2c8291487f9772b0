#ifndef CERCLES_TOOLS_CERCLESCTL_NETWORK_PARTNER_COMMANDS_H_
#define CERCLES_TOOLS_CERCLESCTL_NETWORK_PARTNER_COMMANDS_H_

#include <vector>

#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// `network partners ...` and `network referrals ...` (cercles.network.v1.PartnerService);
// part of NetworkVerbs().
std::vector<Verb> NetworkPartnerVerbs();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_NETWORK_PARTNER_COMMANDS_H_
