package io.hostspec.scenarios;

import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.ExcludeTags;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/**
 * The scenarios of features/ that boot real VMs (everything not tagged {@code @eval}); run by failsafe. Scenarios tagged
 * {@code @unproven} (new ones that have not passed on this project's CI machine yet) are left out (docs/ci.md).
 */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ExcludeTags({"eval", "unproven"})
public class FeaturesIT {
}
