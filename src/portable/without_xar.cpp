// Portable builds only (cmake/Portable.cmake). libarchive's xar reader (macOS installer packages)
// is the one part of libarchive that needs libxml2, and a static libxml2 brings ICU (30 MB of
// data, loaded with dlopen) and an HTTP client (getaddrinfo, which drags glibc's NSS into a static
// binary). No Linux release ships as xar, so a portable portcheck registers no xar reader: this
// definition takes the place of libarchive's, and the linker leaves that object and libxml2 out.
#include <archive.h>

extern "C" int archive_read_support_format_xar(struct archive*) { return ARCHIVE_OK; }
