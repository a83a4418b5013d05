package io.hostspec.realize;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** disko layouts, fileSystems, emptyDiskImages and the TPM: what they add to a recipe, and the bad inputs. */
class DisksRealizerTest {

    /** The laptop's layout: an ESP, a LUKS volume holding btrfs subvolumes, and swap, on a 1 GiB disk. */
    static final String LAYOUT = """
            [disko.devices.disk.main]
            device = "/dev/nvme0n1"
            imageSize = "1G"
            content.type = "gpt"

            [disko.devices.disk.main.content.partitions.ESP]
            size = "64M"
            type = "EF00"
            content = { type = "filesystem", format = "vfat", mountpoint = "/boot/efi", mountOptions = ["umask=0077"] }

            [disko.devices.disk.main.content.partitions.swap]
            size = "128M"
            type = "8200"
            content = { type = "swap" }

            [disko.devices.disk.main.content.partitions.luks]
            size = "100%"
            content.type = "luks"
            content.name = "cryptdata"
            content.settings = { keyFile = "/etc/luks/data.key", allowDiscards = true }
            content.content.type = "btrfs"
            content.content.subvolumes."/data" = { mountpoint = "/data", mountOptions = ["compress=zstd"] }
            content.content.subvolumes."/home" = { mountpoint = "/home" }
            """;

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        return Realization.realize(evaluate(host));
    }

    private Config evaluate(String host) throws IOException {
        return TestHost.evaluate(root, host);
    }

    @Test
    void layoutBecomesAVirtualDiskAFirstBootUnitCryptsetupAndFstab() throws IOException {
        Recipe r = realize(LAYOUT);

        assertEquals(List.of(new Recipe.Disk("main", 1024)), r.hardware().disks());
        assertTrue(r.packages().containsAll(List.of("gdisk", "dosfstools", "btrfs-progs", "cryptsetup-bin")),
                r.packages().toString());
        assertEquals("""
                # hostspec: / is mounted by the kernel (root=/dev/vda rw)
                # from fileSystems and disko.devices
                /dev/disk/by-partlabel/disk-main-ESP\t/boot/efi\tvfat\tumask=0077,nofail\t0 0
                /dev/mapper/cryptdata\t/data\tbtrfs\tcompress=zstd,subvol=/data,nofail\t0 0
                /dev/mapper/cryptdata\t/home\tbtrfs\tdefaults,subvol=/home,nofail\t0 0
                /dev/disk/by-partlabel/disk-main-swap\tnone\tswap\tdefaults,nofail\t0 0
                """, r.files().get("/etc/fstab").content());

        String script = r.files().get(DiskScript.PATH).content();
        // partitions in disko's order: by priority (the 100% one last), then name; each numbered in that order
        assertTrue(script.contains("sgdisk --new=1:0:+64M --typecode=1:EF00 --change-name=1:disk-main-ESP "
                + "/dev/disk/by-id/virtio-main"), script);
        assertTrue(script.contains("sgdisk --new=2:0:+128M --typecode=2:8200 --change-name=2:disk-main-swap"), script);
        assertTrue(script.contains("sgdisk --new=3:0:0 --typecode=3:8300 --change-name=3:disk-main-luks"), script);
        assertTrue(script.contains("mkfs.vfat /dev/disk/by-partlabel/disk-main-ESP"), script);
        assertTrue(script.contains("mkswap /dev/disk/by-partlabel/disk-main-swap"), script);
        assertTrue(script.contains("cryptsetup luksFormat " + DiskScript.LUKS_FORMAT
                + " --key-file /etc/luks/data.key /dev/disk/by-partlabel/disk-main-luks"), script);
        assertTrue(script.contains("mkfs.btrfs -f /dev/mapper/cryptdata"), script);
        assertTrue(script.contains("btrfs subvolume create \"$top\"/data"), script);
        assertTrue(script.contains("btrfs subvolume create \"$top\"/home"), script);
        // formatting is skipped when the partition table is there: the data of a second boot is left alone
        assertTrue(script.contains("!= gpt ]; then"), script);

        Recipe.UnitEntry disko = r.units().get(DiskScript.UNIT);
        assertEquals(new TreeSet<>(List.of("sysinit.target")), disko.wantedBy());
        assertTrue(disko.content().contains("Before=local-fs-pre.target cryptsetup-pre.target"), disko.content());
        Recipe.UnitEntry crypt = r.units().get("systemd-cryptsetup@cryptdata.service");
        assertTrue(crypt.content().contains("ExecStart=/lib/systemd/systemd-cryptsetup attach 'cryptdata' "
                + "'/dev/disk/by-partlabel/disk-main-luks' '/etc/luks/data.key' 'luks,headless=true,discard'"),
                crypt.content());
        assertTrue(r.artifacts().get("unit:systemd-cryptsetup@cryptdata.service")
                .contains("disko.devices.disk.main.content.partitions.luks.content.settings"));
    }

    @Test
    void fileSystemsEntriesWinOverTheLayoutsAndEmptyDisksFollowTheDiskoOnes() throws IOException {
        Recipe r = realize(LAYOUT + """

                [virtualisation]
                emptyDiskImages = [512, 64]

                [fileSystems."/data"]
                device = "/dev/mapper/cryptdata"
                fsType = "btrfs"
                options = ["subvol=/data", "noatime"]
                """);
        assertEquals(List.of(new Recipe.Disk("main", 1024), new Recipe.Disk("empty0", 512),
                new Recipe.Disk("empty1", 64)), r.hardware().disks());
        String fstab = r.files().get("/etc/fstab").content();
        assertTrue(fstab.contains("/dev/mapper/cryptdata\t/data\tbtrfs\tsubvol=/data,noatime\t0 0\n"), fstab);
        assertFalse(fstab.contains("compress=zstd"), fstab);
    }

    @Test
    void hostsWithoutDisksOrTpmKeepTheirHardwareHash() throws IOException {
        Recipe r = realize("");
        assertEquals(List.of(), r.hardware().disks());
        assertNull(r.hardware().tpm());
        assertFalse(r.files().containsKey("/etc/fstab"));
        assertFalse(r.units().containsKey(DiskScript.UNIT));
        // the serialized form the hash is made of, as it was before disks and the TPM existed
        JsonMapper canonical = JsonMapper.builder().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true).build();
        assertEquals("{\"cores\":1,\"memoryMiB\":1024,\"vlans\":[1]}", canonical.writeValueAsString(r.hardware()));
        assertEquals("{\"cores\":1,\"memoryMiB\":1024,\"tpm\":true,\"vlans\":[1]}",
                canonical.writeValueAsString(r.hardware().withTpm(true)));
    }

    @Test
    void tpmAddsTheDeviceAndTpm2Tools() throws IOException {
        Recipe r = realize("security.tpm2.enable = true\n");
        assertTrue(r.hardware().hasTpm());
        assertTrue(r.packages().contains("tpm2-tools"));
        assertTrue(r.artifacts().get("hardware").contains("security.tpm2.enable"));
    }

    @Test
    void aPartitionLargerThanItsDiskNamesTheSizesAndTheirLines() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize(LAYOUT.replace("size = \"128M\"",
                "size = \"2G\"")));
        String message = e.getMessage();
        assertTrue(message.contains("a partition is larger than its disk"), message);
        assertTrue(message.contains("disko.devices.disk.main.content.partitions.swap.size' is defined at "), message);
        assertTrue(message.contains("h.toml:12"), message);
        assertTrue(message.contains("disko.devices.disk.main.imageSize' is defined at "), message);
        assertTrue(message.contains("h.toml:3"), message);
    }

    @Test
    void anUnknownFileSystemTypeIsRejectedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize(LAYOUT.replace("format = \"vfat\"",
                "format = \"fat99\"")));
        String message = e.getMessage();
        assertTrue(message.contains("fat99"), message);
        assertTrue(message.contains("h.toml:9"), message);
    }

    @Test
    void aMountpointDeclaredTwiceNamesBothDefinitions() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize(LAYOUT.replace(
                "mountpoint = \"/home\"", "mountpoint = \"/data\"")));
        String message = e.getMessage();
        assertTrue(message.contains("The mount point /data is declared twice"), message);
        assertTrue(message.contains("subvolumes.\"/data\".mountpoint' is defined at"), message);
        assertTrue(message.contains("subvolumes.\"/home\".mountpoint' is defined at"), message);
        assertTrue(message.contains("h.toml:22") && message.contains("h.toml:23"), message);
    }

    @Test
    void aLuksVolumeWithoutKeyAndAnUnreadableSizeAreRejected() {
        String noKey = LAYOUT.replace("content.settings = { keyFile = \"/etc/luks/data.key\", allowDiscards = true }\n",
                "");
        assertTrue(assertThrows(ConfigException.class, () -> realize(noKey)).getMessage().contains("has no key"));
        ConfigException size = assertThrows(ConfigException.class, () -> realize(LAYOUT.replace("\"64M\"",
                "\"64 MB\"")));
        assertTrue(size.getMessage().contains("The size \"64 MB\" cannot be read"), size.getMessage());
        assertTrue(size.getMessage().contains("h.toml:7"), size.getMessage());
    }
}
