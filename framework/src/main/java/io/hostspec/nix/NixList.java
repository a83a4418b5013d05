package io.hostspec.nix;

import java.util.AbstractList;
import java.util.RandomAccess;

/** A Nix list: an immutable array of values that may still be thunks. */
public final class NixList extends AbstractList<Object> implements RandomAccess {

    /** The empty list. */
    public static final NixList EMPTY = new NixList(new Object[0]);

    private final Object[] items;

    /** A list over the given array, which the caller must not change afterwards. */
    public NixList(Object[] items) {
        this.items = items;
    }

    /** A list of the given values. */
    public static NixList of(java.util.List<?> values) {
        return values.isEmpty() ? EMPTY : new NixList(values.toArray());
    }

    /** The element, forced. */
    @Override
    public Object get(int index) {
        return Thunk.force(items[index]);
    }

    /** The element, possibly unforced. */
    public Object lazy(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    /** The backing array; callers must not modify it. */
    public Object[] items() {
        return items;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
