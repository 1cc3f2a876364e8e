// One table of hostile strings through every escaping function, then through every renderer in
// every place a report holds a name: what a renderer writes must carry each of them as data.
#include "portcheck/escape.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "output_checks.hpp"
#include "portcheck/render.hpp"

using namespace portcheck;
using namespace portcheck::test;

namespace {

const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> strings = {
      "/lib64/ld-linux-x86-64.so.2\n::error::X",
      "bin/x\n::stop-commands::tok",
      "carriage\rreturn",
      "\x1b[2J\x1b]0;title\x07",
      "csi\xc2\x9b"
      "31m",
      "del\x7f",
      std::string("nul\0inside", 10),
      "invalid \xff\xfe utf-8 \xc3",
      "overlong \xc0\xaf and surrogate \xed\xa0\x80",
      "tick`code`",
      "x</code></summary><h1>",
      "a|b|c",
      "<script>alert(1)</script>",
      "%0A::error::percent",
      "&amp;",
      "[x](javascript:alert(1))",
      "##[error]the old command form",
      "  ::warning::after spaces",
      "\xe3\x80\x80::error::after an ideographic space",
      "::error::at the start",
      "\xe2\x80\xae"
      "reversed",
      "back\\slash\\x41",
      "nonchar \xef\xbf\xbe and \xef\xbf\xbf",
      "tab\there, comma, colon: done",
      std::string(5000, 'A') + "\n::error::long",
  };
  return strings;
}

}  // namespace

TEST_CASE("escape_text: controls, bad bytes and CI commands made visible", "[render]") {
  CHECK(escape_text("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(escape_text("\x1b[2J") == "\\x1b[2J");
  CHECK(escape_text("\x7f") == "\\x7f");
  CHECK(escape_text(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(escape_text("csi\xc2\x9b") == "csi\\u009b");
  CHECK(escape_text("\xe2\x80\xae") == "\\u202e");
  CHECK(escape_text("bad\xff") == "bad\\xff");
  CHECK(escape_text("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(escape_text("\xc3") == "\\xc3");
  CHECK(escape_text("back\\slash") == "back\\\\slash");
  CHECK(escape_text("::error::x") == "\\x3a:error::x");
  CHECK(escape_text("  ::error::x") == "  \\x3a:error::x");
  CHECK(escape_text("a ::error::x") == "a ::error::x");
  CHECK(escape_text("##[error]x") == "##\\x5berror]x");
  CHECK(escape_text("libstdc++.so.6 caf\xc3\xa9 \xe2\x82\xac") ==
        "libstdc++.so.6 caf\xc3\xa9 \xe2\x82\xac");
  // The backslash is escaped too, so two different inputs never look the same.
  CHECK(escape_text("\\x1b") != escape_text("\x1b"));
  std::set<std::string> seen;
  for (const auto& text : hostile_strings()) {
    std::string escaped = escape_text(text);
    CHECK_FALSE(has_raw_control(escaped, false));
    CHECK(valid_utf8(escaped));
    check_log_safe(escaped);
    CHECK(seen.insert(escaped).second);
  }
}

TEST_CASE("escape_markdown: nothing opens a tag, a code span or a link, or ends a cell",
          "[render]") {
  CHECK(escape_markdown("x</code><h1>") == "x&#60;/code&#62;&#60;h1&#62;");
  CHECK(escape_markdown("a|b`c") == "a&#124;b&#96;c");
  CHECK(escape_markdown("&amp;") == "&#38;amp;");
  CHECK(escape_markdown("a\nb") == "a&#92;nb");
  CHECK(escape_markdown("libc.so.6") == "libc.so.6");
  for (const auto& text : hostile_strings()) {
    std::string escaped = escape_markdown(text);
    CHECK_FALSE(has_raw_control(escaped, false));
    for (char special : std::string("<>`|[]\\\"'*~$:"))
      CHECK(escaped.find(special) == std::string::npos);
    // Every `&` starts a numeric character reference.
    for (size_t at = escaped.find('&'); at != std::string::npos; at = escaped.find('&', at + 1))
      CHECK(escaped.compare(at, 2, "&#") == 0);
    check_log_safe(escaped);
  }
}

TEST_CASE("escape_xml: entities after the text form, no character XML forbids", "[render]") {
  CHECK(escape_xml("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(escape_xml("nul\x01") == "nul\\x01");
  CHECK(escape_xml("non\xef\xbf\xbe\xef\xbf\xbf"
                   "char") == "non\\ufffe\\uffffchar");
  CHECK(escape_xml("\xef\xbf\xbd ok") == "\xef\xbf\xbd ok");  // U+FFFD is allowed
  CHECK(escape_xml("\xef\xbf") == "\\xef\\xbf");              // cut off: bytes
  for (const auto& text : hostile_strings()) check_markup(escape_xml(text), {});
}

TEST_CASE("escape_github_data and _property: the runner's escapes after the text form",
          "[render]") {
  CHECK(escape_github_data("100%") == "100%25");
  CHECK(escape_github_data("a\nb") == "a\\nb");
  CHECK(escape_github_property("a:b,c%") == "a%3Ab%2Cc%25");
  for (const auto& text : hostile_strings()) {
    std::string data = escape_github_data(text), property = escape_github_property(text);
    CHECK_FALSE(has_raw_control(data, false));
    CHECK_FALSE(has_raw_control(property, false));
    CHECK(property.find(':') == std::string::npos);
    CHECK(property.find(',') == std::string::npos);
    // After the runner's unescaping, what is left is the text form, one line.
    for (const auto& escaped : {data, property}) {
      for (size_t at = escaped.find('%'); at != std::string::npos; at = escaped.find('%', at + 1)) {
        std::string code = escaped.substr(at, 3);
        CHECK((code == "%25" || code == "%3A" || code == "%2C"));
      }
    }
    check_log_safe(data);
  }
}

TEST_CASE("escape_uri: a valid URI reference that decodes to the path", "[render]") {
  CHECK(escape_uri("release.tar.gz!/bin/tool") == "release.tar.gz%21/bin/tool");
  CHECK(escape_uri("/tmp/a b#c?d%") == "/tmp/a%20b%23c%3Fd%25");
  CHECK(escape_uri("a:b") == "a%3Ab");  // never read as a scheme
  CHECK(escape_uri("//host/x") == "/%2Fhost/x");
  for (const auto& text : hostile_strings()) {
    std::string uri = escape_uri(text);
    CHECK(uri_characters_only(uri));
    CHECK(percent_decoded(uri) == text);
  }
}

TEST_CASE("escape_json: valid UTF-8 that gives the bytes back", "[render]") {
  CHECK(escape_json("plain libc.so.6") == "plain libc.so.6");
  CHECK(escape_json("bad\xff") == "bad\\xff");
  CHECK(escape_json("back\\slash") == "back\\\\slash");
  CHECK(escape_json("\x1b\n") == "\x1b\n");  // JSON's own escapes carry these
  for (const auto& text : hostile_strings()) {
    std::string escaped = escape_json(text);
    CHECK(valid_utf8(escaped));
    CHECK(unescape_json(escaped) == text);
    std::string dumped = json_for_log(nlohmann::json(escaped).dump());
    CHECK(nlohmann::json::parse(dumped) == escaped);
    CHECK_FALSE(has_raw_control(dumped, false));
    CHECK(dumped.find("##[") == std::string::npos);
  }
}

namespace {

// A report that holds `name` wherever a report can hold a string from an input or the table.
Report hostile_report(const std::string& name) {
  Facts facts;
  facts.path = name;
  facts.elf.machine = name;
  facts.elf.type = FileType::pie_executable;
  facts.elf.interpreter = name;
  facts.elf.needed = {name, "libc.so.6"};
  facts.elf.rpath = {name};
  facts.elf.runpath = {name, "$ORIGIN/../lib"};
  facts.elf.soname = name;
  facts.elf.version_needs = {{name, {{name, 2, false}}}, {"libc.so.6", {{"GLIBC_2.34", 3, true}}}};
  facts.elf.version_defs = {name};
  facts.elf.imports = {{name, "GLIBC_2.34", "libc.so.6", false}};
  facts.elf.notes.abi_tag_kernel = name;
  facts.elf.toolchain.compilers = {name};
  facts.elf.file_notes = {{FileNoteKind::section_mismatch, name}};
  facts.requirements.max["GLIBC"] = parse_symbol_version("GLIBC_2.34");
  facts.requirements.max[name] = parse_symbol_version(name + "_1.0");
  facts.requirements.special = {name};
  facts.requirements.culprits = {{name, "GLIBC_2.34", "libc.so.6", false}};
  facts.tls.stack = "openssl";
  facts.tls.version = name;
  facts.tls.openssldir = name;
  facts.tls.cert_paths = {name};
  facts.bundled = {name};

  FileReport file;
  file.path = name;
  file.release = name;
  file.status = FileStatus::fail;
  file.facts = facts;
  Finding finding("glibc-version", Severity::fail, "needs " + name, "rebuild " + name,
                  {name + "@GLIBC_2.34"});
  Finding warning("rpath", Severity::warn, name, name, {name});
  file.targets = {{name, Verdict::fail, {finding, warning}, 0}, {"rhel-9", Verdict::pass, {}}};
  file.summary.oldest_per_family = {{"glibc", name}};
  file.summary.passed = {"rhel-9"};
  file.summary.selected = 2;
  file.summary.score = 0.5;
  file.loads = {name};
  file.tree = {{name, "bundled", name, {name}, {{name, "missing", "", {name}, {}}}}};

  FileReport broken;
  broken.path = name;
  broken.release = name;
  broken.status = FileStatus::error;
  broken.error = FileError{name, ErrorKind::malformed, name};

  Report report;
  report.portcheck_version = "1.0";
  report.table_date = name;
  report.selected_targets = {name, "rhel-9"};
  report.files = {file, broken};
  PolicyTagVerdict tag;
  tag.architecture = tag.tag = tag.target_id = tag.note = name;
  tag.next = PolicyStanding{name, name, name, {name}, 1, Verdict::fail, {name}};
  tag.next_blockers = tag.held_back_by = {name};
  report.files.front().policy_tag = tag;
  ReleaseReport release;
  release.path = name;
  release.files = 2;
  release.errors = 1;
  release.targets = {{name, Verdict::fail, {name}}};
  release.oldest_per_family = {{"glibc", name}};
  release.wheel = true;
  release.policy_tags = {tag};
  release.wheel_tag_findings = {Finding{"wheel-tag", Severity::fail, name, name, {name}}};
  report.releases = {release};
  report.summary = summarize_run(report.files);
  report.notices = {name};
  report.unused_suppressions = {{name, name, name, name, name}};
  return report;
}

void check_json(const std::string& text, const std::string& name) {
  nlohmann::json json;
  REQUIRE_NOTHROW(json = nlohmann::json::parse(text));
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(text.find("##[") == std::string::npos);
  const auto& file = json["files"][0];
  CHECK(unescape_json(file["path"].get<std::string>()) == name);
  CHECK(unescape_json(file["elf"]["interpreter"].get<std::string>()) == name);
  CHECK(unescape_json(file["elf"]["needed"][0].get<std::string>()) == name);
  CHECK(file["requirements"]["versions"].contains(escape_json(name)));
  CHECK(unescape_json(json["files"][1]["error"].get<std::string>()) == "malformed: " + name);
}

void check_sarif(const std::string& text, const std::string& name) {
  nlohmann::json sarif;
  REQUIRE_NOTHROW(sarif = nlohmann::json::parse(text));
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(text.find("##[") == std::string::npos);
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() >= 2);
  for (const auto& result : results) {
    const auto& where = result["locations"][0]["physicalLocation"]["artifactLocation"];
    std::string path = sarif_location_path(where["uri"], where.contains("uriBaseId"), "/work");
    CHECK(path == (name[0] == '/' ? name : "/work/" + name));
  }
}

void check_gitlab(const std::string& text, const std::string& name) {
  nlohmann::json issues;
  REQUIRE_NOTHROW(issues = nlohmann::json::parse(text));
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(text.find("##[") == std::string::npos);
  // The failing file's two rules, the broken file's error, the wheel's wheel-tag finding.
  REQUIRE(issues.size() == 4);
  for (const auto& issue : issues) {
    std::string path = unescape_json(issue["location"]["path"].get<std::string>());
    CHECK(path == name);  // relative names stay relative to /work, absolute ones absolute
  }
}

}  // namespace

TEST_CASE("every renderer carries hostile names as data", "[render]") {
  for (const auto& name : hostile_strings()) {
    INFO("name: " << escape_text(name.substr(0, 80)));
    Report report = hostile_report(name);
    check_text(render_text(report, TextStyle{false, true}));
    check_github(render_github(report));
    check_markdown(render_markdown(report));
    check_json(render_json(report), name);
    check_sarif(render_sarif(report, ReportPaths{"/work", "/work"}), name);
    check_markup(render_junit(report), {"testsuites", "testsuite", "properties", "property",
                                        "testcase", "failure", "error", "skipped", "system-out"});
    check_gitlab(render_gitlab(report, ReportPaths{"/work", "/work"}), name);
    check_markup(render_html(report),
                 {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "table",
                  "thead", "tbody", "tr", "th", "td", "span", "code"});
  }
}

TEST_CASE("the target list shows a hostile table as data", "[render]") {
  for (const auto& name : hostile_strings()) {
    INFO("name: " << escape_text(name.substr(0, 80)));
    Target target;
    target.id = target.name = target.libc_flavour = target.libc_version = name;
    target.end_of_support = name;
    BaselineTable table{name, {target}, {}};
    check_text(render_targets_text(table));
    table.targets[0].support = {{name, name, false, name}};
    check_text(render_targets_text(table));
    CHECK_NOTHROW(nlohmann::json::parse(render_targets_json(table)));
  }
}
