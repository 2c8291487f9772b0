// The network part of the demo: the partner organisations that give the fund's
// entrepreneurs individual follow-up (a CDEC, SAJE, a CLD, SACO), referrals of
// members to them at every stage, and sister circles declared by the staff —
// sent through network's public API once network has learned the circles and
// people from membership's events. Request ids are fixed, so a re-run replays.
#ifndef CERCLES_TOOLS_DEMO_NETWORK_LOADER_H_
#define CERCLES_TOOLS_DEMO_NETWORK_LOADER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/demo/demo_loader.h"

namespace cercles::demo {

struct NetworkLoaderOptions {
  std::string token;  // an admin
  absl::Duration timeout = absl::Seconds(10);
  // How long to wait for network to apply membership's events.
  absl::Duration catch_up = absl::Seconds(30);
};

struct NetworkSummary {
  int partners = 0;
  int referrals = 0;
  int sister_links = 0;
  std::string showcase;  // a circle with a sister and a referral: "funds/F/circles/N"
};

absl::StatusOr<NetworkSummary> LoadNetwork(const std::shared_ptr<grpc::Channel>& channel,
                                           const LoadSummary& membership,
                                           const NetworkLoaderOptions& options);

std::string FormatNetworkSummary(const NetworkSummary& summary);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_NETWORK_LOADER_H_
