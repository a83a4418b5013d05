package io.hostspec.steps;

import io.cucumber.java.After;

/** Closes the scenario's machines after every scenario, whatever its outcome. */
public final class Lifecycle {

    private final World world;

    /** Hooks sharing the scenario's world. */
    public Lifecycle(World world) {
        this.world = world;
    }

    /** Stops every machine the scenario started and removes their overlays and sockets. */
    @After(order = 0)
    public void closeLab() {
        world.lab().close();
    }
}
