#!/usr/bin/env bash
# Builds the example drum dataset OUT_DIR/{train,test}/<class>/ from Debian's hydrogen-drumkits:
# classes by instrument type, test kits never seen in training. Deterministic and idempotent.
# With --val, whole training kits also go to OUT_DIR/val/ (off by default; make run does not use it).
# usage: scripts/make-example-data.sh OUT_DIR [--kits DIR] [--val]
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 OUT_DIR [--kits DIR] [--val]" >&2
  exit 2
fi
# Debian's own interpreter: the helper needs only the standard library.
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3
exec "$PYTHON" "$(dirname "$0")/example_data.py" "$@"
