#!/usr/bin/env bash
# Installs what tests/a11y_tools.py needs on a fresh Debian machine (run as root):
#   - Debian's Chromium (/usr/bin/chromium): Playwright's own browser download
#     cannot work here (only package registries are reachable).
#   - A Java runtime (17+) for the Nu HTML Checker (vnu.jar).
#   - Fonts so screenshots of Latin and Arabic (RTL) pages show glyphs, not boxes;
#     the same fonts are embedded in the printable leaflets.
#   - poppler-utils (pdftotext, pdftoppm) for the leaflet tests and the README's
#     picture of a leaflet (the leaflets themselves are typeset by the typst wheel).
#   - The pinned npm packages from package-lock.json (vnu-jar, axe-core,
#     playwright-core).
# Idempotent: apt steps whose results already exist are skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

pkgs=()
[[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
# pdftotext reads the printed PDFs (tests/a11y/print.mjs): what each sheet of paper holds.
command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
# GNU gettext (msgmerge, msgcat, msgfmt): tests/test_po_fidelity.py checks our PO files against it.
command -v msgmerge >/dev/null 2>&1 || pkgs+=(gettext)
# DejaVu Sans (Latin + basic Arabic) is fontconfig's default sans-serif; the
# small fonts-noto-ui-core (~1.4 MB) adds Noto Sans/Naskh Arabic UI and Indic/Thai.
dpkg-query -W -f='${Status}' fonts-noto-ui-core 2>/dev/null | grep -q 'ok installed' \
  || pkgs+=(fonts-noto-ui-core)
dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q 'ok installed' \
  || pkgs+=(fonts-dejavu-core)

for pkg in poppler-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || pkgs+=("$pkg")
done

if ((${#pkgs[@]})); then
  echo "a11y install: apt-get install ${pkgs[*]}"
  log="$(mktemp)"
  # Output only on failure (apt's stderr is noisy even when all goes well).
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } \
    >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "a11y install: node and npm (Node.js >= 20) are required" >&2
  exit 1
fi

cd "$here"
# Skip npm ci when node_modules was installed from this exact lock file.
stamp=node_modules/.installed-lock.sha256
if ! sha256sum --status -c "$stamp" 2>/dev/null; then
  # --ignore-scripts: vnu-jar's postinstall would try to download a JRE from
  # the internet; we use the system java instead. Nothing else has scripts.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  sha256sum package-lock.json > "$stamp"
fi
echo "a11y install: ok"
