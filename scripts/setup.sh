#!/usr/bin/env bash
# Installs the Debian packages SplatLift links against (libpng, TurboJPEG) when they are missing.
set -euo pipefail
missing=()
for pkg in libpng-dev libturbojpeg0-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
