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
  file(WRITE "${out_cpp}.tmp"
    "// Generated from data/baselines.json at configure time; edit that file, not this one.\n"
    "#include \"portcheck/baseline.hpp\"\n\n"
    "namespace portcheck {\nnamespace {\n"
    "const char kBundledBaselines[] = R\"${delimiter}(${json})${delimiter}\";\n"
    "}  // namespace\n\n"
    "const char* bundled_table_date() { return \"${table_date}\"; }\n\n"
    "TableResult bundled_baselines() {\n"
    "  return parse_baselines(kBundledBaselines, \"bundled baselines\");\n}\n\n"
    "}  // namespace portcheck\n")
  configure_file("${out_cpp}.tmp" "${out_cpp}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${json_file}")
endfunction()
