package io.hostspec.scenarios;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/** The evaluation-only scenarios of features/ (tagged {@code @eval}): they boot nothing and run in the unit phase. */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ConfigurationParameter(key = "cucumber.filter.tags", value = "@eval")
public class EvalFeaturesTest {
}
