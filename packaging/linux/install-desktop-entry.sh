#!/bin/sh
# Add Strop to this user's application menu (Linux): run it from the built folder, e.g.
#     dist/Strop/install-desktop-entry.sh
# It installs the icon into ~/.local/share/icons/hicolor and a strop.desktop entry whose
# Exec points at the strop executable next to this script. Remove with --uninstall.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
ICONS="$HERE/_internal/resources/icons"
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$DATA/applications/strop.desktop" "$DATA/icons/hicolor/scalable/apps/strop.svg"
    for size in 16 24 32 48 64 128 256 512; do
        rm -f "$DATA/icons/hicolor/${size}x${size}/apps/strop.png"
    done
    echo "Strop removed from the application menu."
    exit 0
fi
[ -x "$HERE/strop" ] || { echo "No strop executable next to this script ($HERE)." >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    cp "$ICONS/strop-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/strop.png"
done
mkdir -p "$DATA/icons/hicolor/scalable/apps" "$DATA/applications"
cp "$ICONS/strop.svg" "$DATA/icons/hicolor/scalable/apps/strop.svg"
sed "s|^Exec=.*|Exec=\"$HERE/strop\" %f|" "$HERE/strop.desktop" > "$DATA/applications/strop.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "Strop added to the application menu ($DATA/applications/strop.desktop)."
