#!/usr/bin/env bash
# Playwright cannot download browsers here: use Debian's chromium, installing it when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo 'chromium is missing: sudo apt-get install chromium' >&2
  exit 1
fi
