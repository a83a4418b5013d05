@eval
Feature: One workstation base composed into five targets
  The shared base (module workstation/base) sets sensible values with priority "default" (mkDefault) and a few
  with plain definitions. Each target in vm-images/hosts adds hardware, service and desktop modules, overrides the
  defaults with plain definitions, forces what must not change, and picks a package profile:
  minimal < essential < development < full, each including the smaller ones.
  These scenarios only evaluate the configurations: nothing is booted.

  Scenario: The base alone keeps the base's defaults and the minimal profile
    Given the host "base" from "hosts/base"
    Then the option "networking.hostName" of "base" is "workstation"
    And the option "time.timeZone" of "base" is "UTC"
    And the option "virtualisation.memorySize" of "base" is "2048"
    And the option "virtualisation.cores" of "base" is "2"
    And the option "services.openssh.enable" of "base" is "true"
    And the option "services.openssh.ports" of "base" is "[22]"
    And the option "services.openssh.settings.PermitRootLogin" of "base" is "no"
    And the option "workstation.profile" of "base" is "minimal"
    And the option "environment.systemPackages" of "base" is "["ca-certificates", "curl", "less", "sudo", "vim"]"

  Scenario: WSL overrides the base's mkDefault values with plain definitions and keeps the others
    Given the host "wsl" from "hosts/wsl"
    Then the option "networking.hostName" of "wsl" is "wsl"
    And the option "time.timeZone" of "wsl" is "Europe/Berlin"
    And the option "services.openssh.enable" of "wsl" is "false"
    And the option "i18n.defaultLocale" of "wsl" is "en_US.UTF-8"
    And the option "networking.firewall.enable" of "wsl" is "true"
    And the option "networking.firewall.allowedUDPPorts" of "wsl" is "[51820]"
    And the option "boot.kernelModules" of "wsl" is "[]"

  Scenario: Hetzner sizes the VM and opens ssh on its own port
    Given the host "hetzner" from "hosts/hetzner"
    Then the option "virtualisation.cores" of "hetzner" is "4"
    And the option "virtualisation.memorySize" of "hetzner" is "8192"
    And the option "services.openssh.enable" of "hetzner" is "true"
    And the option "services.openssh.ports" of "hetzner" is "[2222]"
    And the option "networking.firewall.allowedTCPPorts" of "hetzner" is "[2222]"
    And the option "networking.domain" of "hetzner" is "example.com"
    And the option "boot.kernelModules" of "hetzner" is "["virtio_net", "virtio_scsi", "tcp_bbr", "wireguard"]"
    And the option "users.users.dev.extraGroups" of "hetzner" is "["sudo", "adm", "docker"]"

  Scenario: The M1 target is arm64 with the full profile and a remote desktop
    Given the host "m1" from "hosts/m1"
    Then the option "workstation.arch" of "m1" is "arm64"
    And the option "workstation.profile" of "m1" is "full"
    And the option "networking.firewall.allowedTCPPorts" of "m1" is "[3389, 5901]"
    And the option "boot.kernelModules" of "m1" is "["virtio_gpu", "virtiofs"]"
    And the option "time.timeZone" of "m1" is "Europe/Paris"

  Scenario: The container target forces the firewall off over the base's plain definition
    Given the host "container" from "hosts/container"
    Then the option "networking.firewall.enable" of "container" is "false"
    And the option "services.openssh.enable" of "container" is "false"
    And the option "workstation.profile" of "container" is "essential"
    And the option "environment.systemPackages" of "container" is "["ca-certificates", "curl", "less", "sudo", "vim", "git", "tmux", "htop", "rsync", "wget", "unzip", "bash-completion", "man-db"]"

  Scenario: A forced value stays forced when another module defines it plainly
    Given the host "container" from "hosts/container"
    And the host "container" is configured with:
      """
      "networking.firewall.enable" = true
      """
    Then the option "networking.firewall.enable" of "container" is "false"

  Scenario: The development profile includes the essential packages
    Given the host "wsl" from "hosts/wsl"
    Then the option "workstation.profiles.development" of "wsl" is "true"
    And the option "workstation.profiles.essential" of "wsl" is "true"
    And the option "workstation.profiles.full" of "wsl" is "false"
    And the option "environment.systemPackages" of "wsl" is "["ca-certificates", "curl", "less", "sudo", "vim", "git", "tmux", "htop", "rsync", "wget", "unzip", "bash-completion", "man-db", "build-essential", "gdb", "python3", "python3-venv", "python3-pip", "openjdk-17-jdk-headless", "maven", "ripgrep", "fd-find", "jq", "shellcheck", "direnv", "wireguard-tools", "dnsutils", "mtr-tiny", "nftables", "openssh-client"]"

  Scenario: A module adds a package to a profile instead of replacing it
    Given the host "base" from "hosts/base"
    And the host "base" is configured with:
      """
      "workstation.packages.minimal" = ["mosh"]
      """
    Then the option "environment.systemPackages" of "base" is "["ca-certificates", "curl", "less", "sudo", "vim", "mosh"]"

  Scenario: A smaller profile cannot be switched off under a larger one
    Given the host "m1" from "hosts/m1"
    And the host "m1" is configured with:
      """
      "workstation.profiles.essential" = false
      """
    Then the configuration of "m1" is rejected with "conflicting definition values"

  Scenario: A desktop's priority 900 beats the base's mkDefault
    Given a host "desk" with the modules "workstation/base, desktop/kde-plasma"
    And the host "desk" is configured with:
      """
      "workstation.desktop.plasma.enable" = true
      """
    Then the option "virtualisation.memorySize" of "desk" is "4096"

  Scenario: A plain hardware value beats the desktop's priority 900
    Given a host "arm-desk" with the modules "workstation/base, hardware/m1, desktop/kde-plasma"
    And the host "arm-desk" is configured with:
      """
      "workstation.desktop.plasma.enable" = true
      """
    Then the option "virtualisation.memorySize" of "arm-desk" is "8192"

  Scenario: Remote access without the desktop opens RDP only and starts no Plasma session
    Given a host "rdp" with the modules "workstation/base, desktop/remote-access"
    And the host "rdp" is configured with:
      """
      "workstation.remoteAccess.enable" = true
      "workstation.remoteAccess.rdpPort" = 3390
      """
    Then the option "networking.firewall.allowedTCPPorts" of "rdp" is "[3390]"
    And the option "workstation.desktop.plasma.enable" of "rdp" is "false"

  Scenario Outline: Every target composes its own values over the shared base
    Given the host "<host>" from "hosts/<host>"
    Then the option "networking.hostName" of "<host>" is "<hostName>"
    And the option "workstation.profile" of "<host>" is "<profile>"
    And the option "workstation.arch" of "<host>" is "<arch>"
    And the option "services.openssh.enable" of "<host>" is "<ssh>"
    And the option "networking.firewall.enable" of "<host>" is "<firewall>"
    And the option "virtualisation.memorySize" of "<host>" is "<memory>"
    And the option "services.openssh.settings.PasswordAuthentication" of "<host>" is "false"

    Examples:
      | host      | hostName    | profile     | arch  | ssh   | firewall | memory |
      | base      | workstation | minimal     | amd64 | true  | true     | 2048   |
      | wsl       | wsl         | development | amd64 | false | true     | 2048   |
      | hetzner   | hetzner     | development | amd64 | true  | true     | 8192   |
      | m1        | m1          | full        | arm64 | true  | true     | 8192   |
      | container | container   | essential   | amd64 | false | false    | 1024   |
