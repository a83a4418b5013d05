package io.hostspec.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The names a host's own /etc/hosts gives, kept for a container whose /etc/hosts Docker replaces. */
class ContainerHostsTest {

    @Test
    void theImagesOwnNamesBecomeExtraHostsAndDockersOwnLinesDoNot() {
        String etcHosts = """
                127.0.0.1 localhost
                ::1 localhost ip6-localhost ip6-loopback
                ff02::1 ip6-allnodes
                ff02::2 ip6-allrouters
                127.0.1.1 lab.home.lab lab
                127.0.0.1 wiki.home.lab docs.home.lab   # the apps
                """;

        assertEquals(List.of("lab.home.lab:127.0.1.1", "lab:127.0.1.1", "wiki.home.lab:127.0.0.1",
                "docs.home.lab:127.0.0.1"), ContainerNetwork.ownEntries(etcHosts));
    }

    @Test
    void noFileMeansNoEntries() {
        assertEquals(List.of(), ContainerNetwork.ownEntries(null));
    }
}
