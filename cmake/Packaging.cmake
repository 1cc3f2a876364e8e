# Installation and the Debian package. `cmake --install` puts the binary, the man page and the
# bash, zsh and fish completions under the prefix; `cpack -G DEB` in the build directory packs
# the same files. docs/install.md describes both.
include(GNUInstallDirs)

install(TARGETS portcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Debian's policy wants the man page and the changelog compressed with gzip -9n (-n: no name
# or time stamp, so the package is reproducible).
file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^portcheck \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog does not begin with version ${PROJECT_VERSION}")
endif()
set(packaging_dir ${CMAKE_BINARY_DIR}/packaging)
add_custom_command(OUTPUT ${packaging_dir}/portcheck.1.gz ${packaging_dir}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${packaging_dir}
  COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/docs/portcheck.1 > ${packaging_dir}/portcheck.1.gz
  COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/packaging/changelog > ${packaging_dir}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/docs/portcheck.1 ${PROJECT_SOURCE_DIR}/packaging/changelog)
add_custom_target(portcheck_packaging ALL
  DEPENDS ${packaging_dir}/portcheck.1.gz ${packaging_dir}/changelog.gz)
install(FILES ${packaging_dir}/portcheck.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${packaging_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME portcheck)
# Each shell looks its completions up by the command's name in its own directory.
install(FILES ${PROJECT_SOURCE_DIR}/completions/portcheck.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME portcheck)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_portcheck
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/portcheck.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

set(CPACK_PACKAGE_NAME portcheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "tells on which Linux systems an ELF binary will run, and why not elsewhere")
# Lines of at most 80 characters: dpkg shows the description as written.
set(CPACK_PACKAGE_DESCRIPTION
  "portcheck reads ELF programs and libraries (alone, in directories or in
archives) and scores what they need from the system - glibc, libstdc++ and
libgcc symbol versions, the C library flavour, NEEDED libraries, interpreter,
TLS stack - against a bundled table of distribution releases and packaging
policies, with a verdict per target, the culprits and a fix.")
set(CPACK_PACKAGE_CONTACT "portcheck developers <portcheck@portcheck.invalid>")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the shared libraries the binary really needs (dpkg-shlibdeps): none for the
# fully static portable build, libc6, libstdc++6, libarchive13, libfmt9, ... for a plain one.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
