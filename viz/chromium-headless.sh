#!/bin/sh
# Debian's chromium with the flags this sandbox needs; kaleido finds it through BROWSER_PATH.
exec "${CHROMIUM:-/usr/bin/chromium}" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync "$@"
