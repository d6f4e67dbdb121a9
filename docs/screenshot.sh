#!/usr/bin/env bash
# Re-render the README pictures from the demo's weekly briefing to 武义's leader (after `make run`; without
# an outbox, `bipin preview 武义` writes the same email): docs/weekly-briefing.png at desktop width (760 px)
# and docs/weekly-briefing-phone.png, the first two screens at phone width (375 px).
# Needs Debian's chromium and a CJK font: apt-get install chromium fonts-wqy-microhei
set -euo pipefail
cd "$(dirname "$0")/.."
html=$(ls var/outbox/weekly/*/leader_at_wuyi*.html 2>/dev/null | tail -n 1 || true)
if [ -z "$html" ]; then
  html=$(.venv/bin/bipin --home var preview 武义 --kind weekly | tail -n 1)
  html=${html#"$PWD/"}
fi
profile=$(mktemp -d)
shoot() {  # width, output
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
    --window-size="$1",9000 --screenshot="$2" "file://$PWD/$html" 2>/dev/null
}
shoot 760 var/weekly-full.png
shoot 375 var/weekly-phone-full.png
# trim the empty canvas below the email; the phone picture keeps its first two screens (2 x 667 px)
.venv/bin/python - <<'PY'
import numpy as np
from PIL import Image

def save(src, dest, max_height=None):
    im = Image.open(src).convert("RGB")
    rows = np.where((np.asarray(im.convert("L")) < 200).any(axis=1))[0]
    bottom = int(rows.max()) + 24
    im = im.crop((0, 0, im.width, min(bottom, max_height or bottom)))
    im.quantize(colors=128).save(dest, optimize=True)  # a palette keeps the file small

save("var/weekly-full.png", "docs/weekly-briefing.png")
save("var/weekly-phone-full.png", "docs/weekly-briefing-phone.png", 2 * 667)
PY
echo "wrote docs/weekly-briefing.png and docs/weekly-briefing-phone.png from $html"
