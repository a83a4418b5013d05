package io.hostspec.cli;

import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * CI jobs by host: {@code ./hostspec matrix --by host} prints them and {@code ./hostspec run --host NAME} runs one.
 * The rule: a scenario belongs to the job of the <em>first</em> host it declares (Background steps first, then its own
 * steps in order); a scenario that declares no host belongs to the job {@value #NO_HOST}. So every scenario is in
 * exactly one job, and a host that is only ever a helper (a {@code client} declared after the host under test) has no
 * job of its own. A job still lists every host its scenarios declare, which are the images it needs.
 */
final class HostJobs {

    /** The job of scenarios that declare no host. */
    static final String NO_HOST = "(none)";

    /**
     * One host's job.
     *
     * @param host      the host that names the job
     * @param scenarios the scenarios it runs, by unique id
     */
    record Job(String host, List<Scenarios.Scenario> scenarios) {

        /** Every host the job's scenarios declare (the images the job needs), sorted. */
        SortedSet<String> hosts() {
            SortedSet<String> out = new TreeSet<>();
            scenarios.forEach(s -> out.addAll(s.hosts()));
            return out;
        }

        /** The unique ids of its scenarios. */
        List<String> ids() {
            return scenarios.stream().map(Scenarios.Scenario::id).toList();
        }
    }

    private HostJobs() {
    }

    /** The jobs, by host name; hosts without a scenario of their own have none. */
    static SortedMap<String, Job> byHost(List<Scenarios.Scenario> scenarios) {
        SortedMap<String, List<Scenarios.Scenario>> grouped = new TreeMap<>();
        scenarios.stream().sorted(java.util.Comparator.comparing(Scenarios.Scenario::id))
                .forEach(s -> grouped.computeIfAbsent(s.job(), k -> new ArrayList<>()).add(s));
        SortedMap<String, Job> out = new TreeMap<>();
        grouped.forEach((host, list) -> out.put(host, new Job(host, List.copyOf(list))));
        return out;
    }

    /**
     * A request for the scenarios of one host's job among everything {@code all} selects, with the same parameters.
     *
     * @throws IllegalArgumentException when no selected scenario belongs to that host, naming the jobs there are
     */
    static LauncherDiscoveryRequest select(Launcher launcher, LauncherDiscoveryRequest all, Map<String, String> params,
                                           String host) {
        List<Scenarios.Scenario> scenarios = Scenarios.discover(launcher, all);
        SortedMap<String, Job> jobs = byHost(scenarios);
        Job job = jobs.get(host);
        if (job == null) {
            SortedSet<String> helpedIn = new TreeSet<>();
            scenarios.stream().filter(s -> s.hosts().contains(host)).forEach(s -> helpedIn.add(s.job()));
            throw new IllegalArgumentException("--host " + host + ": no selected scenario belongs to that host"
                    + (helpedIn.isEmpty() ? "" : "; its scenarios run in the jobs of " + String.join(", ", helpedIn)
                    + " (a scenario runs in the job of the first host it declares)")
                    + ". Hosts with a job: " + String.join(", ", jobs.keySet()));
        }
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(job.ids().stream().map(DiscoverySelectors::selectUniqueId).toList())
                .configurationParameters(params)
                .build();
    }
}
