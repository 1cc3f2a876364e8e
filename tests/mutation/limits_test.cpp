// Resource limits: small hostile files that claim absurd counts and sizes are rejected (or read)
// quickly and in bounded memory; the walk finishes on a directory of 100,000 entries and on
// symlink loops; special files named on the command line never block. The files are built here,
// byte by byte; the built portcheck binary runs where time and memory are measured.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

using Bytes = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

// A hang guard, not a speed goal (speed is measured by bench/run.sh): a hostile file must end
// well within this even in a sanitizer build on a busy two-core machine, and within this much
// memory (peak RSS of the portcheck process, sanitizer builds included).
constexpr double kSecondsPerFile = 60.0;
constexpr long kMaxRssKb = 512 * 1024;
// A child growing past this is killed at once, so that a regression cannot take the machine's
// memory before the test fails.
constexpr long kKillRssKb = 2048 * 1024;

long resident_kb(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

void put(Bytes& bytes, uint64_t at, unsigned width, uint64_t value) {
  if (bytes.size() < at + width) bytes.resize(at + width);
  for (unsigned i = 0; i < width; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

// A minimal ELF64 x86-64 shared object: the ELF header, three program headers (one PT_LOAD
// mapping the whole file at address 0, so addresses are file offsets; PT_DYNAMIC; PT_GNU_STACK),
// a string table, the tables a case adds, and the dynamic section last.
class ElfWriter {
 public:
  static constexpr uint64_t kLibc = 1, kGlibc = 11;  // string offsets
  ElfWriter() : bytes_(64 + 3 * 56) {
    const char strings[] = "\0libc.so.6\0GLIBC_2.2.5";
    strtab_ = add(Bytes(strings, strings + sizeof strings));
    strsz_ = sizeof strings;
  }
  uint64_t add(const Bytes& blob) {
    while (bytes_.size() % 8) bytes_.push_back(0);
    uint64_t at = bytes_.size();
    bytes_.insert(bytes_.end(), blob.begin(), blob.end());
    return at;
  }
  void dynamic(int64_t tag, uint64_t value) { dynamic_.emplace_back(tag, value); }
  Bytes finish() {
    std::vector<std::pair<int64_t, uint64_t>> entries{{1, kLibc}, {5, strtab_}, {10, strsz_}};
    entries.insert(entries.end(), dynamic_.begin(), dynamic_.end());
    entries.emplace_back(0, 0);
    Bytes table;
    for (const auto& [tag, value] : entries) {
      put(table, table.size(), 8, static_cast<uint64_t>(tag));
      put(table, table.size(), 8, value);
    }
    uint64_t at = add(table);
    Bytes out = bytes_;
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    std::copy(std::begin(ident), std::end(ident), out.begin());
    put(out, 16, 2, 3);                         // ET_DYN
    put(out, 18, 2, 62);                        // EM_X86_64
    put(out, 20, 4, 1);                         // EV_CURRENT
    put(out, 32, 8, 64);                        // e_phoff
    put(out, 52, 2, 64);                        // e_ehsize
    put(out, 54, 2, 56);                        // e_phentsize
    put(out, 56, 2, 3);                         // e_phnum
    put(out, 58, 2, 64);                        // e_shentsize
    segment(out, 0, 1, 0, out.size(), 0x1000);  // PT_LOAD
    segment(out, 1, 2, at, table.size(), 8);    // PT_DYNAMIC
    segment(out, 2, 0x6474e551, 0, 0, 16);      // PT_GNU_STACK
    return out;
  }
  static void segment(Bytes& out, unsigned index, uint32_t type, uint64_t offset, uint64_t size,
                      uint64_t align) {
    uint64_t at = 64 + index * 56;
    put(out, at, 4, type);
    put(out, at + 4, 4, 4);  // PF_R
    put(out, at + 8, 8, offset);
    put(out, at + 16, 8, offset);
    put(out, at + 24, 8, offset);
    put(out, at + 32, 8, size);
    put(out, at + 40, 8, size);
    put(out, at + 48, 8, align);
  }

 private:
  Bytes bytes_;
  uint64_t strtab_ = 0, strsz_ = 0;
  std::vector<std::pair<int64_t, uint64_t>> dynamic_;
};

Bytes verneed(uint16_t count, uint32_t aux, uint32_t next) {
  Bytes entry;
  put(entry, 0, 2, 1);  // vn_version
  put(entry, 2, 2, count);
  put(entry, 4, 4, ElfWriter::kLibc);
  put(entry, 8, 4, aux);
  put(entry, 12, 4, next);
  return entry;
}

Bytes vernaux(uint32_t next) {
  Bytes entry;
  put(entry, 6, 2, 2);  // vna_other
  put(entry, 8, 4, ElfWriter::kGlibc);
  put(entry, 12, 4, next);
  return entry;
}

// One version need with `count` aux entries, shared by `needs` need entries: 2,000 x 65,535
// versions announced by a file of about 1 MB.
Bytes shared_aux_chain(uint32_t needs, uint16_t count) {
  ElfWriter elf;
  uint64_t first = 64 + 3 * 56 + 24;  // after the string table, 8-aligned
  Bytes table;
  uint64_t aux_at = first + needs * 16;
  for (uint32_t i = 0; i < needs; ++i) {
    Bytes entry =
        verneed(count, static_cast<uint32_t>(aux_at - (first + i * 16)), i + 1 < needs ? 16 : 0);
    table.insert(table.end(), entry.begin(), entry.end());
  }
  for (uint32_t j = 0; j < count; ++j) {
    Bytes entry = vernaux(j + 1 < count ? 16 : 0);
    table.insert(table.end(), entry.begin(), entry.end());
  }
  uint64_t at = elf.add(table);
  REQUIRE(at == first);
  elf.dynamic(0x6ffffffe, at);  // DT_VERNEED
  elf.dynamic(0x6fffffff, needs);
  return elf.finish();
}

// A good little file whose DT_VERNEEDNUM says `count`.
Bytes claimed_needs(uint64_t count) {
  ElfWriter elf;
  Bytes table = verneed(1, 16, 0);
  Bytes aux = vernaux(0);
  table.insert(table.end(), aux.begin(), aux.end());
  elf.dynamic(0x6ffffffe, elf.add(table));
  elf.dynamic(0x6fffffff, count);
  return elf.finish();
}

// A version definition with 65,535 names, all the same 8 bytes.
Bytes looping_definition() {
  ElfWriter elf;
  Bytes def;
  put(def, 0, 2, 1);       // vd_version
  put(def, 4, 2, 2);       // vd_ndx
  put(def, 6, 2, 0xffff);  // vd_cnt
  put(def, 12, 4, 20);     // vd_aux
  put(def, 16, 4, 0);      // vd_next
  put(def, 20, 4, ElfWriter::kGlibc);
  put(def, 24, 4, 0);  // vda_next 0: the same aux again and again
  elf.dynamic(0x6ffffffc, elf.add(def));
  elf.dynamic(0x6ffffffd, 1);
  return elf.finish();
}

// Appends `count` section headers of `type`, each over the same `size` bytes at `offset`.
Bytes with_sections(Bytes bytes, uint16_t count, uint32_t type, uint64_t offset, uint64_t size) {
  while (bytes.size() % 8) bytes.push_back(0);
  uint64_t shoff = bytes.size();
  bytes.resize(shoff + 64ull * count);
  for (uint16_t i = 1; i < count; ++i) {
    uint64_t at = shoff + 64ull * i;
    put(bytes, at + 4, 4, type);
    put(bytes, at + 24, 8, offset);
    put(bytes, at + 32, 8, size);
    put(bytes, at + 56, 8, 24);
  }
  put(bytes, 40, 8, shoff);
  put(bytes, 60, 2, count);
  ElfWriter::segment(bytes, 0, 1, 0, bytes.size(), 0x1000);
  return bytes;
}

// Many PT_NOTE segments over the same megabyte of empty notes.
Bytes overlapping_notes(uint16_t count, uint64_t body) {
  Bytes bytes(64 + 56ull * count + body);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  std::copy(std::begin(ident), std::end(ident), bytes.begin());
  put(bytes, 16, 2, 3);
  put(bytes, 18, 2, 62);
  put(bytes, 20, 4, 1);
  put(bytes, 32, 8, 64);
  put(bytes, 52, 2, 64);
  put(bytes, 54, 2, 56);
  put(bytes, 56, 2, count);
  ElfWriter::segment(bytes, 0, 1, 0, bytes.size(), 0x1000);
  for (uint16_t i = 1; i < count; ++i) {
    ElfWriter::segment(bytes, i, 4, 64 + 56ull * count, body, 4);
  }
  return bytes;
}

struct Hostile {
  std::string name;
  Bytes bytes;
  std::string kind;  // the error kind expected; "" for the few well-formed enough to load
};

std::vector<Hostile> hostile_files() {
  std::vector<Hostile> files;
  files.push_back({"4 million version needs claimed", claimed_needs(4'000'000), "malformed"});
  files.push_back({"2^64-1 version needs claimed", claimed_needs(~0ull), "malformed"});
  files.push_back(
      {"2,000 needs sharing 65,535 versions", shared_aux_chain(2000, 0xffff), "malformed"});
  files.push_back({"a definition with 65,535 names in 8 bytes", looping_definition(), "malformed"});

  Bytes good = ElfWriter().finish();
  Bytes phnum = good;
  put(phnum, 56, 2, 0xffff);  // e_phnum 65535 (PN_XNUM) in a file of 400 bytes
  files.push_back({"e_phnum 65535", phnum, "malformed"});
  put(phnum, 56, 2, 0xfffe);
  files.push_back({"e_phnum 65534", phnum, "truncated"});

  Bytes segment = good;  // one more program header, of an unknown type, 4 GB past the end
  put(segment, 56, 2, 3);
  ElfWriter::segment(segment, 2, 0x60000000, 0x20000000, 0xffffffff, 8);
  files.push_back({"a segment of 4 GB past the end", segment, "truncated"});

  files.push_back(
      {"a section of 1 TB", with_sections(good, 3, 1, 0, uint64_t{1} << 40), "truncated"});
  files.push_back(
      {"a section starting past the end", with_sections(good, 3, 0, 1 << 30, 16), "truncated"});
  Bytes padded = good;
  padded.resize(good.size() + (1 << 20));
  files.push_back({"4,000 relocation sections over the same megabyte",
                   with_sections(padded, 4000, 9, 0, 1 << 20), "malformed"});
  files.push_back({"4,000 symbol tables over the same megabyte",
                   with_sections(padded, 4000, 2, 0, 1 << 20), "malformed"});

  Bytes huge_strings = ElfWriter().finish();
  // DT_STRSZ (the third dynamic entry) := 2^40
  uint64_t dynamic = huge_strings.size() - 4 * 16;
  put(huge_strings, dynamic + 2 * 16 + 8, 8, uint64_t{1} << 40);
  files.push_back({"a string table of 1 TB", huge_strings, "truncated"});

  files.push_back({"2,000 note segments over the same megabyte", overlapping_notes(2000, 1 << 20),
                   "malformed"});

  // DT_HASH with nchain 2^32-1 and no section headers: the hash table is all there is to size
  // the symbol table by, and it claims more than the file holds.
  ElfWriter hash;
  Bytes table;
  put(table, 0, 4, 1);
  put(table, 4, 4, 0xffffffff);
  put(table, 8, 4, 0);
  hash.dynamic(4, hash.add(table));
  hash.dynamic(6, hash.add(Bytes(48)));
  hash.dynamic(11, 24);
  files.push_back({"a hash table claiming 4 billion symbols", hash.finish(), "malformed"});

  // LIEF reads the dynamic section on past DT_NULL, where the loader stops: there, two version
  // definitions whose vd_next links wrap around 2^32 into a cycle, and a count of 2^31 (LIEF
  // adds the links in 32 bits, and allocated until it was stopped).
  ElfWriter after;
  Bytes definitions;
  for (uint32_t next : {28u, 0u - 28u}) {
    uint64_t at = definitions.size();
    put(definitions, at, 2, 1);        // vd_version
    put(definitions, at + 4, 2, 2);    // vd_ndx
    put(definitions, at + 6, 2, 1);    // vd_cnt
    put(definitions, at + 12, 4, 20);  // vd_aux
    put(definitions, at + 16, 4, next);
    put(definitions, at + 20, 4, ElfWriter::kGlibc);
  }
  ElfWriter cycle;  // the same cycle where every reader sees it
  cycle.dynamic(0x6ffffffc, cycle.add(definitions));
  cycle.dynamic(0x6ffffffd, 1 << 20);
  files.push_back({"version definitions in a cycle, 2^20 of them", cycle.finish(), "malformed"});
  after.dynamic(0, 0);
  after.dynamic(0x6ffffffc, after.add(definitions));
  after.dynamic(0x6ffffffd, 0x7fffffff);
  files.push_back({"2^31 version definitions after DT_NULL", after.finish(), "malformed"});
  return files;
}

std::string temp_dir(const std::string& name) {
  std::string path = "/tmp/portcheck-limits-" + std::to_string(::getpid()) + "-" + name;
  run_command("rm -rf " + shell_quote(path));
  REQUIRE(::mkdir(path.c_str(), 0700) == 0);
  return path;
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

struct Outcome {
  int exit_code = -1;
  bool timed_out = false;
  bool too_big = false;  // killed for growing past kKillRssKb
  double seconds = 0;
  long max_rss_kb = 0;
  std::string out;
};

// Runs the portcheck binary with stdin from /dev/null; kills it after `limit`.
Outcome run_portcheck(const std::vector<std::string>& args, std::chrono::seconds limit) {
  std::string out_path = "/tmp/portcheck-limits-" + std::to_string(::getpid()) + ".out";
  std::vector<std::string> words{PORTCHECK_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  auto started = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0), ::dup2(out, 1), ::dup2(err, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Outcome outcome;
  REQUIRE(pid > 0);
  int status = 0;
  struct rusage usage {};
  for (;;) {
    pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    bool too_big = resident_kb(pid) > kKillRssKb;
    if (too_big || Clock::now() - started > limit) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      (too_big ? outcome.too_big : outcome.timed_out) = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.max_rss_kb = usage.ru_maxrss;
  outcome.out = read_text(out_path);
  ::unlink(out_path.c_str());
  return outcome;
}

}  // namespace

TEST_CASE("absurd counts and sizes are dealt with at once, in little memory", "[limits]") {
  // Each file goes to the portcheck binary (the sanitizer build's in the sanitizer pass), where
  // time and memory are measured and a runaway is stopped.
  std::string dir = temp_dir("hostile");
  double slowest = 0;
  long largest = 0;
  for (const auto& file : hostile_files()) {
    INFO(file.name << " (" << file.bytes.size() << " bytes)");
    std::string path = dir + "/file";
    write_file(path, file.bytes);
    Outcome outcome = run_portcheck({"--format", "json", path}, std::chrono::seconds(60));
    CHECK_FALSE(outcome.timed_out);
    CHECK_FALSE(outcome.too_big);
    CHECK(outcome.seconds < kSecondsPerFile);
    CHECK(outcome.max_rss_kb < kMaxRssKb);
    slowest = std::max(slowest, outcome.seconds);
    largest = std::max(largest, outcome.max_rss_kb);
    if (file.kind.empty()) {
      CHECK((outcome.exit_code == 0 || outcome.exit_code == 1));
      continue;
    }
    CHECK(outcome.exit_code == 3);
    auto report = nlohmann::json::parse(outcome.out, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    CHECK(report["files"][0]["error_kind"] == file.kind);
  }
  WARN("hostile files: slowest " << slowest << " s, largest " << largest / 1024 << " MB");
  run_command("rm -rf " + shell_quote(dir));
}

TEST_CASE("a directory of 100,000 entries is walked to the end", "[limits]") {
  std::string dir = temp_dir("many");
  int created = 0;
  for (int i = 0; i < 100'000 - 1; ++i) {
    int fd = ::open((dir + "/f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) ++created, ::close(fd);
  }
  REQUIRE(created == 99'999);
  std::string text = read_text(fixture("glibc-2.17"));
  write_file(dir + "/program", Bytes(text.begin(), text.end()));
  Outcome outcome = run_portcheck({dir}, std::chrono::seconds(120));
  CHECK_FALSE(outcome.timed_out);
  CHECK((outcome.exit_code == 0 || outcome.exit_code == 1));
  CHECK(outcome.out.find(dir + "/program") != std::string::npos);
  CHECK(outcome.out.find("99999") != std::string::npos);  // the others, skipped as not ELF
  WARN("100,000 entries: " << outcome.seconds << " s, " << outcome.max_rss_kb / 1024 << " MB");
  run_command("rm -rf " + shell_quote(dir));
}

TEST_CASE("symlink loops end the walk of their branch, not the run", "[limits]") {
  std::string dir = temp_dir("loops");
  REQUIRE(::mkdir((dir + "/a").c_str(), 0700) == 0);
  REQUIRE(::mkdir((dir + "/a/b").c_str(), 0700) == 0);
  REQUIRE(::symlink("..", (dir + "/a/b/up").c_str()) == 0);      // a directory loop
  REQUIRE(::symlink("../..", (dir + "/a/b/top").c_str()) == 0);  // to the root of the walk
  REQUIRE(::symlink("a", (dir + "/again").c_str()) == 0);
  REQUIRE(::symlink("self", (dir + "/self").c_str()) == 0);  // ELOOP
  REQUIRE(::symlink("ping", (dir + "/pong").c_str()) == 0);
  REQUIRE(::symlink("pong", (dir + "/ping").c_str()) == 0);
  std::string text = read_text(fixture("glibc-2.17"));
  write_file(dir + "/a/b/program", Bytes(text.begin(), text.end()));
  Outcome outcome = run_portcheck({dir}, std::chrono::seconds(60));
  CHECK_FALSE(outcome.timed_out);
  CHECK((outcome.exit_code == 0 || outcome.exit_code == 1));
  CHECK(outcome.out.find(dir + "/a/b/program") != std::string::npos);
  // The self-loop named directly is an error, not a hang.
  Outcome self = run_portcheck({dir + "/self"}, std::chrono::seconds(60));
  CHECK_FALSE(self.timed_out);
  CHECK(self.exit_code == 3);
  run_command("rm -rf " + shell_quote(dir));
}

TEST_CASE("special files named on the command line never block", "[limits]") {
  std::string dir = temp_dir("special");
  std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& path : {fifo, std::string("/dev/zero"), std::string("/proc/self/status"),
                                  std::string("/dev/stdin")}) {
    INFO(path);
    Outcome outcome = run_portcheck({path}, std::chrono::seconds(20));
    CHECK_FALSE(outcome.timed_out);
    CHECK(outcome.exit_code == 3);
  }
  // In a directory a FIFO is passed over, never opened.
  std::string text = read_text(fixture("glibc-2.17"));
  write_file(dir + "/program", Bytes(text.begin(), text.end()));
  Outcome walked = run_portcheck({dir}, std::chrono::seconds(20));
  CHECK_FALSE(walked.timed_out);
  CHECK((walked.exit_code == 0 || walked.exit_code == 1));
  run_command("rm -rf " + shell_quote(dir));
}

}  // namespace portcheck::test

namespace portcheck::test {

// Inputs are mapped: a file cut short by another process while portcheck reads it makes the
// lost pages fault (SIGBUS). Whenever the cut lands, the run ends normally or with an input
// error naming the file, never killed by the signal.
TEST_CASE("a file cut short while it is read ends as an error, not a crash", "[limits]") {
  std::string dir = temp_dir("shrink");
  std::string path = dir + "/program";
  std::string text = read_text(fixture("glibc-2.34"));
  for (const char* delay : {"0.05", "0.5"}) {
    INFO("cut after " << delay << " s");
    write_file(path, Bytes(text.begin(), text.end()));
    // 256 MB of zeros after the program, without taking disk space.
    run_command("truncate -s 256M " + shell_quote(path));
    std::string command = "(sleep " + std::string(delay) + "; truncate -s " +
                          std::to_string(text.size()) + " " + shell_quote(path) + ") & " +
                          shell_quote(PORTCHECK_BINARY) + " " + shell_quote(path) + " 2>" +
                          shell_quote(dir + "/stderr") + "; echo \" $?\"; wait";
    CommandResult result = run_command(command);
    int status = std::stoi(result.out.substr(result.out.rfind(' ')));
    std::string errors = read_text(dir + "/stderr");
    INFO(errors);
    CHECK((status == 0 || status == 1 || status == 3));
    if (status == 3) CHECK(errors.find(path) != std::string::npos);
  }
  run_command("rm -rf " + shell_quote(dir));
}

}  // namespace portcheck::test
