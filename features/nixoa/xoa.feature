@vm @nixoa
Feature: The NiXOA appliance
  hosts/xoa runs xo-server behind nginx with TLS and reaches Redis over a unix socket only. Xen Orchestra itself is
  not packaged for Debian: the appliance runs hostspec's stand-in server (/etc/xo-server/standin.py), which reads the
  generated configuration, PINGs Redis over the socket and answers a health check.

  Background:
    Given the host "xoa" from "hosts/xoa"

  Scenario: Redis serves xo over its unix socket only
    Then the unit "redis-xo.service" is active on "xoa"
    And "xoa" has a unix socket at "/run/redis-xo/redis.sock" owned by "redis-xo:redis-xo" with mode "770"
    And "xoa" has the user "xo" in the group "redis-xo"
    When "xoa" runs "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock ping"
    Then the output is "PONG"
    And the command "ss -Htln 'sport = :6379' | grep -q ." fails on "xoa"
    And the command "runuser -u admin -- redis-cli -s /run/redis-xo/redis.sock ping" fails on "xoa"

  Scenario: xo-server is configured for the socket and healthy behind nginx over TLS
    Then "xoa" has the file "/etc/xo-server/config.nixoa.toml" containing "/run/redis-xo/redis.sock"
    And the unit "xo-server.service" is active on "xoa"
    And the unit "nginx.service" is active on "xoa"
    And "xoa" listens on TCP port 443
    And the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "redis=PONG"
    When "xoa" runs "curl -fsSk https://localhost/health"
    Then the output contains "ok redis=PONG"
    When "xoa" runs "openssl s_client -connect localhost:443 </dev/null 2>/dev/null | openssl x509 -noout -issuer -subject"
    Then the output contains "subject=CN = xo"

  Scenario: only the web ports and ssh are open in the firewall
    Then the unit "nftables.service" is active on "xoa"
    When "xoa" runs "nft list chain inet filter input"
    Then the output contains "policy drop"
    And the output contains "tcp dport { 22, 80, 443 } accept"

  Scenario: a client on the LAN reaches the web interface but not Redis
    Given a host "client"
    When the hosts are started
    Then "client" can reach "xoa" on TCP port 443
    And "client" cannot reach "xoa" on TCP port 6379
    When "client" runs "curl -fsSk https://xoa/health"
    Then the output contains "ok redis=PONG"
