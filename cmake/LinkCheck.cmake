# Each stage library links what it uses. For each, an executable holds every object of the
# library (whole archive) and links only the library's declared dependencies: a call into a
# stage the library does not link is an undefined reference, and the build fails. The
# executables do nothing; they are built with everything else (docs/design.md, "Stages").
set(PORTCHECK_LINK_CHECK_MAIN ${CMAKE_CURRENT_LIST_DIR}/link_check_main.cpp)

function(portcheck_check_links)
  foreach(stage ${ARGN})
    add_executable(${stage}_links ${PORTCHECK_LINK_CHECK_MAIN})
    target_link_libraries(${stage}_links PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${stage}>")
    set_target_properties(${stage}_links PROPERTIES RUNTIME_OUTPUT_DIRECTORY
      ${CMAKE_BINARY_DIR}/link-check)
  endforeach()
endfunction()
