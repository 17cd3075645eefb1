#!/usr/bin/env bash
# Benchmark of `hegui audit` on generated call notes, next to `rg -F -f`
# over hegui's own literal terms on the same file (the speed-of-light
# reference: one multi-literal scan, no normalization, no rules).
#
#   bench/run.sh                 # 100 MB and 1 GB files in /tmp/hegui-bench
#   SIZES="10M 100M" bench/run.sh
#
# Prints one table row per run: wall time, MB/s, records/s and peak RSS
# (from /usr/bin/time -v). Installs ripgrep and GNU time if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-100M 1G}"
DIR="${BENCH_DIR:-/tmp/hegui-bench}"
mkdir -p "$DIR"

install() {
  if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y "$@" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$@" >/dev/null; }
  fi
}
command -v rg >/dev/null 2>&1 || install ripgrep || true
command -v rg >/dev/null 2>&1 || cargo install ripgrep
[ -x /usr/bin/time ] || install time

cargo build --release --quiet --example gen-callnotes
cargo build --release --quiet
HEGUI=target/release/hegui
GEN=target/release/examples/gen-callnotes
TERMS="$DIR/terms.txt"
"$HEGUI" audit --dump-terms "$TERMS"

# measure LABEL THREADS FILE RECORDS -- COMMAND...: runs COMMAND under
# /usr/bin/time -v and prints a table row.
measure() {
  local label=$1 threads=$2 file=$3 records=$4
  shift 5
  local log="$DIR/time.log"
  RAYON_NUM_THREADS=$threads /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$DIR/stderr.log" || true
  local wall rss bytes
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  bytes=$(stat -c %s "$file")
  python3 - "$label" "$threads" "$bytes" "$records" "$wall" "$rss" <<'EOF'
import sys
label, threads, size, records, wall, rss = sys.argv[1:]
parts = [float(p) for p in wall.split(":")]
secs = parts[-1] + (parts[-2] * 60 if len(parts) > 1 else 0) + (parts[-3] * 3600 if len(parts) > 2 else 0)
mb = int(size) / 1e6
print(f"| {label:<18} | {threads:>7} | {mb:>9.0f} | {secs:>8.2f} | {mb / secs:>8.1f} | {int(records) / secs:>11.0f} | {int(rss) / 1024:>12.1f} |")
EOF
}

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "rg: $(rg --version 2>/dev/null | head -1); terms: $(wc -l < "$TERMS")"
echo
echo "| run                | threads | size (MB) | wall (s) |     MB/s |   records/s | peak RSS MiB |"
echo "|--------------------|---------|-----------|----------|----------|-------------|--------------|"
for size in $SIZES; do
  file="$DIR/calls-$size.csv"
  [ -f "$file.records" ] || "$GEN" --size "$size" --out "$file" 2>&1 | awk '{print $2}' > "$file.records"
  records=$(cat "$file.records")
  measure "rg -F -f (ref)" 1 "$file" "$records" -- rg -F -f "$TERMS" --count "$file"
  measure "hegui audit" 1 "$file" "$records" -- "$HEGUI" audit "$file" --output-dir "$DIR/out-$size"
  measure "hegui audit" "$(nproc)" "$file" "$records" -- "$HEGUI" audit "$file" --output-dir "$DIR/out-$size"
done
echo
echo "rg runs single-threaded on one file; hegui's 1-thread runs use one rayon worker, which reads, checks and writes."
