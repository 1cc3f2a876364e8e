#!/usr/bin/env bash
# The steps of action.yml, one subcommand each:
#   key    writes the cache key of the portcheck binary to the step's outputs: the runner's
#          system and machine and a hash of every file the build reads, so a change to the
#          source, the target table or the dependencies builds anew;
#   build  installs the build dependencies, builds a portable (static) portcheck and puts it in
#          ~/.cache/portcheck-action/bin, the directory the cache steps keep;
#   check  runs portcheck. Inputs come as environment variables (PATHS one per line, TARGETS,
#          FAIL_ON, CONFIG, BASELINES, the report files, SUMMARY, PORTCHECK); annotations go to
#          the log, the Markdown summary to the job's summary page, and exit-code, status and
#          sarif-file to the step's outputs. It ends with portcheck's exit code, so the job fails
#          as portcheck says.
set -uo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=$HOME/.cache/portcheck-action/bin

usage_error() {
  echo "portcheck action: $1" >&2
  echo "exit-code=2" >>"$GITHUB_OUTPUT"
  echo "status=usage-error" >>"$GITHUB_OUTPUT"
  exit 2
}

require_boolean() {  # NAME VALUE
  [[ $2 == true || $2 == false ]] || usage_error "$1 must be true or false, not '${2//$'\n'/ }'"
}

cache_key() {
  require_boolean cache "${CACHE:-true}"
  local hash
  hash=$(cd "$source_dir" && find CMakeLists.txt cmake include src data scripts/install-deps.sh \
    -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32)
  echo "key=portcheck-$(uname -s)-$(uname -m)-$hash" >>"$GITHUB_OUTPUT"
}

build() {
  set -e
  "$source_dir/scripts/install-deps.sh"
  local build_dir=$HOME/.cache/portcheck-action/build
  cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DPORTCHECK_PORTABLE=ON >/dev/null
  cmake --build "$build_dir" -j "$(nproc)"
  mkdir -p "$bin_dir"
  install -m 755 "$build_dir/portcheck" "$bin_dir/portcheck"
  "$bin_dir/portcheck" --version
}

check() {
  local portcheck=${PORTCHECK:-$bin_dir/portcheck}
  local sarif_file=${SARIF_FILE-portcheck.sarif}
  local name
  # A line break in a file name would add lines of its own to $GITHUB_OUTPUT.
  for name in "$sarif_file" "${JSON_FILE:-}" "${JUNIT_FILE:-}" "${GITLAB_FILE:-}" \
    "${MARKDOWN_FILE:-}" "${HTML_FILE:-}" "${CONFIG:-}" "${BASELINES:-}"; do
    [[ $name != *$'\n'* ]] || usage_error "file names must be one line each"
  done
  require_boolean summary "${SUMMARY:-true}"
  local lines line inputs=()
  mapfile -t lines <<<"${PATHS:-dist}"
  for line in "${lines[@]}"; do
    line=${line%$'\r'}
    [ -n "$line" ] && inputs+=("$line")
  done
  local args=(--format github --fail-on "${FAIL_ON:-fail}")
  [ -n "${TARGETS:-}" ] && args+=(-t "$TARGETS")
  case ${CONFIG:-} in
    "") ;;
    none) args+=(--no-config) ;;
    *) args+=(--config "$CONFIG") ;;
  esac
  [ -n "${BASELINES:-}" ] && args+=(--baselines "$BASELINES")
  [ -n "$sarif_file" ] && args+=(--sarif "$sarif_file")
  [ -n "${JSON_FILE:-}" ] && args+=(--json "$JSON_FILE")
  [ -n "${JUNIT_FILE:-}" ] && args+=(--junit "$JUNIT_FILE")
  [ -n "${GITLAB_FILE:-}" ] && args+=(--gitlab "$GITLAB_FILE")
  [ -n "${HTML_FILE:-}" ] && args+=(--html "$HTML_FILE")
  # portcheck writes each report once, so a Markdown file of the user's own is copied to the
  # summary page rather than named twice.
  local markdown=${MARKDOWN_FILE:-}
  if [ -z "$markdown" ] && [ "${SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    markdown=$GITHUB_STEP_SUMMARY
  fi
  [ -n "$markdown" ] && args+=(--markdown "$markdown")
  "$portcheck" "${args[@]}" -- "${inputs[@]}"
  local code=$? status
  if [ -n "${MARKDOWN_FILE:-}" ] && [ "${SUMMARY:-true}" = true ] &&
    [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$MARKDOWN_FILE" ]; then
    cat -- "$MARKDOWN_FILE" >>"$GITHUB_STEP_SUMMARY"
  fi
  case $code in
    0) status=pass ;;
    1) status=fail ;;
    2) status=usage-error ;;
    3) status=input-error ;;
    4) status=write-error ;;
    *) status=crashed ;;
  esac
  {
    echo "exit-code=$code"
    echo "status=$status"
    echo "sarif-file=$sarif_file"
  } >>"$GITHUB_OUTPUT"
  exit "$code"
}

case ${1:-} in
  key) cache_key ;;
  build) build ;;
  check) check ;;
  *) echo "usage: $0 key|build|check" >&2; exit 2 ;;
esac
