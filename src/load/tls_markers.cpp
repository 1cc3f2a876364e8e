// TLS evidence in a file's bytes: version texts and OPENSSLDIR of a linked-in OpenSSL, crate
// paths of rustls and its root-store crates, Go's crypto/tls, and the CA locations the file
// names. Go stores strings back to back without terminators, so paths are found by search.
#include <string.h>

#include <algorithm>
#include <iterator>
#include <optional>
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

// The needles of the one search, in this order: these markers, then kCaFiles, then kCaDirs.
enum Marker : size_t {
  kOpenSsl,
  kLibreSsl,
  kOpenSslDir,
  kEnginesDir,
  kBoringSsl,
  kCertFileEnv,
  kCertDirEnv,
  kRustls0,
  kRustls1,
  kWebpkiRoots,
  kNativeCerts,
  kOpensslProbe,
  kGoCryptoTls,
  kMarkers
};
constexpr size_t kFiles = std::size(kCaFiles);

const MultiSearch& tls_search() {
  static const MultiSearch search = [] {
    // Crate directories as cargo writes them into panic locations: <name>-<version>/src/.
    std::vector<std::string> needles{"OpenSSL ",
                                     "LibreSSL ",
                                     needle("OPENSSL|DIR: \""),
                                     needle("ENGINES|DIR: \""),
                                     needle("Bori|ngSSL"),
                                     "SSL_CERT_FILE",
                                     "SSL_CERT_DIR",
                                     needle("/rus|tls-0."),
                                     needle("/rus|tls-1."),
                                     needle("/web|pki-roots-"),
                                     needle("/rus|tls-native-certs-"),
                                     needle("/ope|nssl-probe-"),
                                     needle("cryp|to/tls.")};
    needles.insert(needles.end(), std::begin(kCaFiles), std::end(kCaFiles));
    needles.insert(needles.end(), std::begin(kCaDirs), std::end(kCaDirs));
    return MultiSearch(std::move(needles));
  }();
  return search;
}

// A directory counts only where it ends the string, or another path starts right after it.
bool names_directory(std::string_view text, size_t at, std::string_view dir) {
  std::string_view rest = text.substr(at + dir.size());
  if (rest.empty() || rest[0] != '/') return true;
  return rest.substr(0, 5) == "/etc/" || rest.substr(0, 5) == "/usr/";
}

// The quoted value at `start`, as OpenSSL writes it ("OPENSSLDIR: \"/usr/lib/ssl\""):
// printable text up to the closing quote within the same string.
std::optional<std::string> quoted_at(std::string_view text, size_t start) {
  size_t end = text.find('"', start);
  if (end == text.npos || end - start > 4096) return std::nullopt;
  std::string_view value = text.substr(start, end - start);
  bool printable =
      std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (!printable) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> version_at(std::string_view text, size_t at, const std::regex& pattern) {
  std::string candidate(text.substr(at, 64));
  std::smatch match;
  if (std::regex_search(candidate, match, pattern) && match.position(0) == 0) return match.str(0);
  return std::nullopt;
}

// Records one occurrence; returns whether later occurrences of the same needle still matter.
// The first version text and OPENSSLDIR that qualify win.
bool record(size_t index, std::string_view text, size_t at, TlsMarkers& markers,
            std::vector<bool>& paths) {
  static const std::regex openssl(
      R"(OpenSSL \d+\.\d+\.\d+[a-z]{0,2}(-[A-Za-z0-9]+)?  ?\d{1,2} [A-Z][a-z]{2} \d{4})");
  static const std::regex libressl(R"(LibreSSL \d+\.\d+\.\d+)");
  size_t after_key = at + tls_search().needle(index).size();
  auto value = [&](std::optional<std::string>& slot, std::optional<std::string> found) {
    slot = std::move(found);
    return !slot;
  };
  switch (index) {
    case kOpenSsl: return value(markers.openssl_version, version_at(text, at, openssl));
    case kLibreSsl: return value(markers.libressl_version, version_at(text, at, libressl));
    case kOpenSslDir: return value(markers.openssldir, quoted_at(text, after_key));
    case kEnginesDir: return value(markers.enginesdir, quoted_at(text, after_key));
    case kBoringSsl: markers.boringssl = true; return false;
    case kCertFileEnv: markers.env_cert_file = true; return false;
    case kCertDirEnv: markers.env_cert_dir = true; return false;
    case kRustls0:
    case kRustls1: markers.rustls = true; return false;
    case kWebpkiRoots: markers.webpki_roots = true; return false;
    case kNativeCerts: markers.native_certs = true; return false;
    case kOpensslProbe: markers.openssl_probe = true; return false;
    case kGoCryptoTls: markers.go_crypto_tls = true; return false;
    default: break;
  }
  size_t path = index - kMarkers;
  if (path >= kFiles && !names_directory(text, at, kCaDirs[path - kFiles])) return true;
  paths[path] = true;
  return false;
}

}  // namespace

TlsMarkers detect_tls_markers(const TextRegions& text) {
  TlsMarkers markers;
  std::vector<bool> paths(kFiles + std::size(kCaDirs), false);
  text.scan(tls_search(), [&](size_t index, std::string_view region, size_t at) {
    return record(index, region, at, markers, paths);
  });
  // Paths in a fixed order (files, then directories) whatever region they were found in.
  for (size_t i = 0; i < paths.size(); ++i) {
    if (paths[i]) markers.cert_paths.push_back(i < kFiles ? kCaFiles[i] : kCaDirs[i - kFiles]);
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
