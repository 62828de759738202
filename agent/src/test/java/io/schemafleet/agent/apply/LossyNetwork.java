package io.schemafleet.agent.apply;

import javax.net.SocketFactory;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network between the agent and a real PostgreSQL that breaks a connection once, on
 * purpose, around the first query whose text contains {@link #MARKER}: PostgreSQL's
 * driver loads it by name ({@code socketFactory=} in the JDBC URL). Armed with
 * {@link Fault#LOSE_REPLY}, the query reaches the server and runs to its end (a step's
 * script commits), and only the reply is lost; with {@link Fault#LOSE_REQUEST}, the
 * query never reaches the server. Either way the driver sees an I/O error (SQLSTATE
 * 08006), as it would when a server restarts or a network drops between the two. With
 * {@link Fault#SILENCE} the reply is lost too but the connection stays open and nothing
 * more arrives, as in a network partition (no reset): the driver's read waits until its
 * {@code socketTimeout}, or for good without one.
 */
public final class LossyNetwork extends SocketFactory {
    /** Put in a revision's SQL to mark the query whose connection breaks. */
    static final String MARKER = "schemafleet-test-lossy-network";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    /** Where the connection breaks. */
    enum Fault { LOSE_REPLY, LOSE_REQUEST, SILENCE }

    private static final AtomicReference<Fault> ARMED = new AtomicReference<>();
    private static final AtomicInteger BROKEN = new AtomicInteger();

    /** The next marked query's connection breaks so (once); the count of broken connections starts over. */
    static void arm(Fault fault) {
        BROKEN.set(0);
        ARMED.set(fault);
    }

    /** Connections broken since {@link #arm}; disarms whatever was not used. */
    static int broken() {
        ARMED.set(null);
        return BROKEN.get();
    }

    /** {@code url} with this factory as its socket factory. */
    static String through(String url) {
        return url + (url.contains("?") ? "&" : "?") + "socketFactory=" + LossyNetwork.class.getName();
    }

    public LossyNetwork() {
        // the driver instantiates the factory by name
    }

    @Override
    public Socket createSocket() {
        return new LossySocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address, port);
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket s = createSocket();
        s.connect(address);
        return s;
    }

    /** A plain socket whose streams watch for the marker. */
    private static final class LossySocket extends Socket {
        /** Set once a marked query has gone out and its reply is to be swallowed: how the connection fails then. */
        private volatile Fault swallowReply;
        private OutputStream out;
        private InputStream in;

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new Watching(super.getOutputStream());
            }
            return out;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new Swallowing(super.getInputStream());
            }
            return in;
        }

        private IOException breakOff(String what) throws IOException {
            BROKEN.incrementAndGet();
            close();
            return new SocketException("test network fault: " + what);
        }

        /** Looks for the marker in what the driver writes; bytes held back so a marker split across writes is seen. */
        private final class Watching extends FilterOutputStream {
            private final byte[] tail = new byte[MARKER_BYTES.length - 1];
            private int tailLength;

            Watching(OutputStream out) {
                super(out);
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] window = new byte[tailLength + len];
                System.arraycopy(tail, 0, window, 0, tailLength);
                System.arraycopy(b, off, window, tailLength, len);
                Fault armed = ARMED.get();
                if (armed != null && contains(window) && ARMED.compareAndSet(armed, null)) {
                    if (armed == Fault.LOSE_REQUEST) {
                        throw breakOff("query lost on its way to the server");
                    }
                    swallowReply = armed;
                }
                tailLength = Math.min(tail.length, window.length);
                System.arraycopy(window, window.length - tailLength, tail, 0, tailLength);
                out.write(b, off, len);
            }

            private boolean contains(byte[] window) {
                outer:
                for (int i = 0; i + MARKER_BYTES.length <= window.length; i++) {
                    for (int j = 0; j < MARKER_BYTES.length; j++) {
                        if (window[i + j] != MARKER_BYTES[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
                return false;
            }
        }

        /**
         * Once the marked query is out: reads the server's whole reply, message by message up
         * to and including ReadyForQuery ('Z'), so the server has finished with it, then breaks
         * the connection; or, for {@link Fault#SILENCE}, reads and drops all that comes, so the
         * caller's read waits for bytes that never reach it.
         */
        private final class Swallowing extends FilterInputStream {
            Swallowing(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                swallow();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                swallow();
                return super.read(b, off, len);
            }

            private void swallow() throws IOException {
                Fault fault = swallowReply;
                if (fault == null) {
                    return;
                }
                swallowReply = null;
                if (fault == Fault.SILENCE) {
                    // Everything the server sends from now on goes nowhere, the replies to queries the
                    // driver sent ahead of the marked one (a BEGIN) included, so the caller's read waits
                    // until its timeout ends it (the socket's, which this read runs under too).
                    BROKEN.incrementAndGet();
                    byte[] sink = new byte[8192];
                    while (in.read(sink) >= 0) {
                        // discarded
                    }
                    return;
                }
                DataInputStream reply = new DataInputStream(in);
                while (true) {
                    byte type = reply.readByte();
                    reply.skipNBytes(reply.readInt() - 4L);
                    if (type == 'Z') {
                        throw breakOff("the server's reply was lost");
                    }
                }
            }
        }
    }
}
