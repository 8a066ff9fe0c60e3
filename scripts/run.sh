#!/bin/sh
# README "run" command: install what the build needs, build, and run the
# server on its defaults (udp+tcp 127.0.0.1:5060, domain localhost,
# control socket ./trapezoid.db.ctl). Extra arguments go to
# `trapezoid serve` (keys: docs/configuration.md). tzphone is built beside
# it (build/release/tzphone).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh run
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc)" --target trapezoid tzphone
exec build/release/trapezoid serve "$@"
