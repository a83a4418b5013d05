package io.hostspec.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copy of a {@code for} block for one name: the placeholder replaced by the name in the block's keys (quoted
 * where the name needs it), in its string values (references included) and in its conditions. Positions are kept,
 * so every definition of a copy names the line of the block it came from.
 */
final class Repetition {

    private Repetition() {
    }

    /** The block for one name; the copy is written once ({@code forEach} is null). */
    static Module.Block copy(Module.Block block, String placeholder, String name) {
        String inPath = OptionPath.format(List.of(name));
        List<Module.WrittenCondition> conditions = new ArrayList<>();
        for (Module.WrittenCondition c : block.conditions()) {
            conditions.add(c.test() != null ? c
                    : new Module.WrittenCondition(c.option().replace(placeholder, inPath), c.where()));
        }
        return new Module.Block(block.priority(), block.order(), List.copyOf(conditions),
                value(block.entries(), placeholder, name, inPath));
    }

    private static PValue value(PValue v, String placeholder, String name, String inPath) {
        if (v.value() instanceof Map<?, ?> m) {
            Map<String, PValue> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(((String) k).equals(placeholder) ? name
                            : ((String) k).replace(placeholder, inPath),
                    value((PValue) x, placeholder, name, inPath)));
            return new PValue(out, v.where());
        }
        if (v.value() instanceof List<?> l) {
            List<PValue> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(value((PValue) x, placeholder, name, inPath)));
            return new PValue(out, v.where());
        }
        if (v.value() instanceof String s) {
            return new PValue(s.replace(placeholder, name), v.where());
        }
        return v;
    }
}
