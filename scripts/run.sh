#!/bin/sh
# README "run" command: install what the build needs, build, and run the
# main binary on its defaults. Until the server lands (issue: SIP engine),
# that is `trapezoid parse` on a sample INVITE.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh run
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc)" --target trapezoid
exec build/release/trapezoid parse examples/invite.sip
