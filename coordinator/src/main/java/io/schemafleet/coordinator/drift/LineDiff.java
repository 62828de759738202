package io.schemafleet.coordinator.drift;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A line diff of two schema descriptions, in unified-diff style: {@code "  "} for a line
 * both have, {@code "- "} for one only the left has, {@code "+ "} for one only the right
 * has; unchanged runs are cut down to {@code context} lines around each change.
 * Descriptions are sorted texts of a few hundred lines, so a longest-common-subsequence
 * table is small; past {@link #MAX_CELLS} it falls back to comparing the lines as sets.
 */
public final class LineDiff {
    /** Largest LCS table built (lines × lines). */
    static final long MAX_CELLS = 16_000_000L;

    private LineDiff() {
    }

    /** The diff lines; empty when the texts are equal. */
    public static List<String> of(String left, String right, int context) {
        List<String> a = lines(left);
        List<String> b = lines(right);
        if (a.equals(b)) {
            return List.of();
        }
        List<String> full = (long) a.size() * b.size() <= MAX_CELLS ? lcs(a, b) : bySet(a, b);
        return trim(full, context);
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> all = List.of(text.split("\n", -1));
        // A trailing line break ends the last line; it does not start an empty one.
        return text.endsWith("\n") ? all.subList(0, all.size() - 1) : all;
    }

    private static List<String> lcs(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] len = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                len[i][j] = a.get(i).equals(b.get(j)) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (len[i + 1][j] >= len[i][j + 1]) {
                out.add("- " + a.get(i++));
            } else {
                out.add("+ " + b.get(j++));
            }
        }
        while (i < n) {
            out.add("- " + a.get(i++));
        }
        while (j < m) {
            out.add("+ " + b.get(j++));
        }
        return out;
    }

    private static List<String> bySet(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        Set<String> inB = new HashSet<>(b);
        Set<String> inA = new HashSet<>(a);
        a.stream().filter(l -> !inB.contains(l)).forEach(l -> out.add("- " + l));
        b.stream().filter(l -> !inA.contains(l)).forEach(l -> out.add("+ " + l));
        return out;
    }

    private static List<String> trim(List<String> full, int context) {
        boolean[] keep = new boolean[full.size()];
        for (int k = 0; k < full.size(); k++) {
            if (!full.get(k).startsWith("  ")) {
                for (int x = Math.max(0, k - context); x <= Math.min(full.size() - 1, k + context); x++) {
                    keep[x] = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < full.size(); k++) {
            if (keep[k]) {
                out.add(full.get(k));
            } else if (k == 0 || keep[k - 1]) {
                out.add("@@");
            }
        }
        return out;
    }
}
