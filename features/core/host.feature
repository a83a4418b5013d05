@vm
Feature: A declared host boots and shows its configuration
  The built-in namespace realized on a real Debian VM: users and groups, files, systemd units (including one that
  fails), a Redis server on a unix socket and the default-deny firewall.

  Background:
    Given the host "box" is configured with:
      """
      "users.users.alice.isNormalUser" = true
      "users.users.alice.extraGroups" = ["adm"]
      "environment.etc.motd.text" = "hello from hostspec"

      "services.redis.servers.cache.enable" = true
      "services.redis.servers.cache.unixSocket" = "/run/redis-cache/redis.sock"
      "services.redis.servers.cache.port" = 0

      [systemd.services.hello]
      description = "A service that stays up"
      wantedBy = ["multi-user.target"]
      script = "echo hello > /run/hello; exec sleep infinity"

      [systemd.services.broken]
      description = "A service that fails on purpose"
      wantedBy = ["multi-user.target"]
      script = "echo failing on purpose; exit 3"

      [systemd.services.idle]
      description = "A service nothing starts"
      script = "exec sleep infinity"
      """

  Scenario: users, groups and files exist as declared
    Then "box" has the user "alice" in the group "adm"
    And "box" has the file "/etc/motd" containing "hello from hostspec"
    When "box" runs "stat -c %U /home/alice"
    Then the output is "alice"

  Scenario: units start, stay inactive or fail as declared
    Then the unit "hello.service" is active on "box"
    And the unit "idle.service" is inactive on "box"
    And the unit "broken.service" has failed on "box"
    And the command "cat /run/hello" succeeds on "box"
    And the output is "hello"

  Scenario: Redis answers on its unix socket and not on TCP
    Then the unit "redis-cache.service" is active on "box"
    And "box" has a unix socket at "/run/redis-cache/redis.sock" owned by "redis-cache:redis-cache" with mode "660"
    When "box" runs "redis-cli -s /run/redis-cache/redis.sock ping"
    Then the output is "PONG"
    And the command "redis-cli -p 6379 ping" fails on "box"

  Scenario: the firewall drops by default
    Then the unit "nftables.service" is active on "box"
    When "box" runs "nft list chain inet filter input"
    Then the output contains "policy drop"
    And the command "hostname" succeeds on "box"
    And the output is "box"
