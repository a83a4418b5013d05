package io.hostspec.net.internal;

import io.hostspec.machine.Shell;
import io.hostspec.net.NetworkPlan.HostNetwork;
import io.hostspec.net.NetworkPlan.Nic;
import io.hostspec.realize.LabOnline;

/**
 * The POSIX shell scripts that give a guest its network identity and check it. Pure text; run through the agent.
 */
public final class GuestScript {

    /** First line of the hostspec block in {@code /etc/hosts}. */
    public static final String BEGIN = "# BEGIN hostspec network (generated; do not edit)";
    /** Last line of the hostspec block in {@code /etc/hosts}. */
    public static final String END = "# END hostspec network";
    /** Exit code of the apply script when a NIC has no interface. */
    public static final int NO_INTERFACE = 3;

    // Ethernet links as "IFINDEX NAME MAC", ascending ifindex. Virtual links (lo, sit...) have no link/ether.
    private static final String PRELUDE = """
            links() {
              ip -o link show | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") { x = $1; sub(/:$/, "", x); \
            n = $2; sub(/:$/, "", n); sub(/@.*/, "", n); print x, n, $(i + 1) } }' | sort -n
            }
            """;

    private GuestScript() {
    }

    /**
     * The idempotent script that applies a host's network: for each NIC, finds the interface by MAC, else by
     * position among the ethernet links in ifindex order (a restored snapshot still has the snapshot's MACs); sets
     * its MAC, its only IPv4 address and brings it up, touching nothing already right; sets the hostname; puts the
     * hostspec block at the top of {@code /etc/hosts} (so it wins over the image's {@code 127.0.1.1} line), keeping
     * every other line; last, starts {@link LabOnline#TARGET} when the guest has it.
     *
     * @param host the host's planned network
     * @return the script text
     */
    public static String apply(HostNetwork host) {
        StringBuilder s = new StringBuilder()
                .append("# hostspec: network identity of ").append(host.name()).append(" (idempotent)\n")
                .append("set -eu\n")
                .append(PRELUDE)
                .append("""
                        nic() { # MAC POSITION: the interface with that MAC, else the POSITION-th ethernet link
                          dev=$(links | awk -v m="$1" '$3 == m { print $2; exit }')
                          [ -n "$dev" ] || dev=$(links | awk -v p="$2" 'NR == p + 1 { print $2 }')
                          if [ -z "$dev" ]; then
                            echo "hostspec: no interface with MAC $1 and no ethernet link at position $2; links:" >&2
                            ip -o link show >&2
                            exit %d
                          fi
                          echo "$dev"
                        }
                        configure() { # DEV MAC CIDR
                          changed=
                          if [ "$(cat "/sys/class/net/$1/address")" != "$2" ]; then
                            ip link set dev "$1" address "$2"; changed=1
                          fi
                          if [ "$(ip -4 -o addr show dev "$1" | awk '{ print $4 }')" != "$3" ]; then
                            ip -4 addr flush dev "$1"; ip addr add "$3" dev "$1"; changed=1
                          fi
                          ip link set dev "$1" up
                          # neighbours learnt under another identity (a restored snapshot) are stale
                          [ -z "$changed" ] || ip neigh flush dev "$1"
                          echo "$1 $2 $3"
                        }
                        """.formatted(NO_INTERFACE));
        // Resolve every interface before changing any MAC, so a changed MAC cannot be matched for another NIC.
        for (Nic nic : host.nics()) {
            s.append("dev").append(nic.position()).append("=$(nic ").append(nic.mac()).append(' ')
                    .append(nic.position()).append(")\n");
        }
        for (Nic nic : host.nics()) {
            s.append("configure \"$dev").append(nic.position()).append("\" ").append(nic.mac()).append(' ')
                    .append(nic.cidr()).append('\n');
        }
        String name = Shell.quote(host.name());
        s.append("hostname ").append(name).append('\n')
                .append("echo ").append(name).append(" > /etc/hostname\n")
                .append("{\n")
                .append("  echo ").append(Shell.quote(BEGIN)).append('\n');
        for (String line : host.hostsLines()) {
            s.append("  echo ").append(Shell.quote(line)).append('\n');
        }
        s.append("  echo ").append(Shell.quote(END)).append('\n')
                .append("  [ ! -f /etc/hosts ] || awk -v b=").append(Shell.quote(BEGIN)).append(" -v e=")
                .append(Shell.quote(END)).append(" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' /etc/hosts\n")
                .append("} > /etc/hosts.hostspec-new\n")
                .append("chmod 644 /etc/hosts.hostspec-new\n")
                .append("mv -f /etc/hosts.hostspec-new /etc/hosts\n")
                .append("if [ -f /etc/systemd/system/").append(LabOnline.TARGET).append(" ]; then systemctl start ")
                .append("--no-block ").append(LabOnline.TARGET).append("; fi\n");
        return s.toString();
    }

    /**
     * The script that checks a host's network: prints one {@code OK ...} or {@code MISSING ...} line per NIC and for
     * the hostname, and exits 1 when anything is missing.
     *
     * @param host the host's planned network
     * @return the script text
     */
    public static String verify(HostNetwork host) {
        StringBuilder s = new StringBuilder()
                .append("# hostspec: check the network identity of ").append(host.name()).append('\n')
                .append(PRELUDE)
                .append("""
                        rc=0
                        check() { # MAC CIDR
                          dev=$(links | awk -v m="$1" '$3 == m { print $2; exit }')
                          if [ -z "$dev" ]; then echo "MISSING no interface has MAC $1"; rc=1
                          elif ! ip -4 -o addr show dev "$dev" | awk '{ print $4 }' | grep -qxF "$2"; then
                            echo "MISSING $2 is not on $dev ($1)"; rc=1
                          elif ! ip -o link show dev "$dev" | grep -q '[<,]UP[,>]'; then echo "MISSING $dev ($1) is down"; rc=1
                          else echo "OK $2 on $dev ($1)"; fi
                        }
                        """);
        for (Nic nic : host.nics()) {
            s.append("check ").append(nic.mac()).append(' ').append(nic.cidr()).append('\n');
        }
        String name = Shell.quote(host.name());
        s.append("if [ \"$(hostname)\" = ").append(name).append(" ]; then echo \"OK hostname $(hostname)\"; ")
                .append("else echo \"MISSING hostname is $(hostname), not \"").append(name).append("; rc=1; fi\n")
                .append("exit $rc\n");
        return s.toString();
    }
}
