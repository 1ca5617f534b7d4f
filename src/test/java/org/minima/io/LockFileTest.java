package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
    @RepeatedTest(5)
    void ofTwoThreadsRacingOnOneLockExactlyOneGetsIt(@TempDir Path dir) throws Exception {
        // the answer: CREATE_NEW lets exactly one creator win; the loser sees a live holder (this very process)
        Path file = dir.resolve("lock");
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger winners = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        List<LockFile> held = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    LockFile l = LockFile.tryAcquire(file);
                    if (l != null) {
                        winners.incrementAndGet();
                        synchronized (held) {
                            held.add(l);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join();
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(1, winners.get());
        String text = Files.readString(file);
        assertTrue(text.contains("\"pid\" : " + ProcessHandle.current().pid()), text);
        held.get(0).close();
        assertFalse(Files.exists(file), "close deletes the lock file");
    }

    @Test
    void aSecondAcquireIsRefusedNamingWhatAndTheHolder(@TempDir Path dir) {
        Path file = dir.resolve("lock");
        try (LockFile first = LockFile.acquire(file, "output folder out/run")) {
            InputException e = assertThrows(InputException.class, () -> LockFile.acquire(file, "output folder out/run"));
            String m = e.getMessage();
            assertTrue(m.startsWith("output folder out/run is in use by process " + ProcessHandle.current().pid()
                    + " on host " + LockFile.hostname() + " (started "), m);
            assertTrue(m.contains(file.toString()), m);
            assertNull(LockFile.tryAcquire(file));
        }
        // released: free again
        try (LockFile again = LockFile.acquire(file, "x")) {
            assertNotNull(again);
        }
    }

    @Test
    void aLockLeftByAProcessThatHasExitedIsTakenOverWithOneLineOnStderr(@TempDir Path dir) throws Exception {
        // the answer: a real child process that has exited; its pid names no live process (or a reused one
        // with another start time)
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid();
        Path file = dir.resolve("lock");
        Files.writeString(file, "{\"host\": \"" + LockFile.hostname() + "\", \"pid\": " + deadPid
                + ", \"start\": \"2020-01-01T00:00:00Z\"}\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try (LockFile l = LockFile.acquire(file, "output folder x")) {
            assertTrue(Files.readString(file).contains("\"pid\" : " + ProcessHandle.current().pid()));
        } finally {
            System.setErr(saved);
        }
        String line = err.toString();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("taking over lock " + file) && line.contains("process " + deadPid), line);
        assertFalse(Files.exists(file.resolveSibling("lock.takeover")), "the takeover guard is removed");
    }

    @Test
    void aLockHeldFromAnotherHostIsNeverTakenOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lock");
        Files.writeString(file, "{\"host\": \"elsewhere.invalid\", \"pid\": 1, \"start\": \"2020-01-01T00:00:00Z\"}\n");
        InputException e = assertThrows(InputException.class, () -> LockFile.acquire(file, "unit u"));
        assertTrue(e.getMessage().startsWith("unit u is in use by process 1 on host elsewhere.invalid (started 2020-01-01T00:00:00Z)"),
                e.getMessage());
    }

    @Test
    void aFolderLockCreatesTheFolderAndRemovesItWhenNothingWasWrittenInIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a/b");
        try (LockFile l = LockFile.forFolder(out, "--out a/b")) {
            assertTrue(Files.isRegularFile(out.resolve(LockFile.FOLDER_LOCK)));
        }
        assertFalse(Files.exists(dir.resolve("a")), "a failed command leaves nothing");
        try (LockFile l = LockFile.forFolder(out, "--out a/b")) {
            Files.writeString(out.resolve("result.csv"), "x\n");
        }
        assertTrue(Files.exists(out.resolve("result.csv")) && !Files.exists(out.resolve(LockFile.FOLDER_LOCK)));
    }
}
