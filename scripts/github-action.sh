#!/usr/bin/env bash
# The step of action.yml that runs portcheck. Inputs come as environment variables (PATHS one per
# line, TARGETS, FAIL_ON, SARIF_FILE, HTML_FILE, PORTCHECK); annotations go to the log, the
# Markdown summary to the job's summary page, and exit-code, status and sarif-file to the step's
# outputs. The step ends with portcheck's exit code, so the job fails as portcheck says.
set -uo pipefail
portcheck=${PORTCHECK:-$RUNNER_TEMP/portcheck-build/portcheck}
SARIF_FILE=${SARIF_FILE:-portcheck.sarif}
# A line break in a file name would add lines of its own to $GITHUB_OUTPUT.
if [[ $SARIF_FILE == *$'\n'* || ${HTML_FILE:-} == *$'\n'* ]]; then
  echo "portcheck action: sarif-file and html-file must be one line each" >&2
  echo "exit-code=2" >>"$GITHUB_OUTPUT"
  echo "status=usage-error" >>"$GITHUB_OUTPUT"
  exit 2
fi
mapfile -t lines <<<"${PATHS:-dist}"
inputs=()
for line in "${lines[@]}"; do
  line=${line%$'\r'}
  [ -n "$line" ] && inputs+=("$line")
done
args=(--format github --sarif "$SARIF_FILE" --fail-on "${FAIL_ON:-fail}")
[ -n "${TARGETS:-}" ] && args+=(-t "$TARGETS")
[ -n "${HTML_FILE:-}" ] && args+=(--html "$HTML_FILE")
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && args+=(--markdown "$GITHUB_STEP_SUMMARY")
"$portcheck" "${args[@]}" -- "${inputs[@]}"
code=$?
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
  echo "sarif-file=$SARIF_FILE"
} >>"$GITHUB_OUTPUT"
exit "$code"
