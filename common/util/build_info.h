// The version and revision of this build: the version is the CMake project's
// (CMakeLists.txt, the one place it is written), the revision the git commit
// the sources were built from, read at build time (cmake/WriteBuildInfo.cmake:
// "-dirty" when tracked files had changed, "unknown" without git metadata).
#ifndef CERCLES_COMMON_UTIL_BUILD_INFO_H_
#define CERCLES_COMMON_UTIL_BUILD_INFO_H_

#include <string>
#include <string_view>

namespace cercles::build_info {

// "0.1.0"
const char* Version();
// "9627e74a1b2c", "9627e74a1b2c-dirty" or "unknown"
const char* Revision();
// What --version prints: "cercles-membership 0.1.0 (revision 9627e74a1b2c)".
std::string VersionLine(std::string_view program);

}  // namespace cercles::build_info

#endif  // CERCLES_COMMON_UTIL_BUILD_INFO_H_
