package org.manilaj.driver.linux;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.manilaj.driver.TimedOutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage host reached over SSH with jsch. Sessions are pooled (at most {@code max_sessions},
 * each running one command at a time) and kept open, because a fresh connect and authentication
 * costs ten times a command on an open session. The host key is pinned through known_hosts.
 */
public final class SshHost implements RemoteHost {
    private static final Logger LOG = LoggerFactory.getLogger(SshHost.class);
    private static final long POLL_MILLIS = 1;

    private final SshSettings settings;
    private final JSch jsch = new JSch();
    private final Semaphore permits;
    private final BlockingQueue<Session> idle = new LinkedBlockingQueue<>();
    private final String hostKeyAlgorithms;
    private volatile boolean closed;

    public SshHost(SshSettings settings) {
        this.settings = settings;
        this.permits = new Semaphore(settings.maxSessions(), true);
        requirePrivateKeyIsPrivate(settings);
        try {
            jsch.setKnownHosts(settings.knownHostsFile().toString());
            jsch.addIdentity(settings.privateKeyFile().toString());
        } catch (JSchException e) {
            throw new IllegalArgumentException("cannot load SSH key or known_hosts for " + describe() + ": " + e.getMessage(), e);
        }
        this.hostKeyAlgorithms = pinnedHostKeyAlgorithms();
    }

    private static void requirePrivateKeyIsPrivate(SshSettings settings) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(settings.privateKeyFile());
            for (PosixFilePermission permission : permissions) {
                if (permission.name().startsWith("GROUP") || permission.name().startsWith("OTHERS")) {
                    throw new IllegalArgumentException("private key " + settings.privateKeyFile()
                            + " must be readable by its owner only (chmod 600)");
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("cannot read private key " + settings.privateKeyFile(), e);
        }
    }

    /**
     * Offers the server the key types that known_hosts holds for it first, so that a host known by its
     * ed25519 key is not refused because the server preferred to show its ECDSA key.
     */
    private String pinnedHostKeyAlgorithms() {
        String name = settings.port() == 22 ? settings.host() : "[" + settings.host() + "]:" + settings.port();
        HostKey[] known = jsch.getHostKeyRepository().getHostKey(name, null);
        Set<String> types = new LinkedHashSet<>();
        if (known != null) {
            for (HostKey key : known) {
                types.add(key.getType());
            }
        }
        if (types.isEmpty()) {
            LOG.warn("known_hosts {} has no key for {}: connections will be refused until it is added",
                    settings.knownHostsFile(), name);
        }
        for (String algorithm : JSch.getConfig("server_host_key").split(",")) {
            types.add(algorithm);
        }
        return String.join(",", types);
    }

    /** Seconds between the remote {@code timeout}'s TERM and its KILL. */
    private static final int KILL_AFTER_SECONDS = 5;
    /** {@code timeout}'s exit status when it had to stop the command. */
    private static final int TIMED_OUT = 124;
    /** What steps run in turn write to the error output when one failed: then a token of the call's, and its index. */
    static final String STEP_FAILED = "manila-j: failed step ";

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
        return exec(argv, ShellQuoting.join(remoteArgv(argv, timeout)), stdin, timeout, 1);
    }

    /**
     * One channel for all the steps: each as {@link #run} would send it, joined into one {@code sh -c} (whatever the
     * user's login shell) that stops at a step that fails and names it on the error output, with a token of this
     * call's that no command's own output can know; the steps before the last read no input. Every step's output
     * is the last result's, so only the last step's check may read it.
     */
    @Override
    public void runInTurn(List<HostStep> steps, Duration timeout) {
        if (steps.size() < 2) {
            RemoteHost.super.runInTurn(steps, timeout);
            return;
        }
        String marker = STEP_FAILED + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + " ";
        StringBuilder script = new StringBuilder();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            HostStep step = steps.get(i);
            boolean last = i == steps.size() - 1;
            if (!last && step.stdin() != null) {
                throw new IllegalArgumentException("only the last step may read input");
            }
            script.append(ShellQuoting.join(remoteArgv(step.argv(), timeout)));
            if (!last) {
                script.append(" </dev/null || { s=$?; echo '").append(marker).append(i).append("' >&2; exit $s; }; ");
            }
            all.addAll(step.argv());
        }
        CommandResult together = exec(all, ShellQuoting.join(List.of("sh", "-c", script.toString())),
                steps.get(steps.size() - 1).stdin(), timeout, steps.size());
        if (together.exitStatus() < 0) {
            throw new CommandFailedException(describe() + ": the connection ended before the steps did: "
                    + ShellQuoting.join(all));
        }
        Matcher named = Pattern.compile(Pattern.quote(marker) + "(\\d{1,3})\\n?")
                .matcher(together.stderr());
        int failed = steps.size() - 1;
        String stderr = together.stderr();
        int index = !together.succeeded() && named.find() ? Integer.parseInt(named.group(1)) : failed;
        if (index < failed) {
            failed = index;
            stderr = stderr.substring(0, named.start()) + stderr.substring(named.end());
        }
        for (int i = 0; i <= failed; i++) {
            HostStep step = steps.get(i);
            CommandResult result = i < failed ? new CommandResult(step.argv(), 0, "", "")
                    : new CommandResult(step.argv(), together.exitStatus(), together.stdout(), stderr);
            step.check().accept(result);
        }
        if (failed < steps.size() - 1) {
            // a step failed in a way its check accepts: the rest never ran, so they run now
            RemoteHost.super.runInTurn(steps.subList(failed + 1, steps.size()), timeout);
        }
    }

    private CommandResult exec(List<String> argv, String command, byte[] stdin, Duration timeout, int commands) {
        long start = System.nanoTime();
        acquirePermit(command);
        Session session = null;
        boolean healthy = false;
        try {
            session = borrowSession();
            CommandResult result = execute(session, argv, stdin, command,
                    timeout.plusSeconds(KILL_AFTER_SECONDS + settings.connectTimeout()).multipliedBy(commands));
            if (result.exitStatus() == TIMED_OUT) {
                // the session goes too: what hung on the host may have left its connection in any state
                throw new TimedOutException(describe() + ": timed out after " + timeout + " and was stopped: "
                        + ShellQuoting.join(argv), true);
            }
            healthy = true;
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} ms on {}: {}", (System.nanoTime() - start) / 1_000_000, describe(), argv.get(0).equals("sh")
                        ? "script " + argv.get(3) : argv.get(0));
            }
            return result;
        } finally {
            if (session != null) {
                if (healthy && !closed) {
                    idle.add(session);
                } else {
                    session.disconnect();
                }
            }
            permits.release();
        }
    }

    /**
     * What runs on the host: the command under coreutils' {@code timeout}, which stops it and its children
     * (its process group) when the time is up, so nothing keeps running after we gave up on it; with
     * {@code sudo}, through {@code sudo -n}, a driver script as its installed file, which puts itself
     * under {@code timeout} again as root (an unprivileged {@code timeout} cannot stop root's children).
     */
    List<String> remoteArgv(List<String> argv, Duration timeout) {
        String seconds = java.math.BigDecimal.valueOf(Math.max(1, timeout.toMillis()), 3).toPlainString();
        List<String> remote = new ArrayList<>(List.of("timeout", "-k", Integer.toString(KILL_AFTER_SECONDS), seconds));
        if (settings.sudo()) {
            remote.addAll(List.of("sudo", "-n"));
            boolean script = argv.size() >= 4 && argv.get(0).equals("sh") && argv.get(1).equals("-c")
                    && HostScripts.all().containsKey(argv.get(3));
            if (script) {
                // the installed script applies the time limit itself, as root, to everything it starts
                remote.add(settings.scriptDir() + "/" + argv.get(3));
                remote.add(seconds);
                remote.addAll(argv.subList(4, argv.size()));
                return remote;
            }
        }
        remote.addAll(argv);
        return remote;
    }

    private void acquirePermit(String command) {
        try {
            if (!permits.tryAcquire(settings.commandTimeout(), TimeUnit.SECONDS)) {
                throw new HostUnavailableException(describe() + ": no free SSH session for " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException(describe() + ": interrupted waiting for an SSH session", e);
        }
    }

    private Session borrowSession() {
        Session session;
        while ((session = idle.poll()) != null) {
            if (session.isConnected()) {
                return session;
            }
            session.disconnect();
        }
        return connect();
    }

    private Session connect() {
        Session session = null;
        try {
            session = jsch.getSession(settings.user(), settings.host(), settings.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("server_host_key", hostKeyAlgorithms);
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(15_000);
            session.connect((int) settings.connectTimeoutDuration().toMillis());
            LOG.debug("opened SSH session to {}", describe());
            return session;
        } catch (JSchHostKeyException e) {
            // a changed, unknown or revoked host key: maybe a reinstalled host, maybe someone in the middle; never retried
            HostKey presented = session == null ? null : session.getHostKey();
            boolean changed = e instanceof JSchChangedHostKeyException;
            String message = describe() + (changed ? ": HOST KEY CHANGED" : ": HOST KEY NOT TRUSTED") + ", cannot connect: "
                    + e.getMessage() + " (the host presented "
                    + (presented == null ? "a key" : presented.getType() + " " + presented.getFingerPrint(jsch)) + "; "
                    + settings.knownHostsFile() + (changed ? " pins another" : " has none for it") + "; if the host was"
                    + " reinstalled, check its new key out of band and update that file)";
            LOG.error("{}", message);
            throw new CommandFailedException(message, e);
        } catch (JSchException e) {
            if (String.valueOf(e.getMessage()).contains("Auth fail")) {
                // a refused key: not something a retry fixes
                LOG.error("SSH to {} refused: {} (check the key)", describe(), e.getMessage());
                throw new CommandFailedException(describe() + ": cannot connect: " + e.getMessage(), e);
            }
            throw new HostUnavailableException(describe() + ": cannot connect: " + e.getMessage(), e);
        }
    }

    private CommandResult execute(Session session, List<String> argv, byte[] stdin, String command, Duration timeout) {
        ChannelExec channel = null;
        try {
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            // jsch copies the stream to the remote command and closes its input at the end
            channel.setInputStream(stdin == null ? null : new ByteArrayInputStream(stdin));
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            channel.setOutputStream(stdout);
            channel.setErrStream(stderr);
            long deadline = System.nanoTime() + timeout.toNanos();
            channel.connect((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            while (!channel.isClosed()) {
                if (System.nanoTime() > deadline) {
                    // the remote timeout should have ended it by now: the host or the connection is stuck
                    throw new TimedOutException(describe() + ": no answer after " + timeout + ": " + command, false);
                }
                Thread.sleep(POLL_MILLIS);
            }
            return new CommandResult(argv, channel.getExitStatus(),
                    stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } catch (JSchException e) {
            throw new HostUnavailableException(describe() + ": " + e.getMessage() + ": " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException(describe() + ": interrupted: " + command, e);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
        }
    }

    /**
     * The command on its own channel of a pooled session, holding that session (and a permit) until it ends;
     * a stream stopped before its end takes its session down with it, so nothing of it lingers on the host.
     */
    @Override
    public org.manilaj.driver.ByteStream start(List<String> argv, Duration timeout) {
        String command = ShellQuoting.join(remoteArgv(argv, timeout));
        acquirePermit(command);
        Session session = null;
        try {
            session = borrowSession();
            ChannelExec channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            BoundedBuffer stderr = new BoundedBuffer(64 * 1024);
            channel.setErrStream(stderr);
            java.io.InputStream output = channel.getInputStream();
            java.io.OutputStream input = channel.getOutputStream();
            channel.connect((int) settings.connectTimeoutDuration().toMillis());
            return new SshStream(session, channel, output, input, stderr, argv,
                    System.nanoTime() + timeout.plusSeconds(KILL_AFTER_SECONDS + settings.connectTimeout()).toNanos());
        } catch (JSchException | IOException e) {
            if (session != null) {
                session.disconnect();
            }
            permits.release();
            throw new HostUnavailableException(describe() + ": " + e.getMessage() + ": " + command, e);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private final class SshStream implements org.manilaj.driver.ByteStream {
        private final Session session;
        private final ChannelExec channel;
        private final java.io.InputStream output;
        private final java.io.OutputStream input;
        private final BoundedBuffer stderr;
        private final List<String> argv;
        private final long deadline;
        private boolean ended;
        private boolean released;

        SshStream(Session session, ChannelExec channel, java.io.InputStream output, java.io.OutputStream input,
                  BoundedBuffer stderr, List<String> argv, long deadline) {
            this.session = session;
            this.channel = channel;
            this.output = output;
            this.input = input;
            this.stderr = stderr;
            this.argv = argv;
            this.deadline = deadline;
        }

        @Override
        public java.io.InputStream output() {
            return output;
        }

        @Override
        public java.io.OutputStream input() {
            return input;
        }

        @Override
        public void await(Duration wait) {
            try {
                input.close(); // end of input for the command
                long until = Math.min(deadline, System.nanoTime() + wait.toNanos());
                while (!channel.isClosed()) {
                    if (System.nanoTime() > until) {
                        throw new TimedOutException(describe() + ": no end after " + wait + ": " + ShellQuoting.join(argv), false);
                    }
                    Thread.sleep(POLL_MILLIS);
                }
                int status = channel.getExitStatus();
                if (status == TIMED_OUT) {
                    throw new TimedOutException(describe() + ": timed out and was stopped: " + ShellQuoting.join(argv), true);
                }
                new CommandResult(argv, status, "", stderr.text()).orThrow(describe());
                ended = true;
            } catch (IOException e) {
                throw new HostUnavailableException(describe() + ": " + e.getMessage() + ": " + ShellQuoting.join(argv), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException(describe() + ": interrupted: " + ShellQuoting.join(argv), e);
            }
        }

        @Override
        public synchronized void close() { // also from a migration's heartbeat, to end a stuck stream
            if (released) {
                return;
            }
            released = true;
            channel.disconnect();
            if (ended && !closed) {
                idle.add(session);
            } else {
                session.disconnect(); // the command may still run: ending the connection ends it
            }
            permits.release();
        }
    }

    /** Keeps the first {@code limit} bytes written (a command's error output), drops the rest. */
    private static final class BoundedBuffer extends java.io.OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        BoundedBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < limit) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, Math.max(0, Math.min(len, limit - bytes.size())));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** SFTP as the same user with the same key and pinned host keys (SFTP under sudo is not offered). */
    @Override
    public org.manilaj.driver.ShareFiles files(String directory) {
        if (settings.sudo()) {
            throw new org.manilaj.driver.DriverException(describe() + ": file-level copies need an SSH user that is root");
        }
        return new org.manilaj.driver.ShareFiles("sftp://" + settings.user() + "@" + settings.host() + ":" + settings.port()
                + directory, settings.privateKeyFile(), settings.knownHostsFile());
    }

    @Override
    public int sessionsInUse() {
        return settings.maxSessions() - permits.availablePermits();
    }

    @Override
    public String describe() {
        return "ssh://" + settings.user() + "@" + settings.host() + ":" + settings.port();
    }

    @Override
    public void close() {
        closed = true;
        List<Session> sessions = new ArrayList<>();
        idle.drainTo(sessions);
        sessions.forEach(Session::disconnect);
    }
}
