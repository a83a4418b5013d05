package io.hostspec.scenarios;

import org.junit.platform.suite.api.ExcludeTags;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/**
 * The same scenarios as {@link FeaturesIT}, with every host on the container backend: failsafe's {@code container}
 * execution runs this class alone, with {@code -Dhostspec.backend=container} and a report folder of its own
 * ({@code target/hostspec-report/container}). Scenarios tagged {@code @vm-only} need a kernel of their own or QEMU
 * itself and are left out here (docs/backends.md says why each is); without a Docker engine the scenarios are skipped
 * saying how to get one, except under {@code CI=true}, where they fail.
 */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ExcludeTags({"eval", "unproven", "vm-only"})
public class ContainerFeaturesIT {
}
