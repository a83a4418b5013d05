@eval
Feature: Bad disk layouts are rejected before anything is built, naming the file and line
  A disko layout is checked when the host is realized: sizes must fit the disk's imageSize, formats must be ones
  hostspec can create, and a mount point can hold one file system. Nothing is booted.

  Scenario: The mini PC's layout evaluates to the disks and mounts it declares
    Given the host "minipc" from "hosts/minipc"
    Then the option "disko.devices.disk.main.content.partitions.ESP.content.format" of "minipc" is "vfat"
    And the option "disko.devices.disk.swap.imageSize" of "minipc" is "128M"
    And the option "security.tpm2.enable" of "minipc" is "true"

  Scenario: A partition larger than its disk
    Given the host "small" is configured with:
      """
      [disko.devices.disk.main]
      imageSize = "256M"
      content.type = "gpt"

      [disko.devices.disk.main.content.partitions.data]
      size = "1G"
      content = { type = "filesystem", format = "ext4", mountpoint = "/data" }
      """
    Then the configuration of "small" is rejected with "a partition is larger than its disk"
    And the configuration of "small" is rejected with "partitions.data.size' is defined at features/flake-hosts/disks-errors.feature:20"
    And the configuration of "small" is rejected with "imageSize' is defined at features/flake-hosts/disks-errors.feature:16"

  Scenario: An unknown file system type
    Given the host "odd" is configured with:
      """
      [disko.devices.disk.main.content]
      type = "gpt"
      partitions.data.content = { type = "filesystem", format = "zfs-ish", mountpoint = "/data" }
      """
    Then the configuration of "odd" is rejected with "zfs-ish"
    And the configuration of "odd" is rejected with "features/flake-hosts/disks-errors.feature:32"

  Scenario: A mount point declared twice
    Given the host "twice" is configured with:
      """
      [disko.devices.disk.main.content]
      type = "gpt"
      partitions.a = { size = "64M", content = { type = "filesystem", format = "ext4", mountpoint = "/srv" } }
      partitions.b = { size = "64M", content = { type = "filesystem", format = "vfat", mountpoint = "/srv" } }
      """
    Then the configuration of "twice" is rejected with "The mount point /srv is declared twice"
    And the configuration of "twice" is rejected with "features/flake-hosts/disks-errors.feature:42"
    And the configuration of "twice" is rejected with "features/flake-hosts/disks-errors.feature:43"
