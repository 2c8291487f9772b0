// Business outcomes in cerclesctl (issue 15, item 4): `meetings record
// --outcome PERSON:KEY=VALUE[,...]`, how an outcome prints, and `people
// business-history PERSON`.
#ifndef CERCLES_TOOLS_CERCLESCTL_OUTCOME_ARGS_H_
#define CERCLES_TOOLS_CERCLESCTL_OUTCOME_ARGS_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// --outcome's help text, and the value "7:stage=operating,event=started,
// jobs-created=2/1,jobs-kept=0/1,revenue=10k-to-50k" as (people/7, outcome).
// Keys: stage (idea|starting|operating|growing), event (started|closed),
// jobs-created and jobs-kept (FULL/PART: full-time and part-time jobs), revenue
// (none|under-10k|10k-to-50k|50k-to-100k|100k-to-250k|250k-and-more). The
// error names --outcome and the key; the server checks the bounds.
Bilingual OutcomeHelp();
absl::StatusOr<std::pair<std::string, membership::v1::BusinessOutcome>> ParseOutcomeOption(
    absl::string_view value);

// "stage operating, started, jobs created 2 full/1 part, jobs kept 0 full/1
// part, revenue 10k-to-50k" (only what the outcome says), in French "stade en
// activité, …, revenus 10 k$ à 50 k$".
std::string OutcomeText(const membership::v1::BusinessOutcome& outcome, Lang lang);

// people business-history PERSON.
Verb BusinessHistoryVerb();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_OUTCOME_ARGS_H_
