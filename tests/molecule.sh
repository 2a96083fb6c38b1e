#!/usr/bin/env bash
# tests/molecule.sh [SCENARIO...]: `molecule test` for every scenario in molecule/ (or the ones named),
# MOLECULE_JOBS at a time (default 3: most of a scenario is waiting on apt and docker). Each scenario's
# output goes to logs/molecule/SCENARIO.log; a failing one's tail is printed. Fails if any scenario fails.
# (molecule's own --workers wants a collection at the project root.)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p logs/molecule
if [ $# -eq 0 ]; then
  set -- $(for f in molecule/*/molecule.yml; do basename "$(dirname "$f")"; done)
fi
one() {
  local name=$1 log=logs/molecule/$1.log start=$SECONDS
  if molecule test -s "$name" > "$log" 2>&1; then
    echo "passed $name in $((SECONDS - start)) s"
  else
    echo "FAILED $name in $((SECONDS - start)) s; the end of $log:"
    tail -n 40 "$log" | sed "s/^/  $name| /"
    return 1
  fi
}
export -f one
printf '%s\n' "$@" | xargs -P "${MOLECULE_JOBS:-3}" -I{} bash -c 'one {}'
