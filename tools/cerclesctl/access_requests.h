#ifndef CERCLES_TOOLS_CERCLESCTL_ACCESS_REQUESTS_H_
#define CERCLES_TOOLS_CERCLESCTL_ACCESS_REQUESTS_H_

// Access requests as typed and printed, shared by `privacy access-requests`
// and `privacy export --request` (access_request_commands.cc).

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// "accessRequests/3" stays as it is; a bare "3" gains the collection.
std::string AccessRequestName(absl::string_view text);
// "email", "in-person", "mail", "phone", "web" (the words --channel takes);
// "-" when unset. In French, the channel's word (EnumWord: "courriel").
std::string AccessChannelName(membership::v1::AccessRequestChannel channel, Lang lang = Lang::kEn);
// "open", "overdue" or "done"; in French "ouverte", "en retard", "traitée".
std::string AccessStateText(const membership::v1::AccessRequest& request, Lang lang);
void PrintAccessRequest(const membership::v1::AccessRequest& request, std::ostream& out);
// Completes request `name` with `completion` (--request-id, or a fresh id) and
// prints the answer; the exit code.
int CompleteAccessRequestWith(CommandContext& ctx, const std::string& name,
                              const membership::v1::AccessRequestCompletion& completion);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_ACCESS_REQUESTS_H_
