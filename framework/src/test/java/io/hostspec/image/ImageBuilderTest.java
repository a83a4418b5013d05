package io.hostspec.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageBuilderTest {

    @Test
    void diskIsAtLeastTwoGiBWithHalfAgainAsMuchRoomAsContent() {
        assertEquals(2L << 30, ImageBuilder.diskSize(400L << 20));
        assertEquals(3L << 30, ImageBuilder.diskSize(2L << 30));
        assertEquals(0, ImageBuilder.diskSize((2L << 30) + 12345) % (1 << 20), "whole MiB");
    }
}
