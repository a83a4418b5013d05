package io.hostspec.scenarios;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/** The scenarios of features/ that boot real VMs (everything not tagged {@code @eval}); run by failsafe. */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ConfigurationParameter(key = "cucumber.filter.tags", value = "not @eval")
public class FeaturesIT {
}
