package io.hostspec.scenarios;

import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.IncludeTags;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/** The evaluation-only scenarios of features/ (tagged {@code @eval}): they boot nothing and run in the unit phase. */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@IncludeTags("eval")
public class EvalFeaturesTest {
}
