// TLS evidence in a file's bytes: version texts and OPENSSLDIR of a linked-in OpenSSL, crate
// paths of rustls and its root-store crates, Go's crypto/tls, and the CA locations the file
// names. Go stores strings back to back without terminators, so paths are found by search.
#include <string.h>

#include <algorithm>
#include <regex>
#include <string_view>

#include "markers.hpp"
#include "portcheck/load.hpp"
#include "text_regions.hpp"

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

size_t find_in(std::string_view text, std::string_view needle, size_t from = 0) {
  return text.find(needle, from);
}

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != text.npos; }

// A directory counts only where it ends the string, or another path starts right after it.
bool names_directory(std::string_view text, std::string_view dir) {
  for (size_t at = find_in(text, dir); at != text.npos; at = find_in(text, dir, at + 1)) {
    std::string_view rest = text.substr(at + dir.size());
    if (rest.empty() || rest[0] != '/') return true;
    if (rest.substr(0, 5) == "/etc/" || rest.substr(0, 5) == "/usr/") return true;
  }
  return false;
}

// The quoted value after `key`, as OpenSSL writes it ("OPENSSLDIR: \"/usr/lib/ssl\""): printable
// text up to the closing quote within the same string.
std::optional<std::string> quoted_after(std::string_view text, std::string_view key) {
  for (size_t at = find_in(text, key); at != text.npos; at = find_in(text, key, at + 1)) {
    size_t start = at + key.size();
    size_t end = text.find('"', start);
    if (end == text.npos || end - start > 4096) continue;
    std::string_view value = text.substr(start, end - start);
    bool printable =
        std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (printable) return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> match_version(std::string_view text, std::string_view prefix,
                                         const std::regex& pattern) {
  for (size_t at = find_in(text, prefix); at != text.npos; at = find_in(text, prefix, at + 1)) {
    std::string candidate(text.substr(at, 64));
    std::smatch match;
    if (std::regex_search(candidate, match, pattern) && match.position(0) == 0) return match.str(0);
  }
  return std::nullopt;
}

// Adds what one region of the file shows; the first version text and OPENSSLDIR found win.
void scan_region(std::string_view text, TlsMarkers& markers) {
  static const std::regex openssl(
      R"(OpenSSL \d+\.\d+\.\d+[a-z]{0,2}(-[A-Za-z0-9]+)?  ?\d{1,2} [A-Z][a-z]{2} \d{4})");
  static const std::regex libressl(R"(LibreSSL \d+\.\d+\.\d+)");
  if (!markers.openssl_version) markers.openssl_version = match_version(text, "OpenSSL ", openssl);
  if (!markers.libressl_version) {
    markers.libressl_version = match_version(text, "LibreSSL ", libressl);
  }
  if (!markers.openssldir) markers.openssldir = quoted_after(text, needle("OPENSSL|DIR: \""));
  if (!markers.enginesdir) markers.enginesdir = quoted_after(text, needle("ENGINES|DIR: \""));
  markers.boringssl |= has(text, needle("Bori|ngSSL"));
  markers.env_cert_file |= has(text, "SSL_CERT_FILE");
  markers.env_cert_dir |= has(text, "SSL_CERT_DIR");
  // Crate directories as cargo writes them into panic locations: <name>-<version>/src/.
  markers.rustls |= has(text, needle("/rus|tls-0.")) || has(text, needle("/rus|tls-1."));
  markers.webpki_roots |= has(text, needle("/web|pki-roots-"));
  markers.native_certs |= has(text, needle("/rus|tls-native-certs-"));
  markers.openssl_probe |= has(text, needle("/ope|nssl-probe-"));
  markers.go_crypto_tls |= has(text, needle("cryp|to/tls."));
}

void add_unique(std::vector<std::string>& list, const char* item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

TlsMarkers detect_tls_markers(const TextRegions& text) {
  TlsMarkers markers;
  for (std::string_view region : text.regions()) scan_region(region, markers);
  // Paths in a fixed order (files, then directories) whatever region they were found in.
  for (const char* file : kCaFiles) {
    if (text.contains(file)) add_unique(markers.cert_paths, file);
  }
  for (const char* dir : kCaDirs) {
    for (std::string_view region : text.regions()) {
      if (names_directory(region, dir)) add_unique(markers.cert_paths, dir);
    }
  }
  return markers;
}

}  // namespace portcheck::load

namespace portcheck {

const std::vector<std::string>& known_ca_files() {
  static const std::vector<std::string> files(std::begin(load::kCaFiles), std::end(load::kCaFiles));
  return files;
}

const std::vector<std::string>& known_ca_dirs() {
  static const std::vector<std::string> dirs(std::begin(load::kCaDirs), std::end(load::kCaDirs));
  return dirs;
}

}  // namespace portcheck
