@homelab
Feature: Backups of the homelab apps with restic
  Each app's state directory is backed up by restic-backups-<app>.service (and its daily timer) into a repository
  on hosts/homelab-store over sftp. The repository password and the ssh key are made at test time, never stored in
  the image.

  Background:
    Given the host "lab" from "hosts/homelab"

  @eval
  Scenario: every app has a backup unit with a timer
    Then the option "services.restic.backups.wiki.paths" of "lab" is "["/var/lib/wiki"]"
    And the option "services.restic.backups.wiki.initialize" of "lab" is "true"

  Scenario: data written, backed up, destroyed and restored is the same
    Given the host "store" from "hosts/homelab-store"
    When the hosts are started
    And "lab" runs "install -d -m 700 /root/.ssh /var/lib/homelab && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 && head -c 32 /dev/urandom | base64 > /var/lib/homelab/restic-password"
    And "store" runs "install -d -m 700 -o backup -g users /home/backup/.ssh"
    And the file "/root/.ssh/id_ed25519.pub" of "lab" is copied to "/home/backup/.ssh/authorized_keys" on "store"
    And "store" runs "chown backup:users /home/backup/.ssh/authorized_keys && chmod 600 /home/backup/.ssh/authorized_keys"
    Then the unit "restic-backups-wiki.timer" is active on "lab"
    And the command "curl -fsS http://wiki.home.lab/" eventually succeeds on "lab"
    When "lab" runs "printf 'milk, eggs\n' > /var/lib/wiki/shopping.txt && cd /var/lib/wiki && sha256sum index.html shopping.txt > /root/before.sha256"
    And "lab" runs "systemctl start restic-backups-wiki.service"
    And "lab" runs "restic-wiki snapshots --json"
    Then the output contains "/var/lib/wiki"
    And the command "test -f /home/backup/restic/wiki/config" succeeds on "store"
    When "lab" runs "rm -rf /var/lib/wiki/index.html /var/lib/wiki/shopping.txt"
    Then the command "cd /var/lib/wiki && sha256sum -c /root/before.sha256" fails on "lab"
    When "lab" runs "restic-wiki restore latest --target /"
    Then the command "cd /var/lib/wiki && sha256sum -c /root/before.sha256" succeeds on "lab"

  Scenario: a backup path that does not exist fails the backup unit, naming where it is declared
    Given the host "h" is configured with:
      """
      [services.restic.backups.docs]
      paths = ["/srv/docs"]
      repository = "/var/backup/docs"
      passwordFile = "/etc/restic-test-password"
      initialize = true
      """
    When "h" runs "echo test-only-password > /etc/restic-test-password"
    And "h" runs "systemctl start restic-backups-docs.service || true"
    Then the unit "restic-backups-docs.service" has failed on "h"
    And the command "journalctl -u restic-backups-docs.service --no-pager" succeeds on "h"
    And the output contains "backup path(s) /srv/docs do not exist (services.restic.backups.docs.paths, defined at features/homelab/backups.feature:38)"
