#!/usr/bin/env bash
# Re-render docs/weekly-briefing.png from the demo's weekly briefing (after `make run`).
# Needs Debian's chromium and a CJK font: apt-get install chromium fonts-wqy-microhei
set -euo pipefail
cd "$(dirname "$0")/.."
html=$(ls var/outbox/weekly/*/leader_at_wuyi*.html | tail -n 1)
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --window-size=760,6000 --screenshot=var/weekly-full.png "file://$PWD/$html" 2>/dev/null
# trim the empty canvas below the email
.venv/bin/python - <<'PY'
import numpy as np
from PIL import Image
im = Image.open("var/weekly-full.png").convert("RGB")
rows = np.where((np.asarray(im.convert("L")) < 200).any(axis=1))[0]
im = im.crop((0, 0, im.width, int(rows.max()) + 24))
im.quantize(colors=128).save("docs/weekly-briefing.png", optimize=True)  # a palette keeps the file small
PY
echo "wrote docs/weekly-briefing.png from $html"
