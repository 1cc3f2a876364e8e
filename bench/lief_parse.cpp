// The baseline portcheck's loader is measured against: LIEF 0.9 parsing a file and walking its
// version requirements, nothing else.
#include <LIEF/ELF.hpp>
#include <LIEF/logging.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  LIEF::Logger::disable();
  size_t versions = 0;
  for (int i = 1; i < argc; ++i) {
    auto binary = LIEF::ELF::Parser::parse(argv[i]);
    if (!binary) continue;
    for (const auto& requirement : binary->symbols_version_requirement()) {
      for (const auto& aux : requirement.auxiliary_symbols()) versions += aux.name().size() > 0;
    }
  }
  std::printf("%zu\n", versions);
  return 0;
}
