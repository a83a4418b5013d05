Feature: Every workstation target that can boot, booted
  composition.feature evaluates the five targets of the shared workstation base; here each one that can boot on
  this machine boots and shows what its target promises: the profile's packages, its services, its hardware
  settings. What a test machine cannot be of the real target is declared by the target
  (virtualisation.notApplicable) and reported with its reason, never passed silently (docs/targets.md).

  @vm-only
  Scenario: base: the minimal profile, ssh behind a default-deny firewall, the dev user
    Given the host "base" from "hosts/base"
    Then the unit "ssh.service" is active on "base"
    And "base" listens on TCP port 22
    And the unit "nftables.service" is active on "base"
    When "base" runs "nft list chain inet filter input"
    Then the output contains "policy drop"
    And the output contains "tcp dport 22 accept"
    And the command "dpkg-query -W ca-certificates curl less sudo vim" succeeds on "base"
    And the command "dpkg-query -W git" fails on "base"
    And "base" has the user "dev" in the group "sudo"
    When "base" runs "id -u dev"
    Then the output is "1000"
    And "base" has the file "/etc/motd" containing "workstation: workstation (amd64, profile minimal)"
    When "base" runs "sshd -T | grep -E '^(passwordauthentication|permitrootlogin) '"
    Then the output contains "passwordauthentication no"
    And the output contains "permitrootlogin no"
    When "base" runs "echo $(cat /etc/timezone) $(. /etc/default/locale; echo $LANG)"
    Then the output is "UTC en_US.UTF-8"
    When "base" runs "echo $(nproc) $(awk '/MemTotal/ { print ($2 > 1800 * 1024) ? \"memory-ok\" : $2 }' /proc/meminfo)"
    Then the output is "2 memory-ok"

  @vm-only
  Scenario: wsl: the development profile, no sshd, wsl.conf, and no kernel settings of its own
    Given the host "wsl" from "hosts/wsl"
    Then the command "for c in gcc gdb java mvn rg fdfind jq shellcheck direnv python3 git tmux wg dig mtr; do command -v $c >/dev/null || { echo missing $c; exit 1; }; done" succeeds on "wsl"
    And the command "systemctl is-active ssh.service" fails on "wsl"
    And the command "ss -Htln 'sport = :22' | grep -q ." fails on "wsl"
    And "wsl" has the file "/etc/wsl.conf" containing "hostname = wsl"
    And "wsl" has the file "/etc/wsl.conf" containing "default = dev"
    And "wsl" has the user "dev" in the group "adm"
    When "wsl" runs "git config --system init.defaultBranch"
    Then the output is "main"
    When "wsl" runs "echo $(cat /etc/timezone) $(readlink /etc/localtime)"
    Then the output is "Europe/Berlin /usr/share/zoneinfo/Europe/Berlin"
    When "wsl" runs "nft list chain inet filter input"
    Then the output contains "udp dport 51820 accept"
    And the command "test \"$(sysctl -n fs.inotify.max_user_watches)\" != 524288 && test ! -d /sys/module/wireguard" succeeds on "wsl"
    And the option "environment.etc.\"wsl.conf\"" is not applicable on "wsl": WSL's own init reads /etc/wsl.conf
    And the option "workstation.kernel.tunable" is not applicable on "wsl": WSL2 runs Microsoft's kernel

  @vm-only
  Scenario: hetzner: a cloud VM's size, kernel tuning, uplink and root disk, the development and container tools
    Given the host "hetzner" from "hosts/hetzner"
    When "hetzner" runs "echo $(nproc) $(awk '/MemTotal/ { print ($2 > 7800 * 1024) ? \"memory-ok\" : $2 }' /proc/meminfo)"
    Then the output is "4 memory-ok"
    When "hetzner" runs "echo $(sysctl -n net.ipv4.tcp_congestion_control net.core.default_qdisc net.ipv4.ip_forward fs.inotify.max_user_watches)"
    Then the output is "bbr fq 1 524288"
    And the command "test -d /sys/module/tcp_bbr && test -d /sys/module/virtio_scsi && test -d /sys/module/wireguard" succeeds on "hetzner"
    And "hetzner" listens on TCP port 2222
    When "hetzner" runs "nft list chain inet filter input"
    Then the output contains "tcp dport 2222 accept"
    And the output contains "udp dport 51820 accept"
    And the unit "hetzner-growroot.service" is active on "hetzner"
    When "hetzner" runs "journalctl -u hetzner-growroot.service --no-pager -o cat"
    Then the output contains "the root file system /dev/vda is a whole disk, no partition to grow"
    And "hetzner" has the file "/etc/systemd/network/10-hetzner-uplink.network" containing "Name=eth0"
    And "hetzner" has the file "/etc/systemd/network/10-hetzner-uplink.network" containing "DHCP=ipv4"
    And "hetzner" has the file "/etc/systemd/network/10-hetzner-uplink.network.d/ipv6.conf" containing "Address=2001:db8:4e7::1/64"
    And "hetzner" has the file "/etc/systemd/network/10-hetzner-uplink.network.d/ipv6.conf" containing "Gateway=fe80::1"
    And the command "systemctl is-active systemd-networkd.service" fails on "hetzner"
    And the option "hardware.hetzner.network" is not applicable on "hetzner": systemd-networkd is not started
    And the command "for c in gcc java mvn podman buildah skopeo docker docker-compose growpart wg; do command -v $c >/dev/null || { echo missing $c; exit 1; }; done" succeeds on "hetzner"
    And "hetzner" has the user "dev" in the group "docker"
    When "hetzner" runs "getent hosts hetzner.example.com"
    Then the output contains "hetzner.example.com hetzner"

  @container
  Scenario: container: the essential profile in a systemd container, no sshd, no firewall, no limits
    Given the host "container" from "hosts/container"
    When "container" runs "echo $(readlink -f /proc/1/exe) $(hostname)"
    Then the output is "/usr/lib/systemd/systemd container"
    And the command "test -f /.dockerenv || systemd-detect-virt --container" succeeds on "container"
    And the command "for c in git tmux htop rsync wget unzip curl vim sudo; do command -v $c >/dev/null || { echo missing $c; exit 1; }; done" succeeds on "container"
    And the command "systemctl is-active ssh.service" fails on "container"
    When "container" runs "nft list chain inet filter input"
    Then the output contains "policy accept"
    And "container" has the user "dev" in the group "sudo"
    When "container" runs "systemctl list-units --state=failed --no-legend --plain | wc -l"
    Then the output is "0"
    And the option "virtualisation.memorySize" is not applicable on "container": the container backend sets no memory limit
    And the option "virtualisation.cores" is not applicable on "container": the container backend sets no CPU limit

  @eval
  Scenario: m1: arm64 is evaluated only on this x86 machine, and says why
    Given the host "m1" from "hosts/m1"
    Then the option "workstation.arch" of "m1" is "arm64"
    And the option "workstation.arch" is not applicable on "m1": hosts/m1 is evaluated only
