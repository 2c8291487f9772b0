# cercles_service(<name> SOURCES <files>... MAIN <files>... [MIGRATIONS <symbol> <folder>...])
# One service built the way the three are: <name>_lib holds its stores, its
# wiring and its gRPC adapters over <name>_domain (cercles_domain_library) and
# common/, for the binary and the tests alike; cercles-<name> is MAIN (main.cc
# only assembles). MIGRATIONS come in pairs: the symbol of an embedded
# migration list and the folder of its .sql files (EmbedMigrations.cmake).
function(cercles_service name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;MAIN;MIGRATIONS")
  add_library(${name}_lib STATIC ${ARG_SOURCES})
  target_include_directories(${name}_lib PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name}_lib PUBLIC ${name}_domain cercles_common cercles_proto)
  cercles_target_warnings(${name}_lib)
  list(LENGTH ARG_MIGRATIONS count)
  math(EXPR odd "${count} % 2")
  if(odd)
    message(FATAL_ERROR "cercles_service(${name}): MIGRATIONS takes <symbol> <folder> pairs")
  endif()
  while(ARG_MIGRATIONS)
    list(POP_FRONT ARG_MIGRATIONS symbol folder)
    cercles_embed_migrations(${name}_lib ${symbol} ${CMAKE_CURRENT_SOURCE_DIR}/${folder})
  endwhile()
  add_executable(cercles-${name} ${ARG_MAIN})
  target_link_libraries(cercles-${name} PRIVATE ${name}_lib)
  cercles_use_allocator(cercles-${name})
  cercles_target_warnings(cercles-${name})
endfunction()
