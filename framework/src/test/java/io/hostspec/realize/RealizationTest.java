package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each built-in realizer on small hosts: the exact files they produce and the options they trace back to. */
class RealizationTest {

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        return Realization.realize(evaluate(host));
    }

    private Config evaluate(String host) throws IOException {
        return TestHost.evaluate(root, host);
    }

    private ConfigException rejected(String host) {
        return assertThrows(ConfigException.class, () -> realize(host));
    }

    @Test
    void emptyHostHasNixosDefaults() throws IOException {
        Recipe r = realize("");
        assertEquals("nixos", r.hostName());
        assertEquals("nixos\n", r.files().get("/etc/hostname").content());
        assertEquals("LANG=C.UTF-8\n", r.files().get("/etc/default/locale").content());
        assertEquals(new Recipe.Hardware(1024, 1, new java.util.TreeSet<>(List.of(1))), r.hardware());
        assertTrue(r.packages().isEmpty(), r.packages().toString());
        assertTrue(r.nftables().contains("policy drop;"));
        assertFalse(r.nftables().contains("dport"));
    }

    @Test
    void hostsFileHasTheFqdnAndExtraHosts() throws IOException {
        Recipe r = realize("""
                networking.hostName = "web"
                networking.domain = "example.com"
                [networking.hosts]
                "198.18.0.2" = ["db", "db.example.com"]
                """);
        assertEquals("""
                127.0.0.1 localhost
                ::1 localhost ip6-localhost ip6-loopback
                ff02::1 ip6-allnodes
                ff02::2 ip6-allrouters
                127.0.1.1 web.example.com web
                198.18.0.2 db db.example.com
                """, r.files().get("/etc/hosts").content());
    }

    @Test
    void firewallIsDefaultDenyWithTheAllowedPorts() throws IOException {
        Recipe r = realize("""
                "networking.firewall.allowedTCPPorts" = [443, 80]
                "networking.firewall.allowedUDPPorts" = [53]
                "networking.firewall.extraInputRules" = "ip saddr 198.18.0.0/15 tcp dport 9100 accept"
                """);
        assertEquals("""
                flush ruleset

                table inet filter {
                  chain input {
                    type filter hook input priority 0; policy drop;
                    iif lo accept
                    ct state established,related accept
                    ct state invalid drop
                    ip protocol icmp accept
                    ip6 nexthdr icmpv6 accept
                    tcp dport { 80, 443 } accept
                    udp dport { 53 } accept
                    ip saddr 198.18.0.0/15 tcp dport 9100 accept
                  }
                  chain forward {
                    type filter hook forward priority 0; policy drop;
                  }
                  chain output {
                    type filter hook output priority 0; policy accept;
                  }
                }
                """, r.nftables());
        assertEquals(Set.of("networking.firewall.allowedTCPPorts"), r.artifacts().get("port:tcp/443"));
        assertEquals(List.of("vm-images/hosts/h.toml:1"), r.options().get("networking.firewall.allowedTCPPorts"));
        assertEquals(Set.of("sysinit.target"), r.units().get("nftables.service").wantedBy());
        assertNull(r.units().get("nftables.service").content());
    }

    @Test
    void disabledFirewallAcceptsEverything() throws IOException {
        Recipe r = realize("\"networking.firewall.enable\" = false\n\"networking.firewall.allowedTCPPorts\" = [80]\n");
        assertFalse(r.nftables().contains("drop"), r.nftables());
        assertTrue(r.nftables().contains("chain input {\n    type filter hook input priority 0; policy accept;"));
    }

    @Test
    void opensshInstallsTheServerAndOpensItsPorts() throws IOException {
        Recipe r = realize("""
                [services.openssh]
                enable = true
                ports = [22, 2222]
                settings.PasswordAuthentication = false
                """);
        assertTrue(r.packages().contains("openssh-server"));
        assertEquals("Port 22\nPort 2222\nPasswordAuthentication no\nPermitRootLogin prohibit-password\n",
                r.files().get("/etc/ssh/sshd_config.d/hostspec.conf").content());
        assertTrue(r.nftables().contains("tcp dport { 22, 2222 } accept"), r.nftables());
        assertEquals(Set.of("services.openssh.openFirewall", "services.openssh.ports"),
                r.artifacts().get("port:tcp/2222"));
        assertTrue(r.artifacts().get("nftables").contains("services.openssh.ports"));
        Recipe closed = realize("[services.openssh]\nenable = true\nopenFirewall = false\n");
        assertFalse(closed.nftables().contains("dport"));
    }

    @Test
    void redisServerFollowsNixosConventions() throws IOException {
        Recipe r = realize("""
                [services.redis.servers.xo]
                enable = true
                port = 0
                unixSocket = "/run/redis-xo/redis.sock"
                unixSocketPerm = 770
                settings = { maxmemory = "64mb" }
                """);
        assertEquals("""
                appendonly no
                bind 127.0.0.1
                daemonize no
                databases 16
                dir /var/lib/redis-xo
                logfile ""
                loglevel notice
                maxclients 10000
                maxmemory 64mb
                port 0
                save 900 1
                save 300 10
                save 60 10000
                supervised systemd
                unixsocket /run/redis-xo/redis.sock
                unixsocketperm 770
                """, r.files().get("/etc/redis/redis-xo.conf").content());
        assertEquals("""
                [Unit]
                Description=Redis Server - redis-xo
                After=network.target

                [Service]
                Type=notify
                ExecStartPre=+/usr/bin/install -m 0600 -o redis-xo -g redis-xo /etc/redis/redis-xo.conf /var/lib/redis-xo/redis.conf
                ExecStart=/usr/bin/redis-server /var/lib/redis-xo/redis.conf
                User=redis-xo
                Group=redis-xo
                RuntimeDirectory=redis-xo
                RuntimeDirectoryMode=0750
                StateDirectory=redis-xo
                StateDirectoryMode=0700
                UMask=0077
                Restart=on-failure

                [Install]
                WantedBy=multi-user.target
                """, r.units().get("redis-xo.service").content());
        assertEquals(Set.of("multi-user.target"), r.units().get("redis-xo.service").wantedBy());
        Recipe.UserEntry user = r.users().get("redis-xo");
        assertEquals("redis-xo", user.group());
        assertTrue(user.system());
        assertTrue(r.groups().get("redis-xo").system());
        assertTrue(r.stateDirs().contains("/var/lib/redis-xo"));
        assertTrue(r.packages().contains("redis-server"));
        assertEquals(RedisRealizer.MASKED, r.units().get("redis-server.service").content());
        assertTrue(r.units().get("redis-server.service").wantedBy().isEmpty());
        assertFalse(r.nftables().contains("6379"));
    }

    @Test
    void disabledRedisServerProducesNothing() throws IOException {
        Recipe r = realize("\"services.redis.servers.x.port\" = 7000\n");
        assertFalse(r.packages().contains("redis-server"));
        assertFalse(r.units().containsKey("redis-server.service"));
    }

    @Test
    void systemdServiceWithScriptEnvironmentAndServiceConfig() throws IOException {
        Recipe r = realize("""
                [systemd.services.hello]
                description = "Say hello"
                wantedBy = ["multi-user.target"]
                after = ["network.target"]
                script = "echo hello \\"$WHO\\""
                environment = { WHO = "world" }
                serviceConfig = { Type = "oneshot", RemainAfterExit = true, ExecStartPost = ["/bin/true", "/bin/echo done"] }
                """);
        assertEquals("""
                [Unit]
                Description=Say hello
                After=network.target

                [Service]
                Environment="WHO=world"
                ExecStart=/etc/hostspec/scripts/hello.sh
                ExecStartPost=/bin/true
                ExecStartPost=/bin/echo done
                RemainAfterExit=true
                Type=oneshot

                [Install]
                WantedBy=multi-user.target
                """, r.units().get("hello.service").content());
        Recipe.FileEntry script = r.files().get("/etc/hostspec/scripts/hello.sh");
        assertEquals("#!/bin/sh\nset -e\necho hello \"$WHO\"\n", script.content());
        assertEquals("0755", script.mode());
        assertEquals(Set.of("multi-user.target"), r.units().get("hello.service").wantedBy());
        assertEquals(Set.of("systemd.services.hello.script"), r.artifacts().get("file:/etc/hostspec/scripts/hello.sh"));
    }

    @Test
    void disabledServiceIsNotInstalledAndScriptPlusExecStartIsRejected() throws IOException {
        assertFalse(realize("[systemd.services.x]\nenable = false\nscript = \"true\"\n").units()
                .containsKey("x.service"));
        ConfigException e = rejected("""
                [systemd.services.x]
                script = "true"
                serviceConfig = { ExecStart = "/bin/true" }
                """);
        assertEquals(ConfigError.Kind.ASSERTION, e.errors().get(0).kind());
        assertTrue(e.getMessage().contains("`systemd.services.x.script' is defined at vm-images/hosts/h.toml:2"),
                e.getMessage());
    }

    @Test
    void nginxForceSslSelfSignedProxy() throws IOException {
        Recipe r = realize("""
                [services.nginx]
                enable = true
                recommendedProxySettings = true
                [services.nginx.virtualHosts.xoa]
                forceSSL = true
                selfSigned = true
                locations."/".proxyPass = "http://127.0.0.1:3000"
                locations."/".proxyWebsockets = true
                """);
        assertEquals("""
                server {
                    listen 80;
                    listen [::]:80;
                    server_name xoa;
                    location / {
                        return 301 https://$host$request_uri;
                    }
                }

                server {
                    listen 443 ssl;
                    listen [::]:443 ssl;
                    server_name xoa;
                    ssl_certificate /var/lib/nginx-selfsigned/xoa/cert.pem;
                    ssl_certificate_key /var/lib/nginx-selfsigned/xoa/key.pem;
                    location / {
                        proxy_pass http://127.0.0.1:3000;
                        proxy_set_header Host $host;
                        proxy_set_header X-Real-IP $remote_addr;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                    }
                }
                """, r.files().get("/etc/nginx/sites-enabled/xoa.conf").content());
        assertTrue(r.packages().containsAll(Set.of("nginx", "openssl")));
        assertTrue(r.units().get("nginx.service").reloadable());
        assertEquals(Set.of("multi-user.target", "nginx.service"),
                r.units().get("nginx-selfsigned-xoa.service").wantedBy());
        assertTrue(r.files().get("/etc/hostspec/scripts/nginx-selfsigned-xoa.sh").content()
                .contains("openssl req -x509"));
        assertTrue(r.artifacts().get("file:/etc/nginx/sites-enabled/xoa.conf")
                .contains("services.nginx.virtualHosts.xoa.locations.\"/\".proxyPass"));
        assertTrue(r.files().get("/etc/nginx/sites-available/default").content().startsWith("#"));
    }

    @Test
    void nginxPlainSiteWithRoot() throws IOException {
        Recipe r = realize("""
                [services.nginx]
                enable = true
                virtualHosts.web = { root = "/srv/www", default = true, serverAliases = ["www"] }
                """);
        assertEquals("""
                server {
                    listen 80 default_server;
                    listen [::]:80 default_server;
                    server_name web www;
                    root /srv/www;
                }
                """, r.files().get("/etc/nginx/sites-enabled/web.conf").content());
    }

    @Test
    void tlsWithoutCertificateIsRejectedWithTheLine() {
        ConfigException e = rejected("""
                [services.nginx]
                enable = true
                virtualHosts.web.forceSSL = true
                """);
        assertTrue(e.getMessage().contains("has no certificate") && e.getMessage()
                .contains("`services.nginx.virtualHosts.web.forceSSL' is defined at vm-images/hosts/h.toml:3"),
                e.getMessage());
    }

    @Test
    void usersAndGroups() throws IOException {
        Recipe r = realize("""
                [users.users.admin]
                isNormalUser = true
                extraGroups = ["sudo"]
                openssh.authorizedKeys.keys = ["ssh-ed25519 AAAA admin@test"]
                [users.users.svc]
                isSystemUser = true
                group = "svc"
                uid = 990
                [users.groups.svc]
                gid = 990
                """);
        assertEquals(new Recipe.UserEntry("admin", null, "users", new java.util.TreeSet<>(Set.of("sudo")),
                "/home/admin", "/bin/bash", false, List.of("ssh-ed25519 AAAA admin@test")), r.users().get("admin"));
        assertEquals(new Recipe.UserEntry("svc", 990L, "svc", new java.util.TreeSet<>(), "/var/empty",
                "/usr/sbin/nologin", true, List.of()), r.users().get("svc"));
        assertEquals(new Recipe.GroupEntry("svc", 990L, false), r.groups().get("svc"));
        assertTrue(r.stateDirs().contains("/home/admin"));
        assertEquals(List.of("vm-images/hosts/h.toml:2"), r.options().get("users.users.admin.isNormalUser"));
    }

    @Test
    void userInAnUndeclaredGroupNamesItsDefinition() {
        ConfigException e = rejected("""
                [users.users.alice]
                isNormalUser = true
                extraGroups = ["wheel"]
                """);
        assertEquals(ConfigError.Kind.ASSERTION, e.errors().get(0).kind());
        assertTrue(e.getMessage().startsWith("The user `alice' is in the group `wheel', which does not exist"),
                e.getMessage());
        assertTrue(e.getMessage().contains("`users.users.alice.extraGroups' is defined at vm-images/hosts/h.toml:3"),
                e.getMessage());
        assertTrue(e.errors().get(0).where().contains(new Provenance("vm-images/hosts/h.toml", 3)));
    }

    @Test
    void systemUserNeedsAGroupAndUsersAreExactlyOneKind() {
        assertTrue(rejected("[users.users.s]\nisSystemUser = true\n").getMessage()
                .contains("users.users.s.group is unset"));
        assertTrue(rejected("[users.users.s]\ngroup = \"users\"\n").getMessage()
                .contains("Exactly one of users.users.s.isSystemUser and users.users.s.isNormalUser must be set"));
    }

    @Test
    void etcFilesPackagesSysctlsModulesAndHardware() throws IOException {
        Recipe r = realize("""
                environment.systemPackages = ["htop", "jq"]
                [environment.etc."motd"]
                text = "hello"
                [environment.etc."app/secret"]
                text = "s3cret"
                mode = "0600"
                user = "nobody"
                [boot]
                kernelModules = ["br_netfilter"]
                kernel.sysctl = { "net.ipv4.ip_forward" = true, "vm.swappiness" = 10 }
                [virtualisation]
                memorySize = 2048
                cores = 2
                vlans = [1, 2]
                [time]
                timeZone = "Europe/Paris"
                """);
        assertTrue(r.packages().containsAll(Set.of("htop", "jq", "tzdata")));
        assertEquals(new Recipe.FileEntry("/etc/motd", "hello", "0644", "root", "root"), r.files().get("/etc/motd"));
        assertEquals(new Recipe.FileEntry("/etc/app/secret", "s3cret", "0600", "nobody", "root"),
                r.files().get("/etc/app/secret"));
        assertEquals("1", r.sysctls().get("net.ipv4.ip_forward"));
        assertEquals("10", r.sysctls().get("vm.swappiness"));
        assertEquals(Set.of("br_netfilter"), r.kernelModules());
        assertEquals(new Recipe.Hardware(2048, 2, new java.util.TreeSet<>(List.of(1, 2))), r.hardware());
        assertEquals("Europe/Paris\n", r.files().get("/etc/timezone").content());
        assertTrue(r.units().containsKey(SystemRealizer.TIMEZONE_UNIT));
    }

    @Test
    void sameFileWithDifferentContentIsAConflictNamingBothOptions() {
        ConfigException e = rejected("""
                networking.hostName = "a"
                [environment.etc.hostname]
                text = "b"
                """);
        assertTrue(e.getMessage().contains("`file:/etc/hostname' is produced twice") && e.getMessage()
                .contains("networking.hostName") && e.getMessage().contains("environment.etc.hostname.text"),
                e.getMessage());
    }

    @Test
    void everyArtifactNamesOptionsThatExist() throws IOException {
        Config c = evaluate("""
                [services.openssh]
                enable = true
                [services.redis.servers.a]
                enable = true
                [users.users.u]
                isNormalUser = true
                """);
        Recipe r = Realization.realize(c);
        Set<String> declared = new java.util.HashSet<>();
        for (var d : Realization.builtIns()) {
            declared.add(d.path());
        }
        r.artifacts().forEach((id, from) -> {
            assertFalse(from.isEmpty(), id + " names no option");
            for (String o : from) {
                assertTrue(r.options().containsKey(o), o);
                String generic = o.replaceAll("servers\\.[^.]+\\.", "servers.<name>.")
                        .replaceAll("users\\.users\\.[^.]+\\.", "users.users.<name>.");
                assertTrue(declared.contains(generic), id + " names the undeclared option " + o);
            }
        });
        assertEquals(List.of("vm-images/hosts/h.toml:2"), r.options().get("services.openssh.enable"));
        assertEquals(List.of(), r.options().get("services.openssh.ports"), "a default has no definition line");
    }

    @Test
    void hashFollowsValuesNotProvenance() throws IOException {
        String host = """
                networking.hostName = "web"
                "networking.firewall.allowedTCPPorts" = [80]
                """;
        Recipe a = realize(host);
        Recipe same = realize(host);
        Recipe moved = realize("\n\n# moved down\n" + host);
        Recipe changed = realize(host.replace("[80]", "[8080]"));
        assertEquals(a.hash(), same.hash());
        assertEquals(a.hash(), moved.hash());
        assertNotEquals(a.options(), moved.options(), "provenance did move");
        assertNotEquals(a.hash(), changed.hash());
        assertNotEquals(a.imageHash(), changed.imageHash());
        Recipe bigger = realize(host + "virtualisation.memorySize = 4096\n");
        assertNotEquals(a.hash(), bigger.hash());
        assertEquals(a.imageHash(), bigger.imageHash(), "hardware is not part of the image");
    }
}
