// Verbs that call more than the service of their group (privacy export, privacy
// purge) reach the others through this one rule.
#ifndef CERCLES_TOOLS_CERCLESCTL_PART_CONTEXT_H_
#define CERCLES_TOOLS_CERCLESCTL_PART_CONTEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// The context for `service` (lending, network): --<service>-address, else the
// context's address of that service; nullopt (having said why it is needed:
// `why`) when neither. The verb declares --<service>-address and
// --<service>-server-name. Defined in privacy_export.cc.
std::optional<CommandContext> PartContext(CommandContext& ctx, const std::string& service,
                                          absl::string_view why);

// The two options PartContext reads: --<service>-address and
// --<service>-server-name, explained in English and French.
std::vector<OptionSpec> PartContextOptionSpecs(const std::string& service);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_PART_CONTEXT_H_
