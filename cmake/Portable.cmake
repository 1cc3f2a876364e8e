# How portcheck links its third-party code. A portable portcheck is one file that runs on other
# and older distributions than the one it was built on: LIEF, fmt, libstdc++, libgcc and
# libarchive with its compression libraries all go into the binary, and with PORTCHECK_STATIC
# (on by default in a portable build) glibc too. docs/install.md says what each build needs.
#
# Sets PORTCHECK_FMT (the fmt target to link) and defines portcheck_archive (libarchive, shared
# or static with everything it needs), portcheck_squashfs (libsquashfs, likewise) and
# portcheck_link_portable(TARGET).

set(_portable_default OFF)
if(CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo)$" AND NOT PORTCHECK_SANITIZE)
  set(_portable_default ON)
endif()
option(PORTCHECK_PORTABLE
  "Link libstdc++, libgcc, fmt and libarchive statically (default: on for Release and RelWithDebInfo)"
  ${_portable_default})
if(PORTCHECK_PORTABLE AND PORTCHECK_SANITIZE)
  # The sanitizer runtimes expect the shared C++ runtime; a sanitizer build is for tests only.
  message(STATUS "portcheck: PORTCHECK_PORTABLE is ignored with PORTCHECK_SANITIZE")
  set(PORTCHECK_PORTABLE OFF)
endif()
option(PORTCHECK_STATIC "Link portcheck fully statically, glibc included" ${PORTCHECK_PORTABLE})
if(PORTCHECK_STATIC AND PORTCHECK_SANITIZE)
  message(STATUS "portcheck: PORTCHECK_STATIC is ignored with PORTCHECK_SANITIZE")
  set(PORTCHECK_STATIC OFF)
endif()

find_package(fmt REQUIRED)
if(PORTCHECK_PORTABLE OR PORTCHECK_STATIC)
  # Debian's libfmt-dev ships no libfmt.a; the header-only form compiles fmt into each user.
  set(PORTCHECK_FMT fmt::fmt-header-only)
else()
  set(PORTCHECK_FMT fmt::fmt)
endif()

# The .a file of each library in LIBS (a pkg-config --static list) into OUT, but those of the C
# library and those matching SKIP; USER (the library that links them) names the culprit when one
# is missing.
function(portcheck_static_paths out user libs skip)
  set(paths "")
  foreach(lib IN LISTS libs)
    if(lib MATCHES "^(m|dl|rt|pthread|c)$" OR (skip AND lib MATCHES "^(${skip})$"))
      continue()
    endif()
    find_library(PORTCHECK_STATIC_LIB_${lib} NAMES lib${lib}.a)
    if(NOT PORTCHECK_STATIC_LIB_${lib})
      message(FATAL_ERROR "portcheck: a portable build needs lib${lib}.a (${user} links it); "
                          "install the -dev package that ships it (scripts/install-deps.sh "
                          "lists them), or configure with -DPORTCHECK_PORTABLE=OFF")
    endif()
    list(APPEND paths ${PORTCHECK_STATIC_LIB_${lib}})
  endforeach()
  set(${out} ${paths} PARENT_SCOPE)
endfunction()

add_library(portcheck_archive INTERFACE)
if(NOT (PORTCHECK_PORTABLE OR PORTCHECK_STATIC))
  find_package(LibArchive REQUIRED)
  target_link_libraries(portcheck_archive INTERFACE LibArchive::LibArchive)
else()
  # libarchive.a needs the libraries its pkg-config file lists for static linking, each as a .a
  # file, except libxml2: src/portable/without_xar.cpp replaces the xar reader, its only user.
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PORTCHECK_ARCHIVE_PC REQUIRED libarchive)
  portcheck_static_paths(_archive_paths libarchive "${PORTCHECK_ARCHIVE_PC_STATIC_LIBRARIES}" xml2)
  find_package(Threads REQUIRED)
  # An object, not a library, so that it is always linked and wins over libarchive's reader.
  add_library(portcheck_without_xar OBJECT ${PROJECT_SOURCE_DIR}/src/portable/without_xar.cpp)
  target_include_directories(portcheck_without_xar PRIVATE ${PORTCHECK_ARCHIVE_PC_INCLUDE_DIRS})
  target_include_directories(portcheck_archive INTERFACE ${PORTCHECK_ARCHIVE_PC_INCLUDE_DIRS})
  target_link_libraries(portcheck_archive INTERFACE $<TARGET_OBJECTS:portcheck_without_xar>
    ${_archive_paths} Threads::Threads)
endif()

# libsquashfs (squashfs-tools-ng) reads snaps and AppImages. Its static library needs the
# compression libraries its pkg-config file lists, which libarchive's static link already brings.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PORTCHECK_SQUASHFS_PC REQUIRED libsquashfs1)
add_library(portcheck_squashfs INTERFACE)
target_include_directories(portcheck_squashfs INTERFACE ${PORTCHECK_SQUASHFS_PC_INCLUDE_DIRS})
if(NOT (PORTCHECK_PORTABLE OR PORTCHECK_STATIC))
  target_link_libraries(portcheck_squashfs INTERFACE ${PORTCHECK_SQUASHFS_PC_LINK_LIBRARIES})
else()
  portcheck_static_paths(_squashfs_paths libsquashfs "${PORTCHECK_SQUASHFS_PC_STATIC_LIBRARIES}"
                         "")
  find_package(Threads REQUIRED)
  target_link_libraries(portcheck_squashfs INTERFACE ${_squashfs_paths} Threads::Threads)
endif()

# The link options that make TARGET portable; none in a plain build.
function(portcheck_link_portable target)
  if(PORTCHECK_STATIC)
    target_link_options(${target} PRIVATE -static)
  elseif(PORTCHECK_PORTABLE)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
