# shellcheck shell=bash
# apt with a configuration of its own, one per Debian suite: nothing of /etc/apt is read, nothing
# of it is written. Sourced by scripts/measure-library-versions.sh.
#
# The caller sets, before calling any function:
#   APT_SUITE_DIR      the directory holding one apt state per suite (<dir>/<suite>/...)
#   APT_SUITE_MIRROR   the archive (default http://deb.debian.org/debian)
#   APT_SUITE_KEYRING  the archive keyring (default /usr/share/keyrings/debian-archive-keyring.gpg)
# Functions:
#   apt_suite_opts SUITE     prints the apt-get options, one a line (read them with mapfile)
#   apt_suite_setup SUITE    creates the state directories and the sources.list (main, amd64)
#   apt_suite_update SUITE MAX_AGE_MIN FORCE OFFLINE
#                            runs `apt-get update` unless the lists are younger than MAX_AGE_MIN
#                            minutes (FORCE=1 always updates, OFFLINE=1 never does); returns
#                            non-zero when the update fails (a suite the archive does not have;
#                            remembered as <dir>/<suite>/absent for MAX_AGE_MIN minutes)
#   apt_suite_packages SUITE prints the suite's Packages index(es) as text
#   apt_suite_fetch_contents SUITE
#                            downloads the suite's main/Contents-amd64.gz (which package ships
#                            which path) next to the lists, checked against the SHA256 of the
#                            Release file apt verified; prints "verified", or "unverified" when
#                            the archive's copy does not match that Release file (a mirror
#                            caught mid-sync) and the unchecked copy was taken, or "none"
#   apt_suite_contents SUITE prints that Contents index as text

APT_SUITE_MIRROR=${APT_SUITE_MIRROR:-http://deb.debian.org/debian}
APT_SUITE_KEYRING=${APT_SUITE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

apt_suite_opts() {
  local dir=$APT_SUITE_DIR/$1
  printf '%s\n' \
    -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Parts=/dev/null -o Dir::Etc::Preferences=/dev/null \
    -o Dir::Etc::PreferencesParts=/dev/null -o "Dir::State=$dir/state" \
    -o "Dir::State::Lists=$dir/lists" -o "Dir::State::status=$dir/status" \
    -o "Dir::Cache=$dir/cache" -o APT::Architecture=amd64 -o APT::Architectures=amd64 \
    -o APT::Sandbox::User=root -o Debug::NoLocking=1 -o Acquire::Languages=none \
    -o APT::Get::List-Cleanup=0 -o Acquire::Retries=3
}

apt_suite_setup() {
  local suite=$1 dir=$APT_SUITE_DIR/$1
  [ -r "$APT_SUITE_KEYRING" ] || {
    echo "apt-suite: $APT_SUITE_KEYRING missing (apt-get install debian-archive-keyring)" >&2
    return 1
  }
  mkdir -p "$dir/state" "$dir/lists/partial" "$dir/cache/archives/partial"
  [ -f "$dir/status" ] || : >"$dir/status"
  echo "deb [arch=amd64 signed-by=$APT_SUITE_KEYRING] $APT_SUITE_MIRROR $suite main" \
    >"$dir/sources.list"
}

apt_suite_update() {
  local suite=$1 max_age=$2 force=$3 offline=$4 dir=$APT_SUITE_DIR/$1 opts
  local stamp=$dir/lists/.updated absent=$dir/absent
  if [ "$offline" = 1 ]; then [ ! -f "$absent" ]; return; fi
  if [ "$force" != 1 ] && [ -n "$(find "$stamp" "$absent" -mmin "-$max_age" 2>/dev/null)" ]; then
    [ ! -f "$absent" ]; return
  fi
  mapfile -t opts < <(apt_suite_opts "$suite")
  echo "== apt-get update ($suite)"
  if ! apt-get "${opts[@]}" -qq update 2>"$dir/update.log"; then
    # Remembered for MAX_AGE_MIN too: a suite the archive dropped is not asked for each run.
    sed 's/^/  /' "$dir/update.log" >&2
    touch "$absent"
    return 1
  fi
  rm -f "$absent"
  touch "$stamp"
}

apt_suite_index() {
  local dir=$APT_SUITE_DIR/$1 pattern=$2
  find "$dir/lists" -maxdepth 1 -name "$pattern" -print0 | sort -z |
    xargs -0 -r /usr/lib/apt/apt-helper cat-file
}

apt_suite_packages() { apt_suite_index "$1" '*_main_binary-amd64_Packages*'; }
apt_suite_contents() { /usr/lib/apt/apt-helper cat-file "$APT_SUITE_DIR/$1/Contents-amd64.gz"; }

apt_suite_fetch_contents() {
  local suite=$1 dir=$APT_SUITE_DIR/$1 release sha opts
  local target=$dir/Contents-amd64.gz url=$APT_SUITE_MIRROR/dists/$1/main/Contents-amd64.gz
  release=$(find "$dir/lists" -maxdepth 1 -name '*_InRelease' | head -n1)
  [ -n "$release" ] || { echo none; return 0; }
  sha=$(awk '/^SHA256:/ { f = 1; next } /^[^ ]/ { f = 0 }
    f && $3 == "main/Contents-amd64.gz" { print $1 }' "$release")
  if [ -f "$target" ] && [ -n "$sha" ] && [ "$(sha256sum <"$target" | cut -d' ' -f1)" = "$sha" ]; then
    echo verified; return 0
  fi
  mapfile -t opts < <(apt_suite_opts "$suite")
  rm -f "$target.new"
  if [ -n "$sha" ] && /usr/lib/apt/apt-helper "${opts[@]}" -qq download-file "$url" "$target.new" \
      "SHA256:$sha" >/dev/null 2>&1; then
    mv "$target.new" "$target"; echo verified; return 0
  fi
  rm -f "$target.new"
  if /usr/lib/apt/apt-helper "${opts[@]}" -qq download-file "$url" "$target.new" >/dev/null 2>&1; then
    mv "$target.new" "$target"; echo unverified; return 0
  fi
  rm -f "$target.new"
  if [ -f "$target" ]; then echo unverified; else echo none; fi
}
