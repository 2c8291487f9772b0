#ifndef CERCLES_TOOLS_CERCLESCTL_PEER_COMMANDS_H_
#define CERCLES_TOOLS_CERCLESCTL_PEER_COMMANDS_H_

#include <vector>

#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// `network peers ...` and `network transfers ...` (cercles.network.v1.PeerFundService):
// the peer funds this fund federates with and the member transfers between them.
std::vector<Verb> NetworkPeerVerbs();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_PEER_COMMANDS_H_
