package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {

    @Test
    void aLockRecordsThisProcessAndIsDeletedOnClose(@TempDir Path dir) {
        Path f = dir.resolve("locks/unit.lock");
        try (LockFile lock = LockFile.acquire(f, "unit")) {
            LockFile.Holder h = LockFile.holder(f);
            assertEquals(ProcessHandle.current().pid(), h.pid());
            assertEquals(LockFile.self().host(), h.host());
            assertFalse(h.start().isEmpty());
            assertNull(LockFile.tryAcquire(f), "held by this live process");
            InputException e = assertThrows(InputException.class, () -> LockFile.acquire(f, "training:sb"));
            assertTrue(e.getMessage().contains("training:sb is locked by host " + h.host() + ", pid " + h.pid()), e.getMessage());
        }
        assertFalse(Files.exists(f));
        try (LockFile again = LockFile.tryAcquire(f)) {
            assertNotNull(again, "free again after close");
        }
    }

    @Test
    void ofThreadsRacingForOneLockExactlyOneGetsIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("unit.lock");
        for (int round = 0; round < 20; round++) {
            int n = 8;
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger winners = new AtomicInteger();
            List<LockFile> held = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    LockFile l = LockFile.tryAcquire(f);
                    if (l != null) {
                        winners.incrementAndGet();
                        held.add(l);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) t.join();
            assertEquals(1, winners.get(), "round " + round);
            held.forEach(LockFile::close);
        }
    }

    @Test
    void aLockOfADeadProcessOfThisHostIsTakenOverAndSaidOnStderr(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid(); // exited and reaped: no process has this pid now (reuse within the test is improbable)
        Path f = dir.resolve("unit.lock");
        Files.writeString(f, "host=" + LockFile.self().host() + "\npid=" + deadPid + "\nprocessStart=\nstart=2026-01-01T00:00:00Z\n");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        LockFile lock;
        try {
            lock = LockFile.tryAcquire(f);
        } finally {
            System.setErr(old);
        }
        assertNotNull(lock, "a dead holder's lock is taken over");
        assertEquals(ProcessHandle.current().pid(), LockFile.holder(f).pid());
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("taking over the lock " + f) && said.contains("pid " + deadPid), said);
        lock.close();
    }

    @Test
    void aLockOfALiveProcessWithAnotherStartTimeIsTakenOver(@TempDir Path dir) {
        // our own pid, but recorded with another process start: the pid was reused, the holder is gone
        Path f = dir.resolve("unit.lock");
        AtomicFiles.writeString(f, "host=" + LockFile.self().host() + "\npid=" + ProcessHandle.current().pid()
                + "\nprocessStart=1999-01-01T00:00:00Z\nstart=1999-01-01T00:00:00Z\n");
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (LockFile lock = LockFile.tryAcquire(f)) {
            assertNotNull(lock);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void aLockOfAnotherHostIsNeverTakenOver(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("unit.lock");
        Files.writeString(f, "host=node-that-is-not-this-one\npid=1\nprocessStart=\nstart=2026-01-01T00:00:00Z\n");
        assertNull(LockFile.tryAcquire(f));
        InputException e = assertThrows(InputException.class, () -> LockFile.acquire(f, "training:lb"));
        assertTrue(e.getMessage().contains("host node-that-is-not-this-one, pid 1") && e.getMessage().contains("delete that file"), e.getMessage());
        assertTrue(Files.exists(f));
    }
}
