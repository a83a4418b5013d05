package io.hostspec.realize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The immutable result of realizing an evaluated host configuration: everything an image builder needs to produce a
 * bootable root file system, plus the VM hardware and, for every artifact, the options that produced it.
 *
 * <p>Collections are sorted so that the same configuration always serializes to the same bytes; {@link #hash()} is
 * therefore stable. Provenance ({@link #artifacts()}) is excluded from the hashes: moving a definition to another line
 * does not rebuild an image.
 *
 * @param hostName   the host's name (also written to /etc/hostname by the networking realizer)
 * @param packages   Debian package names to install on top of the base set of {@link #BASE_PACKAGES}
 * @param files      files to write into the image, by absolute path
 * @param groups     groups to create, by name
 * @param users      users to create, by name
 * @param units      systemd units to install, by unit name (e.g. {@code redis-xo.service})
 * @param nftables   the complete nftables ruleset (also installed as /etc/nftables.conf)
 * @param sysctls    kernel parameters (also installed under /etc/sysctl.d)
 * @param kernelModules kernel modules loaded at boot
 * @param stateDirs  directories that hold state: never touched by a switch or a rollback
 * @param hardware   the VM hardware the host runs on (not part of the image hash)
 * @param artifacts  for every artifact id (e.g. {@code unit:redis-xo.service}), the concrete options that produced it
 * @param options    for every option that produced an artifact, the file:line of its winning definitions
 */
public record Recipe(
        String hostName,
        SortedSet<String> packages,
        SortedMap<String, FileEntry> files,
        SortedMap<String, GroupEntry> groups,
        SortedMap<String, UserEntry> users,
        SortedMap<String, UnitEntry> units,
        String nftables,
        SortedMap<String, String> sysctls,
        SortedSet<String> kernelModules,
        SortedSet<String> stateDirs,
        Hardware hardware,
        SortedMap<String, SortedSet<String>> artifacts,
        SortedMap<String, List<String>> options) {

    /** Packages every image has, whatever the configuration (docs/architecture.md, "Images"). */
    public static final List<String> BASE_PACKAGES = List.of(
            "systemd", "systemd-sysv", "udev", "dbus", "qemu-guest-agent", "iproute2", "iputils-ping", "nftables",
            "netcat-openbsd", "curl", "procps", "ca-certificates", "linux-image-cloud-amd64");

    /**
     * The version of what every image holds beyond the recipe (hostspec's own guest parts, written by the image
     * builder). Part of {@link #imageHash()}: bumping it rebuilds every image and retakes every warm snapshot.
     * 3: every image carries the record of its generation 1. 4: the module blacklist of {@code GuestBoot}.
     */
    public static final int IMAGE_LAYOUT = 4;

    /**
     * The accounts Debian's base-passwd creates. A normal user declared with one of these names amends that account
     * instead of adding one; since the image builder creates its home then, such images carry a mark in their hash
     * ({@link #imageContent()}), so that images built before that change are not reused, while no other image is
     * rebuilt.
     */
    static final Set<String> DEBIAN_ACCOUNTS = Set.of("daemon", "bin", "sys", "sync", "games", "man", "lp", "mail",
            "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "_apt", "nobody");

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .build();

    /**
     * A file in the image.
     *
     * @param path    absolute path
     * @param content text content (files are text in recipes)
     * @param mode    octal permission bits, e.g. {@code "0644"}
     * @param user    owning user name
     * @param group   owning group name
     */
    public record FileEntry(String path, String content, String mode, String user, String group) {
    }

    /**
     * A group.
     *
     * @param name   group name
     * @param gid    fixed gid, or null to let the system choose
     * @param system whether it is a system group
     */
    public record GroupEntry(String name, Long gid, boolean system) {
    }

    /**
     * A user.
     *
     * @param name          login name
     * @param uid           fixed uid, or null to let the system choose
     * @param group         primary group (created if it is not in the recipe's groups)
     * @param extraGroups   supplementary groups
     * @param home          home directory
     * @param shell         login shell
     * @param system        whether it is a system user (no home is created for system users)
     * @param authorizedKeys ssh public keys
     */
    public record UserEntry(String name, Long uid, String group, SortedSet<String> extraGroups, String home,
                            String shell, boolean system, List<String> authorizedKeys) {
    }

    /**
     * A systemd unit.
     *
     * @param name     unit name with its suffix, e.g. {@code nginx.service}
     * @param content  the unit file, or null for a unit shipped by a package that is only enabled/overridden
     * @param wantedBy targets that pull the unit in ({@code multi-user.target} enables it at boot)
     * @param reloadable whether a configuration change reloads rather than restarts the unit
     */
    public record UnitEntry(String name, String content, SortedSet<String> wantedBy, boolean reloadable) {
    }

    /**
     * The virtual hardware of a host.
     *
     * @param memoryMiB RAM in MiB
     * @param cores     virtual CPUs
     * @param vlans     virtual LAN numbers the host is attached to
     * @param backend   where it runs ({@code vm} or {@code container}); null follows the run's backend (left out of
     *                  the hash then, so hosts that do not choose keep their hash)
     * @param disks     extra virtual disks beside the root disk, in the order they are attached (left out of the hash
     *                  when empty)
     * @param tpm       {@code true} when the host has an emulated TPM 2.0; null otherwise (left out of the hash then)
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Hardware(int memoryMiB, int cores, SortedSet<Integer> vlans, String backend,
                           @com.fasterxml.jackson.annotation.JsonInclude(
                                   com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) List<Disk> disks,
                           Boolean tpm) {

        /** Copies the disks; a {@code false} TPM is stored as null so that it does not change the hash. */
        public Hardware {
            disks = disks == null ? List.of() : List.copyOf(disks);
            tpm = Boolean.TRUE.equals(tpm) ? Boolean.TRUE : null;
        }

        /** Hardware following the run's backend. */
        public Hardware(int memoryMiB, int cores, SortedSet<Integer> vlans) {
            this(memoryMiB, cores, vlans, null);
        }

        /** Hardware without extra disks or a TPM. */
        public Hardware(int memoryMiB, int cores, SortedSet<Integer> vlans, String backend) {
            this(memoryMiB, cores, vlans, backend, List.of(), null);
        }

        /** @param more the extra disks, replacing the current ones @return a copy with them */
        public Hardware withDisks(List<Disk> more) {
            return new Hardware(memoryMiB, cores, vlans, backend, more, tpm);
        }

        /** @param enabled whether the host has an emulated TPM @return a copy with or without it */
        public Hardware withTpm(boolean enabled) {
            return new Hardware(memoryMiB, cores, vlans, backend, disks, enabled);
        }

        /** @return whether the host has an emulated TPM 2.0 */
        public boolean hasTpm() {
            return Boolean.TRUE.equals(tpm);
        }

        /** Like the record's own, without the devices a host does not have. */
        @Override
        public String toString() {
            return "Hardware[memoryMiB=" + memoryMiB + ", cores=" + cores + ", vlans=" + vlans + ", backend=" + backend
                    + (disks.isEmpty() ? "" : ", disks=" + disks) + (hasTpm() ? ", tpm=true" : "") + "]";
        }
    }

    /**
     * An extra virtual disk, empty when the machine is created, that lives as long as the machine in its scenario.
     *
     * @param serial  the disk's serial number (at most 20 characters): the guest finds it as
     *                {@code /dev/disk/by-id/virtio-<serial>}
     * @param sizeMiB its size in MiB
     */
    public record Disk(String serial, long sizeMiB) {
        /** Validates. */
        public Disk {
            if (serial == null || !serial.matches("[A-Za-z0-9_.-]{1,20}")) {
                throw new IllegalArgumentException("disk serial must be 1-20 letters, digits, '_', '.' or '-': "
                        + serial);
            }
            if (sizeMiB < 1) {
                throw new IllegalArgumentException("disk " + serial + ": size must be at least 1 MiB, got " + sizeMiB);
            }
        }
    }

    /**
     * The smallest recipe: the packages every image has and nothing else (no files, users, units or firewall), on one
     * core and 1 GiB. What {@code ./hostspec doctor} boots for its acceleration probe and the machine tests boot.
     *
     * @param hostName the host's name
     * @return a recipe with no configuration beyond the name
     */
    public static Recipe minimal(String hostName) {
        return new Recipe(hostName, new java.util.TreeSet<>(), new java.util.TreeMap<>(), new java.util.TreeMap<>(),
                new java.util.TreeMap<>(), new java.util.TreeMap<>(), null, new java.util.TreeMap<>(),
                new java.util.TreeSet<>(), new java.util.TreeSet<>(), new Hardware(1024, 1, new java.util.TreeSet<>()),
                new java.util.TreeMap<>(), new java.util.TreeMap<>());
    }

    /** Hex SHA-256 of the whole recipe except provenance: same configuration, same hash; any change, a new hash. */
    public String hash() {
        Map<String, Object> content = imageContent();
        content.put("hardware", hardware);
        return sha256(content);
    }

    /** Hex SHA-256 of what goes into the root file system (no hardware, no provenance): names the image cache entry. */
    public String imageHash() {
        return sha256(imageContent());
    }

    /** Hex SHA-256 of the package set alone: names the shared base layer of images with the same packages. */
    public String packagesHash() {
        return sha256(Map.of("base", BASE_PACKAGES, "packages", packages));
    }

    private Map<String, Object> imageContent() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layout", IMAGE_LAYOUT);
        if (users.values().stream().anyMatch(u -> !u.system() && DEBIAN_ACCOUNTS.contains(u.name()))) {
            m.put("debianAccountHomes", 1);
        }
        m.put("hostName", hostName);
        m.put("packages", packages);
        m.put("files", files);
        m.put("groups", groups);
        m.put("users", users);
        m.put("units", units);
        m.put("nftables", nftables);
        m.put("sysctls", sysctls);
        m.put("kernelModules", kernelModules);
        m.put("stateDirs", stateDirs);
        return m;
    }

    private static String sha256(Object value) {
        try {
            byte[] bytes = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash recipe", e);
        }
    }

    /** The artifact ids this recipe knows, e.g. {@code package:redis-server}, {@code file:/etc/hosts}. */
    public Set<String> artifactIds() {
        return artifacts.keySet();
    }
}
