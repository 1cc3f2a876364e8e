// Dumping the JSON documents of the render stage: reports, SARIF and captured targets hold names
// read from inputs, which need not be UTF-8 (docs/json.md, "Strings").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "portcheck/baseline.hpp"

namespace portcheck {

// Every string and key of `document` through escape_json, dumped with two-space indentation,
// then made safe for a log (json_for_log).
std::string dump_escaped(nlohmann::ordered_json document);

// `value` dumped as dump_escaped does but without the final newline, laid out for a place `depth`
// levels deep in a document, so that a large document can be dumped a piece at a time.
std::string dump_escaped_at(nlohmann::ordered_json value, int depth);

// One target of the table in the schema of data/baselines.json (targets.cpp).
nlohmann::ordered_json target_json(const Target& target, const std::string& table_date);

}  // namespace portcheck
