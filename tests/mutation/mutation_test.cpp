// Mutation test: damaged copies of good ELF files (fixtures and a few programs of /usr/bin) —
// truncations and changed bytes in the ELF header, the program headers, the dynamic section, the
// version sections, the string tables and the section headers. Each mutant must load as an error,
// or as facts equal to what binutils readelf reports of the same bytes when readelf reads them
// without a warning; when readelf does warn, the facts may never hold fewer version needs or
// imports than readelf shows. Never a crash (the sanitizer build runs this too), never a hang.
// Deterministic: one fixed seed, a fixed list of files; bounded: a few thousand mutants.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "portcheck/derive.hpp"
#include "portcheck/load.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

constexpr uint64_t kSeed = 0x9e3779b97f4a7c15u;
constexpr int kMutantsPerFile = 200;
// One load may take this long before the test calls it a hang (generous: the ASan build is slow).
constexpr auto kHangLimit = std::chrono::seconds(20);

// splitmix64: the same sequence on every platform and standard library.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------- the good file's layout ---

struct Region {
  std::string what;
  uint64_t offset = 0, size = 0;
  uint64_t entry = 0;  // entry size for tables (dynamic section), else 0
};

uint64_t get_le(const std::vector<uint8_t>& bytes, uint64_t at, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width && at + i < bytes.size(); ++i) {
    value |= static_cast<uint64_t>(bytes[at + i]) << (8 * i);
  }
  return value;
}

void put_le(std::vector<uint8_t>& bytes, uint64_t at, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width && at + i < bytes.size(); ++i) {
    bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

// The structures worth damaging, read from an intact little-endian file's headers.
std::vector<Region> regions_of(const std::vector<uint8_t>& bytes) {
  bool is64 = bytes[4] == 2;
  unsigned word = is64 ? 8 : 4;
  auto get = [&](uint64_t at, unsigned width) { return get_le(bytes, at, width); };
  uint64_t phoff = get(is64 ? 32 : 28, word), shoff = get(is64 ? 40 : 32, word);
  uint64_t at = is64 ? 54 : 42;
  uint64_t phentsize = get(at, 2), phnum = get(at + 2, 2);
  uint64_t shentsize = get(at + 4, 2), shnum = get(at + 6, 2), shstrndx = get(at + 8, 2);

  std::vector<Region> regions{{"ELF header", 0, is64 ? 64u : 52u, 0}};
  if (phnum) regions.push_back({"program headers", phoff, phentsize * phnum, phentsize});
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t ph = phoff + i * phentsize;
    if (get(ph, 4) != 2) continue;  // PT_DYNAMIC
    uint64_t offset = get(ph + (is64 ? 8 : 4), word), size = get(ph + (is64 ? 32 : 16), word);
    regions.push_back({"dynamic section", offset, size, 2ull * word});
  }
  if (shnum == 0 || shoff == 0) return regions;
  regions.push_back({"section headers", shoff, shentsize * shnum, shentsize});
  auto section = [&](uint64_t i, unsigned field) {
    // sh_name, sh_type, sh_offset, sh_size
    static const unsigned off64[] = {0, 4, 24, 32}, off32[] = {0, 4, 16, 20};
    unsigned width = field < 2 ? 4 : word;
    return get(shoff + i * shentsize + (is64 ? off64[field] : off32[field]), width);
  };
  uint64_t names = section(shstrndx, 2);
  static const char* const wanted[] = {
      ".interp",   ".dynsym", ".dynstr",   ".gnu.version",  ".gnu.version_r",    ".gnu.version_d",
      ".gnu.hash", ".hash",   ".shstrtab", ".note.ABI-tag", ".note.gnu.build-id"};
  for (uint64_t i = 1; i < shnum; ++i) {
    std::string name(reinterpret_cast<const char*>(bytes.data() + names + section(i, 0)));
    for (const char* w : wanted) {
      uint64_t size = section(i, 3);
      if (name == w && size > 0 && section(i, 1) != 8) {
        regions.push_back({name, section(i, 2), size, 0});
      }
    }
  }
  return regions;
}

// ----------------------------------------------------------------------------- mutants ---

struct Mutant {
  std::string description;
  std::vector<uint8_t> bytes;
};

// Values that make parsers go wrong: zero, all ones, sign bits, off by one, sizes and offsets
// near the file's end.
uint64_t interesting(Random& random, uint64_t old, unsigned width, uint64_t file_size) {
  uint64_t mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
  const uint64_t choices[] = {0,
                              1,
                              mask,
                              mask >> 1,
                              (mask >> 1) + 1,
                              old + 1,
                              old - 1,
                              old + 8 + random.below(64),
                              old - 8 - random.below(64),
                              old * 2,
                              old / 2,
                              file_size,
                              file_size - 1,
                              file_size + random.below(4096),
                              0x7fff0000,
                              0x10000,
                              random.next()};
  return choices[random.below(std::size(choices))] & mask;
}

Mutant mutate(const std::string& name, const std::vector<uint8_t>& good,
              const std::vector<Region>& regions, Random& random) {
  const Region& region = regions[random.below(regions.size())];
  Mutant mutant{name + ": " + region.what, good};
  auto& bytes = mutant.bytes;
  auto hex = [](uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
  };
  auto place = [&](uint64_t at) { return " at " + hex(at); };
  uint64_t size = std::max<uint64_t>(region.size, 1);
  switch (random.below(region.what == "dynamic section" ? 7 : 6)) {
    case 0: {  // cut the file inside the region, at its start or at its end
      uint64_t choice = random.below(4);
      uint64_t at = region.offset + (choice == 0 ? 0 : choice == 1 ? size : random.below(size));
      if (at > bytes.size()) at = bytes.size();
      bytes.resize(at);
      mutant.description += ": truncated to " + hex(at) + " bytes";
      break;
    }
    case 1: {  // one bit
      uint64_t at = region.offset + random.below(size);
      unsigned bit = static_cast<unsigned>(random.below(8));
      bytes[at] ^= static_cast<uint8_t>(1u << bit);
      mutant.description += ": bit " + std::to_string(bit) + " flipped" + place(at);
      break;
    }
    case 2: {  // one byte
      uint64_t at = region.offset + random.below(size);
      bytes[at] = static_cast<uint8_t>(random.next());
      mutant.description += ": byte := " + hex(bytes[at]) + place(at);
      break;
    }
    case 3:
    case 4: {  // an aligned field of 2, 4 or 8 bytes
      static const unsigned widths[] = {2, 4, 8};
      unsigned width = widths[random.below(3)];
      uint64_t at = region.offset + random.below(size) / width * width;
      uint64_t value = interesting(random, get_le(bytes, at, width), width, bytes.size());
      put_le(bytes, at, width, value);
      mutant.description +=
          ": " + std::to_string(width) + "-byte field := " + hex(value) + place(at);
      break;
    }
    case 5: {  // a burst of random bytes
      uint64_t count = 2 + random.below(6);
      mutant.description += ": " + std::to_string(count) + " bytes changed";
      for (uint64_t i = 0; i < count; ++i) {
        uint64_t at = region.offset + random.below(size);
        bytes[at] = static_cast<uint8_t>(random.next());
        mutant.description += place(at) + " := " + hex(bytes[at]);
      }
      break;
    }
    case 6: {  // a dynamic entry's tag
      static const uint64_t tags[] = {0,          1,          5,          6,          10,
                                      14,         15,         29,         30,         0x6ffffffb,
                                      0x6ffffffc, 0x6ffffffd, 0x6ffffffe, 0x6fffffff, 0x6ffffff0,
                                      0x6ffffef5, 4,          0x7fffffff};
      uint64_t entries = std::max<uint64_t>(region.size / region.entry, 1);
      uint64_t at = region.offset + random.below(entries) * region.entry;
      uint64_t tag = tags[random.below(std::size(tags))];
      put_le(bytes, at, static_cast<unsigned>(region.entry / 2), tag);
      mutant.description += ": tag := " + hex(tag) + place(at);
      break;
    }
  }
  return mutant;
}

// ------------------------------------------------------------------------ readelf's view ---

struct View {
  std::optional<std::string> interpreter;
  std::vector<std::string> needed, rpath, runpath;
  std::optional<std::string> soname;
  // file, then "name/index" of each version, in file order
  std::vector<std::pair<std::string, std::vector<std::string>>> version_needs;
  std::vector<std::string> version_defs;
  std::vector<std::string> imports;      // "name@VERSION", in .dynsym order
  std::vector<std::string> unversioned;  // names, in .dynsym order
};

struct Readelf {
  View view;
  bool clean = false;  // exit 0 and nothing on stderr
  std::string warnings;
};

std::string bracketed(const std::string& line) {
  auto open = line.find('['), close = line.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return line.substr(open + 1, close - open - 1);
}

std::vector<std::string> split_colon(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// An import's line of readelf --dyn-syms: its index and its "name@VERSION (n)" text.
bool imported_symbol(const std::string& line, std::smatch& match, std::string& index,
                     std::string& text) {
  static const std::regex symbol(R"(^ +(\d+): [0-9a-f]+ .* UND ?(.*)$)");
  // A definition of value 0 in a section is no definition to ld.so (elf/dl-lookup.c skips it
  // unless absolute or thread-local), which looks for the symbol elsewhere: an import too.
  static const std::regex zero_definition(
      R"(^ +(\d+): 0+ +\S+ (\S+) +\S+ +\S+(?: \[[^\]]*\])? +(?!ABS )(?:bad section index\[\d+\]|\S+) ?(.*)$)");
  if (std::regex_match(line, match, symbol)) {
    index = match[1].str(), text = match[2].str();
    return true;
  }
  if (std::regex_match(line, match, zero_definition) && match[2] != "TLS") {
    index = match[1].str(), text = match[3].str();
    return true;
  }
  return false;
}

Readelf run_readelf(const std::string& path) {
  std::string errors = path + ".stderr";
  auto result = run_command(std::string(PORTCHECK_READELF) + " -W -d -V -l --dyn-syms " +
                            shell_quote(path) + " 2>" + shell_quote(errors));
  Readelf readelf;
  readelf.warnings = read_text(errors);
  ::unlink(errors.c_str());
  // Some of what readelf cannot make sense of it marks in its output instead of warning.
  readelf.clean = result.exit_code == 0 && readelf.warnings.empty();
  for (const char* mark : {"<corrupt>", "past end of", "Name index:", "Invalid", "<unknown>"}) {
    if (result.out.find(mark) != std::string::npos) readelf.clean = false;
  }
  View& view = readelf.view;
  static const std::regex need_file(R"(^  [0-9a-fx]+: Version: \d+  File: (.*)  Cnt: \d+$)");
  static const std::regex need_name(R"(^  0x[0-9a-f]+:   Name: (.*)  Flags: .*  Version: (\d+)$)");
  static const std::regex def(
      R"(^  [0-9a-fx]+: Rev: \d+  Flags: (.*)  Index: \d+  Cnt: \d+  Name: (.*)$)");
  static const std::regex versioned(R"(^(.*) \(\d+\)$)");
  enum { other, needs, defs, symbols } part = other;
  std::istringstream stream(result.out);
  std::string line, index, text;
  std::smatch match;
  while (std::getline(stream, line)) {
    if (line.rfind("Version needs section", 0) == 0) part = needs;
    if (line.rfind("Version definition section", 0) == 0) part = defs;
    if (line.rfind("Version symbols section", 0) == 0) part = other;
    if (line.rfind("Symbol table", 0) == 0) part = symbols;
    if (line.find("[Requesting program interpreter: ") != std::string::npos) {
      auto start = line.find(": ") + 2;
      view.interpreter = line.substr(start, line.rfind(']') - start);
    }
    if (line.find("(NEEDED)") != std::string::npos) view.needed.push_back(bracketed(line));
    if (line.find("(SONAME)") != std::string::npos) view.soname = bracketed(line);
    if (line.find("(RPATH)") != std::string::npos) {
      for (auto& p : split_colon(bracketed(line))) view.rpath.push_back(p);
    }
    if (line.find("(RUNPATH)") != std::string::npos) {
      for (auto& p : split_colon(bracketed(line))) view.runpath.push_back(p);
    }
    if (part == needs && std::regex_match(line, match, need_file)) {
      view.version_needs.push_back({match[1].str(), {}});
    } else if (part == needs && std::regex_match(line, match, need_name) &&
               !view.version_needs.empty()) {
      view.version_needs.back().second.push_back(match[1].str() + "/" + match[2].str());
    } else if (part == defs && std::regex_match(line, match, def)) {
      if (match[1].str().find("BASE") == std::string::npos) {
        view.version_defs.push_back(match[2].str());
      }
    } else if (part == symbols && imported_symbol(line, match, index, text) && index != "0") {
      // symbol 0 is the reserved null symbol, never an import
      std::smatch version;
      bool has_version = std::regex_match(text, version, versioned);
      if (has_version) text = version[1].str();
      // a symbol without a name imports nothing (readelf still prints its version)
      if (text.empty() || text[0] == '@') continue;
      (has_version ? view.imports : view.unversioned).push_back(text);
    }
  }
  return readelf;
}

// portcheck's facts in readelf's terms.
View view_of(const ElfFacts& facts) {
  View view;
  view.interpreter = facts.interpreter;
  view.needed = facts.needed;
  view.soname = facts.soname;
  view.rpath = facts.rpath;
  view.runpath = facts.runpath;
  for (const auto& library : facts.version_needs) {
    std::vector<std::string> names;
    for (const auto& need : library.versions) {
      names.push_back(need.name + "/" + std::to_string(need.index));
    }
    view.version_needs.push_back({library.library, names});
  }
  view.version_defs = facts.version_defs;
  // readelf marks undefined symbols only; a copy-relocated one is defined in the file.
  for (const auto& symbol : facts.imports) {
    if (!symbol.copied) view.imports.push_back(symbol.name + "@" + symbol.version);
  }
  view.unversioned = facts.unversioned_imports;
  return view;
}

// Plain printable ASCII, and not starting with the '@' readelf puts before a version.
bool plain(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return text.empty() || text[0] != '@';
}

std::string describe(const View& view) {
  std::ostringstream out;
  out << "interpreter " << view.interpreter.value_or("-") << "; needed";
  for (const auto& n : view.needed) out << " " << n;
  out << "; soname " << view.soname.value_or("-") << "; version needs";
  for (const auto& [file, names] : view.version_needs) {
    out << " " << file << ":";
    for (const auto& n : names) out << " " << n;
  }
  out << "; version defs";
  for (const auto& d : view.version_defs) out << " " << d;
  out << "; " << view.imports.size() << " imports";
  return out.str();
}

bool has_section_table(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < 64) return false;
  bool is64 = bytes[4] == 2;
  return get_le(bytes, is64 ? 40 : 32, is64 ? 8 : 4) != 0 && get_le(bytes, is64 ? 60 : 48, 2) != 0;
}

// readelf prints some bytes as they are (a line break in a name breaks its output into lines
// that no longer parse), others as ^X, drops or replaces bytes that are not UTF-8: names that
// are not plain ASCII are compared by their number only.
bool all_plain(const View& view) {
  auto bad = [](const std::string& text) { return !plain(text); };
  auto any = [&](const std::vector<std::string>& list) {
    return std::any_of(list.begin(), list.end(), bad);
  };
  if (bad(view.interpreter.value_or("")) || bad(view.soname.value_or(""))) return false;
  if (any(view.needed) || any(view.rpath) || any(view.runpath) || any(view.version_defs)) {
    return false;
  }
  if (any(view.imports) || any(view.unversioned)) return false;
  for (const auto& [file, names] : view.version_needs) {
    if (bad(file) || any(names)) return false;
  }
  return true;
}

// A few of the entries of `a` that are not in `b`.
std::string difference(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> only;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
  std::string text;
  for (size_t i = 0; i < only.size() && i < 5; ++i) text += (i ? " " : "") + only[i];
  return only.empty() ? "-" : text;
}

// ------------------------------------------------------------------------ the watchdog ---

// Ends the test run when one load takes longer than kHangLimit, naming the mutant.
class Watchdog {
 public:
  Watchdog() : thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void start(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    what_ = what;
    since_ = std::chrono::steady_clock::now();
    busy_ = true;
  }
  void stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_ = false;
  }

 private:
  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_) {
      wake_.wait_for(lock, std::chrono::milliseconds(200));
      if (busy_ && std::chrono::steady_clock::now() - since_ > kHangLimit) {
        std::fprintf(stderr, "mutation test: loading hangs: %s\n", what_.c_str());
        std::fflush(stderr);
        std::_Exit(1);
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false, busy_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point since_;
  std::thread thread_;
};

// ------------------------------------------------------------------------------ checks ---

struct Tally {
  size_t mutants = 0, errors = 0, loaded = 0, readelf_clean = 0;
};

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void check_mutant(const Mutant& mutant, const std::string& scratch, Watchdog& watchdog,
                  Tally& tally) {
  INFO(mutant.description);
  ++tally.mutants;
  watchdog.start(mutant.description);
  Result<ElfFacts> loaded = load_elf("mutant", mutant.bytes);
  std::optional<Facts> facts;
  if (auto* elf = std::get_if<ElfFacts>(&loaded)) facts = derive_facts("mutant", *elf);
  watchdog.stop();
  if (auto* error = std::get_if<FileError>(&loaded)) {
    ++tally.errors;
    CHECK_FALSE(error->message.empty());
    CHECK(error->message.find('\n') == std::string::npos);
    return;
  }
  ++tally.loaded;
  write_file(scratch, mutant.bytes);
  Readelf readelf = run_readelf(scratch);
  View ours = view_of(std::get<ElfFacts>(loaded));
  const View& theirs = readelf.view;
  INFO("portcheck: " << describe(ours));
  INFO("readelf:   " << describe(theirs));
  INFO("readelf says: " << readelf.warnings);
  INFO("imports only portcheck / only readelf shows: " << difference(ours.imports, theirs.imports)
                                                       << " / "
                                                       << difference(theirs.imports, ours.imports));
  // Without a section table readelf shows no versions and no symbols (-D does not help either):
  // there is nothing of them to compare.
  bool sections = has_section_table(mutant.bytes);
  // A file note says the section headers, which readelf reads, differ from the dynamic section,
  // which the loader and portcheck read: then readelf may show less, never more.
  bool noted = !std::get<ElfFacts>(loaded).file_notes.empty();
  if (readelf.clean && all_plain(ours) && !noted) {
    ++tally.readelf_clean;
    CHECK(ours.interpreter == theirs.interpreter);
    CHECK(ours.needed == theirs.needed);
    CHECK(ours.soname == theirs.soname);
    CHECK(ours.rpath == theirs.rpath);
    CHECK(ours.runpath == theirs.runpath);
    if (!sections) return;
    CHECK(ours.version_needs == theirs.version_needs);
    CHECK(ours.version_defs == theirs.version_defs);
    CHECK(ours.imports == theirs.imports);
    CHECK(ours.unversioned == theirs.unversioned);
    return;
  }
  // readelf warned, or the names are not plain text: it may show less, but never more than
  // portcheck found.
  CHECK(ours.needed.size() >= theirs.needed.size());
  if (!sections) return;
  size_t our_versions = 0, their_versions = 0;
  for (const auto& library : ours.version_needs) our_versions += library.second.size();
  for (const auto& library : theirs.version_needs) their_versions += library.second.size();
  CHECK(our_versions >= their_versions);
  CHECK(ours.version_needs.size() >= theirs.version_needs.size());
  CHECK(ours.imports.size() + ours.unversioned.size() >=
        theirs.imports.size() + theirs.unversioned.size());
  // Every plain version readelf shows (name and index) is among portcheck's; the library it is
  // listed under is not compared, as a damaged library name can break readelf's lines.
  for (const auto& [file, names] : theirs.version_needs) {
    for (const auto& name : names) {
      if (!plain(name)) continue;
      bool found = false;
      for (const auto& library : ours.version_needs) {
        found |=
            std::find(library.second.begin(), library.second.end(), name) != library.second.end();
      }
      INFO("readelf shows " << file << ": " << name);
      CHECK(found);
    }
  }
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::string text = read_text(path);
  return {text.begin(), text.end()};
}

}  // namespace

TEST_CASE("damaged copies of good files load as errors or as readelf reads them", "[mutation]") {
  // Small files keep the run short; the structures and the code paths are the same at any size.
  std::vector<std::string> files = {
      fixture("glibc-2.34"),
      fixture("glibc-multi-lib"),
      fixture("cxx-glibcxx-3.4.30"),
      fixture("glibc-weak"),
      fixture("runpath-multi"),
      fixture("rpath-build-dir"),
      fixture("i386-stub"),
      fixture("aarch64-dynamic"),
      fixture("musl-dynamic"),
      fixture("libdemo.so.1"),
      fixture("stubs/libc.so.6"),
      fixture("real/libz.so.1.2.13"),
      fixture("real/libgcc_s.so.1"),
      fixture("real/true"),
      "/usr/bin/ls",
      "/usr/bin/dash",
      "/usr/bin/readelf",
  };
  std::string scratch = "/tmp/portcheck-mutant-" + std::to_string(::getpid());
  Watchdog watchdog;
  Tally tally;
  // PORTCHECK_MUTATION_SEED and PORTCHECK_MUTATION_COUNT (mutants per file) explore further;
  // the test as run by ctest uses the fixed values.
  const char* seed = std::getenv("PORTCHECK_MUTATION_SEED");
  const char* count = std::getenv("PORTCHECK_MUTATION_COUNT");
  Random random(seed ? std::strtoull(seed, nullptr, 0) : kSeed);
  int per_file = count ? std::atoi(count) : kMutantsPerFile;
  auto started = std::chrono::steady_clock::now();
  for (const auto& path : files) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      WARN("not on this machine, skipped: " << path);
      continue;
    }
    std::vector<uint8_t> good = read_bytes(path);
    INFO(path);
    REQUIRE(good.size() > 64);
    REQUIRE(good[5] == 1);  // the layout reader below knows little-endian files only
    // The good file itself loads and agrees with readelf.
    REQUIRE(std::holds_alternative<ElfFacts>(load_elf(path, good)));
    check_mutant({path + ": unchanged", good}, scratch, watchdog, tally);
    std::vector<Region> regions = regions_of(good);
    for (int i = 0; i < per_file; ++i) {
      check_mutant(mutate(path, good, regions, random), scratch, watchdog, tally);
    }
  }
  ::unlink(scratch.c_str());
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The figures docs/robustness.md quotes.
  WARN("mutation: " << tally.mutants << " mutants in " << seconds << " s: " << tally.errors
                    << " load errors, " << tally.loaded << " loaded (" << tally.readelf_clean
                    << " read cleanly by readelf)");
  CHECK(tally.mutants >= static_cast<size_t>(std::min(2000, per_file * 10)));
}

namespace {

// The file offset of the header of the section called `name`, in an intact little-endian ELF64.
uint64_t section_header(const std::vector<uint8_t>& bytes, const std::string& name) {
  uint64_t shoff = get_le(bytes, 40, 8), count = get_le(bytes, 60, 2);
  uint64_t names = get_le(bytes, shoff + 64 * get_le(bytes, 62, 2) + 24, 8);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t at = shoff + 64 * i;
    if (reinterpret_cast<const char*>(bytes.data() + names + get_le(bytes, at, 4)) == name) {
      return at;
    }
  }
  FAIL("no section " << name);
  return 0;
}

// The file offset of the value of the first dynamic entry tagged `tag`.
uint64_t dynamic_entry(const std::vector<uint8_t>& bytes, uint64_t tag) {
  uint64_t at = get_le(bytes, section_header(bytes, ".dynamic") + 24, 8);
  for (; get_le(bytes, at, 8) != 0; at += 16) {
    if (get_le(bytes, at, 8) == tag) return at;
  }
  FAIL("no dynamic entry " << tag);
  return 0;
}

struct Regression {
  std::string what;
  std::vector<uint8_t> bytes;
  std::optional<ErrorKind> error;  // nullopt: loads
};

std::vector<Regression> regressions() {
  std::vector<uint8_t> good = read_bytes(fixture("glibc-2.34"));
  std::vector<uint8_t> demo = read_bytes(fixture("libdemo.so.1"));
  std::vector<Regression> cases;
  auto add = [&](std::string what, const std::vector<uint8_t>& base, std::optional<ErrorKind> kind,
                 auto&& change) {
    std::vector<uint8_t> bytes = base;
    change(bytes);
    cases.push_back({std::move(what), std::move(bytes), kind});
  };
  // Found by the fuzzer.
  add("an unknown segment 512 MB past the end (LIEF allocated it)", good, ErrorKind::truncated,
      [](auto& b) {
        uint64_t stack = 64 + 8 * 56;  // program header 8, PT_GNU_STACK
        put_le(b, stack, 4, 0x60000000);
        put_le(b, stack + 8, 8, 0x20000000);
        put_le(b, stack + 32, 8, 0x1000);
      });
  add("e_phentsize 72: LIEF steps by 56 and read other segments", good, ErrorKind::malformed,
      [](auto& b) { put_le(b, 54, 2, 72); });
  add("a NOBITS section 600 MB past the end (LIEF allocated up to it)", good, std::nullopt,
      [](auto& b) { put_le(b, section_header(b, ".bss") + 24, 8, 600 << 20); });
  add("an inactive (SHT_NULL) section past the end (read out of bounds)", good,
      ErrorKind::truncated, [](auto& b) {
        uint64_t at = section_header(b, ".comment");
        put_le(b, at + 4, 4, 0);
        put_le(b, at + 8, 8, 0x4);  // SHF_EXECINSTR
        put_le(b, at + 24, 8, 0x400000);
      });
  add(".comment made NOBITS and 1 MB long (read out of bounds)", good, std::nullopt, [](auto& b) {
    uint64_t at = section_header(b, ".comment");
    put_le(b, at + 4, 4, 8);
    put_le(b, at + 32, 8, 1 << 20);
  });
  // Found by the mutation test: readelf (through the section headers) and portcheck (through
  // the dynamic section, like the loader) read different tables without a warning.
  add("e_shentsize 0", good, ErrorKind::malformed, [](auto& b) { put_le(b, 58, 2, 0); });
  add("DT_STRTAB 16 bytes further than .dynstr", good, ErrorKind::malformed,
      [](auto& b) { put_le(b, dynamic_entry(b, 5) + 8, 8, 0x370); });
  add(".dynsym made PROGBITS", good, std::nullopt,
      [](auto& b) { put_le(b, section_header(b, ".dynsym") + 4, 4, 1); });
  add(".gnu.version_r sh_info 0", good, std::nullopt,
      [](auto& b) { put_le(b, section_header(b, ".gnu.version_r") + 44, 4, 0); });
  add("DT_VERDEF gone from a library with .gnu.version_d", demo, ErrorKind::malformed,
      [](auto& b) { put_le(b, dynamic_entry(b, 0x6ffffffc), 8, 0x6ffffff9); });
  add("two DT_VERSYM entries", good, ErrorKind::malformed,
      [](auto& b) { put_le(b, dynamic_entry(b, 0x15), 8, 0x6ffffff0); });  // DT_DEBUG
  // Found by a hostile review: glibc's loader takes the last of two entries, this reader the
  // first, and a second hash table hid symbols.
  add("two DT_GNU_HASH entries", good, ErrorKind::malformed,
      [](auto& b) { put_le(b, dynamic_entry(b, 0x15), 8, 0x6ffffef5); });  // DT_DEBUG
  add("an import disguised as a definition of value 0 (ld.so looks further)", good, std::nullopt,
      [](auto& b) { put_le(b, get_le(b, section_header(b, ".dynsym") + 24, 8) + 24 + 6, 2, 1); });
  add("a symbol name past the string table", good, ErrorKind::malformed,
      [](auto& b) { put_le(b, get_le(b, section_header(b, ".dynsym") + 24, 8) + 24, 4, 0x1000); });
  add("a version definition name past its section", demo, ErrorKind::malformed, [](auto& b) {
    uint64_t second = get_le(b, section_header(b, ".gnu.version_d") + 24, 8) + 0x38;
    put_le(b, second + 12, 4, 0x114);  // vd_aux
  });
  add("an import bound to a version the file itself defines", demo, ErrorKind::malformed,
      [](auto& b) { put_le(b, get_le(b, section_header(b, ".gnu.version") + 24, 8) + 2, 2, 2); });
  add("the last name of .dynstr not terminated", good, ErrorKind::malformed, [](auto& b) {
    uint64_t at = section_header(b, ".dynstr");
    b[get_le(b, at + 24, 8) + get_le(b, at + 32, 8) - 1] = 'x';
  });
  add("the null symbol given a name", good, std::nullopt, [](auto& b) {
    put_le(b, get_le(b, section_header(b, ".dynsym") + 24, 8), 4, 1);  // "libc.so.6"
  });
  add("a line break in a name quoted by an error", good, ErrorKind::malformed, [](auto& b) {
    uint64_t strings = get_le(b, section_header(b, ".dynstr") + 24, 8);
    b[strings + 4] = '\n';                                                        // "lib\n.so.6"
    put_le(b, get_le(b, section_header(b, ".gnu.version_r") + 24, 8) + 2, 2, 8);  // vn_cnt
  });
  return cases;
}

}  // namespace

TEST_CASE("damage found by fuzzing and mutation stays an error, not a crash or less",
          "[mutation]") {
  for (const auto& c : regressions()) {
    INFO(c.what);
    Result<ElfFacts> loaded = load_elf("regression", c.bytes);
    if (const auto* error = std::get_if<FileError>(&loaded)) {
      INFO(error->message);
      REQUIRE(c.error.has_value());
      CHECK(to_string(error->kind) == std::string(to_string(*c.error)));
      CHECK(error->message.find('\n') == std::string::npos);
      continue;
    }
    REQUIRE_FALSE(c.error.has_value());
    const auto& elf = std::get<ElfFacts>(loaded);
    CHECK(elf.imports.size() == 5);
    CHECK(elf.unversioned_imports.empty());
    if (c.what.rfind(".comment", 0) == 0) CHECK(elf.toolchain.compilers.empty());
  }
}

}  // namespace portcheck::test
