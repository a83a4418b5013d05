package io.hostspec.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value read from a module together with the line it was written on. Tables and arrays hold positioned values, so
 * every definition found inside a table keeps its own file:line.
 *
 * @param value a scalar ({@code String}, {@code Long}, {@code Boolean}), a {@code Map<String, PValue>} or a
 *              {@code List<PValue>}
 * @param where where it was written
 */
public record PValue(Object value, Provenance where) {

    /** Whether this is a table. */
    public boolean isTable() {
        return value instanceof Map;
    }

    /** The table's entries in the order written. */
    @SuppressWarnings("unchecked")
    public Map<String, PValue> table() {
        return (Map<String, PValue>) value;
    }

    /** The value without positions: maps, lists and scalars. */
    public Object plain() {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, ((PValue) v).plain()));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(((PValue) v).plain()));
            return Collections.unmodifiableList(out);
        }
        return value;
    }
}
