#ifndef CERCLES_TOOLS_CERCLESCTL_CIRCLES_IMPORT_H_
#define CERCLES_TOOLS_CERCLESCTL_CIRCLES_IMPORT_H_

// `cerclesctl import circles FILE.csv [--dry-run] [--activate]`: creates
// circles with their members from a CSV file whose header row names its
// columns: display_name, members ("people/N" or N, `;`-separated, 4 to 7),
// characteristics (KIND=VALUE, `;`-separated), advisor ("advisors/N", admins
// only), activate (yes/no; --activate is the default of rows without one).
//
// Each row is ONE AcceptCircleProposal call with one circle: its circle,
// members, advisor and activation are written together or not at all. Every
// row is checked before anything is written: its columns here (with a person
// named in two rows of the file), then the whole row by the server
// (validate_only). Errors are printed as `FILE:LINE: column: rule`, all of
// them; --dry-run stops there. A row with an error writes nothing; the others
// are written. A row's request_id derives from its normalised content
// ("import-circle-" + sha256[:32]), so running the same file again changes
// nothing: the server answers each row from its first answer and the row
// counts as "already there".
//
// A row written by an earlier run is recognised by the server: its dry-run
// check and its write are answered from the first answer and marked with the
// `cercles-replayed` response header.

#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

int ImportCircles(CommandContext& ctx);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CIRCLES_IMPORT_H_
