# Debian's liblief-dev (0.9) ships no CMake package: find the headers and library by hand.
# Prefers the static libLIEF.a, which needs mbedTLS's x509 and crypto libraries after it (static
# too where libmbedtls-dev has them, so that the binary needs no libmbed*.so at run time).
find_path(LIEF_INCLUDE_DIR NAMES LIEF/ELF.hpp)
find_library(LIEF_STATIC_LIBRARY NAMES libLIEF.a)
find_library(LIEF_SHARED_LIBRARY NAMES LIEF)
find_library(MBEDX509_LIBRARY NAMES libmbedx509.a mbedx509)
find_library(MBEDCRYPTO_LIBRARY NAMES libmbedcrypto.a mbedcrypto)

if(LIEF_STATIC_LIBRARY AND MBEDX509_LIBRARY AND MBEDCRYPTO_LIBRARY)
  set(LIEF_LIBRARY ${LIEF_STATIC_LIBRARY})
  set(LIEF_LINK_EXTRA ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY})
else()
  set(LIEF_LIBRARY ${LIEF_SHARED_LIBRARY})
  set(LIEF_LINK_EXTRA "")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LIEF REQUIRED_VARS LIEF_LIBRARY LIEF_INCLUDE_DIR)

if(LIEF_FOUND AND NOT TARGET LIEF::LIEF)
  add_library(LIEF::LIEF UNKNOWN IMPORTED)
  set_target_properties(LIEF::LIEF PROPERTIES
    IMPORTED_LOCATION "${LIEF_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIEF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${LIEF_LINK_EXTRA}")
endif()
