package io.schemafleet.agent.apply;

import io.schemafleet.agent.tenant.Tenant;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DdlThrottleTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void serverIsHostAndPort() {
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h:5432/db?x=1")).isEqualTo("h:5432");
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h:5432?x=1")).isEqualTo("h:5432");
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h:1,h2:2/db")).isEqualTo("h:1,h2:2");
    }

    @Test
    void serverWithoutPortIsNamedByHost() {
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h/db")).startsWith("h");
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h/db"))
                .isNotEqualTo(DdlThrottle.serverOf("jdbc:postgresql://other/db"));
    }

    @Test
    void omittedDefaultPortIsTheSameServer() {
        // jdbc:postgresql://h/db connects to h:5432, so it must share h:5432's slots
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h/db"))
                .isEqualTo(DdlThrottle.serverOf("jdbc:postgresql://h:5432/db"));
    }

    @Test
    void databasesAndParametersDoNotSeparateServers() {
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h:5432/tenant_1"))
                .isEqualTo(DdlThrottle.serverOf("jdbc:postgresql://h:5432/tenant_2?sslmode=require"));
        assertThat(DdlThrottle.serverOf("jdbc:postgresql://h:5432/db"))
                .isNotEqualTo(DdlThrottle.serverOf("jdbc:postgresql://h:5433/db"));
    }

    @Test
    void otherUrlsAreTheirOwnServer() {
        assertThat(DdlThrottle.serverOf("jdbc:mysql://h:3306/db")).isEqualTo("jdbc:mysql://h:3306/db");
    }

    @Test
    void refusesACapBelowOne() {
        assertThatThrownBy(() -> new DdlThrottle(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DdlThrottle(3).perServer()).isEqualTo(3);
    }

    @Test
    void capsConcurrencyPerServerAndLeavesOtherServersAlone() throws Exception {
        // given
        int cap = 2;
        DdlThrottle throttle = new DdlThrottle(cap);
        AtomicInteger heldA = new AtomicInteger();
        AtomicInteger maxA = new AtomicInteger();
        AtomicInteger heldB = new AtomicInteger();
        AtomicInteger maxB = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothBHeld = new CountDownLatch(cap);
        AtomicReference<Throwable> failure = new AtomicReference<>();

        // when: five tenants on server A ask at once and hold their slot until released
        List<Thread> threadsA = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Tenant tenant = Tenant.schema("jdbc:postgresql://a.example:5432/app", "t" + i);
            threadsA.add(start(failure, () -> {
                try (DdlThrottle.Permit permit = throttle.acquire(tenant)) {
                    maxA.accumulateAndGet(heldA.incrementAndGet(), Math::max);
                    release.await();
                    heldA.decrementAndGet();
                }
            }));
        }
        // every A thread is parked: either holding a slot (waiting for release) or waiting for one
        awaitCondition(() -> heldA.get() >= cap && threadsA.stream().allMatch(DdlThrottleTest::parked));

        // then: exactly the cap holds slots on A
        assertThat(heldA.get()).isEqualTo(cap);

        // when: server B's tenants ask while A is saturated
        List<Thread> threadsB = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            Tenant tenant = Tenant.schema("jdbc:postgresql://b.example:5432/app", "t" + i);
            threadsB.add(start(failure, () -> {
                try (DdlThrottle.Permit permit = throttle.acquire(tenant)) {
                    maxB.accumulateAndGet(heldB.incrementAndGet(), Math::max);
                    bothBHeld.countDown();
                    release.await();
                    heldB.decrementAndGet();
                }
            }));
        }

        // then: B gets its full cap although A is full
        assertThat(bothBHeld.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(heldA.get()).isEqualTo(cap);

        // when: the holders finish, the waiting A tenants get their turn
        release.countDown();
        for (Thread t : concat(threadsA, threadsB)) {
            t.join(TimeUnit.NANOSECONDS.toMillis(TIMEOUT_NANOS));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }

        // then
        assertThat(failure.get()).isNull();
        assertThat(maxA.get()).isEqualTo(cap);
        assertThat(maxB.get()).isEqualTo(cap);
        assertThat(heldA.get()).isZero();
    }

    @Test
    void closingAPermitGivesTheSlotBack() throws Exception {
        // given
        DdlThrottle throttle = new DdlThrottle(1);
        Tenant tenant = Tenant.schema("jdbc:postgresql://h:5432/app", "t1");

        // when: the only slot is taken and given back three times in a row
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = start(failure, () -> {
            for (int i = 0; i < 3; i++) {
                throttle.acquire(tenant).close();
            }
        });
        t.join(TimeUnit.NANOSECONDS.toMillis(TIMEOUT_NANOS));

        // then: it never blocked
        assertThat(t.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(AtomicReference<Throwable> failure, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean parked(Thread t) {
        Thread.State state = t.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    /** Spins (no sleeping) until the condition holds; fails after the timeout. */
    private static void awaitCondition(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not reached in time");
            }
            Thread.onSpinWait();
        }
    }

    private static List<Thread> concat(List<Thread> a, List<Thread> b) {
        List<Thread> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
