// The release stage: the files found under one command-line argument (a directory, an archive,
// or a single file with the libraries beside it; portcheck/analyse.hpp) make a release, and
// NEEDED entries are resolved within it as the dynamic loader would resolve them once the
// release is installed.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "portcheck/analyse.hpp"
#include "portcheck/facts.hpp"
#include "portcheck/inputs.hpp"

namespace portcheck {

// Where the loader would look for the file's libraries, relative to its path: its RUNPATH (or
// RPATH when there is none) with $ORIGIN, $LIB and $PLATFORM expanded. Paths inside an archive
// keep the archive prefix ("a.tgz!/lib"); absolute entries count inside archives only. Each
// directory once, in order, at most 256 of them.
std::vector<std::string> library_search_dirs(const Facts& file);

// Lexical normalisation: "a/bin/../lib" -> "a/lib"; keeps an archive prefix intact.
std::string normalize_path(const std::string& path);

// Sets `bundled` and `bundled_paths` of every file from the files of the same release; a
// library may also be found under one of its aliases (symlinks, hard links), and a member of a
// container image where its image's own loader finds it (`image_loaders`, by container).
void resolve_release(std::vector<Facts*>& files,
                     const std::vector<std::pair<std::string, std::string>>& aliases = {},
                     const std::map<std::string, ImageLoader>& image_loaders = {});

// The files of one release by path: built once per release, so that finding what each file
// loads stays linear in the size of the release.
using ReleaseIndex = std::unordered_map<std::string, const Facts*>;
ReleaseIndex index_release(const std::vector<const Facts*>& release_files);

// Every analysed file and disk neighbour grouped by release, NEEDED resolved within each (the
// files' `bundled`, aliases from the walk included); each release's index by path.
std::map<std::string, ReleaseIndex> resolve_releases(AnalysedInputs& analysed);

// The release libraries a file loads, directly or through other bundled libraries, in
// breadth-first order.
std::vector<const Facts*> bundled_closure(const Facts& file, const ReleaseIndex& release);

}  // namespace portcheck
