package io.schemafleet.deploy.fault;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy between a server and the clients a test points at {@link #port()}, which the
 * test cuts them off with as a network partition would: {@link #partition()} stops every byte
 * both ways while the connections stay open (no reset, no FIN: clients wait for their own
 * timeouts), new connections are taken and held as well, and {@link #heal()} lets what was
 * held through, as TCP retransmits once a network is back.
 *
 * <p>{@link #forKafka()} proxies a Kafka broker's listener (the broker advertises the proxy's
 * port for it, {@code EmbeddedKafka.startBehind}) and reads the requests' framing, so that
 * {@link #partitionAtRequest} can start the partition at the next request of one Kafka API,
 * delivered to the broker first or held: to lose the answer to a commit, say, or the commit.
 * {@link #plain()} passes any protocol's bytes as they come.
 */
final class PartitionProxy implements AutoCloseable {
    /** Kafka's API key of {@code EndTxn}, the request that commits or aborts a transaction. */
    static final short END_TXN = 26;

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean open = true;
    private final AtomicReference<Trigger> armed = new AtomicReference<>();
    private volatile boolean closed;
    private boolean forwarding;

    /** A request that starts a partition. */
    private record Trigger(short apiKey, boolean deliver) {
    }

    private final boolean kafkaFraming;

    private PartitionProxy(ServerSocket server, boolean kafkaFraming) {
        this.server = server;
        this.kafkaFraming = kafkaFraming;
    }

    /** A proxy for a Kafka listener, on a free loopback port; nothing is forwarded before {@link #forwardTo}. */
    static PartitionProxy forKafka() {
        return open(true);
    }

    /** A proxy for any TCP protocol, on a free loopback port; nothing is forwarded before {@link #forwardTo}. */
    static PartitionProxy plain() {
        return open(false);
    }

    private static PartitionProxy open(boolean kafkaFraming) {
        try {
            return new PartitionProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), kafkaFraming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, connections to {@link #port()} are forwarded to {@code 127.0.0.1:targetPort}. */
    synchronized PartitionProxy forwardTo(int targetPort) {
        if (forwarding) {
            throw new IllegalStateException("the proxy forwards already");
        }
        forwarding = true;
        daemon("proxy-accept", () -> {
            while (!closed) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                sockets.add(client);
                daemon("proxy-connect", () -> connect(client, targetPort));
            }
        });
        return this;
    }

    /** Cuts every client off the server, both ways, until {@link #heal()}. */
    void partition() {
        synchronized (gate) {
            open = false;
        }
    }

    /** Ends the partition: what was held goes through, in order. */
    void heal() {
        synchronized (gate) {
            open = true;
            gate.notifyAll();
        }
    }

    boolean partitioned() {
        synchronized (gate) {
            return !open;
        }
    }

    /**
     * Arms a partition that starts at the next request with Kafka API key {@code apiKey}:
     * after the broker got it ({@code deliver}: it acts on it, its answer is held) or before
     * (the request is held).
     */
    void partitionAtRequest(short apiKey, boolean deliver) {
        if (!kafkaFraming) {
            throw new IllegalStateException("only a proxy forKafka() reads requests");
        }
        armed.set(new Trigger(apiKey, deliver));
    }

    private void connect(Socket client, int targetPort) {
        try {
            awaitOpen(); // a connection made during a partition reaches nothing until it heals
            if (closed) {
                closeQuietly(client);
                return;
            }
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(target);
            if (kafkaFraming) {
                daemon("proxy-requests", () -> requests(client, target));
            } else {
                daemon("proxy-requests", () -> answers(client, target));
            }
            daemon("proxy-answers", () -> answers(target, client));
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Client to a Kafka broker, a request at a time: a request is a 4-byte size, then its API key first. */
    private void requests(Socket from, Socket to) {
        try (from; to) {
            DataInputStream in = new DataInputStream(from.getInputStream());
            OutputStream out = to.getOutputStream();
            while (true) {
                int size;
                try {
                    size = in.readInt();
                } catch (java.io.EOFException e) {
                    return;
                }
                byte[] body = in.readNBytes(size);
                if (body.length < size) {
                    return; // the client went away in the middle of a request
                }
                byte[] frame = ByteBuffer.allocate(4 + size).putInt(size).put(body).array();
                awaitOpen();
                Trigger trigger = armed.get();
                short apiKey = size >= 2 ? ByteBuffer.wrap(body, 0, 2).getShort() : -1;
                if (trigger != null && trigger.apiKey() == apiKey && armed.compareAndSet(trigger, null)) {
                    // Closed before the request goes out, so that its answer cannot slip through.
                    partition();
                    if (!trigger.deliver()) {
                        awaitOpen();
                    }
                }
                out.write(frame);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed: the other is closed with it, as a dropped connection is
        }
    }

    /** Server to client (and client to server where no requests are read), bytes as they come. */
    private void answers(Socket from, Socket to) {
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                awaitOpen();
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                awaitOpen();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // as above
        }
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (!open && !closed) {
                gate.wait();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        closeQuietly(server);
        sockets.forEach(PartitionProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
