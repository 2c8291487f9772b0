// The verb of a person's erasure (PrivacyService.ErasePerson; issue 14, item
// 4): `privacy erase people/ID --reason person-request|retention`. It cannot be
// undone, so it asks for the person's name to be typed back unless --yes.

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::PrivacyService;

int ErasePerson(CommandContext& ctx) {
  membership::v1::ErasePersonRequest request;
  request.set_person(PersonResourceName(ctx.args().positionals()[0]));
  const std::string reason = ctx.args().Value("reason");
  if (reason == "person-request") {
    request.set_reason(membership::v1::ERASURE_REASON_PERSON_REQUEST);
  } else if (reason == "retention") {
    request.set_reason(membership::v1::ERASURE_REASON_RETENTION);
  } else {
    return ctx.UsageError(
        absl::StrCat("--reason must be person-request or retention, got \"", reason, "\""));
  }
  if (!ctx.args().Has("yes")) {
    ctx.err() << Localize(ctx.lang(), absl::StrCat("Erasing ", request.person(),
                                                   " removes their personal data for good (their "
                                                   "loans and the books stay, under the id)."))
              << '\n'
              << Localize(ctx.lang(), absl::StrCat("Type ", request.person(), " to confirm:"))
              << ' ' << std::flush;
    std::string typed;
    if (!std::getline(std::cin, typed) || absl::StripAsciiWhitespace(typed) != request.person()) {
      ctx.err() << "cerclesctl: " << Localize(ctx.lang(), "not confirmed: nothing was erased")
                << '\n';
      return kExitFailure;
    }
  }
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::ErasePersonResponse response;
  grpc::Status status =
      CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::ErasePerson, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  ctx.out() << Localize(ctx.lang(), absl::StrCat("erased ", response.person().name())) << "\n";
  PrintPerson(response.person(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> ErasureVerbs() {
  return {{{"privacy", "erase"},
           "people/ID",
           {"Erases a person's personal data (admins; Law 25): the name becomes a pseudonym, "
            "contact, birth date, notes and reasons are cleared, in membership, lending and "
            "network. Asks for confirmation unless --yes.",
            "Efface les renseignements personnels d'une personne (administrateurs ; Loi 25) : le "
            "nom devient un pseudonyme, les coordonnées, la date de naissance, les notes et les "
            "raisons sont effacées, dans membership, lending et network. Demande une confirmation, "
            "sauf avec --yes."},
           {{"reason",
             "person-request|retention",
             {"why: the person asked, or retention ended",
              "pourquoi : la personne l'a demandé, ou la durée de conservation est écoulée"},
             false,
             true},
            {"yes", "", {"do not ask for confirmation", "ne pas demander de confirmation"}},
            RequestIdOptionSpec()},
           1,
           1,
           ErasePerson}};
}

}  // namespace cercles::cerclesctl
