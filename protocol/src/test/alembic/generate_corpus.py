#!/usr/bin/python3
"""Differential-test corpus generator: real Alembic revision-graph answers.

WHAT IT DOES
    Builds many revision DAGs (seeded random ones plus hand-written named
    shapes and deliberately invalid graphs), asks REAL Alembic (1.8.1, the
    Debian package) questions about them -- heads, symbol resolution,
    `alembic history [-r A:B]`, and the plans of `alembic upgrade|downgrade|
    stamp TO` for a given version-table content -- and writes the answers to
    a gzip'd JSON-lines corpus that the Java JUnit test replays without
    Python.  See README.md next to this file for the corpus format.

HOW TO RUN (from the repository root)
    /usr/bin/python3 protocol/src/test/alembic/generate_corpus.py
        [--seed 1] [--graphs 600] [--hash-seeds 0,1,...,9] [--repeat 2]
        [--jobs 2] [--validate N] [--validate-only]
        [--out protocol/src/test/resources/alembic/corpus.jsonl.gz]

    It must run with Debian's /usr/bin/python3 (the one that has alembic
    1.8.1 installed); it re-executes itself there if started with another
    interpreter.  Defaults regenerate the checked-in corpus.

HOW IT WORKS
    * The parent process (always PYTHONHASHSEED=0, it re-executes itself to
      get that) generates the cases deterministically from --seed: graphs in
      a fixed LOAD ORDER and their questions.  For realistic version-table
      contents ("from" sets) it asks Alembic itself which rows an
      `upgrade X` from an empty table leaves behind.
    * It then spawns one `--worker` subprocess per hash seed (env
      PYTHONHASHSEED=k), feeds all cases over stdin and reads one answer
      line per case from stdout.  Alembic iterates sets of strings (order
      depends on PYTHONHASHSEED) and sets of Revision objects (hashed by
      identity, i.e. memory address), so answers may differ between
      processes; every DISTINCT answer is recorded (sorted by canonical JSON).
    * Each question is answered against a freshly built RevisionMap, like a
      fresh `alembic` CLI invocation.  Revisions are real
      alembic.script.Script objects built from stand-in module objects, fed
      to RevisionMap in corpus list order (= load order).
    * upgrade/downgrade/stamp call ScriptDirectory._upgrade_revs /
      _downgrade_revs / _stamp_revs exactly like alembic.command does, then
      drive a HeadMaintainer subclass through update_to_step() for every
      step, exactly like MigrationContext.run_migrations does.  The subclass
      keeps HeadMaintainer's own assertions/set operations and replaces the
      SQL with an in-memory version table (a list of rows) including the
      "expected to match one row" rowcount checks an online migration makes.
    * Each worker asks every question --repeat times (fresh maps, shifted
      allocations) to catch more identity-order variants.
    * --validate N replays N sampled questions through the real CLI code
      path (alembic.command.upgrade/downgrade/stamp/history with an env.py,
      revision files on disk loaded in corpus order, and a SQLite version
      table) and reports any answer that is not among the recorded ones.

ANSWER ENCODING
    errors:   {"error": {"type": <exception class name>, "message": str(exc)}}
              for alembic RevisionError subclasses and alembic CommandError;
              a CommandError raised from a RevisionError (as the commands do)
              is recorded with the wrapped RevisionError's class name;
    internal: {"alembic_internal_error": "<ExcClass>: <str(exc)>"} for any
              other exception (KeyError, AssertionError, ...) = Alembic bugs.
    If building the RevisionMap fails, every question of the case gets that
    build error.
"""

import argparse
import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import types

ALEMBIC_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(
    os.path.join(HERE, "..", "resources", "alembic", "corpus.jsonl.gz")
)
VERSION_TABLE = "alembic_version"
QUESTION_TIMEOUT_S = 20

# --------------------------------------------------------------------------
# Alembic side (used by workers, and by the parent to compute "from" sets)
# --------------------------------------------------------------------------

_A = None


def _alembic():
    """Import alembic lazily (so --help works anywhere)."""
    global _A
    if _A is None:
        import warnings

        warnings.simplefilter("ignore")
        import alembic
        from alembic import util
        from alembic.runtime.migration import HeadMaintainer, RevisionStep
        from alembic.script import Script, ScriptDirectory
        from alembic.script import revision as rv

        if alembic.__version__ != "1.8.1":
            sys.stderr.write(
                "warning: expected alembic 1.8.1, got %s\n" % alembic.__version__
            )

        class TableHeadMaintainer(HeadMaintainer):
            """HeadMaintainer whose SQL is an in-memory version table.

            Keeps the original bookkeeping of self.heads (incl. its asserts
            and set.remove KeyErrors) and emulates the rowcount checks the
            original does on an online connection with sane rowcounts.
            """

            def __init__(self, rows):
                super().__init__(None, rows)  # self.heads = set(rows)
                self.rows = list(rows)

            def _insert_version(self, version):
                assert version not in self.heads
                self.heads.add(version)
                self.rows.append(version)

            def _delete_version(self, version):
                self.heads.remove(version)
                n = self.rows.count(version)
                self.rows = [r for r in self.rows if r != version]
                if n != 1:
                    raise util.CommandError(
                        "Online migration expected to match one "
                        "row when deleting '%s' in '%s'; "
                        "%d found" % (version, VERSION_TABLE, n)
                    )

            def _update_version(self, from_, to_):
                assert to_ not in self.heads
                self.heads.remove(from_)
                self.heads.add(to_)
                n = self.rows.count(from_)
                self.rows = [to_ if r == from_ else r for r in self.rows]
                if n != 1:
                    raise util.CommandError(
                        "Online migration expected to match one "
                        "row when updating '%s' to '%s' in '%s'; "
                        "%d found" % (from_, to_, VERSION_TABLE, n)
                    )

        _A = types.SimpleNamespace(
            util=util,
            rv=rv,
            Script=Script,
            ScriptDirectory=ScriptDirectory,
            RevisionStep=RevisionStep,
            TableHeadMaintainer=TableHeadMaintainer,
        )
    return _A


def _noop(**kw):
    return None


def _make_script(A, r):
    """A real alembic Script for corpus revision dict r (as if loaded)."""
    downs = r["down_revisions"]
    mod = types.SimpleNamespace(
        revision=r["revision"],
        down_revision=(
            None if not downs else downs[0] if len(downs) == 1 else tuple(downs)
        ),
        branch_labels=tuple(r["branch_labels"]) or None,
        depends_on=tuple(r["depends_on"]) or None,
        upgrade=_noop,
        downgrade=_noop,
        __doc__=r["message"],
        _corpus_message=r["message"],
    )
    return A.Script(mod, r["revision"], "versions/%s.py" % r["revision"])


def _script_directory(A, revisions):
    """ScriptDirectory whose RevisionMap loads `revisions` in list order."""
    sd = A.ScriptDirectory.__new__(A.ScriptDirectory)
    sd.revision_map = A.rv.RevisionMap(
        lambda: (_make_script(A, r) for r in revisions)
    )
    return sd


def _encode_exc(A, e):
    if isinstance(e, (A.rv.RevisionError, A.util.CommandError)):
        # The commands wrap revision errors in CommandError ("raise ... from err");
        # the type that tells the situations apart is the wrapped one.
        kind = e
        if isinstance(e, A.util.CommandError) and isinstance(e.__cause__, A.rv.RevisionError):
            kind = e.__cause__
        return {"error": {"type": type(kind).__name__, "message": str(e)}}
    return {"alembic_internal_error": "%s: %s" % (type(e).__name__, e)}


def _sym(x):
    if x is None:
        return None
    if isinstance(x, str):  # RevisionMap._walk may hand back "base"
        return x
    return x.revision


def _history_entry(sc):
    return {
        "revision": sc.revision,
        "down_revisions": list(sc._versioned_down_revisions),
        "branch_labels": list(sc._orig_branch_labels),
        "depends_on": list(sc.module.depends_on or ()),
        "message": sc.module._corpus_message,
    }


def _run_command(A, sd, op, to, from_rows):
    """Mirror alembic.command.upgrade/downgrade/stamp (online, no --sql)."""
    if op in ("upgrade", "downgrade") and ":" in to:
        raise A.util.CommandError("Range revision not allowed")
    heads = tuple(from_rows)  # MigrationContext.get_current_heads()
    if op == "upgrade":
        steps = sd._upgrade_revs(to, heads)
    elif op == "downgrade":
        steps = sd._downgrade_revs(to, heads)
    else:
        destination_revs = A.util.to_list(to)
        steps = sd._stamp_revs(A.util.to_tuple(destination_revs), heads)
    hm = A.TableHeadMaintainer(heads)
    out = []
    for step in steps:  # MigrationContext.run_migrations
        hm.update_to_step(step)
        if isinstance(step, A.RevisionStep):
            out.append(
                {
                    "revision": step.revision.revision,
                    "direction": "upgrade" if step.is_upgrade else "downgrade",
                }
            )
    return {"steps": out, "heads_after": sorted(hm.rows)}


def _history(A, sd, rng):
    """Mirror alembic.command.history (no 'current', no environment)."""
    if rng is not None:
        if ":" not in rng:
            raise A.util.CommandError(
                "History range requires [start]:[end], " "[start]:, or :[end]"
            )
        base, head = rng.strip().split(":")
    else:
        base = head = None
    return [
        _history_entry(sc)
        for sc in sd.walk_revisions(base=base or "base", head=head or "heads")
    ]


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout("question took longer than %ss" % QUESTION_TIMEOUT_S)


def answer_question(A, revisions, q):
    sd = _script_directory(A, revisions)
    op = q["op"]
    if op == "heads":
        return sd.get_heads()
    if op == "resolve":
        return [_sym(x) for x in sd.revision_map.get_revisions(q["symbol"])]
    if op == "history":
        return _history(A, sd, q.get("range"))
    if op in ("upgrade", "downgrade", "stamp"):
        return _run_command(A, sd, op, q["to"], q["from"])
    raise ValueError("unknown op %r" % op)


def _add_distinct(lst, a):
    if a not in lst:
        lst.append(a)


def _ask(A, revisions, q):
    signal.alarm(QUESTION_TIMEOUT_S)
    try:
        return answer_question(A, revisions, q)
    except _Timeout as e:
        return {"alembic_internal_error": "Timeout: %s" % e}
    except Exception as e:
        return _encode_exc(A, e)
    finally:
        signal.alarm(0)


def answer_case(A, case, repeat, jitter_rng):
    """Distinct answers per question over `repeat` fresh RevisionMaps.

    Between repetitions a few objects of random size are kept alive so the
    Revision objects land at other addresses (Alembic iterates some sets of
    Revision objects, whose hash is their id()).
    """
    revisions = case["revisions"]
    answers = [[] for _ in case["questions"]]
    ballast = []
    for _ in range(repeat):
        try:
            _script_directory(A, revisions).revision_map._revision_map
            build_error = None
        except Exception as e:  # invalid graph: every question gets this
            build_error = _encode_exc(A, e)
        for qi, q in enumerate(case["questions"]):
            a = build_error if build_error is not None else _ask(A, revisions, q)
            _add_distinct(answers[qi], a)
            ballast.append([object() for _ in range(jitter_rng.randint(0, 40))])
    return answers


def worker_main(repeat):
    A = _alembic()
    signal.signal(signal.SIGALRM, _on_alarm)
    jitter_rng = random.Random(os.environ.get("PYTHONHASHSEED", ""))
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        case = json.loads(line)
        out.write(json.dumps(answer_case(A, case, repeat, jitter_rng), sort_keys=True) + "\n")
    out.flush()


# --------------------------------------------------------------------------
# Case generation (parent)
# --------------------------------------------------------------------------

HEX = "0123456789abcdef"

LABEL_WORDS = [
    "alpha", "beta", "gamma", "delta", "feature", "billing", "users",
    "audit", "reports", "search", "payments", "ops", "core", "ext", "legacy",
    "mobile", "api", "infra", "shop", "auth", "geo", "tenant", "ledger",
    "inventory", "notify", "crm", "etl", "cache",
]
# hex-looking label names collide with (partial) revision id lookups
HEXY_LABELS = ["cafe", "beef", "face", "decade", "facade", "bead", "dead", "abba"]

MSG_WORDS = [
    "add", "drop", "create", "alter", "rename", "index", "table", "column",
    "users", "orders", "invoices", "constraint", "fk", "backfill", "merge",
    "audit", "view", "trigger", "enum", "nullable",
]


def rand_hex(rng, n):
    return "".join(rng.choice(HEX) for _ in range(n))


def new_id(rng, existing, share_p):
    while True:
        if existing and rng.random() < share_p:
            base = rng.choice(existing)
            k = rng.choice([1, 1, 2, 2, 3, 4, 4, 5, 6, 8, 10])
            rid = base[:k] + rand_hex(rng, 12 - k)
        else:
            rid = rand_hex(rng, 12)
        if rid not in existing:
            return rid


def message(rng, i):
    return "%s %s %s" % (
        rng.choice(MSG_WORDS),
        rng.choice(MSG_WORDS),
        "r%d" % i,
    )


def rev(rid, downs=(), labels=(), deps=(), msg=None):
    return {
        "revision": rid,
        "down_revisions": list(downs),
        "branch_labels": list(labels),
        "depends_on": list(deps),
        "message": msg if msg is not None else "revision %s" % rid,
    }


class Graph:
    """Plain-python view of a corpus graph (tolerates invalid graphs)."""

    def __init__(self, revisions):
        self.revisions = revisions
        self.by_id = {}
        for r in revisions:
            self.by_id[r["revision"]] = r  # last duplicate wins, like alembic
        self.ids = list(self.by_id)
        self.labels = [l for r in revisions for l in r["branch_labels"]]
        self.label_rev = {}
        for r in revisions:
            for l in r["branch_labels"]:
                self.label_rev.setdefault(l, r["revision"])
        self.children = {i: [] for i in self.ids}
        for r in self.by_id.values():
            for d in r["down_revisions"]:
                if d in self.children:
                    self.children[d].append(r["revision"])
        self.heads = [i for i in self.ids if not self.children[i]]

    def ancestors(self, rid, deps=True):
        seen, todo = set(), [rid]
        while todo:
            x = todo.pop()
            if x in seen or x not in self.by_id:
                continue
            seen.add(x)
            r = self.by_id[x]
            todo.extend(r["down_revisions"])
            if deps:
                for d in r["depends_on"]:
                    todo.append(self.label_rev.get(d, d))
        seen.discard(rid)
        return seen

    def descendants(self, rid):
        seen, todo = set(), [rid]
        while todo:
            x = todo.pop()
            if x in seen:
                continue
            seen.add(x)
            todo.extend(self.children.get(x, ()))
        seen.discard(rid)
        return seen

    def labels_of_lineage(self, rid):
        """labels declared on ancestors/descendants (approximation)."""
        rel = self.ancestors(rid, deps=False) | self.descendants(rid) | {rid}
        return [l for l in self.labels if self.label_rev[l] in rel]


def random_graph(rng, n):
    """A random valid revision DAG with n revisions, in creation order."""
    share_p = rng.choice([0.0, 0.05, 0.15, 0.3, 0.45])
    p_base = rng.choice([0.0, 0.03, 0.08, 0.15])
    p_merge = rng.choice([0.0, 0.08, 0.15, 0.3])
    p_branch = rng.choice([0.05, 0.15, 0.3, 0.45])
    p_label_root = rng.choice([0.0, 0.4, 0.7, 1.0])
    p_label_misc = rng.choice([0.0, 0.03, 0.08])
    p_dep = rng.choice([0.0, 0.0, 0.08, 0.15, 0.3])
    p_dep_label = rng.choice([0.2, 0.5])
    revs, ids = [], []
    children, parents = {}, {}
    used_labels = set()

    def fresh_label():
        for _ in range(50):
            roll = rng.random()
            if roll < 0.06:
                lab = rng.choice(HEXY_LABELS)
            elif roll < 0.09 and ids:
                lab = rng.choice(ids)[: rng.choice([4, 5, 6])]  # id-prefix label
            else:
                lab = rng.choice(LABEL_WORDS)
                if rng.random() < 0.3:
                    lab += "_%d" % rng.randint(1, 9)
            if lab not in used_labels and lab not in ids:
                used_labels.add(lab)
                return lab
        lab = "lbl_%d" % len(used_labels)
        used_labels.add(lab)
        return lab

    def tips():
        return [i for i in ids if not children[i]]

    for i in range(n):
        rid = new_id(rng, ids, share_p)
        t = tips()
        if i == 0 or rng.random() < p_base:
            downs = []
        elif len(t) >= 2 and rng.random() < p_merge:
            k = 3 if (len(t) >= 3 and rng.random() < 0.25) else 2
            downs = rng.sample(t, k)
            if rng.random() < 0.05:
                # odd merge: also list an ancestor of one of the parents
                anc = [a for a in ids if a not in downs]
                if anc:
                    downs.append(rng.choice(anc))
        elif rng.random() < p_branch:
            downs = [rng.choice(ids)]
        else:
            downs = [t[-1] if rng.random() < 0.6 else rng.choice(t)]
        is_branch_root = bool(downs) and len(downs) == 1 and children[downs[0]]
        labels = []
        if (not downs and i > 0 and rng.random() < p_label_root) or (
            is_branch_root and rng.random() < p_label_root
        ) or rng.random() < p_label_misc:
            labels.append(fresh_label())
            if rng.random() < 0.1:
                labels.append(fresh_label())
        deps = []
        if ids and rng.random() < p_dep:
            anc, todo = set(), list(downs)
            while todo:
                x = todo.pop()
                if x not in anc:
                    anc.add(x)
                    todo.extend(parents[x])
            if rng.random() < 0.85:
                # usually a revision on another branch ...
                cands = [x for x in ids if x not in anc]
            else:
                # ... sometimes a redundant one (an ancestor)
                cands = [x for x in ids if x not in downs]
            for _ in range(2 if rng.random() < 0.2 else 1):
                if not cands:
                    break
                d = rng.choice(cands)
                cands.remove(d)
                lab = [l for r in revs if r["revision"] == d for l in r["branch_labels"]]
                if lab and rng.random() < p_dep_label:
                    deps.append(rng.choice(lab))
                else:
                    deps.append(d)
        revs.append(rev(rid, downs, labels, deps, message(rng, i)))
        ids.append(rid)
        children[rid] = []
        label_to_id = {l: r["revision"] for r in revs for l in r["branch_labels"]}
        parents[rid] = list(downs) + [label_to_id.get(d, d) for d in deps]
        for d in downs:
            children[d].append(rid)
    return revs


def load_order(rng, revs):
    roll = rng.random()
    if roll < 0.4:
        return list(revs)
    if roll < 0.55:
        return list(reversed(revs))
    out = list(revs)
    rng.shuffle(out)
    return out


def named_graphs(rng):
    """Hand-written shapes: (name, revisions in load order, valid?)."""
    h = lambda: rand_hex(rng, 12)  # noqa: E731
    out = []

    ids = [h() for _ in range(5)]
    out.append(("linear-5", [rev(ids[i], ids[i - 1:i]) for i in range(5)], True))

    b, m, a1, a2, a3, b1, b2 = (h() for _ in range(7))
    out.append(("two-labelled-branches", [
        rev(b), rev(m, [b]),
        rev(a1, [m], ["branch_a"]), rev(a2, [a1]), rev(a3, [a2]),
        rev(b1, [m], ["branch_b"]), rev(b2, [b1]),
    ], True))

    b, x, y, mm, after = (h() for _ in range(5))
    out.append(("merge", [
        rev(b), rev(x, [b]), rev(y, [b]), rev(mm, [x, y]), rev(after, [mm]),
    ], True))

    a, b_, c, d = (h() for _ in range(4))
    out.append(("diamond", [rev(a), rev(b_, [a]), rev(c, [a]), rev(d, [b_, c])], True))

    l1, l2, l3, p1, p2, p3, p4 = (h() for _ in range(7))
    out.append(("depends-on-across-branches", [
        rev(l1, [], ["lib"]), rev(l2, [l1]), rev(l3, [l2]),
        rev(p1, [], ["app"]), rev(p2, [p1], [], [l2]), rev(p3, [p2], [], ["lib"]),
        rev(p4, [p3], [], [l3, l1]),
    ], True))

    x1, x2, y1, y2, y3, z1 = (h() for _ in range(6))
    out.append(("multiple-bases", [
        rev(x1, [], ["xs"]), rev(x2, [x1]),
        rev(y1), rev(y2, [y1]), rev(y3, [y2]),
        rev(z1, [], ["zs"]),
    ], True))

    ids = [h() for _ in range(200)]
    out.append(("linear-200", [rev(ids[i], ids[i - 1:i]) for i in range(200)], True))

    # merge of three parents, label on the merge, redundant dependency
    b, p, q, r_, mm, t = (h() for _ in range(6))
    out.append(("merge-3-labelled", [
        rev(b), rev(p, [b], ["pp"]), rev(q, [b], ["qq"]), rev(r_, [b]),
        rev(mm, [p, q, r_], ["merged"]), rev(t, [mm], [], [b]),
    ], True))

    # ids sharing long prefixes on purpose
    base = h()
    ids = [base] + [base[:k] + rand_hex(rng, 12 - k) for k in (1, 2, 3, 4, 4, 6, 8, 11)]
    out.append(("shared-prefixes", [rev(ids[0])] + [
        rev(ids[i], [ids[i - 1]] if i % 3 else [ids[0]], ["pfx%d" % i] if i % 3 == 0 else [])
        for i in range(1, len(ids))
    ], True))

    # labels that look like (prefixes of) revision ids
    c1, c2, c3 = "cafe" + rand_hex(rng, 8), "cafe" + rand_hex(rng, 8), h()
    out.append(("hexy-labels", [
        rev(c3), rev(c1, [c3], ["cafe"]), rev(c2, [c3], ["beef"]),
        rev(h(), [c2], [c1[:6]]),
    ], True))

    # dependency on a branch root label whose branch is still unmerged
    a0, a1_, b0, b1_, b2_ = (h() for _ in range(5))
    out.append(("dependency-only-head", [
        rev(a0, [], ["left"]), rev(a1_, [a0]),
        rev(b0, [], ["right"]), rev(b1_, [b0], [], [a1_]), rev(b2_, [b1_], [], ["left"]),
    ], True))

    out.append(("single", [rev(h())], True))
    out.append(("empty", [], True))

    # ---------------- invalid / odd graphs ----------------
    a, b_ = h(), h()
    out.append(("invalid-cycle", [rev(a, [b_]), rev(b_, [a])], False))
    r0, r1, r2, c1, c2 = (h() for _ in range(5))
    out.append(("invalid-cycle-detached", [
        rev(r0), rev(r1, [r0]), rev(r2, [r1]), rev(c1, [c2]), rev(c2, [c1]),
    ], False))
    a, b_, c = h(), h(), h()
    out.append(("invalid-dependency-cycle", [
        rev(a), rev(b_, [a], [], [c]), rev(c, [a], [], [b_]),
    ], False))
    a, b_ = h(), h()
    out.append(("invalid-self-loop", [rev(a), rev(b_, [b_])], False))
    a, b_ = h(), h()
    out.append(("invalid-dependency-self-loop", [rev(a), rev(b_, [a], [], [b_])], False))
    a, b_ = h(), h()
    out.append(("invalid-unknown-down-revision", [rev(a), rev(b_, [h()])], False))
    a, b_ = h(), h()
    out.append(("invalid-unknown-depends-on", [rev(a), rev(b_, [a], [], [h()])], False))
    a, b_ = h(), h()
    out.append(("invalid-unknown-depends-on-label", [rev(a), rev(b_, [a], [], ["nolabel"])], False))
    a, b_, c = h(), h(), h()
    out.append(("duplicate-id-head", [
        rev(a), rev(b_, [a], msg="first copy"), rev(b_, [a], msg="second copy"),
    ], True))
    a, b_, c = h(), h(), h()
    out.append(("duplicate-id-different-parents", [
        rev(a), rev(c, [a]), rev(b_, [a], msg="first copy"), rev(b_, [c], msg="second copy"),
    ], True))
    a, b_, c = h(), h(), h()
    out.append(("duplicate-id-with-child", [
        rev(a), rev(b_, [a], msg="first copy"), rev(c, [b_]), rev(b_, [a], ["dup"], msg="second copy"),
    ], True))
    a, b_, c = h(), h(), h()
    out.append(("invalid-branch-label-twice", [
        rev(a), rev(b_, [a], ["feature"]), rev(c, [a], ["feature"]),
    ], False))
    a, b_ = h(), h()
    out.append(("invalid-branch-label-equals-id", [rev(a), rev(b_, [a], [a])], False))
    a = h()
    out.append(("invalid-illegal-char-id", [rev(a), rev(a[:6] + "-" + a[7:], [a])], False))
    return out


class QuestionMaker:
    def __init__(self, rng, graph, states):
        self.rng = rng
        self.g = graph
        self.states = states  # list of sorted version-table contents
        ids = graph.ids
        # prefixes shared by >= 2 ids (ambiguous on purpose)
        self.shared = []
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                k = 0
                while k < min(len(x), len(y)) and x[k] == y[k]:
                    k += 1
                if k:
                    self.shared.append(x[:k])
        self.shared = sorted(set(self.shared))

    # ---- symbol pieces
    def n(self):
        r = self.rng
        if r.random() < 0.08:
            return r.choice([25, 120, 199, 250] if len(self.g.ids) > 50 else [5, 9])
        return r.choices([1, 2, 3, 4], [6, 3, 2, 1])[0]

    def rid(self):
        if not self.g.ids:
            return self.unknown()
        return self.rng.choice(self.g.ids)

    def prefix(self):
        x = self.rid()
        k = self.rng.choice([1, 2, 3, 4, 4, 5, 6, 6, 8, 11])
        return x[:k]

    def shared_prefix(self):
        if not self.shared:
            return self.prefix()
        p = self.rng.choice(self.shared)
        return p[: self.rng.randint(1, len(p))]

    def unknown(self):
        roll = self.rng.random()
        if roll < 0.5:
            while True:
                x = rand_hex(self.rng, 12)
                if x not in self.g.by_id:
                    return x
        if roll < 0.7:
            return "zzzz"
        if roll < 0.85:
            return "nosuch"
        return rand_hex(self.rng, self.rng.choice([3, 4, 5]))

    def revref(self):
        return self.rid() if self.rng.random() < 0.7 else self.prefix()

    def label(self):
        """a branch label; without labels mostly a revision used as one"""
        r = self.rng
        if r.random() < (0.05 if self.g.labels else 0.12):
            return r.choice(["nolabel", "ghost"])
        if not self.g.labels:
            return self.revref()
        return r.choice(self.g.labels)

    def symbol(self, weights):
        kinds = list(weights)
        kind = self.rng.choices(kinds, [weights[k] for k in kinds])[0]
        r, n = self.rng, self.n
        if kind in ("head", "heads", "base"):
            return kind
        return {
            "id": self.rid,
            "prefix": self.prefix,
            "shared": self.shared_prefix,
            "unknown": self.unknown,
            "label": self.label,
            "label_prefix": lambda: self.label()[: r.randint(1, 5)],
            "label@head": lambda: self.label() + "@head",
            "label@heads": lambda: self.label() + "@heads",
            "label@base": lambda: self.label() + "@base",
            "label@rev": lambda: self.label() + "@" + self.revref(),
            "label@-N": lambda: "%s@-%d" % (self.label(), n()),
            "label@+N": lambda: "%s@+%d" % (self.label(), n()),
            "rev@head": lambda: self.revref() + "@head",
            "rev@heads": lambda: self.revref() + "@heads",
            "rev@base": lambda: self.revref() + "@base",
            "rev@+N": lambda: "%s@+%d" % (self.revref(), n()),
            "rev@-N": lambda: "%s@-%d" % (self.revref(), n()),
            "rev+N": lambda: "%s+%d" % (self.revref(), n()),
            "rev-N": lambda: "%s-%d" % (self.revref(), n()),
            "+N": lambda: "+%d" % n(),
            "-N": lambda: "-%d" % n(),
            "range": lambda: "%s:%s" % (self.revref(), self.revref()),
        }[kind]()

    RESOLVE_W = {
        "head": 2, "heads": 2, "base": 1, "id": 6, "prefix": 5, "shared": 4,
        "unknown": 2, "label": 3, "label_prefix": 1, "label@head": 3,
        "label@heads": 1, "label@base": 2, "label@rev": 3, "label@-N": 2,
        "label@+N": 1, "rev@head": 2, "rev@heads": 1, "rev@base": 1,
        "rev@+N": 1, "rev@-N": 2, "+N": 0.3, "-N": 3,
    }
    UPGRADE_W = {
        "head": 5, "heads": 5, "base": 1, "id": 8, "prefix": 3, "shared": 2,
        "unknown": 1, "label": 1, "label@head": 4, "label@heads": 1,
        "label@base": 1, "label@rev": 1, "label@+N": 2, "label@-N": 1,
        "rev@head": 1, "rev@+N": 3, "rev@-N": 1, "rev+N": 2, "rev-N": 1,
        "+N": 4, "-N": 1, "range": 0.2,
    }
    DOWNGRADE_W = {
        "head": 1, "heads": 1, "base": 5, "id": 8, "prefix": 3, "shared": 1,
        "unknown": 1, "label": 1, "label@head": 1, "label@base": 3,
        "label@rev": 1, "label@-N": 3, "label@+N": 1, "rev@head": 1,
        "rev@+N": 2, "rev@-N": 3, "rev+N": 1, "rev-N": 2, "+N": 1, "-N": 5,
        "range": 0.2,
    }
    STAMP_W = {
        "head": 4, "heads": 4, "base": 4, "id": 10, "prefix": 2, "shared": 1,
        "unknown": 1, "label": 1, "label@head": 2, "label@base": 2,
        "label@rev": 1, "rev@head": 1, "label@-N": 1, "rev@+N": 1,
        "-N": 1, "+N": 1,
    }
    HIST_A_W = {"base": 3, "id": 5, "prefix": 2, "label@base": 1, "label@rev": 0.5,
                "unknown": 0.5, "-N": 0.5, "rev@-N": 0.3, "head": 0.3}
    HIST_B_W = {"head": 2, "heads": 3, "id": 5, "prefix": 2, "label@head": 1,
                "label@rev": 0.5, "unknown": 0.5, "+N": 0.5, "rev@+N": 0.3, "base": 0.3}

    def destination(self, op, weights, rows):
        """Mostly a target that makes sense for the table content."""
        r = self.rng
        known = [x for x in rows if x in self.g.by_id]
        if op == "upgrade" and r.random() < 0.4:
            pool = set(self.g.ids)
            if known:
                pool = set().union(*(self.g.descendants(x) for x in known))
            pool = sorted(pool)
            if pool:
                x = r.choice(pool)
                return x if r.random() < 0.8 else x[: r.randint(4, 8)]
        if op == "downgrade" and known and r.random() < 0.5:
            x = r.choice(known)
            roll = r.random()
            anc = sorted(self.g.ancestors(x, deps=False))
            if roll < 0.55 and anc:
                y = r.choice(anc)
                return y if r.random() < 0.8 else y[: r.randint(4, 8)]
            if roll < 0.75:
                labs = self.g.labels_of_lineage(x)
                if labs:
                    return "%s@%s" % (r.choice(labs), r.choice(["-1", "-1", "-2", "base"]))
            if roll < 0.9:
                return "%s@-%d" % (x, r.choice([1, 1, 2]))
            return "-1"
        return self.symbol(weights)

    # ---- version table contents
    def from_rows(self, op):
        r = self.rng
        w = {"empty": 2, "reached": 5, "all": 3, "odd": 1.0}
        if op == "downgrade":
            w["empty"] = 0.7
        kind = r.choices(list(w), list(w.values()))[0]
        if kind == "empty" or not self.g.ids:
            return []
        if kind in ("reached", "all") and self.states:
            rows = list(self.states[0] if kind == "all" else r.choice(self.states))
            r.shuffle(rows)
            return rows
        # odd contents
        roll = r.random()
        x = self.rid()
        if roll < 0.3:
            anc = sorted(self.g.ancestors(x))
            rows = [x, r.choice(anc)] if anc else [x]
        elif roll < 0.55:
            rows = sorted({self.rid() for _ in range(r.randint(1, 3))})
        elif roll < 0.7:
            rows = [x, self.unknown()]
        else:
            rows = [x]
        r.shuffle(rows)
        return rows

    def history_range(self):
        r = self.rng
        roll = r.random()
        if roll < 0.06:
            return r.choice(["base:head", "base:heads", ":", "base:", ":heads", ":head"])
        if roll < 0.09:
            return self.revref()  # no colon -> CommandError
        if roll < 0.1:
            return "%s:%s:%s" % (self.revref(), self.revref(), self.revref())
        if roll < 0.5 and self.g.ids:
            # ancestor/descendant pair in either order
            b = self.rid()
            anc = sorted(self.g.ancestors(b))
            a = r.choice(anc) if anc else b
            if r.random() < 0.15:
                a, b = b, a
            a = a if r.random() < 0.8 else a[: r.randint(4, 8)]
            forms = ["%s:%s" % (a, b), "%s:" % a, ":%s" % b]
            return r.choice(forms)
        a = self.symbol(self.HIST_A_W) if r.random() < 0.85 else ""
        b = self.symbol(self.HIST_B_W) if r.random() < 0.85 else ""
        return "%s:%s" % (a, b)

    def questions(self, scale=1.0):
        r = self.rng
        qs = [{"op": "heads"}]
        seen = set()

        def add(q):
            key = json.dumps(q, sort_keys=True)
            if key not in seen:
                seen.add(key)
                qs.append(q)

        for s in ("head", "heads", "base"):
            if r.random() < 0.5:
                add({"op": "resolve", "symbol": s})
        for _ in range(int(r.randint(6, 11) * scale)):
            add({"op": "resolve", "symbol": self.symbol(self.RESOLVE_W)})
        add({"op": "history"})
        for _ in range(int(r.randint(2, 4) * scale)):
            add({"op": "history", "range": self.history_range()})
        for op, w, lo, hi in (
            ("upgrade", self.UPGRADE_W, 6, 10),
            ("downgrade", self.DOWNGRADE_W, 5, 9),
            ("stamp", self.STAMP_W, 3, 6),
        ):
            for _ in range(int(r.randint(lo, hi) * scale)):
                rows = self.from_rows(op)
                add({"op": op, "to": self.destination(op, w, rows), "from": rows})
        return qs


def reached_states(A, graph, rng, limit=10):
    """Version tables Alembic leaves after `upgrade X` from an empty table.

    states[0] is the result of `upgrade heads` (all heads) when it works.
    """
    states = []
    targets = ["heads"]
    ids = list(graph.ids)
    rng.shuffle(ids)
    targets += ids[:limit]
    for t in targets:
        try:
            res = _run_command(A, _script_directory(A, graph.revisions), "upgrade", t, [])
        except Exception:
            continue
        rows = res["heads_after"]
        if rows and rows not in states:
            states.append(rows)
    return states


def build_cases(seed, n_graphs):
    A = _alembic()
    cases = []

    def finish(name, revisions, valid, qrng, scale):
        graph = Graph(revisions)
        states = reached_states(A, graph, qrng) if valid else []
        qs = QuestionMaker(qrng, graph, states).questions(scale)
        cases.append({"name": name, "revisions": revisions, "questions": qs})

    nrng = random.Random("%s/named" % seed)
    for name, revisions, valid in named_graphs(nrng):
        qrng = random.Random("%s/%s" % (seed, name))
        scale = 2.0 if valid and name not in ("empty",) else 0.6
        finish(name, revisions, valid, qrng, scale)

    for i in range(1, n_graphs + 1):
        grng = random.Random("%s/random/%d" % (seed, i))
        n = grng.choices(
            [grng.randint(1, 3), grng.randint(4, 10), grng.randint(11, 25), grng.randint(26, 40)],
            [2, 4, 4, 2],
        )[0]
        revisions = load_order(grng, random_graph(grng, n))
        finish("random-%04d" % i, revisions, True, grng, 1.0)
    return cases


# --------------------------------------------------------------------------
# Self-check: replay a sample against the real CLI code path + SQLite
# --------------------------------------------------------------------------

_ENV_PY = """
from alembic import context
from sqlalchemy import create_engine

config = context.config
steps = config.attributes["steps"]


def on_apply(ctx, step, heads, run_args):
    if not step.is_stamp:
        steps.append({"revision": step.up_revision_id,
                      "direction": "upgrade" if step.is_upgrade else "downgrade"})


engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, on_version_apply=on_apply)
    with context.begin_transaction():
        context.run_migrations()
"""


def _write_script_dir(root, revisions):
    versions = os.path.join(root, "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "env.py"), "w") as f:
        f.write(_ENV_PY)
    for i, r in enumerate(revisions):
        downs = r["down_revisions"]
        down = None if not downs else downs[0] if len(downs) == 1 else tuple(downs)
        with open(os.path.join(versions, "%04d_v.py" % i), "w") as f:
            f.write(
                '"""%s"""\nrevision = %r\ndown_revision = %r\n'
                "branch_labels = %r\ndepends_on = %r\n\n"
                "def upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
                % (r["message"], r["revision"], down,
                   tuple(r["branch_labels"]) or None, tuple(r["depends_on"]) or None)
            )


def _real_answer(root, q):
    """Answer q with alembic.command / ScriptDirectory on real files."""
    import sqlite3

    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    A = _alembic()
    db = os.path.join(root, "db.sqlite")
    if os.path.exists(db):
        os.remove(db)
    cfg = Config()
    cfg.set_main_option("script_location", root)
    cfg.set_main_option("sqlalchemy.url", "sqlite:///" + db)
    cfg.stdout = io.StringIO()
    cfg.attributes["steps"] = steps = []
    op = q["op"]
    try:
        if op == "heads":
            return ScriptDirectory.from_config(cfg).get_heads()
        if op == "resolve":
            sd = ScriptDirectory.from_config(cfg)
            return [_sym(x) for x in sd.revision_map.get_revisions(q["symbol"])]
        if op == "history":
            command.history(cfg, q.get("range"))
            ids = []
            for line in cfg.stdout.getvalue().splitlines():
                ids.append(line.split("-> ", 1)[1].split(" ")[0].rstrip(","))
            return ids
        con = sqlite3.connect(db)
        # no primary key here so that SELECT returns rows in insertion order
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.executemany("INSERT INTO alembic_version VALUES (?)", [(x,) for x in q["from"]])
        con.commit()
        con.close()
        getattr(command, op)(cfg, q["to"])
        con = sqlite3.connect(db)
        rows = sorted(r[0] for r in con.execute("SELECT version_num FROM alembic_version"))
        con.close()
        return {"steps": steps, "heads_after": rows}
    except Exception as e:
        return _encode_exc(A, e)


def validate(path, n, seed):
    """Compare n sampled corpus answers with the real command code path."""
    import shutil
    import tempfile

    from alembic.script import Script

    _alembic()
    orig = Script._list_py_dir.__func__
    Script._list_py_dir = classmethod(lambda cls, sd, p: sorted(orig(cls, sd, p)))
    with gzip.open(path, "rt") as f:
        corpus = [json.loads(line) for line in f]
    rng = random.Random(seed)
    valid = [c for c in corpus if not any(
        isinstance(a, dict) and a.keys() & {"error", "alembic_internal_error"}
        for a in c["questions"][0]["answers"])]
    checked = bad = 0
    tmp = tempfile.mkdtemp(prefix="alembic-validate-")
    try:
        for k in range(n):
            c = rng.choice(valid)
            qa = rng.choice(c["questions"])
            root = os.path.join(tmp, "s%d" % k)
            _write_script_dir(root, c["revisions"])
            got = _real_answer(root, qa["q"])
            expected = qa["answers"]
            if qa["q"]["op"] == "history":
                expected = [[e["revision"] for e in a] if isinstance(a, list) else a
                            for a in expected]
            checked += 1
            if got not in expected:
                bad += 1
                sys.stderr.write("MISMATCH %s %s\n  corpus: %s\n  real:   %s\n" % (
                    c["name"], json.dumps(qa["q"]), json.dumps(expected)[:600],
                    json.dumps(got)[:600]))
            shutil.rmtree(root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stderr.write("validated %d sampled questions against alembic.command + "
                     "SQLite: %d mismatches\n" % (checked, bad))
    return bad


# --------------------------------------------------------------------------
# Parent: run workers, merge answers, write corpus
# --------------------------------------------------------------------------


def run_workers(cases, hash_seeds, jobs, repeat):
    payload = "".join(json.dumps(c, sort_keys=True) + "\n" for c in cases).encode()
    results = {}
    pending = list(hash_seeds)
    running = []
    while pending or running:
        while pending and len(running) < jobs:
            hs = pending.pop(0)
            env = dict(os.environ, PYTHONHASHSEED=str(hs))
            p = subprocess.Popen(
                [ALEMBIC_PYTHON, os.path.abspath(__file__), "--worker",
                 "--repeat", str(repeat)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
            )
            box = {}

            def feed(p=p, box=box):
                out, _ = p.communicate(payload)
                box["out"] = out

            th = threading.Thread(target=feed)
            th.start()
            running.append((hs, p, th, box, time.time()))
        hs, p, th, box, t0 = running.pop(0)
        th.join()
        if p.returncode != 0:
            raise SystemExit("worker PYTHONHASHSEED=%s failed (rc=%s)" % (hs, p.returncode))
        lines = box["out"].decode().splitlines()
        if len(lines) != len(cases):
            raise SystemExit("worker %s returned %d lines for %d cases" % (hs, len(lines), len(cases)))
        results[hs] = [json.loads(l) for l in lines]
        sys.stderr.write("  worker PYTHONHASHSEED=%s done in %.1fs\n" % (hs, time.time() - t0))
    return results


def merge(cases, results, hash_seeds):
    out = []
    for ci, case in enumerate(cases):
        qs = []
        for qi, q in enumerate(case["questions"]):
            answers, keys = [], set()
            for hs in hash_seeds:
                for a in results[hs][ci][qi]:
                    k = json.dumps(a, sort_keys=True)
                    if k not in keys:
                        keys.add(k)
                        answers.append((k, a))
            # canonical order, so regenerating gives the same bytes whenever
            # the same variants are observed (their discovery order is not)
            answers.sort(key=lambda ka: ka[0])
            qs.append({"q": q, "answers": [a for _, a in answers]})
        out.append({"name": case["name"], "revisions": case["revisions"], "questions": qs})
    return out


def stats(corpus):
    st = {"cases": len(corpus), "questions": 0, "multi_answer": 0,
          "by_op": {}, "multi_by_op": {}, "errors": {}, "internal": {},
          "invalid_cases": 0}
    for c in corpus:
        if c["questions"] and all(
            isinstance(a, dict) and ("error" in a or "alembic_internal_error" in a)
            for q in c["questions"] for a in q["answers"]
        ) and all(q["answers"] == c["questions"][0]["answers"] for q in c["questions"]):
            st["invalid_cases"] += 1
        for q in c["questions"]:
            op = q["q"]["op"]
            st["questions"] += 1
            st["by_op"][op] = st["by_op"].get(op, 0) + 1
            if len(q["answers"]) > 1:
                st["multi_answer"] += 1
                st["multi_by_op"][op] = st["multi_by_op"].get(op, 0) + 1
            for a in q["answers"]:
                if isinstance(a, dict) and "error" in a:
                    k = "%s %s" % (op, a["error"]["type"])
                    st["errors"][k] = st["errors"].get(k, 0) + 1
                elif isinstance(a, dict) and "alembic_internal_error" in a:
                    k = "%s %s" % (op, a["alembic_internal_error"].split(":")[0])
                    st["internal"][k] = st["internal"].get(k, 0) + 1
    return st


def write_corpus(path, corpus):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for c in corpus:
            gz.write((json.dumps(c, separators=(",", ":")) + "\n").encode())
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return len(buf.getvalue())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="generation seed (default 1)")
    ap.add_argument("--graphs", type=int, default=600, help="random graphs (default 600)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="corpus path (.jsonl.gz)")
    ap.add_argument("--repeat", type=int, default=2,
                    help="times each worker asks each question (default 2)")
    ap.add_argument("--hash-seeds", default="0,1,2,3,4,5,6,7,8,9",
                    help="PYTHONHASHSEED values, one worker process each")
    ap.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                    help="workers run in parallel")
    ap.add_argument("--stats", help="also write stats JSON here")
    ap.add_argument("--validate", type=int, default=0, metavar="N",
                    help="afterwards replay N sampled questions through the real "
                    "alembic.command functions on script files + SQLite and report "
                    "mismatches")
    ap.add_argument("--validate-only", action="store_true",
                    help="skip generation, only --validate the existing --out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        worker_main(args.repeat)
        return

    # deterministic parent: real alembic interpreter, fixed hash seed
    if os.path.realpath(sys.executable) != os.path.realpath(ALEMBIC_PYTHON) or os.environ.get(
        "PYTHONHASHSEED"
    ) != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(ALEMBIC_PYTHON, [ALEMBIC_PYTHON, os.path.abspath(__file__)] + sys.argv[1:], env)

    if args.validate_only:
        sys.exit(1 if validate(args.out, args.validate or 300, args.seed) else 0)

    hash_seeds = [int(x) for x in args.hash_seeds.split(",") if x.strip()]
    t0 = time.time()
    cases = build_cases(args.seed, args.graphs)
    sys.stderr.write("built %d cases, %d questions in %.1fs\n" % (
        len(cases), sum(len(c["questions"]) for c in cases), time.time() - t0))
    results = run_workers(cases, hash_seeds, args.jobs, args.repeat)
    corpus = merge(cases, results, hash_seeds)
    size = write_corpus(args.out, corpus)
    st = stats(corpus)
    st["bytes"] = size
    st["hash_seeds"] = hash_seeds
    st["seconds"] = round(time.time() - t0, 1)
    sys.stderr.write(json.dumps(st, indent=1, sort_keys=True) + "\n")
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(st, f, indent=1, sort_keys=True)
    sys.stderr.write("wrote %s (%d bytes)\n" % (args.out, size))
    if args.validate:
        validate(args.out, args.validate, args.seed)


if __name__ == "__main__":
    main()
