@vm @nixoa
Feature: The NiXOA appliance written in Nix
  vm-images/hosts/xoa.nix is the appliance the NiXOA way: NixOS module functions (core/*.nix, xo/*.nix) with
  options, mkIf cfg.enable and mkDefault. It realizes to the same recipe as hosts/xoa (the TOML host), so it boots
  the same cached image, and it behaves the same.

  Background:
    Given the host "xoa" from "vm-images/hosts/xoa.nix"

  @eval
  Scenario: the Nix modules' options and defaults evaluate as in the TOML modules
    Then the option "nixoa.xo.port" of "xoa" is "3000"
    And the option "services.redis.servers.xo.unixSocket" of "xoa" is "/run/redis-xo/redis.sock"
    And the option "networking.firewall.allowedTCPPorts" of "xoa" is "[80, 443]"
    And the option "services.openssh.settings.PermitRootLogin" of "xoa" is "no"

  Scenario: xo-server reaches Redis over the socket and is healthy behind nginx over TLS
    Then the unit "redis-xo.service" is active on "xoa"
    And "xoa" has a unix socket at "/run/redis-xo/redis.sock" owned by "redis-xo:redis-xo" with mode "770"
    And "xoa" has the file "/etc/xo-server/config.nixoa.toml" containing "/run/redis-xo/redis.sock"
    And the unit "xo-server.service" is active on "xoa"
    And the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    When "xoa" runs "curl -fsSk https://localhost/health"
    Then the output contains "ok redis=PONG"
    When "xoa" runs "nft list chain inet filter input"
    Then the output contains "tcp dport { 22, 80, 443 } accept"
