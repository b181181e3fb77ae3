#!/usr/bin/env bash
# Rewrites the state diagram in docs/lifecycle.md from autopilot.transitions, through
# autopilot.lifecycle_diagram(), on any database with the extension (psql uses PG* / the embedded
# cluster's environment). tests/integration/test_lifecycle_docs.sh checks the two agree.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
doc=$AUTOPILOT_ROOT/docs/lifecycle.md
diagram=$(psql -X -v ON_ERROR_STOP=1 -Atq -c "SELECT autopilot.lifecycle_diagram()")
python3 - "$doc" "$diagram" <<'PY'
import re, sys
path, diagram = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"(<!-- BEGIN lifecycle-diagram[^\n]*-->\n```mermaid\n).*?(\n```\n<!-- END lifecycle-diagram -->)", re.S)
if not pattern.search(text):
    sys.exit("no lifecycle-diagram block in " + path)
open(path, "w").write(pattern.sub(lambda m: m.group(1) + diagram + m.group(2), text))
PY
echo "updated $doc"
