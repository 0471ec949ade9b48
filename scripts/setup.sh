#!/usr/bin/env bash
# Installs what SplatLift needs when it is missing: the Debian packages it links against (libpng,
# TurboJPEG). With --test also what the test suite drives: headless Chromium and its WebDriver for
# the viewer's browser test (docs/VIEWER.md), the Python packages that test uses (selenium, numpy,
# Pillow), and Ray for the block runner's test (docs/SCALE.md).
set -euo pipefail
packages=(libpng-dev libturbojpeg0-dev pkg-config)
[ "${1:-}" = "--test" ] && packages+=(chromium chromium-driver)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
if [ "${1:-}" = "--test" ] && command -v python3 >/dev/null && ! python3 -c "import selenium, numpy, PIL, ray" 2>/dev/null; then
  echo "Installing: selenium numpy pillow ray (pip)"
  python3 -m pip install -q selenium numpy pillow ray
fi
