// TLS stack detection on fixtures that carry what each stack leaves in a binary.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace portcheck::test {

using Paths = std::vector<std::string>;

TEST_CASE("dynamic OpenSSL and GnuTLS from NEEDED", "[facts]") {
  TlsFacts openssl = facts_of("openssl-3-consumer").tls;
  CHECK(openssl.stack == "openssl");
  CHECK(openssl.linkage == "dynamic");
  CHECK(openssl.libraries == Paths{"libssl.so.3", "libcrypto.so.3"});
  CHECK(openssl.roots == "system");
  CHECK(openssl.env_overrides == Paths{"SSL_CERT_FILE", "SSL_CERT_DIR"});
  TlsFacts gnutls = facts_of("tls-gnutls").tls;
  CHECK(gnutls.stack == "gnutls");
  CHECK(gnutls.libraries == Paths{"libgnutls.so.30"});
  CHECK(facts_of("glibc-2.17").tls.stack == "none");
}

TEST_CASE("a linked-in OpenSSL: version, OPENSSLDIR, ENGINESDIR, default paths", "[facts]") {
  TlsFacts tls = facts_of("tls-static-openssl").tls;
  CHECK(tls.stack == "openssl");
  CHECK(tls.linkage == "static");
  CHECK(tls.version == std::optional<std::string>("OpenSSL 1.1.1k  25 Mar 2021"));
  CHECK(tls.openssldir == std::optional<std::string>("/usr/local/ssl"));
  CHECK(tls.enginesdir == std::optional<std::string>("/usr/local/lib/engines-1.1"));
  CHECK(tls.cert_paths == Paths{"/usr/local/ssl/cert.pem", "/usr/local/ssl/certs"});
  CHECK(tls.env_overrides == Paths{"SSL_CERT_FILE", "SSL_CERT_DIR"});
}

TEST_CASE("rustls: embedded roots or the system store", "[facts]") {
  TlsFacts webpki = facts_of("tls-rustls-webpki").tls;
  CHECK(webpki.stack == "rustls");
  CHECK(webpki.roots == "embedded");
  TlsFacts native = facts_of("tls-rustls-native").tls;
  CHECK(native.stack == "rustls");
  CHECK(native.roots == "system");
}

TEST_CASE("Go's crypto/tls and its CA list, stored without terminators", "[facts]") {
  TlsFacts tls = facts_of("tls-go-tls").tls;
  CHECK(tls.stack == "go");
  CHECK(tls.roots == "system");
  auto has = [&](const char* path) {
    return std::find(tls.cert_paths.begin(), tls.cert_paths.end(), path) != tls.cert_paths.end();
  };
  CHECK(has("/etc/ssl/certs/ca-certificates.crt"));
  CHECK(has("/etc/ssl/ca-bundle.pem"));
  CHECK(has("/etc/ssl/certs"));
  CHECK(has("/etc/pki/tls/certs"));
}

TEST_CASE("a CA file path alone does not name its directory", "[facts]") {
  CHECK(facts_of("tls-ca-path-rhel").tls.cert_paths == Paths{"/etc/pki/tls/certs/ca-bundle.crt"});
  CHECK(facts_of("tls-ca-path-debian").tls.cert_paths ==
        Paths{"/etc/ssl/certs/ca-certificates.crt"});
}

}  // namespace portcheck::test
