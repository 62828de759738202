package io.schemafleet.coordinator.drift;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A line diff of two schema descriptions, in unified-diff style: {@code "  "} for a line
 * both have, {@code "- "} for one only the left has, {@code "+ "} for one only the right
 * has; unchanged runs are cut down to {@code context} lines around each change, and each
 * hunk opens with a header: {@code "@@"}, followed by the line its first line sits under
 * when there is one ({@code "@@ table users"} for a hunk that starts among that table's
 * columns, like {@code diff -p}), so a column line never has to be read without its table.
 * Descriptions are sorted texts of a few hundred lines, so a longest-common-subsequence
 * table is small; past {@link #MAX_CELLS} it falls back to comparing the lines as sets.
 */
public final class LineDiff {
    /** Largest LCS table built (lines × lines). */
    static final long MAX_CELLS = 16_000_000L;

    private LineDiff() {
    }

    /**
     * A line of the full diff.
     *
     * @param shown     the line with its two-character mark
     * @param enclosing the nearest line before it, in its own text, that is indented less; null at the top level
     */
    private record Entry(String shown, String enclosing) {
        boolean changed() {
            return !shown.startsWith("  ");
        }
    }

    /** The diff lines; empty when the texts are equal. */
    public static List<String> of(String left, String right, int context) {
        List<String> a = lines(left);
        List<String> b = lines(right);
        if (a.equals(b)) {
            return List.of();
        }
        if ((long) a.size() * b.size() <= MAX_CELLS) {
            return hunks(lcs(a, b), context);
        }
        // Removals in the left's order, then additions in the right's: each walk keeps its own context.
        Set<String> inB = new HashSet<>(b);
        Set<String> inA = new HashSet<>(a);
        List<String> out = new ArrayList<>(hunks(walk(a, inB, "- "), context));
        out.addAll(hunks(walk(b, inA, "+ "), context));
        return out;
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> all = List.of(text.split("\n", -1));
        // A trailing line break ends the last line; it does not start an empty one.
        return text.endsWith("\n") ? all.subList(0, all.size() - 1) : all;
    }

    private static List<Entry> lcs(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] len = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                len[i][j] = a.get(i).equals(b.get(j)) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
            }
        }
        String[] aUnder = enclosing(a);
        String[] bUnder = enclosing(b);
        List<Entry> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                // A shared line may sit under different lines on each side; the left (the tenant looked at) names it.
                out.add(new Entry("  " + a.get(i), aUnder[i]));
                i++;
                j++;
            } else if (len[i + 1][j] >= len[i][j + 1]) {
                out.add(new Entry("- " + a.get(i), aUnder[i]));
                i++;
            } else {
                out.add(new Entry("+ " + b.get(j), bUnder[j]));
                j++;
            }
        }
        for (; i < n; i++) {
            out.add(new Entry("- " + a.get(i), aUnder[i]));
        }
        for (; j < m; j++) {
            out.add(new Entry("+ " + b.get(j), bUnder[j]));
        }
        return out;
    }

    /** {@code lines} in order, marked {@code mark} where {@code other} lacks them and as context where it has them. */
    private static List<Entry> walk(List<String> lines, Set<String> other, String mark) {
        String[] under = enclosing(lines);
        List<Entry> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.add(new Entry((other.contains(lines.get(i)) ? "  " : mark) + lines.get(i), under[i]));
        }
        return out;
    }

    /** For each line, the nearest line before it that is indented less (a column's table); null at the top. */
    static String[] enclosing(List<String> lines) {
        String[] out = new String[lines.size()];
        // Lines that may still enclose a later one, innermost on top; indentation strictly grows downwards.
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                out[i] = open.isEmpty() ? null : lines.get(open.peek()).strip();
                continue;
            }
            int indent = indent(line);
            while (!open.isEmpty() && indent(lines.get(open.peek())) >= indent) {
                open.pop();
            }
            out[i] = open.isEmpty() ? null : lines.get(open.peek()).strip();
            open.push(i);
        }
        return out;
    }

    private static int indent(String line) {
        int k = 0;
        while (k < line.length() && line.charAt(k) == ' ') {
            k++;
        }
        return k;
    }

    /** The changed entries with {@code context} entries around them, each run opened by a header. */
    private static List<String> hunks(List<Entry> full, int context) {
        boolean[] keep = new boolean[full.size()];
        for (int k = 0; k < full.size(); k++) {
            if (full.get(k).changed()) {
                for (int x = Math.max(0, k - context); x <= Math.min(full.size() - 1, k + context); x++) {
                    keep[x] = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < full.size(); k++) {
            if (keep[k]) {
                if (k == 0 || !keep[k - 1]) {
                    String under = full.get(k).enclosing();
                    out.add(under == null ? "@@" : "@@ " + under);
                }
                out.add(full.get(k).shown());
            }
        }
        return out;
    }
}
