package io.hostspec.image;

import java.nio.file.Path;

/**
 * A bootable image in the cache: a read-only qcow2 base disk holding an ext4 root file system (no partition table,
 * booted as {@code root=/dev/vda}) and the kernel and initrd taken out of it for direct boot.
 *
 * <p>Machines never write to {@link #disk()}: each machine boots from its own copy-on-write overlay.
 *
 * @param hash   the recipe's image hash naming the cache entry
 * @param disk   the qcow2 base image
 * @param kernel the guest's own /boot/vmlinuz
 * @param initrd the guest's own /boot/initrd.img
 */
public record BuiltImage(String hash, Path disk, Path kernel, Path initrd) {
}
