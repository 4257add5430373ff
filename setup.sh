#!/bin/sh
# Installs what huibao needs on Debian/Ubuntu, builds it, and runs it on a
# bundled sample report.  Safe to run again.
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential pkg-config libpcre2-dev libutf8proc-dev libjansson-dev libcmocka-dev libopencc-dev \
    python3 python3-jieba python3-jsonschema valgrind clang libclang-rt-dev \
    chromium fonts-noto-cjk libxlsxwriter-dev python3-openpyxl python3-cffi python3-pandas \
    python3-distributed >/dev/null
make -j"$(nproc)"
./build/huibao extract --pretty corpus/annual_transport.txt
