package io.schemafleet.deploy.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's demo command, in-process and smaller: a broker, a PostgreSQL server, the
 * coordinator and two agents bring 12 tenants (schemas in two databases and database
 * tenants) to head, the demo exits 0 with its figures, and leaves nothing behind: no
 * data directory, no PostgreSQL process, no open port.
 */
class DemoIT {
    private static final Pattern CONVERGED = Pattern.compile(
            "converged: first tenant migrated after (\\d+\\.\\d) s, all 12 converged after (\\d+\\.\\d) s \\(at c8626eb4ecaa\\)");

    @Test
    void twelveTenantsConvergeAtHeadAndTheDemoCleansUpAfterItself() throws Exception {
        DemoCommandTest.Run run = DemoCommandTest.Run.of("demo", "--tenants", "12", "--port", "0",
                "--exit-when-converged", "--timeout", "90s");

        assertThat(run.exit()).as(run.toString()).isZero();
        Matcher figures = CONVERGED.matcher(run.out());
        assertThat(figures.find()).as(run.out()).isTrue();
        assertThat(Double.parseDouble(figures.group(1))).isPositive()
                .isLessThanOrEqualTo(Double.parseDouble(figures.group(2)));
        assertThat(run.out())
                .contains("5 schema tenants in fleet_a (tenant_001..tenant_005)")
                .contains("4 schema tenants in fleet_b (tenant_006..tenant_009), 3 database tenants (tenantdb_1..tenantdb_3)")
                .contains("9 revisions with POST /api/revisions");
        // The demo's API calls above went through with its token; the dashboard link carries the same one.
        String token = find(run.out(), "token\\s+(sfop_[A-Za-z0-9_-]{43})  \\(operator");
        assertThat(run.out()).containsPattern("dashboard\\s+http://localhost:\\d+/#token=" + token + "\n");

        Path home = Path.of(find(run.out(), "data\\s+(\\S+)  \\(removed on exit\\)"));
        assertThat(home.getFileName().toString()).startsWith(DemoStack.HOME_PREFIX);
        assertThat(run.out()).contains("removed " + home);
        assertThat(home).doesNotExist();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(args -> String.join(" ", args).contains(home.toString())).orElse(false)))
                .as("processes using %s (PostgreSQL)", home).isEmpty();
        assertClosed(Integer.parseInt(find(run.out(), "PostgreSQL\\s+embedded, port (\\d+)")));
        assertClosed(Integer.parseInt(find(run.out(), "embedded KRaft broker at 127\\.0\\.0\\.1:(\\d+)")));
        assertClosed(Integer.parseInt(find(run.out(), "coordinator\\s+http://localhost:(\\d+)/")));
    }

    @Test
    void theReadmeCommandBringsAHundredTenantsToHead() throws Exception {
        DemoCommandTest.Run run = DemoCommandTest.Run.of("demo", "--exit-when-converged", "--tenants", "100",
                "--port", "0", "--timeout", "180s");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern(
                "converged: first tenant migrated after \\d+\\.\\d s, all 100 converged after \\d+\\.\\d s");
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("/%s/ in:%n%s", regex, text).isTrue();
        return m.group(1);
    }

    /** Nothing listens on the port any more, on any address of localhost. */
    private static void assertClosed(int port) throws IOException {
        for (InetAddress address : InetAddress.getAllByName("localhost")) {
            boolean open;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 1_000);
                open = true;
            } catch (IOException refused) {
                open = false;
            }
            assertThat(open).as("port %d on %s still open", port, address).isFalse();
        }
    }
}
