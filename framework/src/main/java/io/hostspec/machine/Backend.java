package io.hostspec.machine;

import java.util.Locale;
import java.util.Set;

/**
 * Where a host runs. Chosen per run ({@code ./hostspec run --backend container} or {@code -Dhostspec.backend}) and per
 * host ({@code virtualisation.backend}); a host's own choice wins.
 */
public enum Backend {
    /** A Debian guest under QEMU with a kernel of its own (the default). */
    VM("vm", Set.of(Capability.values())),
    /** A systemd system container on the local Docker engine, sharing the host's kernel. */
    CONTAINER("container", Set.of());

    /** The system property naming the run's default backend. */
    public static final String PROPERTY = "hostspec.backend";

    private final String word;
    private final Set<Capability> capabilities;

    Backend(String word, Set<Capability> capabilities) {
        this.word = word;
        this.capabilities = capabilities;
    }

    /** What a backend may not be able to honour; a step needing one fails at once on a backend without it. */
    public enum Capability {
        /** Loading kernel modules (the kernel is the host's in a container). */
        KERNEL_MODULES("kernel modules"),
        /** Crashing or panicking the guest's own kernel. */
        KERNEL_CRASH("a crash of the kernel"),
        /** A TPM device. */
        TPM("a TPM"),
        /** Extra block devices. */
        EXTRA_DISKS("extra disks");

        private final String words;

        Capability(String words) {
            this.words = words;
        }

        /** @return the capability in words, for messages */
        public String words() {
            return words;
        }
    }

    /** @return the name used on the command line and in {@code virtualisation.backend} */
    public String word() {
        return word;
    }

    /** @return what this backend honours */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * Fails at once when this backend cannot honour something a step or option needs.
     *
     * @param host       the host, for the message
     * @param capability what is needed
     * @throws UnsupportedOperationException naming the backend and the capability
     */
    public void require(String host, Capability capability) {
        if (!capabilities.contains(capability)) {
            throw new UnsupportedOperationException("[" + host + "] the " + word + " backend cannot honour "
                    + capability.words() + "; run this host on the vm backend (virtualisation.backend = \"vm\" or "
                    + "--backend vm)");
        }
    }

    /**
     * @param word {@code vm} or {@code container}
     * @return the backend
     * @throws IllegalArgumentException naming the known backends
     */
    public static Backend of(String word) {
        for (Backend b : values()) {
            if (b.word.equals(word.strip().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + word + "'; known: vm, container");
    }

    /** @return the run's default backend: {@code -Dhostspec.backend}, else {@code HOSTSPEC_BACKEND}, else vm */
    public static Backend forRun() {
        String chosen = System.getProperty(PROPERTY, System.getenv().getOrDefault("HOSTSPEC_BACKEND", "vm"));
        return of(chosen.isBlank() ? "vm" : chosen);
    }
}
