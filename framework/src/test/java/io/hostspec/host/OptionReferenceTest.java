package io.hostspec.host;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/options.md is the generated option reference, and it is not stale. */
class OptionReferenceTest {

    @Test
    void docsOptionsMdIsUpToDate() throws IOException {
        Path root = Project.current().root();
        String generated = OptionReference.of(root, List.of()).markdown();
        String committed = Files.readString(root.resolve("docs/options.md"));
        assertEquals(generated, committed,
                "docs/options.md is stale: run ./hostspec options --markdown > docs/options.md");
    }

    @Test
    void referenceHasBuiltInsAndLibraryOptionsWithWhereTheyAreDeclared() {
        String md = OptionReference.of(Project.current().root(), List.of()).markdown();
        assertTrue(md.contains("### `services.redis.servers.<name>.unixSocket`"), "built-in redis option missing");
        assertTrue(md.contains("### `nixoa.xo.port`\n\n- Type: `port`"), "library option missing");
        assertTrue(md.contains("- Declared in: `vm-images/modules/xo/xoa.toml:"), "library provenance missing");
    }
}
