package io.hostspec.nix;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A Nix attribute set: names in sorted order, values that may still be thunks, and where each attribute was written
 * (when it comes from source). Immutable once built.
 */
public final class NixAttrs {

    /** The empty set. */
    public static final NixAttrs EMPTY = new NixAttrs(new TreeMap<>(), null);

    private final TreeMap<String, Object> values;
    private final Map<String, Pos> positions;

    /**
     * A set over the given maps, which the caller must not change afterwards.
     *
     * @param values    name to value (or thunk)
     * @param positions name to where it was written; may be null
     */
    public NixAttrs(TreeMap<String, Object> values, Map<String, Pos> positions) {
        this.values = values;
        this.positions = positions;
    }

    /** The value of an attribute, forced; null when absent. */
    public Object get(String name) {
        Object v = values.get(name);
        return v == null ? null : Thunk.force(v);
    }

    /** The value of an attribute, possibly unforced; null when absent. */
    public Object lazy(String name) {
        return values.get(name);
    }

    /** Whether the attribute exists. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** Where the attribute was written, or null. */
    public Pos pos(String name) {
        return positions == null ? null : positions.get(name);
    }

    /** The positions map (may be null). */
    public Map<String, Pos> positions() {
        return positions;
    }

    /** Names and values (possibly unforced), sorted by name. */
    public NavigableMap<String, Object> entries() {
        return Collections.unmodifiableNavigableMap(values);
    }

    /** The backing map; callers must not modify it. */
    public TreeMap<String, Object> map() {
        return values;
    }

    /** Number of attributes. */
    public int size() {
        return values.size();
    }

    /** Whether this is a derivation ({@code type = "derivation"}). */
    public boolean isDerivation() {
        Object t = values.get("type");
        if (t == null) {
            return false;
        }
        try {
            return "derivation".equals(Thunk.force(t));
        } catch (NixException e) {
            return false;
        }
    }
}
