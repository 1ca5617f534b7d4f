package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
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

    /** Every file under {@code dir}, relative, sorted (to see that nothing, not even a temporary file, was left). */
    static List<String> tree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aPathUnderAFileIsBadInputNamingThePathAndTheFileInTheWay(@TempDir Path dir) throws Exception {
        // the answer: the file system itself — plain.txt is a file, so no folder can be made under it
        Files.writeString(dir.resolve("plain.txt"), "x");
        Path target = dir.resolve("plain.txt").resolve("sub").resolve("out.json");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.writeString(target, "{}"));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("plain.txt"), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected a path in a writable folder"), e.getMessage());
        assertEquals(List.of("plain.txt"), tree(dir));
        InputException early = assertThrows(InputException.class, () -> AtomicFiles.requireWritable(target, "--json"));
        assertTrue(early.getMessage().startsWith("--json " + target + ": "), early.getMessage());
    }

    @Test
    void aTargetThatIsAFolderIsBadInputAndTheTemporaryFileIsRemoved(@TempDir Path dir) throws Exception {
        // the temporary file is made in dir before the rename finds the folder in the way; afterwards only the
        // folder's own file may exist
        Path target = dir.resolve("result");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "k");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.writeString(target, "data"));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("folder"), e.getMessage());
        assertEquals(List.of("result/keep.txt"), tree(dir));
        assertThrows(InputException.class, () -> AtomicFiles.requireWritable(target, "--json"));
    }

    @Test
    void aFolderThatCannotBeCreatedIsBadInput() {
        // /proc refuses new entries even to root (permission bits would not stop root, /proc does)
        assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        Path target = Path.of("/proc/minima-no-such/y.json");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.writeString(target, "{}"));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": /proc/minima-no-such: "), e.getMessage());
        InputException early = assertThrows(InputException.class, () -> AtomicFiles.requireWritableFolder(target.getParent(), "--out"));
        assertTrue(early.getMessage().startsWith("--out /proc/minima-no-such: "), early.getMessage());
        assertTrue(early.getMessage().endsWith("expected a writable folder"), early.getMessage());
    }

    @Test
    void aFailureWhileWritingTheContentIsARunningFailureNotBadInputAndLeavesNoFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.bin");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, o -> {
            o.write(1);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertEquals(List.of(), tree(dir));
    }
}
