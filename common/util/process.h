// Process-wide settings, each made once, for every binary of the suite.
#ifndef CERCLES_COMMON_UTIL_PROCESS_H_
#define CERCLES_COMMON_UTIL_PROCESS_H_

namespace cercles::util {

// SIGPIPE is ignored for the whole process (once; later calls do nothing): a
// peer that went away — Redis, a client — must fail a write with EPIPE, never
// kill the service. (gRPC sends with MSG_NOSIGNAL; hiredis writes with write(2).)
void IgnoreSigpipe();

// What a server process sets at start: IgnoreSigpipe(), and outside debug
// builds abseil's mutex deadlock detection off (it records every lock order in
// a global graph: 7–11 % of a loaded server's samples in issue 11's profiles).
// Debug builds (the tests) keep it on, so a lock-order cycle still aborts there.
void SetServerProcessDefaults();

}  // namespace cercles::util

#endif  // CERCLES_COMMON_UTIL_PROCESS_H_
