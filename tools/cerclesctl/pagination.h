#ifndef CERCLES_TOOLS_CERCLESCTL_PAGINATION_H_
#define CERCLES_TOOLS_CERCLESCTL_PAGINATION_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <set>
#include <string>

#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// Lists circles with the filter and paging options of the command line: one
// page, or with --all every page gathered into one response (with no
// next_page_token, so json output stays one document). Works for any listing
// whose request has the CircleListOptions fields and whose response has
// `repeated circles` and `next_page_token`; `request` carries the rest.
//   ListCirclePages<MembershipService>(ctx, &MembershipService::Stub::ListCircles, options,
//                                      request, &response)
template <typename Service, typename Request, typename Response>
grpc::Status ListCirclePages(CommandContext& ctx,
                             grpc::Status (Service::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                             const CircleListOptions& options, Request request, Response* merged) {
  request.set_page_size(options.page_size);
  request.set_status(options.status);
  for (const auto& characteristic : options.characteristics) {
    *request.add_characteristics() = characteristic;
  }
  request.set_page_token(options.page_token);
  std::set<std::string> seen;
  while (true) {
    Response page;
    grpc::Status status = ctx.Unary<Service>(method, request, &page);
    if (!status.ok()) return status;
    merged->mutable_circles()->MergeFrom(page.circles());
    merged->set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) return grpc::Status::OK;
    if (!seen.insert(page.next_page_token()).second) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the server returned a page token twice; stopped following pages");
    }
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_PAGINATION_H_
