# cmake -DROOT=<repo> -DSOURCES=<files;...> -DSTAMP=<file> -DLIBRARY=<name> -P CheckDomainIncludes.cmake
# Follows every #include of the domain files through the project's own headers
# and fails on the first one that reaches gRPC, SQL, Redis or common/'s service
# plumbing. Generated message headers (*.pb.h) are allowed; stubs (*.grpc.pb.h)
# are not.
cmake_minimum_required(VERSION 3.25)
set(forbidden
  "^grpc/" "^grpcpp/" "^grpc\\+\\+/" "\\.grpc\\.pb\\.h$" "^sqlite3\\.h$" "^libpq" "^pqxx/"
  "^postgresql/" "^hiredis/" "^common/(auth|cache|config|events|idempotency|observability|server|service|storage)/"
  "^common/util/(status|log|crypto)\\.h$")

set(queue ${SOURCES})
set(seen "")
set(failures "")
while(queue)
  list(POP_FRONT queue file)
  if(file IN_LIST seen)
    continue()
  endif()
  list(APPEND seen ${file})
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line ${lines})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" included "${line}")
    foreach(pattern ${forbidden})
      if(included MATCHES "${pattern}")
        file(RELATIVE_PATH where ${ROOT} ${file})
        list(APPEND failures "${where}: #include \"${included}\"")
      endif()
    endforeach()
    if(included MATCHES "^(common|services)/" AND EXISTS ${ROOT}/${included})
      list(APPEND queue ${ROOT}/${included})
    endif()
  endforeach()
endwhile()

if(failures)
  list(JOIN failures "\n  " listed)
  message(FATAL_ERROR "${LIBRARY} is a domain library: its files include neither gRPC, SQL, "
          "Redis nor common/'s service plumbing (load in the store, decide here, write in "
          "the store):\n  ${listed}")
endif()
file(WRITE ${STAMP} "ok\n")
