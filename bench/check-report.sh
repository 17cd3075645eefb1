#!/usr/bin/env bash
# Opens the audit's HTML report in headless Chromium with networking cut off
# and takes a screenshot, to check that the report is self-contained and that
# its charts render. Not part of `cargo test` (CI has no browser).
#
#   bench/check-report.sh [OUT_DIR]     # default /tmp/hegui-report
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/hegui-report}"
mkdir -p "$OUT"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
  CHROMIUM=$(command -v chromium)
fi

# Without a CJK font the Chinese labels render as boxes (the report names
# system fonts only; it embeds none).
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh)" ]; then
  apt-get install -y fonts-noto-cjk >/dev/null 2>&1 || true
fi

cargo build --release --quiet --example gen-callnotes
cargo build --release --quiet
target/release/examples/gen-callnotes --size 2M --out "$OUT/calls.csv" 2>/dev/null
target/release/hegui audit "$OUT/calls.csv" --output-dir "$OUT" || [ $? -eq 1 ]

# No network: a proxy that does not exist, and no background traffic.
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --no-first-run --user-data-dir="$(mktemp -d)"
  --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>'
  --window-size=1200,3000 --hide-scrollbars)
"$CHROMIUM" "${flags[@]}" --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>/dev/null
"$CHROMIUM" "${flags[@]}" --dump-dom "file://$OUT/report.html" 2>/dev/null > "$OUT/dom.html"

charts=$(grep -o '<svg class="chart" id="chart-[a-z]*"' "$OUT/dom.html" | wc -l)
bars=$(grep -o '<rect ' "$OUT/dom.html" | wc -l)
echo "rendered DOM: $charts charts, $bars bars; screenshot: $OUT/report.png"
if grep -Eq 'https?://' "$OUT/report.html"; then
  echo "report references a URL" >&2
  exit 1
fi
[ "$charts" -ge 6 ] && [ "$bars" -gt 24 ] && [ -s "$OUT/report.png" ]
