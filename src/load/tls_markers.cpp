// TLS evidence in a file's bytes: version texts and OPENSSLDIR of a linked-in OpenSSL, crate
// paths of rustls and its root-store crates, Go's crypto/tls, and the CA locations the file
// names. Go stores strings back to back without terminators, so paths are found by search.
#include <algorithm>
#include <regex>
#include <string_view>

#include "markers.hpp"

namespace portcheck::load {
namespace {

// CA bundle files and directories used by distributions, Go (crypto/x509/root_linux.go) and
// OpenSSL builds.
const char* const kCaFiles[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/ca-certificates/extracted/tls-ca-bundle.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
    "/usr/share/ssl/certs/ca-bundle.crt",
};
const char* const kCaDirs[] = {"/etc/ssl/certs", "/etc/pki/tls/certs",
                               "/etc/pki/ca-trust/extracted/pem", "/etc/ca-certificates/extracted"};

std::string_view view_of(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A directory counts only where it ends the string, or another path starts right after it.
bool names_directory(std::string_view text, std::string_view dir) {
  for (size_t at = text.find(dir); at != text.npos; at = text.find(dir, at + 1)) {
    std::string_view rest = text.substr(at + dir.size());
    if (rest.empty() || rest[0] != '/') return true;
    if (rest.substr(0, 5) == "/etc/" || rest.substr(0, 5) == "/usr/") return true;
  }
  return false;
}

std::optional<std::string> quoted_after(std::string_view text, std::string_view key) {
  size_t at = text.find(key);
  if (at == text.npos) return std::nullopt;
  size_t start = at + key.size();
  size_t end = text.find('"', start);
  if (end == text.npos || end - start > 4096) return std::nullopt;
  return std::string(text.substr(start, end - start));
}

std::optional<std::string> match_version(std::string_view text, std::string_view prefix,
                                         const std::regex& pattern) {
  for (size_t at = text.find(prefix); at != text.npos; at = text.find(prefix, at + 1)) {
    std::string candidate(text.substr(at, 64));
    std::smatch match;
    if (std::regex_search(candidate, match, pattern) && match.position(0) == 0) return match.str(0);
  }
  return std::nullopt;
}

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != text.npos; }

}  // namespace

TlsMarkers detect_tls_markers(const std::vector<uint8_t>& bytes) {
  std::string_view text = view_of(bytes);
  TlsMarkers markers;
  static const std::regex openssl(
      R"(OpenSSL \d+\.\d+\.\d+[a-z]{0,2}(-[A-Za-z0-9]+)?  ?\d{1,2} [A-Z][a-z]{2} \d{4})");
  static const std::regex libressl(R"(LibreSSL \d+\.\d+\.\d+)");
  markers.openssl_version = match_version(text, "OpenSSL ", openssl);
  markers.libressl_version = match_version(text, "LibreSSL ", libressl);
  markers.boringssl = has(text, "BoringSSL");
  markers.openssldir = quoted_after(text, "OPENSSLDIR: \"");
  markers.enginesdir = quoted_after(text, "ENGINESDIR: \"");
  for (const char* file : kCaFiles) {
    if (has(text, file)) markers.cert_paths.push_back(file);
  }
  for (const char* dir : kCaDirs) {
    if (names_directory(text, dir)) markers.cert_paths.push_back(dir);
  }
  markers.env_cert_file = has(text, "SSL_CERT_FILE");
  markers.env_cert_dir = has(text, "SSL_CERT_DIR");
  // Crate directories as cargo writes them into panic locations: <name>-<version>/src/.
  markers.rustls = has(text, "/rustls-0.") || has(text, "/rustls-1.");
  markers.webpki_roots = has(text, "/webpki-roots-");
  markers.native_certs = has(text, "/rustls-native-certs-");
  markers.openssl_probe = has(text, "/openssl-probe-");
  markers.go_crypto_tls = has(text, "crypto/tls.");
  return markers;
}

}  // namespace portcheck::load
