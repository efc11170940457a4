#!/usr/bin/env bash
# Installs the system libraries BoothApp needs when they are missing (Debian/Ubuntu).
# Runs apt-get directly as root, through sudo when available, and otherwise says what to install.
set -euo pipefail

# shared library -> Debian package providing it
declare -A LIBS=(
  [libzbar.so.0]=libzbar0                 # pyzbar backend
  [libEGL.so.1]=libegl1                   # Qt offscreen/xcb
  [libGL.so.1]=libgl1
  [libxkbcommon.so.0]=libxkbcommon0
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libfontconfig.so.1]=libfontconfig1
  [libdbus-1.so.3]=libdbus-1-3
  [libxcb-cursor.so.0]=libxcb-cursor0     # Qt xcb platform (a real window)
  [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-randr.so.0]=libxcb-randr0
  [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-image.so.0]=libxcb-image0
  [libxcb-xkb.so.1]=libxcb-xkb1
)
# commands the tests and screenshots use -> package
declare -A CMDS=(
  [pdftoppm]=poppler-utils                # render report pages to look at them
  [Xvfb]=xvfb                             # screenshots of the real window
  [openssl]=openssl                       # certificates for the STARTTLS/SSL mail tests
  [cage]=cage                             # kiosk stand compositor (packaging/kiosk unit + its test)
  [sqlite3]=sqlite3                       # the plain SQLite tool must fail on an encrypted db
)
# fonts-noto-core: the PDF report's fallback for scripts DejaVu lacks (Ethiopic, Devanagari, ...)
# tesseract-ocr-*: the language models the business-card reader uses (through tesserocr)
EXTRA_PKGS=(fonts-dejavu-core fonts-noto-core tesseract-ocr tesseract-ocr-eng tesseract-ocr-tur
            tesseract-ocr-deu tesseract-ocr-ell tesseract-ocr-fas)

missing=()
for lib in "${!LIBS[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${LIBS[$lib]}")
done
for cmd in "${!CMDS[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${CMDS[$cmd]}")
done
# PostgreSQL server binaries: the multi-device hub and its integration tests
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# Dovecot (in /usr/sbin, often not on a user's PATH): the IMAP Sent-folder lookup's tests
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  missing+=(dovecot-core dovecot-imapd)
elif [ ! -x /usr/lib/dovecot/imap ]; then
  missing+=(dovecot-imapd)                # the core alone has no IMAP service
fi
# `python3 -m venv` needs ensurepip; Debian's python3 ships it in python3-venv (a bare shell whose
# PATH reaches /usr/bin/python3 before any other Python).
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
for pkg in "${EXTRA_PKGS[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "BoothApp needs these system packages (Debian names): ${missing[*]}" >&2
  echo "Install their equivalents with your system's package manager, then run make again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "BoothApp needs these system packages: ${missing[*]}" >&2
  echo "Run: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# An image whose package lists are empty cannot find anything: update once first.
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
