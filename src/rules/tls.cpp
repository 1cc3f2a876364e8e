// TLS rules: the TLS library a target must provide, whether the file will find CA certificates
// there, a linked-in OpenSSL's build-machine OPENSSLDIR, and a linked-in OpenSSL past support.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

std::string tls_hint(const Facts& facts) {
  if (facts.elf.toolchain.rust) {
    return "use rustls instead of OpenSSL (reqwest: the `rustls-tls` feature), or ";
  }
  if (facts.elf.toolchain.go) return "use Go's crypto/tls (CGO_ENABLED=0), or ";
  return "link OpenSSL statically (mind its OPENSSLDIR), or ";
}

void check_tls_library(const Facts& facts, const Target& target, const BaselineTable& table,
                       std::vector<Finding>& out) {
  if (wrong_libc(facts, target)) return;  // libc-flavour already fails
  for (const auto& soname : facts.tls.libraries) {
    if (auto finding =
            library_finding(facts, target, table, soname, "tls-library", tls_hint(facts))) {
      out.push_back(*finding);
    }
  }
}

// The directory OpenSSL on the target is configured with: the parent of its certs directory
// (/etc/ssl on Debian, SUSE and Alpine; /etc/pki/tls on RHEL and Fedora).
std::string target_openssldir(const Target& target) {
  for (const auto& dir : target.ca_dirs) {
    auto slash = dir.rfind("/certs");
    if (slash != std::string::npos && slash + 6 == dir.size()) return dir.substr(0, slash);
  }
  return "";
}

std::string env_hint(const Facts& facts, const Target& target) {
  const auto& env = facts.tls.env_overrides;
  std::vector<std::string> parts;
  if (contains(env, "SSL_CERT_FILE") && !target.ca_files.empty()) {
    parts.push_back("SSL_CERT_FILE=" + target.ca_files.front());
  }
  if (contains(env, "SSL_CERT_DIR") && !target.ca_dirs.empty()) {
    parts.push_back("SSL_CERT_DIR=" + target.ca_dirs.front());
  }
  if (parts.empty()) return "";
  return "on " + target.id + " set " + short_list(parts, parts.size()) + ", or ";
}

// The imported function by which the file gives its TLS library a CA location of its own
// (OpenSSL's and GnuTLS's), or "" when it leaves the library to its defaults.
std::string own_ca_loader(const Facts& facts) {
  static const char* const loaders[] = {"SSL_CTX_load_verify_locations",
                                        "SSL_CTX_load_verify_file",
                                        "SSL_CTX_load_verify_dir",
                                        "X509_STORE_load_locations",
                                        "X509_STORE_load_file",
                                        "X509_STORE_load_path",
                                        "gnutls_certificate_set_x509_trust_file",
                                        "gnutls_certificate_set_x509_trust_dir"};
  auto imported = [&](const std::string& name) {
    auto same = [&](const ImportedSymbol& symbol) { return symbol.name == name; };
    const auto& imports = facts.elf.imports;
    return std::any_of(imports.begin(), imports.end(), same) ||
           contains(facts.elf.unversioned_imports, name);
  };
  for (const char* loader : loaders) {
    if (imported(loader)) return loader;
  }
  return "";
}

void check_ca_bundle(const Facts& facts, const Target& target, const BaselineTable&,
                     std::vector<Finding>& out) {
  const TlsFacts& tls = facts.tls;
  if (tls.roots == "embedded" || target.ca_files.empty()) return;
  // Probing crates look in every usual place; they find any store the target has.
  if (facts.elf.tls_markers.native_certs || facts.elf.tls_markers.openssl_probe) return;
  std::vector<std::string> present, absent;
  for (const auto& path : tls.cert_paths) {
    bool there = contains(target.ca_files, path) || contains(target.ca_dirs, path);
    (there ? present : absent).push_back(path);
  }
  if (absent.empty()) return;
  // The target's own TLS library reads the target's store whatever the file names itself,
  // unless the file hands it a path of its own to load instead.
  bool falls_back = tls.linkage == "dynamic";
  std::string loader = own_ca_loader(facts);
  if (falls_back && present.empty() && !loader.empty()) {
    out.push_back(
        {"ca-bundle", Severity::warn,
         fmt::format("loads CA certificates from {} itself ({}); {} keeps them in {}: "
                     "verification fails there when that is the only store loaded",
                     short_list(absent), loader, target.id, short_list(target.ca_files, 1)),
         env_hint(facts, target) +
             "call SSL_CTX_set_default_verify_paths() (the target's own store) and "
             "load a named file only when it exists",
         absent});
    return;
  }
  if (!present.empty() || falls_back) {
    out.push_back(
        {"ca-bundle", Severity::info,
         fmt::format("names CA locations that {} does not have: {}", target.id, short_list(absent)),
         "", absent});
    return;
  }
  out.push_back({"ca-bundle", Severity::fail,
                 fmt::format("looks for CA certificates only in {}; {} keeps them in {}: every TLS "
                             "peer will fail verification",
                             short_list(absent), target.id, short_list(target.ca_files, 1)),
                 env_hint(facts, target) +
                     "search the known distribution locations (rustls-native-certs, "
                     "openssl-probe), or embed roots (webpki-roots)",
                 absent});
}

bool build_machine_dir(const std::string& dir) {
  for (const char* prefix : {"/usr/local/", "/opt/", "/home/", "/tmp/", "/build", "/nix/store/"}) {
    if (dir.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

void check_openssldir(const Facts& facts, const Target& target, const BaselineTable&,
                      std::vector<Finding>& out) {
  const TlsFacts& tls = facts.tls;
  if (tls.linkage != "static" || !tls.openssldir) return;
  std::string wanted = target_openssldir(target);
  if (*tls.openssldir == wanted || (wanted.empty() && !build_machine_dir(*tls.openssldir))) return;
  std::string need = wanted.empty() ? "the target's CA directory" : wanted;
  out.push_back({"openssl-dir",
                 Severity::warn,
                 fmt::format("linked-in OpenSSL looks for its configuration and CA certificates in "
                             "OPENSSLDIR {}; {} would need {}",
                             *tls.openssldir, target.id, need),
                 fmt::format("build OpenSSL with --openssldir={} (one build per target family), or "
                             "{}load the CA store explicitly",
                             need, env_hint(facts, target)),
                 {*tls.openssldir}});
}

// OpenSSL 1.x lines are three numbers (1.1.1), 3.x and later two (3.0).
std::vector<int> release_line(const std::vector<int>& version) {
  size_t keep = !version.empty() && version[0] < 3 ? 3 : 2;
  return {version.begin(), version.begin() + std::min(keep, version.size())};
}

std::optional<std::vector<int>> openssl_numbers(const std::string& text) {
  // "OpenSSL 1.1.1k  25 Mar 2021" -> 1.1.1
  auto start = text.find(' ');
  if (start == std::string::npos) return std::nullopt;
  auto end = text.find_first_not_of("0123456789.", start + 1);
  return parse_dotted(text.substr(start + 1, end - start - 1));
}

void check_openssl_support(const Facts& facts, const Target&, const BaselineTable& table,
                           std::vector<Finding>& out) {
  const TlsFacts& tls = facts.tls;
  if (tls.linkage != "static" || tls.stack != "openssl" || !tls.version) return;
  auto numbers = openssl_numbers(*tls.version);
  if (!numbers) return;
  std::vector<int> line = release_line(*numbers);
  for (const auto& known : table.openssl_lines) {
    if (known.line != line || known.end_of_support >= table.table_date) continue;
    out.push_back({"openssl-support",
                   Severity::warn,
                   fmt::format("linked-in {} belongs to the {} line, whose upstream support ended "
                               "on {}",
                               *tls.version, dotted(line), known.end_of_support),
                   "update the linked-in OpenSSL to a supported line (3.5 LTS or newer), or use "
                   "rustls",
                   {*tls.version}});
  }
}

}  // namespace

extern const Rule kTlsLibraryRule{"tls-library",
                                  "libssl/libcrypto and other TLS libraries on the "
                                  "target",
                                  check_tls_library};
extern const Rule kCaBundleRule{"ca-bundle",
                                "CA certificate locations the file knows, on the "
                                "target",
                                check_ca_bundle};
extern const Rule kOpenssldirRule{"openssl-dir",
                                  "linked-in OpenSSL with a build-machine "
                                  "OPENSSLDIR",
                                  check_openssldir};
extern const Rule kOpensslSupportRule{"openssl-support", "linked-in OpenSSL past upstream support",
                                      check_openssl_support};

}  // namespace portcheck::rules
