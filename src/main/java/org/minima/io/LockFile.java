package org.minima.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A lock held by one process while it computes something whose output another process must not compute at the same
 * time (a unit of {@code reproduce}, docs/cluster.md). The lock is a small file created exclusively: the holder's
 * host, pid, the process's start time and the lock's start time, one {@code key=value} a line. It is written to a
 * temporary file first and then hard-linked to its name, so it appears complete or not at all; {@code link(2)}
 * fails when the name exists, on local disks and on NFS alike (where {@code O_EXCL} was not always atomic).
 *
 * <p>A lock whose holder is a process of this host that no longer runs (its pid is gone, or now belongs to a process
 * started at another time) is taken over, with one line on stderr. A lock of another host is never taken over: this
 * process cannot tell whether its holder runs; the message says which file to delete if it does not.
 * Cost: a few system calls per acquisition.
 */
public final class LockFile implements AutoCloseable {

    /** Who holds a lock, as its file records it. */
    public record Holder(String host, long pid, String processStart, String start) {
        @Override
        public String toString() {
            return "host " + host + ", pid " + pid + ", since " + start;
        }
    }

    private static final Duration TAKEOVER_STALE = Duration.ofMinutes(1);

    private final Path file;
    private boolean released;

    private LockFile(Path file) {
        this.file = file;
    }

    /** The lock's file. */
    public Path file() {
        return file;
    }

    /**
     * Takes the lock on {@code file} for {@code what} (named in messages), taking over a dead holder's; an
     * {@link InputException} naming the live holder when another process holds it.
     */
    public static LockFile acquire(Path file, String what) {
        LockFile lock = tryAcquire(file);
        if (lock != null) return lock;
        Holder h = holder(file);
        throw new InputException(what + " is locked by " + (h == null ? "another process" : h) + " (" + file
                + "); wait for it, or delete that file if the process no longer runs");
    }

    /** Takes the lock on {@code file}, taking over a dead holder's; null when a live process (or one of another host) holds it. */
    public static LockFile tryAcquire(Path file) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(file)) return new LockFile(file);
            Holder h = holder(file);
            if (h == null) continue; // released meanwhile (or being written): try again
            if (!isDead(h)) return null;
            takeOver(file, h);
        }
        return null;
    }

    /** The holder recorded in {@code file}, or null when there is no such file (or it is not a lock file). */
    public static Holder holder(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lock " + file + ": " + e.getMessage(), e);
        }
        String host = null, processStart = "", start = "";
        long pid = -1;
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String k = line.substring(0, eq), v = line.substring(eq + 1).strip();
            switch (k) {
                case "host" -> host = v;
                case "pid" -> pid = parsePid(v);
                case "processStart" -> processStart = v;
                case "start" -> start = v;
                default -> { }
            }
        }
        return host == null ? null : new Holder(host, pid, processStart, start);
    }

    /** Deletes the lock file (once). */
    @Override
    public void close() {
        if (released) return;
        released = true;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** This process as a lock holder. */
    static Holder self() {
        ProcessHandle me = ProcessHandle.current();
        return new Holder(hostName(), me.pid(), processStart(me), Instant.now().toString());
    }

    /** True when {@code h} is a process of this host that no longer runs. */
    static boolean isDead(Holder h) {
        if (!h.host().equals(hostName()) || h.pid() < 0) return false;
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
        if (p.isEmpty() || !p.get().isAlive()) return true;
        // the pid may have been given to a new process since: compare start times when both are known
        String started = processStart(p.get());
        return !h.processStart().isEmpty() && !started.isEmpty() && !started.equals(h.processStart());
    }

    /** Creates the lock file exclusively with this process's record; false when it exists. */
    private static boolean create(Path file) {
        Holder me = self();
        String text = "host=" + me.host() + "\npid=" + me.pid() + "\nprocessStart=" + me.processStart() + "\nstart=" + me.start() + "\n";
        Path tmp = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName() + ".", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) { // no hard links here: exclusive creation instead
                try {
                    Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE);
                    return true;
                } catch (FileAlreadyExistsException e2) {
                    return false;
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot create the lock " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary name is never taken for a lock
                }
            }
        }
    }

    /**
     * Removes the lock of the dead holder {@code dead}, unless another process has replaced it meanwhile. Two
     * processes taking over at once are serialized by a second exclusive file, {@code NAME.takeover} (itself removed
     * when older than a minute: its maker died within those few system calls).
     */
    private static void takeOver(Path file, Holder dead) {
        Path guard = file.resolveSibling(file.getFileName() + ".takeover");
        try {
            try {
                Files.createFile(guard);
            } catch (FileAlreadyExistsException e) {
                if (Files.getLastModifiedTime(guard).toInstant().isBefore(Instant.now().minus(TAKEOVER_STALE))) Files.deleteIfExists(guard);
                return; // someone else is taking it over: the caller tries again
            }
            try {
                if (dead.equals(holder(file))) {
                    Files.deleteIfExists(file);
                    System.err.println("minima: taking over the lock " + file + " left by a process that no longer runs (" + dead + ")");
                }
            } finally {
                Files.deleteIfExists(guard);
            }
        } catch (NoSuchFileException e) {
            // the guard went away meanwhile: try again
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take over the lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static long parsePid(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String processStart(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("");
    }

    private static String hostName() {
        return HOST;
    }

    /** This host's name, looked up once (a lookup may ask DNS). */
    private static final String HOST = lookUpHost();

    private static String lookUpHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }
}
