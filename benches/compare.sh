#!/usr/bin/env bash
# Whole-command comparison for BENCHMARKS.md: `pizhu outline` on a ~10 MB GB18030 file
# against `iconv -f GB18030 -t UTF-8` on the same file, and pizhu's peak memory.
# Needs hyperfine and GNU time (apt-get install -y hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
big=target/bench-data/big.gb18030.txt
if [ ! -f "$big" ]; then
  mkdir -p target/bench-data
  bash ../shared/tools/make-big.sh "$big" 14 gb18030
fi
cargo build --release --quiet
size=$(stat -c %s "$big")
echo "input: $big, $size bytes"
hyperfine --warmup 3 --runs 30 -N \
  "iconv -f GB18030 -t UTF-8 $big" \
  "./target/release/pizhu outline $big --format json"
peak_kb=$(/usr/bin/time -f %M ./target/release/pizhu outline "$big" --format json 2>&1 >/dev/null | tail -1)
echo "peak RSS: ${peak_kb} kB = $(( peak_kb * 1024 * 100 / size ))% of the file size (goal: ≤ 400%)"
