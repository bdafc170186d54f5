"""The literal prefilter: what it reads from a pattern, and proof that it never changes a search's answer.

The prefilter is only worth having if it is exact, so most of this file checks that: every shipped pattern,
searched through its prefilter, answers as the bare pattern does on the labelled tasks, on snippets written
to hit each pattern (in mixed case and with the Unicode characters `re.IGNORECASE` equates with ASCII
letters), and on generated text; and the fold table is checked against every code point.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from persona_mcp.catalog import text as text_module
from persona_mcp.catalog.concerns import taxonomy
from persona_mcp.catalog.prefilter import _FOLD, MAX_SETS, Prefiltered, fold, required_literals
from persona_mcp.catalog.text import code_markers

from .routing_set import DATA, load_tasks


def literals(pattern: str, flags: int = 0) -> set[frozenset[str]]:
    return set(required_literals(re.compile(pattern, flags)))


def one(*strings: str) -> frozenset[str]:
    return frozenset(strings)


# --- what a pattern requires -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("retry", {one("retry")}),
        ("Retry Logic", {one("retry logic")}),  # compared in lower case
        (r"foo\d+bar", {one("foo"), one("bar")}),  # a class ends a run
        (r"\bdef\s+test_", {one("def"), one("test_")}),  # so do anchors and \s
        ("colou?r", {one("colo"), one("r")}),  # an optional letter is not required
        ("a*bc", {one("bc")}),
        ("x{0,3}yz", {one("yz")}),
        ("(?:abc)*?d", {one("d")}),  # lazy, min 0
        ("(?:abc)+?d", {one("abc"), one("d")}),  # lazy, min 1
        ("(?:abc)++d", {one("abc"), one("d")}),  # possessive
        ("x{2,}", {one("x")}),
        ("cat|dog", {one("cat", "dog")}),
        (r"cat|\d+", set()),  # a branch that requires nothing
        (r"(?:cats?|dogs?)\s+(?:food|toys)", {one("cat", "dog"), one("food", "toys")}),
        (r"(?:a\d+bcd|efg\d)", {one("bcd", "efg")}),  # each branch's best set
        (r"\.(?:py|js)\b", {one(".py", ".js")}),  # a run goes on into an alternation after it...
        (r"\.(?:py|\w+rb)\b", {one("."), one("py", "rb")}),  # ...only when every branch starts with a literal
        ("E(?:rror|xception)", {one("error", "exception")}),  # 'rror|xception' adds nothing to that
        ("(abc)(?P<x>def)", {one("abc"), one("def")}),
        ("(?>abc)d", {one("abc"), one("d")}),  # atomic group
        (r"(?i:SELECT)\s+\*", {one("select"), one("*")}),
        ("(?i)Drop Table", {one("drop table")}),
        (r"(\w+) and \1", {one(" and ")}),  # a backreference requires nothing known
        ("foo(?=bar)", {one("foo")}),  # lookarounds are not part of the match
        ("(?<!no)pe", {one("pe")}),
        (r"(?!abc)\w+", set()),
        (r"\w+", set()),
        (r"[a-z]+\d", set()),
        ("^$", set()),
        (".", set()),
        ("[a]b", {one("ab")}),  # a one-character class is a literal to `re`
        ("café", {one("caf")}),  # non-ASCII literals are left out
        ("ſecret", {one("ecret")}),
        ("(?x) a b c  # spaced out", {one("abc")}),
    ],
)
def test_required_literals(pattern: str, expected: set[frozenset[str]]) -> None:
    assert literals(pattern) == expected


def test_at_most_the_most_selective_sets_are_kept() -> None:
    found = required_literals(re.compile(r"pq\dlmno\dabcdef\dghijk"))
    assert found == (one("abcdef"), one("ghijk"), one("lmno"))
    assert len(found) == MAX_SETS


def test_an_optional_part_is_never_required() -> None:
    for found in required_literals(re.compile("colou?r")):
        assert "colour" not in found
    color = Prefiltered.of(re.compile("colou?r", re.IGNORECASE))
    assert color.search("Color", fold("Color"))
    assert color.search("COLOUR", fold("COLOUR"))


# --- folding ----------------------------------------------------------------------------------------


def test_fold_lowers_and_maps_the_characters_ignorecase_equates_with_ascii() -> None:
    assert fold("Retry LOGIC") == "retry logic"
    assert fold("\u017fecret \u212aey \u0130D \u0131d") == "secret key id id"
    assert fold("Stra\u00dfe \u2019quoted\u2019 \U0001f600") == "stra\u00dfe \u2019quoted\u2019 \U0001f600"


def test_the_fold_table_is_every_character_ignorecase_matches_to_ascii() -> None:
    # Every code point but the ASCII character itself, searched by each ASCII character under IGNORECASE:
    # whatever `re` finds must fold to that character in lower case, or a literal check could miss a match.
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    equated: dict[str, set[str]] = {}
    for code in range(128):
        char = chr(code)
        for match in re.compile(re.escape(char), re.IGNORECASE).finditer(everything):
            if match.group() != char:
                equated.setdefault(match.group(), set()).add(char.lower())
    assert "\u212a" in equated  # the search does find the non-ASCII ones
    for found, targets in equated.items():
        assert {fold(found)} == targets, (found, targets)
    non_ascii = {char for char in equated if not char.isascii()}
    assert {chr(code) for code in _FOLD} == non_ascii  # and the table holds nothing else


# --- the shipped patterns answer as before ----------------------------------------------------------

SHIPPED: list[Prefiltered] = [
    *(pattern for _, pattern in taxonomy().code_patterns),
    *(pattern for _, pattern in taxonomy().code_hints),
    *text_module._CODE_MARKER_FILTERS,
]

SAMPLES = [
    # alerting-on-call
    "  - alert: HighErrorRate\n    expr: rate(x[5m]) > 1\n",
    "for: 5m\n    labels:\n      severity: page\n",
    # release-engineering
    "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxUnavailable: 0\n    maxSurge: 1",
    "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n",
    # secrets-management
    "run: env | sort && printenv\ncat ~/.npmrc\ncat ~/.aws/credentials\nset -x",
    "key AKIAIOSFODNN7EXAMPLE in the repo\n-----BEGIN RSA PRIVATE KEY-----\nghp_abcdefghijklmnopqrstuvwxyz1234",
    'PASSWORD = "hunter22"\napi_key: \'sk-123456789\'\nAccess\u017fToken="abcdefgh"',  # ſ: no match either way
    "const Api\u212aey = 'abcdefgh'",  # the Kelvin sign matches k under (?i)
    # ci-cd
    "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    "stages:\n  - build\n  - test\n",
    # algorithmic-complexity
    "for a in items:\n    for b in items:\n        pass",
    "if x in [y for y in ys]:",
    # database-performance
    "Seq Scan on orders  (cost=0.00..1.00 rows=1) (actual time=0.01..2.00)\nIndex Only Scan using idx on t",
    "explain analyze select * from orders",
    "ExPlAiN SeLeCt 1",
    # memory-management
    "java.lang.OutOfMemoryError: Java heap space\nOOMKilled\nFATAL: heap out of memory\nstd::bad_alloc",
    # data-races
    "if (instance == null) { instance = new Singleton(); }",
    "if not os.path.exists():\n    os.create(",
    "std::atomic<int> n; memory_order_relaxed; AtomicInteger; sync/atomic; Interlocked.Increment",
    "WARNING: DATA RACE\nfatal error: concurrent map writes\nConcurrentModificationException",
    # locking-deadlocks
    "var x = GetAsync().Result; Task.Delay(1).Wait(); foo.GetAwaiter().GetResult()",
    "Found one Java-level deadlock:\n  waiting to lock <0x000000076ab>\nall goroutines are asleep - deadlock!",
    # async-concurrency
    "async def handler():\n    r = requests.get(url)\n    time.sleep(1)",
    # correctness-bugs
    "def add(item, items=[]):\n    items.append(item)",
    "for i in range(len(xs) - 1):\n    if i <= xs.length: pass\nwhile i <= len(xs):",
    'if x is 1:\n    pass\nif name is "bob":',
    # error-handling
    "try:\n    run()\nexcept Exception as e: pass\nexcept:\n    log()",
    "try { run(); } catch (Exception e) {}",
    # injection
    "$q = $_GET['id']; $_POST[",
    "cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    "cur.execute(\"select * from t where id = \" + user_id)\nq = 'DELETE FROM t WHERE id=%s' % uid",
    "db.query(`SELECT * FROM users WHERE id = ${id}`)",
    'el.innerHTML = input; <div v-html="x"> mark_safe(s) dangerouslySetInnerHTML document.write(x)',
    "os.system(cmd)\nsubprocess.run(cmd, shell=True)\nchild_process.exec(cmd)",
    "eval(code) and Runtime.getRuntime().exec(cmd)",
    "data = pickle.loads(blob)\nyaml.load(f)\nnew ObjectInputStream(in)\nunserialize($s)",
    # api-design
    "service Orders {\n  rpc GetOrder (Req) returns (Resp);\n}",
    "openapi: '3.0.0'\ninfo:\n  title: x",
    'swagger: "2.0"',
    "type Query {\n  user(id: ID!): User\n}\ntype Mutation {",
    # code-review
    "```diff\n- a\n+ b\n```",
    "diff --git a/x.py b/x.py\n@@ -12,7 +12,9 @@ def f():",
    "+ added one\n+ added two\n",
    "- removed\n+ added\n",
    # test-automation
    "jest.mock('./api'); describe('orders', () => {}); sinon.stub(obj)",
    "@patch('x.y')\ndef test_orders(mock): mock.patch('a'); Mockito.when(x)",
    "async def test_it():",
    # code hint
    "Why is this slow?\n    for x in xs:\n        total += x\n    return total\n",
    # code markers
    "use `retry()` in ```python blocks",
    "call client.send(req) then get_user_by_id and userName",
    "raises ValueError or IllegalStateException; class A extends Base implements Runnable",
    "OrderService, ReportBuilder, UserRepository, payment_utils.py and deploy.YAML",
    "a == b, a != b, x => y, p->q, std::vector, a && b, a || b, i += 1, i++;\n",
    "GET /api/orders/{id} and /srv/uploads/tmp",
    "SELECT id FROM users; update accounts set x = 1; INSERT INTO t",
    # Prose, and Unicode in and around the literals
    "Review the retry logic of our payment API before next week's launch",
    "We\u2019re launching \u201cpayments\u201d next Tuesday \U0001f680 \u2014 is it ready?",
    "\u0130f (x == null) { x = new Foo(); }  ı\u017f K",
    "Stra\u00dfe, na\u00efve caf\u00e9, \u03a3\u03a3 \u03c3 \u0131nnerHTML = x",
]


def corpus() -> list[str]:
    texts = [task.task for path in sorted(DATA.glob("*.yaml")) for task in load_tasks(path)]
    return texts + SAMPLES


def variants(text: str) -> list[str]:
    """The text, in other cases, and with letters swapped for characters IGNORECASE equates with them."""
    tricky = text.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131").replace("I", "\u0130")
    return [text, text.upper(), text.lower(), text.swapcase(), tricky]


def mismatches(text: str) -> list[str]:
    folded = fold(text)
    return [
        prefiltered.pattern.pattern
        for prefiltered in SHIPPED
        if bool(prefiltered.search(text, folded)) != bool(prefiltered.pattern.search(text))
    ]


def test_the_marker_filters_are_the_markers() -> None:
    assert [f.pattern for f in text_module._CODE_MARKER_FILTERS] == list(text_module._CODE_MARKERS)


def test_every_shipped_pattern_answers_as_without_the_prefilter() -> None:
    wrong = {}
    for number, original in enumerate(corpus()):
        for variant, text in enumerate(variants(original)):
            found = mismatches(text)
            if found:
                wrong[(number, variant)] = found  # positions, not texts: some sets are held out
    assert wrong == {}


def test_the_samples_hit_every_shipped_pattern() -> None:
    # Otherwise the equivalence above would only show that the filter turns away what nothing matches.
    texts = [text for sample in SAMPLES for text in variants(sample)]
    missed = [f.pattern.pattern for f in SHIPPED if not any(f.pattern.search(text) for text in texts)]
    assert missed == []


def test_the_prefilter_does_skip_searches_on_prose() -> None:
    prose = "Review the retry logic of our payment API before next week's launch"
    folded = fold(prose)
    skipped = [f for f in SHIPPED if f.literals and not any(any(lit in folded for lit in s) for s in f.literals)]
    assert len(skipped) > len(SHIPPED) // 2


def _plain_code_concerns(text: str) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for concern_id, prefiltered in taxonomy().code_patterns:
        if concern_id not in found and prefiltered.pattern.search(text):
            found[concern_id] = True
    for concern_id, prefiltered in taxonomy().code_hints:
        if concern_id not in found and prefiltered.pattern.search(text):
            found[concern_id] = False
    return found


def test_code_concerns_and_code_markers_answer_as_plain_searches() -> None:
    for original in corpus():
        for text in variants(original):
            assert taxonomy().code_concerns(text) == _plain_code_concerns(text)
            assert code_markers(text) == sum(1 for p in text_module._CODE_MARKERS if p.search(text))


# --- generated text -----------------------------------------------------------------------------------

_LITERALS = sorted({literal for f in SHIPPED for alternatives in f.literals for literal in alternatives})
_FRAGMENTS = sorted({*_LITERALS, *(lit.upper() for lit in _LITERALS), *(lit.title() for lit in _LITERALS)})
_ALPHABET = sorted(
    {char for literal in _FRAGMENTS for char in literal}
    | set(" \t\n\"'`()[]{}<>=:;.,$_-+*/\\|&!?@#%0123456789xyzXYZ")
    | set("\u017f\u212a\u0130\u0131\u00df\u00e9\u2019\u201c\u201d\u03a3\U0001f600")
)

generated_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet=_ALPHABET, max_size=4), st.sampled_from(SAMPLES)),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(generated_text)
def test_generated_text_gets_the_same_answers(text: str) -> None:
    for variant in variants(text):
        assert mismatches(variant) == []


def test_this_file_reads_the_labelled_sets() -> None:
    assert len(list(Path(DATA).glob("*.yaml"))) >= 10
    assert len(corpus()) > 1000
