#!/bin/sh
# Per-user install of the fieldvisit bundle on Linux (no root needed).
#
#   ./install.sh              copies this folder to ~/.local/opt/fieldvisit, adds
#                             ~/.local/bin/fieldvisit, the menu entry and the icon
#   ./install.sh --uninstall  removes them again; the visits stay where they are
#
# Run it from the bundle folder (dist/fieldvisit, or wherever it was unpacked).
# User data is not part of the install: visits, photos and backups live in
# ~/.local/share/fieldvisit (platformdirs' user data dir, or $FIELDVISIT_DATA_DIR),
# the log in ~/.local/state/fieldvisit, the settings in ~/.config/fieldvisit.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
TARGET="${FIELDVISIT_INSTALL_DIR:-$HOME/.local/opt/fieldvisit}"
BIN_DIR="$HOME/.local/bin"
APPS="$DATA_HOME/applications"
ICONS="$DATA_HOME/icons/hicolor"

refresh_menus() {
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$ICONS" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$TARGET"
    rm -f "$BIN_DIR/fieldvisit" "$APPS/fieldvisit.desktop" \
        "$ICONS/scalable/apps/fieldvisit.svg" "$ICONS/256x256/apps/fieldvisit.png"
    refresh_menus
    echo "fieldvisit est désinstallé. Vos données restent dans ${FIELDVISIT_DATA_DIR:-$DATA_HOME/fieldvisit} :"
    echo "supprimez ce dossier vous-même pour les effacer."
    exit 0
fi

[ -x "$HERE/fieldvisit" ] || { echo "install.sh : lancez-le depuis le dossier de fieldvisit" >&2; exit 2; }
if [ "$HERE" != "$TARGET" ]; then
    rm -rf "$TARGET"
    mkdir -p "$(dirname "$TARGET")"
    cp -a "$HERE" "$TARGET"
fi
mkdir -p "$BIN_DIR" "$APPS" "$ICONS/scalable/apps" "$ICONS/256x256/apps"
ln -sf "$TARGET/fieldvisit" "$BIN_DIR/fieldvisit"
sed -e "s|^Exec=.*|Exec=\"$TARGET/fieldvisit\"|" -e "s|^TryExec=.*|TryExec=$TARGET/fieldvisit|" \
    -e "/^# install.sh/d" "$TARGET/fieldvisit.desktop" >"$APPS/fieldvisit.desktop"
cp "$TARGET/fieldvisit.svg" "$ICONS/scalable/apps/fieldvisit.svg"
cp "$TARGET/fieldvisit.png" "$ICONS/256x256/apps/fieldvisit.png"
refresh_menus
echo "fieldvisit $("$TARGET/fieldvisit" --version | cut -d' ' -f2) est installé dans $TARGET"
echo "(menu Bureautique, ou la commande fieldvisit si $BIN_DIR est dans le PATH)."
