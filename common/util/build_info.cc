#include "common/util/build_info.h"

#include "absl/strings/str_cat.h"
#include "cercles/build_info_values.h"

namespace cercles::build_info {

const char* Version() { return CERCLES_VERSION; }

const char* Revision() { return CERCLES_REVISION; }

std::string VersionLine(std::string_view program) {
  return absl::StrCat(absl::string_view(program.data(), program.size()), " ", Version(),
                      " (revision ", Revision(), ")");
}

}  // namespace cercles::build_info
