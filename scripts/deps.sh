#!/bin/sh
# Install the Debian 12 packages the build and tests need, when missing.
# usage: scripts/deps.sh [run|test]
set -eu
pkgs="build-essential cmake pkg-config libc-ares-dev libjansson-dev"
pkgs="$pkgs libsqlite3-dev libssl-dev"
if [ "${1:-run}" = test ]; then
	# clang + compiler-rt + libFuzzer for the fuzz targets, clang-format
	# for the style check
	pkgs="$pkgs clang-14 libclang-rt-14-dev libfuzzer-14-dev clang-format"
	# SIPp drives the scenario tests; jq reads tzphone's JSON events;
	# Kamailio is the independent proxy of the tzphone interop test
	pkgs="$pkgs sip-tester jq kamailio"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
fi
