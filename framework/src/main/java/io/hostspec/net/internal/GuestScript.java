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
    /** The line {@link #applyAndVerify} prints between applying and checking. */
    public static final String CHECKING = "hostspec: identity applied; checking it";
    /** Exit code of the apply script when a NIC has no interface. */
    public static final int NO_INTERFACE = 3;

    // Shell builtins wherever they will do: a guest restored from a snapshot under TCG runs every new process slowly
    // (its translated code is gone), and five guests restored together took 15 s for the ~40 processes these scripts
    // used to start. Now ip starts twice per NIC, mv and systemctl once.
    //
    // links: the ethernet links (type 1) as "IFINDEX NAME MAC", ascending ifindex, read from sysfs.
    // by_mac MAC / by_position N: the name of that link, or nothing.
    private static final String PRELUDE = """
            net=/sys/class/net
            links() {
              last=0
              while :; do
                best=; bi=
                for d in "$net"/*; do
                  [ -r "$d/type" ] || continue
                  read -r t < "$d/type"; [ "$t" = 1 ] || continue
                  read -r i < "$d/ifindex"; [ "$i" -gt "$last" ] || continue
                  if [ -z "$bi" ] || [ "$i" -lt "$bi" ]; then bi=$i; best=$d; fi
                done
                [ -n "$bi" ] || return 0
                read -r m < "$best/address"
                echo "$bi ${best##*/} $m"
                last=$bi
              done
            }
            by_mac() { links | while read -r i n m; do if [ "$m" = "$1" ]; then echo "$n"; break; fi; done; }
            by_position() { links | { p=0; while read -r i n m; do if [ "$p" = "$1" ]; then echo "$n"; break; fi;             p=$((p + 1)); done; }; }
            ipv4() { # DEV: its IPv4 addresses with prefixes, space-separated
              out=; next=
              for w in $(ip -4 -o addr show dev "$1"); do
                [ -z "$next" ] || { out="$out${out:+ }$w"; next=; }
                [ "$w" != inet ] || next=1
              done
              echo "$out"
            }
            is_up() { read -r f < "$net/$1/flags"; [ $((f & 1)) = 1 ]; }  # IFF_UP
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
                          dev=$(by_mac "$1")
                          [ -n "$dev" ] || dev=$(by_position "$2")
                          if [ -z "$dev" ]; then
                            echo "hostspec: no interface with MAC $1 and no ethernet link at position $2; links:" >&2
                            links >&2
                            exit %d
                          fi
                          echo "$dev"
                        }
                        configure() { # DEV MAC CIDR
                          changed=
                          read -r current < "$net/$1/address"
                          if [ "$current" != "$2" ]; then
                            ip link set dev "$1" address "$2"; changed=1
                          fi
                          if [ "$(ipv4 "$1")" != "$3" ]; then
                            ip -4 addr flush dev "$1"; ip addr add "$3" dev "$1"; changed=1
                          fi
                          is_up "$1" || ip link set dev "$1" up
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
        s.append("echo ").append(name).append(" > /proc/sys/kernel/hostname\n") // what hostname(1) does
                .append("echo ").append(name).append(" > /etc/hostname\n")
                .append("umask 022\n")
                .append("{\n")
                .append("  echo ").append(Shell.quote(BEGIN)).append('\n');
        for (String line : host.hostsLines()) {
            s.append("  echo ").append(Shell.quote(line)).append('\n');
        }
        s.append("  echo ").append(Shell.quote(END)).append('\n')
                .append("  skip=\n")
                .append("  [ ! -f /etc/hosts ] || while IFS= read -r line || [ -n \"$line\" ]; do\n")
                .append("    [ \"$line\" != ").append(Shell.quote(BEGIN)).append(" ] || skip=1\n")
                .append("    [ -n \"$skip\" ] || printf '%s\\n' \"$line\"\n")
                .append("    [ \"$line\" != ").append(Shell.quote(END)).append(" ] || skip=\n")
                .append("  done < /etc/hosts\n")
                .append("} > /etc/hosts.hostspec-new\n")
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
                          dev=$(by_mac "$1")
                          if [ -z "$dev" ]; then echo "MISSING no interface has MAC $1"; rc=1
                          elif ! case " $(ipv4 "$dev") " in *" $2 "*) true ;; *) false ;; esac; then
                            echo "MISSING $2 is not on $dev ($1)"; rc=1
                          elif ! is_up "$dev"; then echo "MISSING $dev ($1) is down"; rc=1
                          else echo "OK $2 on $dev ($1)"; fi
                        }
                        """);
        for (Nic nic : host.nics()) {
            s.append("check ").append(nic.mac()).append(' ').append(nic.cidr()).append('\n');
        }
        String name = Shell.quote(host.name());
        s.append("read -r h < /proc/sys/kernel/hostname\n")
                .append("if [ \"$h\" = ").append(name).append(" ]; then echo \"OK hostname $h\"; ")
                .append("else echo \"MISSING hostname is $h, not \"").append(name).append("; rc=1; fi\n")
                .append("exit $rc\n");
        return s.toString();
    }

    /**
     * Both in one guest command, one agent round trip: {@link #apply}, then the line {@link #CHECKING}, then
     * {@link #verify} in a subshell whose exit code is the script's.
     *
     * @param host the host's planned network
     * @return the script text
     */
    public static String applyAndVerify(HostNetwork host) {
        return apply(host) + "echo " + Shell.quote(CHECKING) + "\n(\n" + verify(host) + ")\n";
    }
}
