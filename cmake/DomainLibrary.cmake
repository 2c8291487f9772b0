# cercles_domain_library(<name> <sources>...)
# A service's domain rules: pure decisions over plain records and generated
# messages. The library links abseil, the generated messages (no gRPC stubs) and
# the header-only early-return macros, and the build refuses it when one of its
# files reaches gRPC, SQL, Redis or the service plumbing of common/ through an
# include, directly or through one of the project's own headers: the rules stay
# testable alone, and a decision cannot start doing I/O.
set(CERCLES_DOMAIN_CHECK ${CMAKE_CURRENT_LIST_DIR}/CheckDomainIncludes.cmake)

function(cercles_domain_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC cercles_api cercles_proto_messages absl::status absl::statusor
    absl::strings absl::str_format absl::time absl::flat_hash_map absl::flat_hash_set)
  cercles_target_warnings(${name})
  set(sources "")
  foreach(source ${ARGN})
    get_filename_component(path ${source} ABSOLUTE)
    list(APPEND sources ${path})
    string(REGEX REPLACE "\\.cc$" ".h" header ${path})
    if(EXISTS ${header})
      list(APPEND sources ${header})
    endif()
  endforeach()
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.includes-checked)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} "-DSOURCES=${sources}" -DSTAMP=${stamp}
            -DLIBRARY=${name} -P ${CERCLES_DOMAIN_CHECK}
    DEPENDS ${sources} ${CERCLES_DOMAIN_CHECK}
    COMMENT "Checking that ${name} includes neither gRPC nor SQL"
    VERBATIM)
  add_custom_target(${name}_includes DEPENDS ${stamp})
  add_dependencies(${name} ${name}_includes)
endfunction()
