#!/bin/sh
# Builds a minimal bootable Debian bookworm image for machine-layer integration tests, until the real image
# builder lands. Output (cached; a rerun with the same script is a no-op):
#   $OUT/disk.qcow2  ext4 root fs, no partition table (root=/dev/vda)
#   $OUT/vmlinuz     the guest's kernel
#   $OUT/initrd.img  the guest's initrd (MODULES=most, so virtio_console loads and the agent starts)
# Usage: dev-image.sh [OUT]   (default: ~/.cache/hostspec/dev-image)
set -eu
OUT=${1:-${HOME}/.cache/hostspec/dev-image}
if [ -f "$OUT/disk.qcow2" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ]; then
  echo "$OUT"
  exit 0
fi
mkdir -p "$(dirname "$OUT")"
WORK=$(mktemp -d "$(dirname "$OUT")/.dev-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
mmdebstrap --variant=apt \
  --include=systemd,systemd-sysv,udev,dbus,qemu-guest-agent,linux-image-cloud-amd64,iproute2,procps \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && echo MODULES=most > "$1/etc/initramfs-tools/conf.d/hostspec"' \
  --customize-hook=': > "$1/etc/fstab"' \
  --customize-hook='echo devhost > "$1/etc/hostname"' \
  --customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 devhost\n" > "$1/etc/hosts"' \
  --customize-hook='chroot "$1" passwd -d root' \
  --customize-hook='rm -f "$1/etc/machine-id" && touch "$1/etc/machine-id"' \
  bookworm "$ROOT" >"$WORK/mmdebstrap.log" 2>&1 || { tail -n 40 "$WORK/mmdebstrap.log" >&2; exit 1; }
mkdir -p "$WORK/out"
cp "$(ls "$ROOT"/boot/vmlinuz-* | head -n 1)" "$WORK/out/vmlinuz"
cp "$(ls "$ROOT"/boot/initrd.img-* | head -n 1)" "$WORK/out/initrd.img"
mke2fs -q -t ext4 -d "$ROOT" "$WORK/root.img" 2G
qemu-img convert -O qcow2 "$WORK/root.img" "$WORK/out/disk.qcow2"
chmod 0444 "$WORK/out/disk.qcow2"
rm -rf "$OUT"
mv "$WORK/out" "$OUT"
echo "$OUT"
