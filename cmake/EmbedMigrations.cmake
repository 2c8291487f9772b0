# cercles_embed_migrations(<target> <function-name> <dir>)
# Compiles <dir>/NNNN_description.sql into a function returning
# std::vector<cercles::storage::Migration>, in version order, so the SQL stays
# readable files that operators can review while the binary stays self-contained.
function(cercles_embed_migrations target function_name dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT sql_files)
  set(body "")
  foreach(sql_file ${sql_files})
    get_filename_component(base ${sql_file} NAME_WE)
    string(REGEX MATCH "^([0-9]+)_(.+)$" matched ${base})
    if(NOT matched)
      message(FATAL_ERROR "migration ${sql_file}: name must be NNNN_description.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    set(name ${CMAKE_MATCH_2})
    file(READ ${sql_file} sql)
    string(APPEND body "      {${version}, \"${name}\", R\"cercles_sql(${sql})cercles_sql\"},\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sql_file})
  endforeach()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${function_name}_migrations.cc)
  file(WRITE ${out}.tmp
"// Generated from ${dir} by cercles_embed_migrations. Do not edit.
#include <vector>

#include \"common/storage/database.h\"

std::vector<cercles::storage::Migration> ${function_name}() {
  return {
${body}  };
}
")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
  target_sources(${target} PRIVATE ${out})
endfunction()
