package io.schemafleet.agent.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for default agent ids. */
final class Hosts {
    private Hosts() {
    }

    static String name() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
