# Writes a .cpp that holds data/baselines.json as a raw string literal, so the table is compiled
# into portcheck. file(WRITE) substitutes nothing, and the COPYONLY step touches the output only
# when the table changed, so an unchanged table never triggers a rebuild.
function(portcheck_embed_baselines json_file out_cpp)
  file(READ "${json_file}" json)
  set(delimiter "PCJSON")
  string(FIND "${json}" ")${delimiter}" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${json_file} contains the raw-string delimiter ${delimiter}")
  endif()
  string(JSON table_date GET "${json}" table_date)
  # The archive indexes (data/archive/<name>.txt) beside the table, by name.
  get_filename_component(data_dir "${json_file}" DIRECTORY)
  file(GLOB archive_files "${data_dir}/archive/*.txt")
  list(SORT archive_files)
  set(archive_literals "")
  set(archive_lookup "")
  set(index 0)
  foreach(archive_file IN LISTS archive_files)
    file(READ "${archive_file}" lines)
    string(FIND "${lines}" ")${delimiter}" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${archive_file} contains the raw-string delimiter ${delimiter}")
    endif()
    get_filename_component(name "${archive_file}" NAME_WE)
    string(APPEND archive_literals
      "const char kArchive${index}[] = R\"${delimiter}(${lines})${delimiter}\";\n")
    string(APPEND archive_lookup "  if (name == \"${name}\") return kArchive${index};\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${archive_file}")
    math(EXPR index "${index} + 1")
  endforeach()
  file(WRITE "${out_cpp}.tmp"
    "// Generated from data/baselines.json at configure time; edit that file, not this one.\n"
    "#include \"portcheck/baseline.hpp\"\n\n"
    "namespace portcheck {\nnamespace {\n"
    "const char kBundledBaselines[] = R\"${delimiter}(${json})${delimiter}\";\n"
    "${archive_literals}"
    "}  // namespace\n\n"
    "const char* bundled_archive_index(const std::string& name) {\n"
    "${archive_lookup}"
    "  (void)name;  // no index bundled\n  return \"\";\n}\n\n"
    "const char* bundled_table_date() { return \"${table_date}\"; }\n\n"
    "TableResult bundled_baselines() {\n"
    "  return parse_baselines(kBundledBaselines, \"bundled baselines\");\n}\n\n"
    "}  // namespace portcheck\n")
  configure_file("${out_cpp}.tmp" "${out_cpp}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${json_file}")
endfunction()
