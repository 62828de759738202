package io.schemafleet.protocol.graph;

import io.schemafleet.protocol.graph.RevisionGraphException.Kind;
import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable revision graph with Alembic's semantics (a port of
 * {@code alembic.script.revision.RevisionMap}, Alembic 1.8): several bases and heads,
 * merges, branch labels, {@code depends_on}, and symbolic destinations
 * ({@code head}, {@code heads}, {@code base}, id prefixes, {@code +N}/{@code -N},
 * {@code label@head}, {@code rev@+N}, ...).
 *
 * <p>Revisions are given in load order (file-name order for a directory); where Alembic
 * breaks ties between branches, it does so by load order, and so does this class.
 * Where Alembic iterates an unordered set, this class uses load order too.
 *
 * <p>Built once and then only read: safe to share between threads.
 */
public final class RevisionGraph {
    static final Pattern RELATIVE = Pattern.compile("(?:(.+?)@)?(\\w+)?((?:\\+|-)\\d+)",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PY_INT = Pattern.compile("\\s*[+-]?\\d+(?:_\\d+)*\\s*");

    /** Revision ids and branch labels to nodes, ids first in load order, as Alembic's map. */
    private final Map<String, Node> map = new LinkedHashMap<>();
    private final Map<String, Integer> loadIndex = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> heads;
    private final List<String> realHeads;
    private final List<String> bases;
    private final List<String> realBases;
    /** Per node index: indexes of its normalized down revisions, then of its plain parents. */
    private int[][] normalizedDownIndex;
    private int[][] downIndex;
    /** Per node index: the longest path down to a base; every parent has a smaller level. */
    private int[] level;

    private RevisionGraph(List<Revision> revisions) {
        Set<Node> headSet = new LinkedHashSet<>();
        Set<Node> realHeadSet = new LinkedHashSet<>();
        List<Node> baseList = new ArrayList<>();
        List<Node> realBaseList = new ArrayList<>();
        List<Node> labelled = new ArrayList<>();
        for (Revision revision : revisions) {
            Node node = new Node(revision, nodes.size());
            if (map.containsKey(node.id)) {
                // Alembic only warns here and then keeps a broken map; a published graph must not.
                throw new RevisionGraphException(Kind.REVISION_ERROR,
                        "Revision " + node.id + " is present more than once", List.of(node.id));
            }
            map.put(node.id, node);
            loadIndex.put(node.id, nodes.size());
            nodes.add(node);
            if (!node.branchLabels.isEmpty()) {
                labelled.add(node);
            }
            headSet.add(node);
            realHeadSet.add(node);
            if (node.isBase()) {
                baseList.add(node);
            }
            if (node.isRealBase()) {
                realBaseList.add(node);
            }
        }
        Map<String, Node> idsOnly = new LinkedHashMap<>(map);
        mapBranchLabels(labelled);
        addDependsOn();
        for (Node node : new ArrayList<>(map.values())) {
            for (String downId : node.allDownRevisions()) {
                Node down = idsOnly.get(downId);
                if (down == null) {
                    // Alembic fails with a KeyError here; say what is wrong instead.
                    throw new RevisionGraphException(Kind.REVISION_ERROR,
                            "Revision " + downId + " referenced from " + node.id + " is not present",
                            List.of(node.id));
                }
                down.allNextrev.add(node.id);
                if (node.down().contains(down.id)) {
                    down.nextrev.add(node.id);
                    headSet.remove(down);
                }
                realHeadSet.remove(down);
            }
        }
        normalizeDependsOn();
        detectCycles(idsOnly, headSet, baseList, realHeadSet, realBaseList);
        this.heads = ids(headSet);
        this.realHeads = ids(realHeadSet);
        this.bases = ids(baseList);
        this.realBases = ids(realBaseList);
        addBranches(labelled);
        buildIndexes();
    }

    private void buildIndexes() {
        normalizedDownIndex = new int[nodes.size()][];
        downIndex = new int[nodes.size()][];
        for (Node node : nodes) {
            normalizedDownIndex[node.index] = node.normalizedDownRevisions().stream()
                    .mapToInt(id -> map.get(id).index).toArray();
            downIndex[node.index] = node.down().stream().mapToInt(id -> map.get(id).index).toArray();
        }
        level = new int[nodes.size()];
        Arrays.fill(level, -1);
        Deque<Integer> stack = new ArrayDeque<>();
        for (int start = 0; start < nodes.size(); start++) {
            stack.push(start);
            while (!stack.isEmpty()) {
                int i = stack.peek();
                if (level[i] >= 0) {
                    stack.pop();
                    continue;
                }
                int max = -1;
                boolean ready = true;
                for (int parent : normalizedDownIndex[i]) {
                    if (level[parent] < 0) {
                        stack.push(parent);
                        ready = false;
                    } else {
                        max = Math.max(max, level[parent]);
                    }
                }
                if (ready) {
                    level[i] = max + 1;
                    stack.pop();
                }
            }
        }
    }

    /** A node's level: a strict ancestor of {@code n} always has a smaller one. */
    int level(Node n) {
        return level[n.index];
    }

    /**
     * The same members as {@link #ancestors} (targets included), as a bit set over node
     * indexes: planning asks "is X below these heads?" many times, and this answers
     * each question without allocating a node per visit.
     */
    BitSet ancestorBits(Collection<Node> targets, boolean includeDependencies) {
        return ancestorBits(targets, includeDependencies, 0);
    }

    /**
     * As {@link #ancestorBits(Collection, boolean)}, but only the members at
     * {@code minLevel} or above: enough to answer "is X below these?" for any X at that
     * level or higher, since a path down to X never passes below X's level.
     */
    BitSet ancestorBits(Collection<Node> targets, boolean includeDependencies, int minLevel) {
        int[][] adjacency = includeDependencies ? normalizedDownIndex : downIndex;
        BitSet seen = new BitSet(nodes.size());
        int[] stack = new int[Math.max(16, targets.size())];
        int top = 0;
        for (Node target : targets) {
            if (top == stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top++] = requireRevision(target).index;
        }
        while (top > 0) {
            int i = stack[--top];
            if (seen.get(i)) {
                continue;
            }
            seen.set(i);
            for (int j : adjacency[i]) {
                if (!seen.get(j) && level[j] >= minLevel) {
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, stack.length * 2);
                    }
                    stack[top++] = j;
                }
            }
        }
        return seen;
    }

    /**
     * Builds and validates a graph from revisions in load order.
     *
     * @throws RevisionGraphException for duplicate ids, unknown parents or dependencies,
     *     a branch label used twice, cycles and self-loops (Alembic's error types)
     */
    public static RevisionGraph of(List<Revision> revisions) {
        return new RevisionGraph(revisions);
    }

    /** Heads, as {@code alembic heads} lists them. */
    public List<String> heads() {
        return heads;
    }

    /** Heads that nothing depends on: what {@code heads} as a destination means. */
    public List<String> realHeads() {
        return realHeads;
    }

    /** Revisions without a parent. */
    public List<String> bases() {
        return bases;
    }

    /** Revisions without a parent and without dependencies. */
    public List<String> realBases() {
        return realBases;
    }

    /** Every revision in load order. */
    public List<Revision> revisions() {
        return nodes.stream().map(n -> n.revision).toList();
    }

    /** The revision with exactly this id. */
    public Optional<Revision> revision(String id) {
        Node node = map.get(id);
        return node == null || !node.id.equals(id) ? Optional.empty() : Optional.of(node.revision);
    }

    /**
     * The checksum of a revision of this graph, computed once: agents compare it with
     * what every tenant recorded, on every pass.
     */
    public String checksum(String id) {
        Node node = map.get(id);
        if (node == null || !node.id.equals(id)) {
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR, "No such revision '" + id + "'", List.of(), id);
        }
        String checksum = node.checksum;
        if (checksum == null) {
            checksum = node.revision.checksum();
            node.checksum = checksum;
        }
        return checksum;
    }

    /** The revision id a branch label names, if it is one. */
    public Optional<String> labelledRevision(String label) {
        Node node = map.get(label);
        return node == null || node.id.equals(label) ? Optional.empty() : Optional.of(node.id);
    }

    /** Labels declared on or inherited by a revision. */
    public Set<String> branchLabelsOf(String id) {
        Node node = map.get(id);
        return node == null ? Set.of() : Collections.unmodifiableSet(node.branchLabels);
    }

    public int size() {
        return nodes.size();
    }

    /**
     * The revisions a symbol names, as Alembic's {@code RevisionMap.get_revisions}: an
     * empty list for {@code base}; an element is {@code "base"} or empty when a relative
     * walk ({@code -N}) runs down to or past the base.
     */
    public List<Optional<String>> resolve(String symbol) {
        List<Optional<String>> out = new ArrayList<>();
        for (Node node : getRevisions(symbol)) {
            out.add(node == null ? Optional.empty() : Optional.of(node.id));
        }
        return out;
    }

    /**
     * The revision ids a symbol names, for tools that need real revisions (not
     * {@code base}): as {@link #resolve} but an error where a walk leaves the graph.
     */
    public List<String> resolveIds(String symbol) {
        List<String> out = new ArrayList<>();
        for (Node node : getRevisions(symbol)) {
            out.add(requireRevision(node).id);
        }
        return out;
    }

    /** The one revision a symbol names, or empty for {@code base}; an error when it names several. */
    public Optional<String> resolveOne(String symbol) {
        Node node = getRevision(symbol);
        return node == null ? Optional.empty() : Optional.of(node.id);
    }

    /**
     * Every revision applied when the version table holds {@code heads}: the heads and all
     * their ancestors, dependencies included. Unknown ids are an error.
     */
    public Set<String> appliedRevisions(Collection<String> heads) {
        List<Node> start = new ArrayList<>();
        for (String head : heads) {
            Node node = map.get(head);
            if (node == null || !node.id.equals(head)) {
                throw new RevisionGraphException(Kind.RESOLUTION_ERROR, "No such revision '" + head + "'", List.of(),
                        head);
            }
            start.add(node);
        }
        BitSet bits = ancestorBits(start, true);
        Set<String> out = new LinkedHashSet<>();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            out.add(nodes.get(i).id);
        }
        return out;
    }

    /** True when no revision names this one as its parent. */
    public boolean isHead(String id) {
        Node node = map.get(id);
        return node != null && node.nextrev.isEmpty();
    }

    /** True when several revisions name this one as their parent. */
    public boolean isBranchPoint(String id) {
        Node node = map.get(id);
        return node != null && node.nextrev.size() > 1;
    }

    // ---- package-private machinery, shared with the planner ----------------------

    Node node(String id) {
        return map.get(id);
    }

    Collection<Node> mapValues() {
        return map.values();
    }

    List<Node> nodesOf(Collection<String> ids) {
        return ids.stream().map(map::get).toList();
    }

    List<Node> getRevisions(Collection<String> ids) {
        List<Node> out = new ArrayList<>();
        for (String id : ids) {
            out.addAll(getRevisions(id));
        }
        return out;
    }

    List<Node> getRevisions(String id) {
        Resolved resolved = resolveRevisionNumber(id);
        if (resolved.ids().size() == 1) {
            Long steps = pythonInt(resolved.ids().get(0));
            if (steps != null && steps < 0) {
                List<Node> selectHeads = getRevisions(List.of("heads"));
                String label = resolved.label();
                if (label != null) {
                    selectHeads = selectHeads.stream().filter(h -> h.branchLabels.contains(label)).toList();
                }
                List<Node> out = new ArrayList<>();
                for (Node head : selectHeads) {
                    out.add(walk(head, steps, null, true));
                }
                return out;
            }
        }
        List<Node> out = new ArrayList<>();
        for (String rid : resolved.ids()) {
            out.add(revisionForIdent(rid, resolved.label()));
        }
        return out;
    }

    Node getRevision(String id) {
        Resolved resolved = resolveRevisionNumber(id);
        if (resolved.ids().size() > 1) {
            throw multipleHeads(resolved.ids(), id);
        }
        return revisionForIdent(resolved.ids().isEmpty() ? null : resolved.ids().get(0), resolved.label());
    }

    /** Alembic's {@code _resolve_revision_number}: the ids a symbol stands for, and its label. */
    Resolved resolveRevisionNumber(String id) {
        String label = null;
        if (id != null && id.contains("@")) {
            int at = id.indexOf('@');
            label = id.substring(0, at);
            id = id.substring(at + 1);
        }
        if ("heads".equals(id)) {
            if (truthy(label)) {
                return new Resolved(ids(filterForLineage(nodesOf(heads), label, false)), label);
            }
            return new Resolved(realHeads, label);
        }
        if ("head".equals(id)) {
            String current = currentHead(label);
            return new Resolved(current == null ? List.of() : List.of(current), label);
        }
        if (id == null || "base".equals(id)) {
            return new Resolved(List.of(), label);
        }
        return new Resolved(List.of(id), label);
    }

    String currentHead(String label) {
        List<String> current = heads;
        if (truthy(label)) {
            current = ids(filterForLineage(nodesOf(heads), label, false));
        }
        if (current.size() > 1) {
            throw multipleHeads(current, truthy(label) ? label + "@head" : "head");
        }
        return current.isEmpty() ? null : current.get(0);
    }

    Node resolveBranch(String label) {
        Node node = map.get(label);
        if (node != null) {
            return node;
        }
        try {
            return revisionForIdent(label, null);
        } catch (RevisionGraphException e) {
            if (e.kind() != Kind.RESOLUTION_ERROR) {
                throw e;
            }
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR, "No such branch: '" + label + "'", List.of(),
                    label);
        }
    }

    /** Alembic's {@code _revision_for_ident}; {@code resolvedId == null} stands for base. */
    Node revisionForIdent(String resolvedId, String checkBranch) {
        Node branchRev = truthy(checkBranch) ? resolveBranch(checkBranch) : null;
        Node revision;
        if (resolvedId == null) {
            revision = null;
        } else if (map.containsKey(resolvedId)) {
            revision = map.get(resolvedId);
        } else {
            revision = map.get(uniquePrefixMatch(resolvedId, branchRev != null ? checkBranch : null));
        }
        if (truthy(checkBranch) && revision != null
                && !sharesLineage(revision, List.of(branchRev), false)) {
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR,
                    "Revision " + revision.id + " is not a member of branch '" + checkBranch + "'");
        }
        return revision;
    }

    private String uniquePrefixMatch(String prefix, String branch) {
        List<String> keys = new ArrayList<>();
        if (!prefix.isEmpty()) {
            for (String key : map.keySet()) {
                if (key.length() > 3 && key.startsWith(prefix)) {
                    keys.add(key);
                }
            }
        }
        if (branch != null && !keys.isEmpty()) {
            Predicate<Node> onBranch = lineagePredicate(branch, false);
            keys.removeIf(k -> !onBranch.test(map.get(k)));
        }
        if (keys.isEmpty()) {
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR,
                    "No such revision or branch '" + prefix + "'" + shortPrefixHint(prefix), List.of(), prefix);
        }
        if (keys.size() > 1) {
            StringBuilder some = new StringBuilder();
            for (String key : keys.subList(0, Math.min(3, keys.size()))) {
                some.append(some.length() == 0 ? "" : ", ").append('\'').append(key).append('\'');
            }
            throw new RevisionGraphException(Kind.RESOLUTION_ERROR,
                    "Multiple revisions start with '" + prefix + "': " + some + "...");
        }
        return keys.get(0);
    }

    /** Alembic's {@code filter_for_lineage}: the targets on the same line as {@code checkAgainst}. */
    List<Node> filterForLineage(List<Node> targets, String checkAgainst, boolean includeDependencies) {
        if (targets.isEmpty()) {
            // Alembic resolves the branch lazily, so nothing to filter means nothing to resolve.
            return List.of();
        }
        Predicate<Node> shares = lineagePredicate(checkAgainst, includeDependencies);
        return targets.stream().filter(shares).toList();
    }

    private Predicate<Node> lineagePredicate(String checkAgainst, boolean includeDependencies) {
        Resolved resolved = resolveRevisionNumber(checkAgainst);
        List<String> shares = new ArrayList<>();
        if (truthy(resolved.label())) {
            shares.add(resolved.label());
        }
        shares.addAll(resolved.ids());
        if (shares.isEmpty()) {
            return t -> true;
        }
        List<Node> against = new ArrayList<>();
        for (String share : shares) {
            against.add(revisionForIdent(share, null));
        }
        return target -> sharesLineage(target, against, includeDependencies);
    }

    boolean sharesLineage(Node target, List<Node> against, boolean includeDependencies) {
        if (against.isEmpty()) {
            return true;
        }
        Set<Node> line = new HashSet<>(descendants(List.of(target), false, false, includeDependencies));
        line.addAll(ancestors(List.of(target), false, includeDependencies));
        for (Node node : against) {
            if (line.contains(node)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Alembic's {@code _walk}: {@code steps} up (positive) or down (negative) from
     * {@code start} ({@code null} = below every base). Returns {@code null} when the walk
     * leaves the graph and {@code noOverwalk} is set, {@link Node#BASE} when it lands on base.
     */
    Node walk(Node start, long steps, String label, boolean noOverwalk) {
        Node initial = start;
        for (long i = 0; i < Math.abs(steps); i++) {
            List<Node> children;
            if (steps > 0) {
                if (initial == Node.BASE) {
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Cannot walk up from base");
                }
                List<Node> up = getRevisions(initial == null ? bases : List.copyOf(initial.nextrev));
                children = truthy(label) ? filterForLineage(up, label, false) : up;
            } else if (initial == Node.BASE) {
                children = List.of();
            } else {
                children = getRevisions(initial == null ? heads : initial.down());
                if (children.isEmpty()) {
                    children = List.of(Node.BASE);
                }
            }
            if (children.isEmpty()) {
                return noOverwalk ? null : initial;
            }
            if (children.size() > 1) {
                throw new RevisionGraphException(Kind.REVISION_ERROR, "Ambiguous walk");
            }
            initial = children.get(0);
        }
        return initial;
    }

    Node walk(String start, long steps, String label, boolean noOverwalk) {
        return walk(getRevision(start), steps, label, noOverwalk);
    }

    List<Node> descendants(Collection<Node> targets, boolean check, boolean omitImmediateDependencies,
                           boolean includeDependencies) {
        Function<Node, Collection<String>> next;
        if (omitImmediateDependencies) {
            next = rev -> targets.contains(rev) ? rev.nextrev : rev.allNextrev;
        } else if (includeDependencies) {
            next = rev -> rev.allNextrev;
        } else {
            next = rev -> rev.nextrev;
        }
        return related(next, targets, map, check);
    }

    List<Node> ancestors(Collection<Node> targets, boolean check, boolean includeDependencies) {
        return related(includeDependencies ? Node::normalizedDownRevisions : Node::down, targets, map, check);
    }

    /** Alembic's {@code _iterate_related_revisions}: a depth-first walk in Alembic's order. */
    static List<Node> related(Function<Node, Collection<String>> next, Collection<Node> targets,
                              Map<String, Node> lookup, boolean check) {
        Set<Node> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>();
        List<Node> out = new ArrayList<>();
        for (Node target : targets) {
            requireRevision(target);
            todo.addLast(target);
            Set<Node> perTarget = check ? new LinkedHashSet<>() : null;
            while (!todo.isEmpty()) {
                Node rev = todo.pollLast();
                if (check) {
                    perTarget.add(rev);
                }
                if (!seen.add(rev)) {
                    continue;
                }
                for (String id : next.apply(rev)) {
                    Node nextRev = lookup.get(id);
                    if (nextRev == null || !nextRev.id.equals(id)) {
                        throw new RevisionGraphException(Kind.REVISION_ERROR,
                                "Dependency resolution failed; broken map");
                    }
                    todo.addLast(nextRev);
                }
                out.add(rev);
            }
            if (check) {
                List<String> overlaps = new ArrayList<>();
                for (Node other : perTarget) {
                    if (other != target && targets.contains(other)) {
                        overlaps.add(other.id);
                    }
                }
                if (!overlaps.isEmpty()) {
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Requested revision " + target.id
                            + " overlaps with other requested revisions " + String.join(", ", overlaps));
                }
            }
        }
        return out;
    }

    /** Alembic's {@code is_revision}: where Alembic would fail an assertion, a clear error. */
    static Node requireRevision(Node node) {
        if (node == null || node == Node.BASE) {
            throw new RevisionGraphException(Kind.REVISION_ERROR,
                    "Walked past the base of the revision graph");
        }
        return node;
    }

    /** Alembic's {@code _get_all_current}: the branch heads among the given revisions' lines. */
    Set<Node> allCurrent(List<String> ids) {
        Set<Node> top = new LinkedHashSet<>(getRevisions(ids));
        top.addAll(ancestors(new ArrayList<>(top), false, true));
        Set<Node> out = new LinkedHashSet<>(top);
        for (Node rev : top) {
            for (Node d : descendants(List.of(rev), false, false, false)) {
                if (d != rev && out.contains(d)) {
                    out.remove(rev);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Alembic's {@code _topological_sort}: ids of {@code revisions}, each after its
     * descendants, walking down from {@code heads} one branch at a time in load order.
     */
    List<String> topologicalSort(Collection<Node> revisions, Collection<Node> startHeads) {
        Set<String> todo = new HashSet<>();
        for (Node d : revisions) {
            todo.add(d.id);
        }
        TreeSet<String> sortedHeads = new TreeSet<>((a, b) -> Integer.compare(loadIndex.get(a), loadIndex.get(b)));
        for (Node d : startHeads) {
            if (todo.contains(d.id)) {
                sortedHeads.add(d.id);
            }
        }
        List<String> current = new ArrayList<>(sortedHeads);
        List<BitSet> ancestorsByIdx = new ArrayList<>();
        for (String id : current) {
            ancestorsByIdx.add(ancestorIds(id));
        }
        List<String> output = new ArrayList<>();
        int idx = 0;
        while (!current.isEmpty()) {
            String candidate = current.get(idx);
            int candidateIndex = map.get(candidate).index;
            boolean blocked = false;
            for (int check = 0; check < ancestorsByIdx.size(); check++) {
                if (check != idx && ancestorsByIdx.get(check).get(candidateIndex)) {
                    idx = check;
                    blocked = true;
                    break;
                }
            }
            if (blocked) {
                continue;
            }
            if (todo.remove(candidate)) {
                output.add(candidate);
            }
            Node candidateRev = map.get(candidate);
            List<String> toAdd = new ArrayList<>();
            for (String r : candidateRev.normalizedDownRevisions()) {
                if (todo.contains(r) && !current.contains(r)) {
                    toAdd.add(r);
                }
            }
            if (toAdd.isEmpty()) {
                current.remove(idx);
                ancestorsByIdx.remove(idx);
                idx = Math.max(idx - 1, 0);
            } else if (candidateRev.normalizedResolvedDependencies.isEmpty() && candidateRev.down().size() == 1) {
                current.set(idx, toAdd.get(0));
                ancestorsByIdx.get(idx).clear(candidateIndex);
            } else {
                current.set(idx, toAdd.get(0));
                ancestorsByIdx.set(idx, ancestorIds(toAdd.get(0)));
                for (String head : toAdd.subList(1, toAdd.size())) {
                    current.add(head);
                    ancestorsByIdx.add(ancestorIds(head));
                }
            }
        }
        if (!todo.isEmpty()) {
            throw new RevisionGraphException(Kind.REVISION_ERROR,
                    "Revisions " + new TreeSet<>(todo) + " are not reachable from the starting heads");
        }
        return output;
    }

    private BitSet ancestorIds(String id) {
        return ancestorBits(List.of(map.get(id)), true);
    }

    static RevisionGraphException multipleHeads(List<String> heads, String argument) {
        return new RevisionGraphException(Kind.MULTIPLE_HEADS, "Multiple heads are present for given argument '"
                + argument + "'; " + String.join(", ", heads), heads, argument);
    }

    /** Alembic's advice when an identifier too short for a partial match did not resolve. */
    static String shortPrefixHint(String identifier) {
        return identifier.length() < 4 ? "; please ensure at least four characters are present for partial revision"
                + " identifier matches" : "";
    }

    static boolean truthy(String s) {
        return s != null && !s.isEmpty();
    }

    /** Python's {@code int(s)} for the forms that matter here; {@code null} when it is not one. */
    static Long pythonInt(String s) {
        if (s == null || !PY_INT.matcher(s).matches()) {
            return null;
        }
        String digits = s.strip().replace("_", "");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return digits.startsWith("-") ? Long.MIN_VALUE + 1 : Long.MAX_VALUE;
        }
    }

    static Matcher relative(String target) {
        Matcher m = RELATIVE.matcher(target);
        return m.lookingAt() ? m : null;
    }

    static List<String> ids(Collection<Node> nodes) {
        return nodes.stream().map(n -> n.id).toList();
    }

    // ---- construction --------------------------------------------------------------

    private void mapBranchLabels(List<Node> labelled) {
        for (Node node : labelled) {
            for (String label : node.revision.branchLabels()) {
                Node holder = map.get(label);
                if (holder != null) {
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Branch name '" + label
                            + "' in revision " + node.id + " already used by revision " + holder.id,
                            List.of(node.id));
                }
                map.put(label, node);
            }
        }
    }

    private void addDependsOn() {
        for (Node node : nodes) {
            List<String> resolved = new ArrayList<>();
            for (String dep : node.revision.dependsOn()) {
                Node target = map.get(dep);
                if (target == null) {
                    // Alembic fails with a KeyError here; say what is wrong instead.
                    throw new RevisionGraphException(Kind.REVISION_ERROR, "Dependency " + dep
                            + " of revision " + node.id + " is not a known revision or branch label",
                            List.of(node.id));
                }
                resolved.add(target.id);
            }
            node.setResolvedDependencies(resolved);
        }
    }

    private void normalizeDependsOn() {
        for (Node node : nodes) {
            if (node.resolvedDependencies.isEmpty()) {
                node.setNormalizedResolvedDependencies(List.of());
                continue;
            }
            Set<String> normalized = new LinkedHashSet<>(node.resolvedDependencies);
            for (Node ancestor : ancestors(List.of(node), false, false)) {
                if (ancestor != node) {
                    normalized.removeAll(ancestor.resolvedDependencies);
                }
            }
            node.setNormalizedResolvedDependencies(new ArrayList<>(normalized));
        }
    }

    private void detectCycles(Map<String, Node> idsOnly, Set<Node> headSet, List<Node> baseList,
                              Set<Node> realHeadSet, List<Node> realBaseList) {
        if (idsOnly.isEmpty()) {
            return;
        }
        if (headSet.isEmpty() || baseList.isEmpty()) {
            throw cycle(Kind.CYCLE_DETECTED, "Cycle", idsOnly.keySet());
        }
        Set<String> unreachable = unreachable(idsOnly, Node::down, headSet, n -> n.nextrev, baseList);
        if (!unreachable.isEmpty()) {
            throw cycle(Kind.CYCLE_DETECTED, "Cycle", unreachable);
        }
        if (realHeadSet.isEmpty() || realBaseList.isEmpty()) {
            throw cycle(Kind.DEPENDENCY_CYCLE_DETECTED, "Dependency cycle", idsOnly.keySet());
        }
        unreachable = unreachable(idsOnly, Node::allDownRevisions, realHeadSet, n -> n.allNextrev, realBaseList);
        if (!unreachable.isEmpty()) {
            throw cycle(Kind.DEPENDENCY_CYCLE_DETECTED, "Dependency cycle", unreachable);
        }
    }

    private static RevisionGraphException cycle(Kind kind, String what, Collection<String> ids) {
        return new RevisionGraphException(kind,
                what + " is detected in revisions (" + String.join(", ", ids) + ")", List.copyOf(ids));
    }

    /** Ids not both below some head and above some base: the members of a cycle. */
    private static Set<String> unreachable(Map<String, Node> idsOnly, Function<Node, Collection<String>> down,
                                           Collection<Node> from, Function<Node, Collection<String>> up,
                                           Collection<Node> to) {
        Set<String> space = new HashSet<>(ids(related(down, from, idsOnly, false)));
        space.retainAll(new HashSet<>(ids(related(up, to, idsOnly, false))));
        Set<String> missing = new TreeSet<>(idsOnly.keySet());
        missing.removeAll(space);
        return missing;
    }

    /**
     * Alembic's {@code _add_branches}: a label spreads to every descendant and, from the
     * last descendant visited, down the line until a branch or merge point.
     */
    private void addBranches(List<Node> labelled) {
        for (Node node : labelled) {
            Node last = node;
            for (Node d : descendants(List.of(node), false, false, false)) {
                d.branchLabels.addAll(node.branchLabels);
                last = d;
            }
            Node parent = last;
            while (parent != null && !parent.isRealBranchPoint() && !parent.isMergePoint()) {
                parent.branchLabels.addAll(node.branchLabels);
                parent = parent.down().isEmpty() ? null : map.get(parent.down().get(0));
            }
        }
    }

    /** A symbol's ids and branch label, before they are looked up. */
    record Resolved(List<String> ids, String label) {
        Resolved {
            Objects.requireNonNull(ids);
        }
    }
}
