package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @Test
    void writtenFileHasTheContentAndIsReadableByOthersLikeAnOrdinaryFile(@TempDir Path dir) throws Exception {
        // the answer: the bytes written, and mode 0644 rather than createTempFile's 0600
        Path f = dir.resolve("out.txt");
        AtomicFiles.writeString(f, "hello\n");
        assertEquals("hello\n", Files.readString(f));
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
        assertTrue(p.contains(PosixFilePermission.OTHERS_READ) && p.contains(PosixFilePermission.GROUP_READ), p.toString());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }
}
