#ifndef CERCLES_TOOLS_CERCLESCTL_PEOPLE_IMPORT_H_
#define CERCLES_TOOLS_CERCLESCTL_PEOPLE_IMPORT_H_

// `cerclesctl import people FILE.csv [--dry-run]`: creates people from a CSV
// file, and with a `training` column enrols them in a training and records it
// completed (on the training's end date).
//
// Every row is checked before anything is written: its columns here, its
// person by the server (CreatePerson with validate_only, which reports every
// broken rule), its training by GetTraining. Errors are printed as
// `FILE:LINE: column: rule`, all of them. A row with an error writes nothing;
// the other rows are written. The request_ids of a row's writes derive from
// its normalised content ("import-people-" + sha256[:32]...), so running the
// same file again changes nothing: each write is answered from its first
// answer, and the row counts as "already there". If a row stopped half-way
// (a lost connection after its person was created), re-running the file
// finishes it.

#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

int ImportPeople(CommandContext& ctx);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_PEOPLE_IMPORT_H_
