#!/usr/bin/env bash
# Installs what SplatLift needs when it is missing: the Debian packages it links against (libpng,
# TurboJPEG), headless Chromium and its WebDriver for the viewer's browser test (docs/VIEWER.md),
# and the Python packages that test drives the browser with (selenium; numpy and Pillow).
set -euo pipefail
missing=()
for pkg in libpng-dev libturbojpeg0-dev pkg-config chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
if command -v python3 >/dev/null && ! python3 -c "import selenium, numpy, PIL" 2>/dev/null; then
  echo "Installing: selenium numpy pillow (pip)"
  python3 -m pip install -q selenium numpy pillow
fi
