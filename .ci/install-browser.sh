#!/usr/bin/env bash
# Test prerequisites: Debian's chromium (headless browser tests) and gpsbabel (GPX reader), the pinned
# Leaflet/jQuery/plugin files and Swagger UI (the API docs) copied from npm into the git-ignored
# maps/vendor/, and the GeoJSON schemas (npm, left in node_modules/ for the tests).
# Idempotent; run from anywhere. Usage: bash .ci/install-browser.sh [--assets-only]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: chromium (browser tests), gpsbabel (an independent GPX reader
# for the export tests), poppler-utils (pdftotext: the posters' and report's text), zbar-tools
# (zbarimg: the posters' QR codes decoded) and the Pango/fontconfig libraries WeasyPrint (pip)
# renders PDF with, with the DejaVu fonts.
if [ "${1:-}" != "--assets-only" ]; then
    missing=""
    [ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
    command -v gpsbabel >/dev/null || missing="$missing gpsbabel"
    command -v pdftotext >/dev/null || missing="$missing poppler-utils"
    command -v zbarimg >/dev/null || missing="$missing zbar-tools"
    ldconfig -p | grep -q libpangoft2-1.0 || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
    ldconfig -p | grep -q libharfbuzz-subset || missing="$missing libharfbuzz-subset0"
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
    if [ -n "$missing" ]; then
        echo "Installation des paquets Debian :$missing…"
        SUDO=""
        if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        # shellcheck disable=SC2086
        $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
fi

VENDOR=maps/vendor
STAMP="$VENDOR/.stamp-$(sha1sum package-lock.json | cut -c1-12)"
if [ -f "$STAMP" ] && [ -d node_modules/geojson-schema ]; then
    exit 0
fi
echo "Copie des bibliothèques JavaScript (npm ci) dans $VENDOR/…"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf "$VENDOR"
mkdir -p "$VENDOR/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$VENDOR/"
cp node_modules/leaflet/dist/images/*.png "$VENDOR/images/"
cp node_modules/leaflet/LICENSE "$VENDOR/LICENSE.leaflet"
cp node_modules/jquery/dist/jquery.min.js "$VENDOR/"
cp node_modules/jquery/LICENSE.txt "$VENDOR/LICENSE.jquery"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$VENDOR/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$VENDOR/LICENSE.markercluster"
cp node_modules/leaflet.heat/dist/leaflet-heat.js "$VENDOR/"
cp node_modules/leaflet.heat/LICENSE "$VENDOR/LICENSE.heat"
mkdir -p "$VENDOR/swagger"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/favicon-32x32.png "$VENDOR/swagger/"
cp node_modules/swagger-ui-dist/LICENSE "$VENDOR/swagger/LICENSE.swagger-ui"
# The web application: HTMX and the Pico CSS foundation (served under /static/vendor/), and
# axe-core for the accessibility checks of the browser tests.
mkdir -p "$VENDOR/web"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/@picocss/pico/css/pico.min.css "$VENDOR/web/"
cp node_modules/htmx.org/LICENSE "$VENDOR/web/LICENSE.htmx"
cp node_modules/@picocss/pico/LICENSE.md "$VENDOR/web/LICENSE.pico"
cp node_modules/axe-core/axe.min.js "$VENDOR/web/axe.min.js"
node -e 'const l=require("./package-lock.json").packages; const o={}; for (const [k,v] of Object.entries(l)) if (k) o[k.replace("node_modules/","")]=v.version; console.log(JSON.stringify(o,null,1))' > "$VENDOR/versions.json"
touch "$STAMP"
