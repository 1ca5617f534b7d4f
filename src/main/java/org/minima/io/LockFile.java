package org.minima.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One writer per output: a lock file created exclusively ({@code CREATE_NEW}, atomic on local and NFS file
 * systems) holding the holder's host, pid and start time as JSON. A second process (or thread) on the same
 * file is refused with a line naming the holder. A lock left by a process that is gone (same host, and no
 * process with that pid, or a different process now wearing that pid: another start time) is taken over with
 * one line on stderr. A lock held from another host is never taken over: we cannot see its processes.
 * Cost: a few system calls to acquire and release; nothing while held.
 *
 * <p>Takeover is guarded by a second exclusive file ({@code NAME.takeover}), so two processes that both find
 * the same stale lock cannot both win: the one holding the guard re-reads the lock, deletes it only if it is
 * still the stale one, and then races like anyone else on {@code CREATE_NEW}.
 */
public final class LockFile implements AutoCloseable {
    /** A takeover guard older than this was left by a process that died in the few milliseconds it is held. */
    private static final long STALE_GUARD_MILLIS = 10_000;
    /** How long an empty lock file (its creator between create and write) is waited for before judging it. */
    private static final long EMPTY_WAIT_MILLIS = 2_000;

    /** The lock's name in an output folder ({@link #forFolder}); hidden, and gone when the command ends. */
    public static final String FOLDER_LOCK = ".minima.lock";

    private final Path file;
    private final String content;
    private boolean released;
    /** A folder {@link #forFolder} created for the lock: removed on close when nothing else was put in it. */
    private Path createdFolder;

    private LockFile(Path file, String content) {
        this.file = file;
        this.content = content;
    }

    /**
     * One writer per output folder: takes {@code dir/.minima.lock}, creating {@code dir} when missing (call it
     * after the inputs are validated). {@code what} names the folder for the message (e.g. "--out runs/f1").
     * On {@link #close} a folder this created and left empty is removed again, so a failed command leaves nothing.
     */
    public static LockFile forFolder(Path dir, String what) {
        Path abs = dir.toAbsolutePath();
        Path firstMissing = null;
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) firstMissing = p;
        LockFile lock = acquire(abs.resolve(FOLDER_LOCK), what);
        lock.createdFolder = firstMissing;
        return lock;
    }

    /** The lock file this holds. */
    public Path file() {
        return file;
    }

    /**
     * Takes the lock {@code file} for {@code what} (e.g. "output folder out/run"), creating its folder when
     * missing. A live holder is an {@link InputException} naming {@code what}, the holder's host, pid and
     * start time, and the lock file.
     */
    public static LockFile acquire(Path file, String what) {
        Holder[] holder = new Holder[1];
        LockFile lock = take(file, holder);
        if (lock != null) return lock;
        Holder h = holder[0];
        throw new InputException(what + " is in use by process " + h.pid + " on host " + h.host + " (started " + h.start
                + "); lock file " + file + " (wait for that process to end, or delete the lock file if it is gone)");
    }

    /** Like {@link #acquire}, but returns null when a live process holds the lock. */
    public static LockFile tryAcquire(Path file) {
        return take(file, new Holder[1]);
    }

    /** Releases the lock: deletes the file if it is still ours. Idempotent. */
    @Override
    public synchronized void close() {
        if (released) return;
        released = true;
        try {
            // a lock someone took over from us (they judged us dead) is theirs now: leave it
            if (content.equals(readOrNull(file))) Files.deleteIfExists(file);
            // the folders this lock created, innermost first, while they are empty (nothing written: a failed command)
            if (createdFolder != null) {
                for (Path p = file.getParent(); p != null && p.startsWith(createdFolder); p = p.getParent()) {
                    try (var entries = Files.list(p)) {
                        if (entries.findAny().isPresent()) break;
                    }
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove lock file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds a lock, as read from its file. */
    private record Holder(String host, long pid, String start) {}

    private static LockFile take(Path file, Holder[] holderOut) {
        String mine = describeSelf();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new InputException("cannot create lock file " + file + ": " + e.getMessage(), e);
        }
        long emptySince = -1;
        for (int attempt = 0; ; attempt++) {
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(mine.getBytes(StandardCharsets.UTF_8));
                return new LockFile(file, mine);
            } catch (FileAlreadyExistsException e) {
                // held, or stale: judge below
            } catch (IOException e) {
                throw new InputException("cannot create lock file " + file + ": " + e.getMessage(), e);
            }
            String text = readOrNull(file);
            if (text == null) continue; // released between our create and our read: try again
            Holder h = parse(text);
            if (h == null) {
                // being written by its creator (or left empty by one that died right after creating it)
                long now = System.currentTimeMillis();
                if (emptySince < 0) emptySince = now;
                if (now - emptySince < EMPTY_WAIT_MILLIS) {
                    sleep(20);
                    continue;
                }
                if (!takeOver(file, text, "an unreadable lock file")) sleep(20);
                emptySince = -1;
                continue;
            }
            if (isAlive(h)) {
                holderOut[0] = h;
                return null;
            }
            if (!takeOver(file, text, "process " + h.pid + " (started " + h.start + ")")) sleep(20);
            if (attempt > 500) throw new InputException("cannot take lock file " + file + ": it keeps changing");
        }
    }

    /**
     * Deletes the stale lock whose content is {@code stale}, under the takeover guard. False when another
     * process holds the guard (the caller retries). Prints the one line on stderr.
     */
    private static boolean takeOver(Path file, String stale, String holder) {
        Path guard = file.resolveSibling(file.getFileName() + ".takeover");
        try {
            Files.createFile(guard);
        } catch (FileAlreadyExistsException e) {
            try {
                long age = System.currentTimeMillis() - Files.getLastModifiedTime(guard).toMillis();
                if (age > STALE_GUARD_MILLIS) Files.deleteIfExists(guard);
            } catch (IOException ignored) {
                // gone meanwhile: retry
            }
            return false;
        } catch (IOException e) {
            throw new InputException("cannot create lock file " + guard + ": " + e.getMessage(), e);
        }
        try {
            // only the guard holder deletes, and only the very lock judged stale: a live lock created meanwhile stays
            if (stale.equals(readOrNull(file))) {
                Files.deleteIfExists(file);
                System.err.println("minima: taking over lock " + file + " left by " + holder + ", which is no longer running");
            }
            return true;
        } catch (IOException e) {
            throw new InputException("cannot remove stale lock file " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(guard);
            } catch (IOException ignored) {
                // an old guard is removed by the next taker after STALE_GUARD_MILLIS
            }
        }
    }

    /** Same host and no such process, or another process with that pid: dead. Another host: assumed alive. */
    private static boolean isAlive(Holder h) {
        if (!h.host.equals(hostname())) return true;
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid);
        if (p.isEmpty() || !p.get().isAlive()) return false;
        Optional<Instant> started = p.get().info().startInstant();
        // a reused pid: the process now wearing it started at another time than the one that took the lock
        return started.isEmpty() || h.start.isEmpty() || started.get().toString().equals(h.start);
    }

    private static String describeSelf() {
        ProcessHandle self = ProcessHandle.current();
        ObjectNode o = Json.object();
        o.put("host", hostname());
        o.put("pid", self.pid());
        o.put("start", self.info().startInstant().map(Instant::toString).orElse(""));
        o.put("acquired", Instant.now().toString());
        return Json.toString(o);
    }

    private static Holder parse(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || !n.hasNonNull("host") || !n.hasNonNull("pid")) return null;
            return new Holder(n.get("host").asText(), n.get("pid").asLong(), n.path("start").asText(""));
        } catch (IOException e) {
            return null;
        }
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new InputException("cannot read lock file " + file + ": " + e.getMessage(), e);
        }
    }

    private static volatile String hostname;

    /** This machine's name: the kernel's (no DNS lookup, which can hang), else the JDK's. */
    static String hostname() {
        String h = hostname;
        if (h != null) return h;
        try {
            h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            h = "";
        }
        if (h.isEmpty()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "localhost";
            }
        }
        hostname = h;
        return h;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a lock", e);
        }
    }
}
