// The human report: a headline per file that answers "what does it need?", then the details.
// Every name from an input or the table goes through escape_text where it is placed: the
// renderer's own words, line breaks and colours are the only raw text.
#include <fmt/format.h>

#include <algorithm>

#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

constexpr size_t kHeadlineSymbols = 4;

struct Painter {
  bool color;
  std::string paint(const std::string& text, const char* code) const {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  }
  std::string bold(const std::string& text) const { return paint(text, "1"); }
  std::string red(const std::string& text) const { return paint(text, "31"); }
  std::string yellow(const std::string& text) const { return paint(text, "33"); }
};

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

std::string join_escaped(const std::vector<std::string>& names, const char* separator) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += (i ? separator : "") + escape_text(names[i]);
  return text;
}

std::string culprit_list(const Facts& facts, const SymbolVersion& max) {
  std::vector<std::string> names;
  size_t total = 0;
  for (const auto& symbol : facts.requirements.culprits) {
    if (symbol.version != max.name) continue;
    if (++total <= kHeadlineSymbols) names.push_back(symbol.name);
  }
  if (names.empty()) return "";
  std::string text = " because of " + join_escaped(names, ", ");
  if (total > names.size()) text += fmt::format(" and {} more", total - names.size());
  return text;
}

std::string headline_for(const Facts& facts, const std::string& family, const SymbolVersion& max) {
  return fmt::format("needs {} >= {}{}", escape_text(family_display_name(family)),
                     max.number_string(), culprit_list(facts, max));
}

void append_headlines(std::string& out, const Facts& facts, const Painter& p) {
  const auto& max = facts.requirements.max;
  for (const char* family : {"GLIBC", "GLIBCXX", "CXXABI", "GCC"}) {
    auto found = max.find(family);
    if (found != max.end()) out += "  " + p.bold(headline_for(facts, family, found->second)) + "\n";
  }
  for (const auto& [family, version] : max) {
    if (family == "GLIBC" || family == "GLIBCXX" || family == "CXXABI" || family == "GCC") continue;
    out += "  " + headline_for(facts, family, version) + "\n";
  }
  for (const auto& special : facts.requirements.special) {
    std::string what =
        special == "GLIBC_ABI_DT_RELR"
            ? "needs glibc >= 2.36 for DT_RELR relocations (GLIBC_ABI_DT_RELR)"
        : special == "GLIBC_PRIVATE"
            ? "needs GLIBC_PRIVATE: glibc's internal interface, never portable"
            : fmt::format("needs {} (a version without a number)", escape_text(special));
    out += "  " + p.yellow(what) + "\n";
  }
  if (max.empty() && facts.requirements.special.empty()) {
    out += "  needs no versioned symbols\n";
  }
}

void append_row(std::string& out, const char* label, const std::string& value) {
  if (!value.empty()) out += fmt::format("  {:<12}{}\n", label, value);
}

std::string version_lines(const Facts& facts) {
  std::string text;
  for (const auto& library : facts.elf.version_needs) {
    std::vector<std::string> names;
    for (const auto& need : library.versions)
      names.push_back(escape_text(need.name) + (need.weak ? " (weak)" : ""));
    text += fmt::format("{}{}: {}", text.empty() ? "" : "\n              ",
                        escape_text(library.library), join(names, " "));
  }
  return text;
}

std::string note_summary(const ElfNotes& notes, bool x86_64) {
  std::vector<std::string> parts;
  if (notes.abi_tag_kernel) parts.push_back("kernel >= " + escape_text(*notes.abi_tag_kernel));
  if (notes.x86_isa_needed) {
    int level = *notes.x86_isa_needed;
    parts.push_back("ISA " +
                    (level == 1 ? std::string("x86-64") : fmt::format("x86-64-v{}", level)));
  } else if (x86_64) {
    parts.push_back("ISA level unknown (no marker)");
  }
  if (notes.build_id) parts.push_back("build-id " + escape_text(*notes.build_id));
  return join(parts, ", ");
}

std::string toolchain_summary(const Toolchain& toolchain) {
  std::vector<std::string> parts;
  if (toolchain.go) parts.push_back("Go");
  if (toolchain.rust) parts.push_back("Rust");
  for (const auto& compiler : toolchain.compilers) parts.push_back(escape_text(compiler));
  return join(parts, "; ");
}

std::string tls_summary(const TlsFacts& tls) {
  if (tls.stack == "none" && tls.cert_paths.empty()) return "";
  std::vector<std::string> parts{tls.stack + " (" + tls.linkage + ")"};
  if (tls.version) parts.push_back(escape_text(*tls.version));
  if (tls.openssldir) parts.push_back("OPENSSLDIR " + escape_text(*tls.openssldir));
  parts.push_back("roots " + tls.roots);
  if (!tls.cert_paths.empty()) parts.push_back("CA paths " + join_escaped(tls.cert_paths, " "));
  if (!tls.env_overrides.empty()) parts.push_back("honours " + join(tls.env_overrides, " "));
  return join(parts, "; ");
}

// Inconsistencies of the section headers, which no loader reads: the kinds only (the details
// quote the file and are in the JSON report).
std::string tolerated_summary(const std::vector<FileNote>& notes) {
  std::vector<std::string> kinds;
  for (const auto& note : notes) {
    std::string kind = to_id(note.kind);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  if (kinds.empty()) return "";
  return join(kinds, ", ") + " (section headers only; the loader does not read them)";
}

void append_details(std::string& out, const Facts& facts) {
  const ElfFacts& elf = facts.elf;
  append_row(out, "interpreter", escape_text(elf.interpreter.value_or("")));
  append_row(out, "needed", join_escaped(elf.needed, " "));
  append_row(out, "rpath", join_escaped(elf.rpath, ":"));
  append_row(out, "runpath", join_escaped(elf.runpath, ":"));
  append_row(out, "soname", escape_text(elf.soname.value_or("")));
  append_row(out, "versions", version_lines(facts));
  append_row(out, "defines", join_escaped(elf.version_defs, " "));
  append_row(out, "notes", note_summary(elf.notes, elf.machine == "x86_64"));
  append_row(out, "tolerated", tolerated_summary(elf.file_notes));
  if (!elf.stack.empty() && elf.stack != "non-executable") append_row(out, "stack", elf.stack);
  append_row(out, "toolchain", toolchain_summary(elf.toolchain));
  append_row(out, "tls", tls_summary(facts.tls));
}

std::string painted_verdict(Verdict verdict, const Painter& p) {
  std::string text = fmt::format("{:<8}", to_string(verdict));
  if (verdict == Verdict::fail) return p.red(text);
  if (verdict == Verdict::warn) return p.yellow(text);
  return p.paint(text, "32");
}

// The width of the target column: 20, or wider for a long id (an image's, a table's own), so
// that an id never runs into its verdict.
template <typename Verdicts>
size_t id_column(const Verdicts& targets) {
  size_t width = 20;
  for (const auto& target : targets) width = std::max(width, target.target_id.size() + 2);
  return width;
}

void append_matrix(std::string& out, const FileReport& file, const Painter& p) {
  if (file.targets.empty()) return;
  out += "\n";
  size_t width = id_column(file.targets);
  for (const auto& target : file.targets) {
    const Finding* reason = reason_of(target);
    size_t more = 0, suppressed = 0;
    for (const auto& finding : target.findings) {
      if (finding.severity == Severity::info) continue;
      (finding.suppression < 0 ? more : suppressed) += 1;
    }
    std::string extra = reason && more > 1 ? fmt::format(" (+{} more)", more - 1) : "";
    // A suppressed finding stays visible: a pass it made is not a clean one.
    if (suppressed > 0) extra += fmt::format("{}({} suppressed)", reason ? " " : "", suppressed);
    std::string label =
        extra.empty() ? to_string(target.verdict) : fmt::format("{:<8}", to_string(target.verdict));
    std::string verdict = reason ? painted_verdict(target.verdict, p) : p.paint(label, "32");
    out += fmt::format("  {:<{}}{}{}{}\n", escape_text(target.target_id), width, verdict,
                       reason ? escape_text(reason->message) : "", extra);
  }
}

void append_hints(std::string& out, const FileReport& file) {
  std::vector<std::string> seen;
  for (const auto& target : file.targets) {
    for (const auto& finding : target.findings) {
      if (finding.severity == Severity::info || finding.hint.empty()) continue;
      if (finding.suppression >= 0) continue;
      if (std::find(seen.begin(), seen.end(), finding.rule) != seen.end()) continue;
      seen.push_back(finding.rule);
      out += fmt::format("  fix ({}): {}\n", finding.rule, escape_text(finding.hint));
    }
  }
}

void append_summary(std::string& out, const FileReport& file) {
  if (file.targets.empty()) {
    FileType type = file.facts->elf.type;
    if (type == FileType::relocatable || type == FileType::core) {
      out += "\n  not a loadable program or library: no verdict per target\n";
    }
    return;
  }
  const FileSummary& summary = file.summary;
  std::vector<std::string> oldest;
  for (const auto& [family, id] : summary.oldest_per_family) oldest.push_back(id);
  out += fmt::format("\n  passes {} of {} targets ({:.0f}%)", summary.passed.size(),
                     summary.selected, summary.score * 100);
  out += oldest.empty()
             ? "; runs on none of them\n"
             : "; oldest it runs on (pass or warn): " + join_escaped(oldest, ", ") + "\n";
  append_hints(out, file);
}

void append_tree(std::string& out, const std::vector<DependencyNode>& nodes, int depth) {
  for (const auto& node : nodes) {
    std::string where = node.path.empty() ? "" : " => " + escape_text(node.path);
    std::string targets =
        node.missing_on.empty() ? "" : " on " + join_escaped(node.missing_on, ", ");
    out += fmt::format("  {:{}}{}{} [{}{}]\n", "", 2 + depth * 2, escape_text(node.soname), where,
                       node.status, targets);
    append_tree(out, node.children, depth + 1);
  }
}

void append_file(std::string& out, const FileReport& file, const Painter& p, bool tree) {
  if (file.error) {
    out += fmt::format("{}: {}: {}: {}\n", p.bold(escape_text(file.path)), p.red("error"),
                       to_string(file.error->kind), escape_text(file.error->message));
    return;
  }
  const Facts& facts = *file.facts;
  out += fmt::format("{}: {} {} {}, libc {}\n", p.bold(escape_text(file.path)),
                     escape_text(facts.elf.machine), to_string(facts.elf.elf_class),
                     to_string(facts.elf.type), to_string(facts.libc));
  append_headlines(out, facts, p);
  append_details(out, facts);
  append_row(out, "loads", join_escaped(file.loads, " "));
  if (tree && !file.tree.empty()) {
    out += "  tree\n";
    append_tree(out, file.tree, 0);
  }
  append_matrix(out, file, p);
  append_summary(out, file);
}

// The items escaped for the terminal, as short_list gives them.
std::string escaped_short_list(const std::vector<std::string>& items, size_t shown) {
  std::vector<std::string> escaped;
  for (const auto& item : items) escaped.push_back(escape_text(item));
  return short_list(escaped, shown);
}

// "best tag: manylinux_2_17_x86_64", then what the next better tag needs.
void append_policy_tags(std::string& out, const ReleaseReport& release, const Painter& p) {
  for (const auto& tag : release.policy_tags) {
    out += fmt::format("  best tag: {}\n", p.bold(escape_text(tag.tag)));
    if (!tag.next) continue;
    std::string next = escape_text(tag.next->tag);
    if (!tag.note.empty()) {
      out += fmt::format("    {}: {}\n", next, escape_text(tag.note));
      continue;
    }
    out += fmt::format("    to reach {}:\n", next);
    for (size_t i = 0; i < tag.next_blockers.size() && i < 5; ++i) {
      out += fmt::format("      {}\n", escape_text(tag.next_blockers[i]));
    }
    if (tag.next_blockers.size() > 5) {
      out += fmt::format("      ... {} more (--format json lists every one)\n",
                         tag.next_blockers.size() - 5);
    }
  }
  for (const auto& finding : release.wheel_tag_findings) {
    if (finding.suppression >= 0) continue;  // as for files: left out of the text
    out += fmt::format(
        "  {}{}: {}\n",
        painted_verdict(finding.severity == Severity::fail ? Verdict::fail : Verdict::warn, p),
        finding.rule, escape_text(finding.message));
    out += fmt::format("  fix ({}): {}\n", finding.rule, escape_text(finding.hint));
  }
}

void append_release(std::string& out, const ReleaseReport& release, const Painter& p) {
  if (release.files == 0) {
    out += fmt::format("\n{}: no ELF files found\n", p.bold(escape_text(release.path)));
    return;
  }
  out += fmt::format("\n{}: release of {} ELF file{}", p.bold(escape_text(release.path)),
                     release.files, release.files == 1 ? "" : "s");
  out += release.errors ? fmt::format(", {} could not be analysed\n", release.errors) : "\n";
  if (release.targets.empty()) {
    out += "  no verdict: none of its files could be analysed\n";
    return;
  }
  size_t width = id_column(release.targets);
  for (const auto& target : release.targets) {
    std::string reason = target.held_back_by.empty()
                             ? ""
                             : "held back by " + escaped_short_list(target.held_back_by, 3);
    out += fmt::format("  {:<{}}{}{}\n", escape_text(target.target_id), width,
                       reason.empty() ? p.paint(to_string(target.verdict), "32")
                                      : painted_verdict(target.verdict, p),
                       reason);
  }
  std::vector<std::string> oldest;
  for (const auto& [family, id] : release.oldest_per_family) oldest.push_back(id);
  out += oldest.empty()
             ? "  runs on none of the targets\n"
             : "  oldest it runs on (pass or warn): " + join_escaped(oldest, ", ") + "\n";
  if (release.wheel) append_policy_tags(out, release, p);
}

}  // namespace

std::string misnamed_text(const RunSummary& run) {
  if (run.releases_failed == 0) return "";
  return fmt::format(", {} wheel{} named for tags {} not earn", run.releases_failed,
                     run.releases_failed == 1 ? "" : "s",
                     run.releases_failed == 1 ? "it does" : "they do");
}

std::string family_display_name(const std::string& family) {
  if (family == "GLIBC") return "glibc";
  if (family == "GLIBCXX") return "libstdc++ GLIBCXX";
  if (family == "CXXABI") return "libstdc++ CXXABI";
  if (family == "GCC") return "libgcc_s GCC";
  return family;
}

std::string render_text(const Report& report, const TextStyle& style) {
  Painter painter{style.color};
  std::string out;
  for (size_t i = 0; i < report.files.size(); ++i) {
    if (i > 0) out += "\n";
    append_file(out, report.files[i], painter, style.tree);
  }
  for (const auto& release : report.releases) append_release(out, release, painter);
  const RunSummary& run = report.summary;
  if (run.files > 1 || report.skipped > 0 || run.releases_failed > 0) {
    out += fmt::format("\n{} files: {} passed, {} failed, {} could not be analysed{}", run.files,
                       run.passed, run.failed, run.errors, misnamed_text(run));
    out += report.skipped ? fmt::format("; {} other files skipped\n", report.skipped) : "\n";
  }
  return out;
}

}  // namespace portcheck
