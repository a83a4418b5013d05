@vm @vm-only
Feature: Declared disks, disko style: partitioned and formatted on first boot, mounted, kept across reboots
  hosts/minipc declares its disks with disko's option names (hosts/minipc/disko: an ESP and a LUKS volume holding
  btrfs subvolumes; hosts/common/swap: swap on a disk of its own). Each disko disk is an empty virtual disk of its
  imageSize; hostspec-disko.service partitions and formats it on its first boot, systemd-cryptsetup@cryptdata opens
  the LUKS volume with its key file, and /etc/fstab mounts what the layout declares. The disks live as long as the
  machine in its scenario: they survive reboots and crashes, and every scenario starts with empty ones. A container
  has no disks of its own, so these scenarios need a VM.

  Background:
    Given the host "minipc" from "hosts/minipc"

  Scenario: The layout is realized: ESP as vfat, LUKS holding btrfs subvolumes, swap active
    When the hosts are started
    Then the unit "hostspec-disko.service" is active on "minipc"
    And "minipc" has "/boot/efi" mounted as "vfat"
    And "minipc" has "/data" mounted as "btrfs"
    And "minipc" has "/var/lib/archive" mounted as "btrfs"
    And the unit "systemd-cryptsetup@cryptdata.service" is active on "minipc"
    When "minipc" runs "findmnt -n -o SOURCE,OPTIONS /data"
    Then the output contains "[/data]"
    And the output contains "compress=zstd"
    When "minipc" runs "lsblk -n -o TYPE,FSTYPE /dev/mapper/cryptdata"
    Then the output is "crypt btrfs"
    When "minipc" runs "lsblk -n -o PARTLABEL,FSTYPE /dev/disk/by-id/virtio-main"
    Then the output contains "disk-main-ESP  vfat"
    And the output contains "disk-main-luks crypto_LUKS"
    And the command "cat /proc/swaps | grep -q partition" eventually succeeds on "minipc"

  Scenario: Data written to a declared file system survives a reboot and a crash, and nothing is formatted again
    When "minipc" runs "echo kept > /data/proof && sync"
    And "minipc" reboots
    Then "minipc" has "/data" mounted as "btrfs"
    And "minipc" has the file "/data/proof" containing "kept"
    And the command "journalctl -b -u hostspec-disko.service --no-pager | grep formatting" fails on "minipc"
    When "minipc" runs "echo again >> /data/proof && sync"
    And "minipc" crashes
    And "minipc" is started
    Then "minipc" has the file "/data/proof" containing "again"

  Scenario: Without its key the LUKS volume stays locked: its unit fails and its mounts are absent
    When the hosts are started
    Then "minipc" has "/data" mounted as "btrfs"
    When "minipc" runs "rm /etc/luks/data.key"
    And "minipc" reboots
    Then the unit "systemd-cryptsetup@cryptdata.service" has failed on "minipc"
    And "minipc" has nothing mounted at "/data"
    And "minipc" has nothing mounted at "/var/lib/archive"
    And "minipc" has "/boot/efi" mounted as "vfat"
    And the command "test -e /dev/mapper/cryptdata" fails on "minipc"
    When "minipc" runs "journalctl -b -u hostspec-disko.service --no-pager"
    Then the output contains "the key file /etc/luks/data.key of LUKS volume cryptdata is missing: it stays locked"
