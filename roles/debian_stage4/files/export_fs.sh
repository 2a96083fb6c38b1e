#!/bin/sh
# export_fs.sh STAGE4_DIR OVERLAY_DIR EXCLUDE...: write STAGE4_DIR/stage4.tar (/ without /boot and the
# EXCLUDEd paths, with the files of OVERLAY_DIR in place of Docker's) and STAGE4_DIR/boot.tar (/boot).
# An EXCLUDE of the form DIR/* keeps DIR, empty. Each tarball is written to a temporary file first and
# replaces the old one only when it differs: prints "replaced NAME" or "unchanged NAME".
set -eu
dest=$1 overlay=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work" "$dest"/.stage4.tar.new "$dest"/.boot.tar.new' EXIT
# Docker's own files, and the overlay's which replace them
for path in "$@" /boot /etc/hostname /etc/hosts /etc/resolv.conf /.dockerenv "$overlay"; do
    echo ".${path%/\*}" >> "$work/exclude"
done
# A kept directory's mtime changes whenever something (apt, Ansible) writes in it: it goes in empty, with
# its owner and mode and a fixed mtime, so that the same system gives the same bytes.
mkdir "$work/empty"
for path in "$@" '/boot/*'; do
    case $path in */\*) dir=${path%/\*} ;; *) continue ;; esac
    [ -d "$dir" ] || continue
    mkdir -p "$work/empty$dir"
    chown --reference="$dir" "$work/empty$dir"
    chmod --reference="$dir" "$work/empty$dir"
    echo ".$dir" >> "$work/kept"
done
find "$work/empty" -exec touch --no-dereference --date=@0 {} +

cd /
tar --create --file "$dest"/.stage4.tar.new --sort=name --numeric-owner --one-file-system --anchored \
    --exclude-from "$work/exclude" .
tar --append --file "$dest"/.stage4.tar.new --numeric-owner --no-recursion -C "$work/empty" \
    --files-from "$work/kept"
tar --append --file "$dest"/.stage4.tar.new --sort=name --numeric-owner -C "$overlay" ./etc/hostname ./etc/hosts
tar --create --file "$dest"/.boot.tar.new --sort=name --numeric-owner ./boot

for name in stage4.tar boot.tar; do
    if cmp -s "$dest/.$name.new" "$dest/$name"; then
        echo "unchanged $name"
    else
        mv "$dest/.$name.new" "$dest/$name"
        echo "replaced $name"
    fi
done
