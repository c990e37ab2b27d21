#!/usr/bin/env bash
# Installs the Debian packages twitchwise needs beyond Python: npm to vendor the front-end
# libraries and Pango with DejaVu fonts for the PDF report (`build`, for `make run`), plus a
# PostgreSQL server, Chromium and poppler-utils, which the test suite drives for real (`test`,
# the default).
set -euo pipefail
what=${1:-test}
need=()
command -v npm >/dev/null || need+=(nodejs npm)
# The doctor report's PDF, which `make run` serves too: WeasyPrint draws text with Pango and
# embeds DejaVu fonts.
compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$what" = test ]; then
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
    command -v chromium >/dev/null || need+=(chromium)
    command -v chromedriver >/dev/null || need+=(chromium-driver)
    command -v pdftoppm >/dev/null || need+=(poppler-utils)  # the report tests look at its pages
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "twitchwise needs these Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
