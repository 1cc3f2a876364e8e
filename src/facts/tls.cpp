// Which TLS stack a file uses, how it is linked, and where it will look for CA certificates,
// from its NEEDED entries and the markers the loader found in its bytes.
#include <algorithm>

#include "portcheck/derive.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// A library that brings its own TLS: libssl/libcrypto, GnuTLS, NSS, mbedTLS, wolfSSL, LibreSSL.
void detect_dynamic(const ElfFacts& elf, TlsFacts& tls) {
  for (const auto& soname : elf.needed) {
    std::string stack = tls_stack_of_soname(soname);
    if (stack.empty()) continue;
    tls.libraries.push_back(soname);
    if (tls.stack == "none" || tls.stack == "openssl") tls.stack = stack;
  }
  if (tls.libraries.empty()) return;
  tls.linkage = "dynamic";
  // The target's own library knows the target's store and the usual variables.
  tls.roots = "system";
  if (tls.stack == "openssl" || tls.stack == "libressl") {
    tls.env_overrides = {"SSL_CERT_FILE", "SSL_CERT_DIR"};
  }
}

void detect_static(const TlsMarkers& markers, TlsFacts& tls) {
  if (markers.boringssl) {
    tls.stack = "boringssl";
  } else if (markers.libressl_version) {
    tls.stack = "libressl";
    tls.version = markers.libressl_version;
  } else if (markers.openssl_version) {
    tls.stack = "openssl";
    tls.version = markers.openssl_version;
  } else if (markers.rustls) {
    tls.stack = "rustls";
  } else if (markers.go_crypto_tls) {
    tls.stack = "go";
  } else {
    return;
  }
  tls.linkage = "static";
  tls.openssldir = markers.openssldir;
  tls.enginesdir = markers.enginesdir;
}

// rustls with webpki-roots carries Mozilla's roots; the probing crates and Go read the system
// store; a linked-in OpenSSL reads what its OPENSSLDIR or the environment name.
std::string roots_of(const TlsMarkers& markers, const TlsFacts& tls) {
  if (tls.linkage == "dynamic") return "system";
  if (tls.stack == "rustls") {
    if (markers.webpki_roots) return "embedded";
    if (markers.native_certs || markers.openssl_probe) return "system";
    return "unknown";
  }
  if (tls.stack == "go" || tls.stack == "openssl" || tls.stack == "libressl") return "system";
  return "unknown";
}

}  // namespace

std::string tls_stack_of_soname(const std::string& soname) {
  if (starts_with(soname, "libssl.so") || starts_with(soname, "libcrypto.so")) return "openssl";
  if (starts_with(soname, "libtls.so")) return "libressl";
  if (starts_with(soname, "libgnutls.so")) return "gnutls";
  if (soname == "libnss3.so" || soname == "libssl3.so") return "nss";
  if (starts_with(soname, "libmbedtls.so")) return "mbedtls";
  if (starts_with(soname, "libwolfssl.so")) return "wolfssl";
  return "";
}

TlsFacts detect_tls(const ElfFacts& elf) {
  const TlsMarkers& markers = elf.tls_markers;
  TlsFacts tls;
  detect_dynamic(elf, tls);
  if (tls.linkage == "none") detect_static(markers, tls);
  tls.roots = roots_of(markers, tls);
  tls.cert_paths = markers.cert_paths;
  if (tls.openssldir && tls.linkage == "static") {
    // OpenSSL's defaults: X509_get_default_cert_file() and _dir() under OPENSSLDIR.
    add_unique(tls.cert_paths, *tls.openssldir + "/cert.pem");
    add_unique(tls.cert_paths, *tls.openssldir + "/certs");
  }
  if (markers.env_cert_file) add_unique(tls.env_overrides, "SSL_CERT_FILE");
  if (markers.env_cert_dir) add_unique(tls.env_overrides, "SSL_CERT_DIR");
  if (tls.stack == "go") tls.env_overrides = {"SSL_CERT_FILE", "SSL_CERT_DIR"};
  return tls;
}

}  // namespace portcheck
