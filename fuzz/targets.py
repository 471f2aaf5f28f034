"""The fuzz targets: each makes a sample from a random.Random and runs it, raising Broken when an invariant fails.

Any other exception out of `run` is a crash of the code under test (a traceback a user would see).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from fuzz import inputs, tex
from survey.report.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parents[1]
# Line breaks as YAML (libyaml) counts them: a diagnostic's line must exist in the file.
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
TARGET_NAMES = ("yaml", "check", "query", "bibimport", "escape", "fmt", "paths", "terminal", "html")


class Broken(Exception):
    """An invariant that does not hold for a sample: its short name, and what happened."""

    def __init__(self, invariant: str, detail: str) -> None:
        super().__init__(f"{invariant}: {detail}")
        self.invariant = invariant


@dataclass
class Sample:
    """One generated input: what `run` needs, how many cases it counts as, and what a reproducer shows."""

    payload: Any
    files: dict[str, bytes | str | None] = field(default_factory=dict)  # shown in the reproducer; None: deleted
    steps: list[str] = field(default_factory=list)  # how the input was made (mutations applied)
    cases: int = 1


class Target(Protocol):
    name: str
    time_limit: float  # seconds one sample may take before it counts as a hang
    share: float  # its turn's length relative to the others' (slow cases with much to find get longer turns)

    def generate(self, rng: random.Random) -> Sample: ...

    def run(self, sample: Sample) -> None: ...


def line_count(raw: bytes | str) -> int:
    """How many lines a file has, counting every line break YAML knows (CR, LF, CRLF, NEL, LS, PS)."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return len(_BREAKS.findall(text)) + 1


def require_located(diagnostic: Diagnostic, lines_of: dict[str, int], what: str = "diagnostic") -> None:
    """The diagnostic and its related locations name a known file, with 1 <= line <= lines + 1 and column >= 1."""
    for where in (diagnostic.location, *diagnostic.related):
        if where.path not in lines_of:
            raise Broken("unknown-file", f"{what} names an unknown file {where.path!r}: {diagnostic.as_text()}")
        if not 1 <= where.line <= lines_of[where.path] + 1 or where.column < 1:
            raise Broken("outside-file", f"{what} points outside {where.path} ({lines_of[where.path]} lines): "
                         f"{where.line}:{where.column}: {diagnostic.as_text()}")
    if not diagnostic.code or not diagnostic.message:
        raise Broken("no-code-or-message", f"{what} without a code or message: {diagnostic!r}")
    if "\n" in diagnostic.as_text() or "\r" in diagnostic.as_text():
        raise Broken("not-one-line", f"{what} takes more than one line: {diagnostic.as_text()!r}")


def real_entries() -> dict[str, bytes]:
    """The knowledge base's entries, by file name."""
    return {p.name: p.read_bytes() for p in sorted((REPO / "entries").glob("*.yaml"))}


def copy_knowledge_base(root: Path) -> None:
    """taxonomy.yaml, paper/ and entries/ of the repository, into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(REPO / "paper", root / "paper", dirs_exist_ok=True)
    shutil.copytree(REPO / "entries", root / "entries", dirs_exist_ok=True)


# --- yaml ---------------------------------------------------------------------------------------------------------

class YamlTarget:
    """Bytes into parse_yaml: never raises; every diagnostic names the file, on one of its lines; fatal is reported."""

    name = "yaml"
    time_limit = 10.0
    share = 1.0
    path = "entries/fuzz-input.yaml"

    def __init__(self) -> None:
        self.entries = [raw.decode("utf-8") for raw in real_entries().values()]

    def generate(self, rng: random.Random) -> Sample:
        raw = inputs.yaml_document(rng, self.entries)
        return Sample(raw, {"input.yaml": raw})

    def run(self, sample: Sample) -> None:
        from survey.load.yamlsource import parse_yaml

        raw: bytes = sample.payload
        loaded = parse_yaml(raw, self.path)
        lines = {self.path: line_count(raw)}
        for diagnostic in loaded.diagnostics:
            require_located(diagnostic, lines)
        if loaded.fatal and not any(d.is_error for d in loaded.diagnostics):
            raise Broken("fatal-without-error", f"parse_yaml gave no data and no error (data {loaded.data!r})")
        for table in (loaded.source.values, loaded.source.keys):
            for path, (line, column) in table.items():
                if not 1 <= line <= lines[self.path] + 1 or column < 1:  # libyaml ends the stream on a new line
                    raise Broken("source-map-outside-file", f"{list(path)} at {line}:{column} is outside the file")


# --- check --------------------------------------------------------------------------------------------------------

class CheckTarget:
    """Mutated real entries in a copy of the knowledge base through survey.check.rules.check (now and then the CLI)."""

    name = "check"
    time_limit = 60.0
    share = 3.0
    cli_every = 40  # every how many cases the real CLI runs too (0: never)

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "check-kb"
        copy_knowledge_base(self.root)
        self.originals = real_entries()
        self.texts = {name: raw.decode("utf-8") for name, raw in self.originals.items()}
        self.runs = 0
        self.cli_runs = 0
        self.require_clean("the unmutated copy of the knowledge base")

    def require_clean(self, what: str) -> None:
        from survey.check.rules import check

        result = check(self.root)
        if result.diagnostics:
            shown = "; ".join(d.as_text() for d in result.diagnostics[:5])
            raise Broken("corpus-not-clean", f"{what} is not clean: {shown}")

    def generate(self, rng: random.Random) -> Sample:
        files: dict[str, bytes | str | None] = {}
        steps: list[str] = []
        names = sorted(self.texts)
        for name in rng.sample(names, rng.choice((1, 1, 1, 1, 2, 3))):
            mutated = inputs.mutate_entry(rng, self.texts[name])
            files[f"entries/{name}"] = mutated.data
            steps.append(f"{name}: {', '.join(mutated.steps)}")
        roll = rng.random()
        if roll < 0.08:  # a second file holding a (mutated) copy of an entry: duplicate ids, DOIs, ORCIDs
            source = rng.choice(names)
            copy = inputs.mutate_entry(rng, self.texts[source]).data if rng.random() < 0.5 else self.originals[source]
            files[f"entries/{rng.choice(('fuzz-copy', source[:-5] + '-b', 'zz'))}.yaml"] = copy
            steps.append(f"copy of {source}")
        elif roll < 0.12:  # an entry removed: draws_on of others dangles
            gone = rng.choice(names)
            files[f"entries/{gone}"] = None
            steps.append(f"deleted {gone}")
        return Sample(files, dict(files), steps)

    def run(self, sample: Sample) -> None:
        from survey.check.rules import check

        files: dict[str, bytes | None] = sample.payload
        try:
            for name, content in files.items():
                path = self.root / name
                if content is None:
                    path.unlink()
                else:
                    path.write_bytes(content)
            result = check(self.root)
            lines = self._lines_by_display_path(result.diagnostics, Path.cwd())
            for diagnostic in result.diagnostics:
                require_located(diagnostic, lines)
            if self.cli_every and self.runs % self.cli_every == 0:
                self._run_cli(result.diagnostics)
        finally:
            self._restore(files)
            self.runs += 1
        if self.runs % 50 == 0:
            self.require_clean("the knowledge base restored after a mutation")

    def _lines_by_display_path(self, diagnostics: list[Diagnostic], base: Path) -> dict[str, int]:
        """Line counts of the files the diagnostics name, when they exist inside the knowledge base."""
        lines: dict[str, int] = {}
        root = self.root.resolve()
        for diagnostic in diagnostics:
            for where in (diagnostic.location, *diagnostic.related):
                path = (base / where.path).resolve()
                if where.path and path.is_file() and path.is_relative_to(root):
                    lines[where.path] = line_count(path.read_bytes())
        return lines

    def _run_cli(self, in_process: list[Diagnostic]) -> None:
        """`python3 -m survey check --format json` on the same files: exit 0 or 1, JSON, the same diagnostics."""
        self.cli_runs += 1
        done = subprocess.run([sys.executable, "-m", "survey", "check", "--format", "json"], cwd=self.root,
                              capture_output=True, text=True, timeout=120, check=False, errors="replace",
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        if "Traceback" in done.stdout + done.stderr or done.returncode not in (0, 1):
            raise Broken("cli-crash",
                         f"survey check exited {done.returncode}:\n{done.stderr[-3000:]}\n{done.stdout[-2000:]}")
        try:
            reported = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise Broken("cli-no-json", f"survey check --format json printed no JSON ({exc}):\n{done.stdout[-2000:]}") \
                from None
        expected = 1 if any(d.is_error for d in in_process) else 0
        if done.returncode != expected:
            raise Broken("cli-exit-status", f"survey check exited {done.returncode}, expected {expected}")
        root = self.root.resolve()
        cli = sorted((str((root / d["path"]).resolve()), d["line"], d["column"], d["code"]) for d in reported)
        library = sorted((str((Path.cwd() / d.location.path).resolve()), d.location.line, d.location.column, d.code)
                         for d in in_process)
        if cli != library:
            raise Broken("cli-disagrees", f"the CLI and the library disagree:\nCLI {cli}\nlibrary {library}")

    def _restore(self, files: dict[str, bytes | None]) -> None:
        for name in files:
            path = self.root / name
            original = self.originals.get(Path(name).name) if name.startswith("entries/") else None
            if original is not None:
                path.write_bytes(original)
            elif path.exists():
                path.unlink()
        shutil.rmtree(self.root / ".survey-cache", ignore_errors=True)


# --- query --------------------------------------------------------------------------------------------------------

class QueryTarget:
    """Queries into the parser and the evaluator on the real corpus: a result or a located QueryError, no other."""

    name = "query"
    time_limit = 20.0
    share = 1.0

    def __init__(self) -> None:
        from survey.query.cache import load_index
        from survey.query.fields import CONDITION_FIELDS, ENTRY_FIELDS

        self.index = load_index(REPO, use_cache=False)
        taxonomy = self.index.taxonomy
        metrics = [name for term in taxonomy["metric"] for name in (term.id, term.label, *term.aliases)]
        terms = [name for vocabulary in taxonomy.vocabularies.values() for term in vocabulary
                 for name in (term.id, *term.aliases[:1])]
        units = sorted({unit for row in self.index.unit_table.values() for unit in row})
        self.words = inputs.QueryWords(
            fields=tuple(n for spec in ENTRY_FIELDS for n in (spec.name, *spec.aliases)),
            conditions=tuple(n for spec in CONDITION_FIELDS for n in (spec.name, *spec.aliases)),
            metrics=tuple(metrics), terms=tuple(terms), units=tuple(units) or ("x",))
        self.all_ids = {record["id"] for record in self.index.records}

    def generate(self, rng: random.Random) -> Sample:
        roll = rng.random()
        query = inputs.random_query_text(rng) if roll < 0.3 else inputs.grammar_query(rng, self.words)
        return Sample(query, {"query.txt": query})

    def run(self, sample: Sample) -> None:
        from survey.query.evaluate import select, select_with_choices
        from survey.query.records import metrics_of
        from survey.query.syntax import QueryError, parse

        query: str = sample.payload
        try:
            parse(query)
        except QueryError as problem:
            _require_query_error(problem, query)
        try:
            records, choices = select_with_choices(query, self.index)
        except QueryError as problem:
            _require_query_error(problem, query)
            return
        found = {record["id"] for record in records}
        for record in records:  # the values a query chose are metrics of the entry, of the kind they stand for
            metrics = metrics_of(record)
            for kind, positions in choices.get(record["id"], {}).items():
                if any(not 0 <= p < len(metrics) or metrics[p]["kind"] != kind for p in positions):
                    raise Broken("chosen-metric", f"'{query}' chose for {record['id']} a metric that is not its {kind}")
        if not query.strip():
            return
        try:
            negated = {record["id"] for record in select(f"NOT ({query})", self.index)}
        except QueryError as problem:
            raise Broken("negation-fails", f"'{query}' runs but 'NOT ({query})' does not: {problem.render(query)}") \
                from None
        if negated != self.all_ids - found:
            raise Broken("negation-not-complement", f"'NOT ({query})' is not the complement of '{query}': both match "
                         f"{sorted(found & negated)[:5]}, neither {sorted(self.all_ids - found - negated)[:5]}")


def _require_query_error(problem: Exception, query: str) -> None:
    start, end = getattr(problem, "start", -1), getattr(problem, "end", -1)
    if not (0 <= start <= len(query) and start < end <= len(query) + 1):
        raise Broken("error-span", f"span {start}..{end} is outside the query of {len(query)} characters: {problem}")
    rendered = problem.render(query)  # type: ignore[attr-defined]
    if not rendered.startswith("error[") or not getattr(problem, "message", ""):
        raise Broken("error-render", f"QueryError renders without its message: {rendered!r}")


# --- bibimport ----------------------------------------------------------------------------------------------------

class BibImportTarget:
    """BibTeX text into read_bibtex and import_bibtex: never raises, every record reported with a line of the file,
    every entry written reads back as YAML with the record's title."""

    name = "bibimport"
    time_limit = 60.0
    share = 2.0

    def __init__(self, workdir: Path) -> None:
        from survey.load.taxonomy import load_taxonomy

        self.root = workdir / "bibimport-kb"
        copy_knowledge_base(self.root)
        self.originals = set(os.listdir(self.root / "entries"))
        taxonomy, _ = load_taxonomy(str(self.root / "taxonomy.yaml"))
        assert taxonomy is not None
        self.taxonomy = taxonomy
        self.records = []
        for raw in real_entries().values():
            data = yaml.safe_load(raw)
            if isinstance(data, dict) and isinstance(data.get("bibtex"), str):
                self.records.append(data["bibtex"])

    def generate(self, rng: random.Random) -> Sample:
        text = inputs.bibtex_text(rng, self.records)
        return Sample(text, {"input.bib": text})

    def run(self, sample: Sample) -> None:
        from survey.contribute.bibimport import import_bibtex, read_bibtex
        from survey.load.yamlsource import parse_yaml

        text: str = sample.payload
        lines = line_count(text)
        items = read_bibtex(text)
        for item in items:
            if not 1 <= item.line <= lines + 1:
                raise Broken("record-line", f"record '{item.key}' reported on line {item.line} of a {lines}-line file")
            if item.draft is None and not item.problem:
                raise Broken("record-unreported", f"record '{item.key}' (line {item.line}): no draft, no problem")
        try:
            outcomes = import_bibtex(self.root, text, self.taxonomy)
            if len(outcomes) != len(items):
                raise Broken("records-lost", f"{len(items)} records read but {len(outcomes)} reported by import_bibtex")
            for item, outcome in zip(items, outcomes):
                if not 1 <= outcome.line <= lines + 1 or not outcome.message:
                    raise Broken("outcome-unlocated", f"outcome without a line of the file or a message: {outcome}")
                if outcome.status != "created":
                    continue
                if outcome.path is None or not outcome.path.is_file():
                    raise Broken("created-no-file", f"record '{item.key}' reported created but no file: {outcome}")
                loaded = parse_yaml(outcome.path.read_bytes(), str(outcome.path))
                if loaded.fatal or loaded.diagnostics or not isinstance(loaded.data, dict):
                    raise Broken("entry-unreadable", f"the entry written for '{item.key}' does not read back as YAML: "
                                 + "; ".join(d.as_text() for d in loaded.diagnostics)
                                 + "\n" + outcome.path.read_text(encoding="utf-8", errors="replace"))
                title = item.draft["title"] if item.draft else None
                if loaded.data.get("title") != title or loaded.data.get("id") != outcome.path.stem:
                    raise Broken("entry-title-lost", f"the entry written for '{item.key}' reads back with title "
                                 f"{loaded.data.get('title')!r} and id {loaded.data.get('id')!r}, not {title!r} "
                                 f"and {outcome.path.stem!r}")
        finally:
            for name in set(os.listdir(self.root / "entries")) - self.originals:
                (self.root / "entries" / name).unlink()


# --- escape -------------------------------------------------------------------------------------------------------

_ALLOWED = re.compile(r"\\(textbackslash|textasciitilde|textasciicircum|textless|textgreater|textbar|textquotedbl|"
                      r"textquotesingle|textasciigrave|textsuperscript|cjktext)\{|\\[&%$#_{}-]|\{\}|\{[\[\]]\}|\{\?\}")


class EscapeTarget:
    """Batches of random strings escaped into one document: pdflatex compiles it, every sample prints, and each
    typesettable sample prints exactly as itself."""

    name = "escape"
    time_limit = 600.0
    share = 2.0

    def __init__(self, workdir: Path, batch: tuple[int, int] = (100, 300)) -> None:
        from survey.render.latex_escape import detect_charset

        if not tex.HAVE_TEX:
            raise RuntimeError("the escape target needs pdflatex and pdftotext")
        self.folder = workdir / "escape"
        self.charset = detect_charset()
        self.alphabet = tex.typesettable_alphabet(self.charset)
        self.batch = batch
        self.documents = 0

    def generate(self, rng: random.Random) -> Sample:
        samples: list[tuple[str, bool]] = []
        for _ in range(rng.randint(*self.batch)):
            if rng.random() < 0.5:
                text = "".join(rng.choice(self.alphabet) for _ in range(rng.randint(1, 24)))
                samples.append((text, True))
            else:
                maker = inputs.tex_hostile_text if rng.random() < 0.5 else inputs.unicode_text
                samples.append((maker(rng), False))
        shown = "\n".join(f"{'typesettable' if checked else 'any'} {text!r}" for text, checked in samples)
        return Sample(samples, {"samples.txt": shown}, cases=len(samples))

    def run(self, sample: Sample) -> None:
        from survey.render.latex_escape import Escaper

        samples: list[tuple[str, bool]] = sample.payload
        escaper = Escaper(self.charset)
        for text, _ in samples:
            require_plain_escape(text, escaper(text))
        texts = [text for text, _ in samples]
        self.documents += 1
        typeset = tex.typeset(texts, self.charset, self.folder)
        if not typeset.compiled:
            culprits = tex.smallest_failing(texts, self.charset, self.folder)
            raise Broken("tex-fails", "pdflatex failed on escaped text; smallest failing part:\n"
                         + "\n".join(f"{t!r} -> {escaper(t)!r}" for t in culprits) + "\n" + typeset.log)
        for (text, checked), printed in zip(samples, typeset.printed):
            if printed is None:
                raise Broken("text-swallowed", f"{text!r} (escaped {escaper(text)!r}) swallowed the text after it")
            if checked and printed != tex.expected_print(text):
                raise Broken("printed-differently", f"{text!r} printed as {printed!r}, not "
                             f"{tex.expected_print(text)!r} (escaped {escaper(text)!r})")


def require_plain_escape(text: str, out: str) -> None:
    """The escaper's output holds no markup but its own commands, balanced braces and no line break."""
    stripped = _ALLOWED.sub("", out).replace("}", "").replace("~", "", text.count("\u00a0"))
    bare = out.replace(r"\{", "").replace(r"\}", "")
    if re.search(r"[\\{&%$#_^~]", stripped) or bare.count("{") != bare.count("}") or "\n" in out:
        raise Broken("markup-leak", f"escaping {text!r} leaves markup: {out!r}")



# --- fmt ----------------------------------------------------------------------------------------------------------

class FmtTarget:
    """Bytes as an entry file through `survey fmt`'s format_file: never raises or hangs; an error names a line of
    the file; a formatted file holds the same data (as the loader reads it) and formats to itself again."""

    name = "fmt"
    time_limit = 20.0
    share = 1.0

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "fmt-kb"
        (self.root / "entries").mkdir(parents=True, exist_ok=True)
        self.entries = [raw.decode("utf-8") for raw in real_entries().values()]

    def generate(self, rng: random.Random) -> Sample:
        roll = rng.random()
        if roll < 0.5:
            raw = inputs.mutate_entry(rng, rng.choice(self.entries)).data
            raw = raw.encode("utf-8") if isinstance(raw, str) else raw
        else:
            raw = inputs.yaml_document(rng, self.entries)
        return Sample(raw, {"input.yaml": raw})

    def run(self, sample: Sample) -> None:
        from survey.contribute.formatting import format_file
        from survey.load.yamlsource import parse_yaml

        raw: bytes = sample.payload
        path = self.root / "entries" / "fuzz-input.yaml"
        path.write_bytes(raw)
        result = format_file(path, False, self.root)
        if result.error is not None:
            if not 0 <= result.error.line <= line_count(raw) + 1:
                raise Broken("fmt-error-outside-file", f"line {result.error.line} of {line_count(raw)}: {result.error}")
            if path.read_bytes() != raw:
                raise Broken("fmt-changed-on-error", "the file changed although fmt reported an error")
            return
        before, after = parse_yaml(raw, "before"), parse_yaml(path.read_bytes(), "after")
        if not before.fatal and after.data != before.data:
            raise Broken("fmt-changed-data", f"{before.data!r} became {after.data!r}")
        again = format_file(path, True, self.root)
        if again.error is None and again.changed:
            raise Broken("fmt-not-idempotent", "formatting the formatted file changes it again")


# --- paths --------------------------------------------------------------------------------------------------------

class PathsTarget:
    """Random trees of files, folders and links (out of the repository, inside it, dangling, loops) planted in the
    build folder and the cache, with random publish journals: the build's path handling (the folder checks, the
    lock, finishing a journal, publishing, pruning the figure cache) never changes anything outside the
    repository, refuses exactly when a link leads out of its folder, and raises nothing else."""

    name = "paths"
    time_limit = 20.0
    share = 1.0
    _NAMES = ("survey.tex", "refs.bib", "figures", "figures/a.pdf", ".survey-work", ".survey-build.lock",
              ".survey-publish.json", ".x.survey-publish", "sub", "sub/deeper", "survey.pdf", "n\nl", "..x")

    def __init__(self, workdir: Path) -> None:
        self.base = workdir / "paths"

    def generate(self, rng: random.Random) -> Sample:
        plan: list[tuple[str, str, str]] = []  # (folder, name, what) with what: file, dir, or link:<target>
        targets = ["@outside", "@outside/file", "@outside/dir", "@root/entries", "@root", ".", "..", "nowhere",
                   "@self", "sub", "figures"]
        for _ in range(rng.randint(0, 6)):
            folder = rng.choice(("build", ".survey-cache", ".survey-cache/figures", "build/sub"))
            name = rng.choice(self._NAMES + (f"{rng.randint(0, 9):032x}",))
            what = rng.choice(("file", "dir", "link:" + rng.choice(targets)))
            plan.append((folder, name, what))
        renames = [[rng.choice(self._NAMES + ("../escape", "/abs", "")), rng.choice(self._NAMES + ("../escape",))]
                   for _ in range(rng.randint(0, 4))]
        journal = rng.choice((json.dumps({"renames": renames}), json.dumps(renames), "{", json.dumps({"renames": 3})))
        return Sample((plan, journal), {"plan.json": json.dumps({"plan": plan, "journal": journal}, indent=1)})

    def _outside_snapshot(self) -> dict[str, str]:
        found = {}
        for parent, folders, files in os.walk(self.base / "outside"):
            for name in folders + files:
                path = Path(parent) / name
                found[str(path)] = ("link:" + os.readlink(path) if path.is_symlink()
                                    else "dir" if path.is_dir() else path.read_bytes().hex())
        return found

    def run(self, sample: Sample) -> None:
        from survey.build import _require_contained_folders
        from survey.compile.build_folder import JOURNAL_FILE, exclusive_build, finish_interrupted_publish, publish
        from survey.derive.plots import _remember_figures
        from survey.files.repository_paths import LinkOutOfFolder

        plan, journal = sample.payload
        shutil.rmtree(self.base, ignore_errors=True)
        root, outside = self.base / "kb", self.base / "outside"
        for folder in (root / "entries", root / "build" / "sub", root / ".survey-cache" / "figures", outside / "dir"):
            folder.mkdir(parents=True, exist_ok=True)
        (outside / "file").write_text("outside\n")
        (outside / "dir" / "kept").write_text("kept\n")
        escapes = False
        for folder, name, what in plan:
            path = root / folder / name
            if path.exists() or path.is_symlink():
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if what == "file":
                    path.write_text("planted\n")
                elif what == "dir":
                    path.mkdir()
                else:
                    target = what[5:].replace("@outside", str(outside)).replace("@root", str(root)).replace(
                        "@self", str(path))
                    path.symlink_to(target)
            except OSError:
                continue
        for folder in ("build", ".survey-cache"):  # the oracle: any link under it whose target leaves it
            real_folder = Path(os.path.realpath(root / folder))
            for parent, folders, files in os.walk(root / folder):
                for name in folders + files:
                    link = Path(parent) / name
                    if link.is_symlink():
                        real = Path(os.path.realpath(link))
                        escapes |= real != real_folder and real_folder not in real.parents
        planted_journal = root / "build" / JOURNAL_FILE
        if not planted_journal.exists() and not planted_journal.is_symlink():
            planted_journal.write_text(journal)
        before = self._outside_snapshot()
        out = root / "build"
        try:
            _require_contained_folders(root, out)
        except LinkOutOfFolder:
            if not escapes:
                raise Broken("refused-without-cause", "a tree with no link out of its folder was refused") from None
        else:
            if escapes:
                raise Broken("not-refused", "a link out of the build folder or the cache was not refused")
            work = out / ".survey-work"
            try:
                with exclusive_build(out):
                    finish_interrupted_publish(out)
                    (work / "figures").mkdir(parents=True, exist_ok=True)
                    for name in ("survey.tex", "refs.bib", "figures/a.pdf"):
                        (work / name).write_text(f"new {name}\n")
                    publish(work, out, ["survey.tex", "refs.bib", "figures/a.pdf"])
                _remember_figures(root / ".survey-cache" / "figures" / ("f" * 32), work / "figures", [])
            except OSError:
                pass  # a planted file where a folder must be (and the like): an error the build reports
        if self._outside_snapshot() != before:
            raise Broken("outside-changed", "a file or folder outside the repository changed")


# --- terminal -----------------------------------------------------------------------------------------------------

_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


class TerminalTarget:
    """Random Unicode, controls and escape sequences through the output filter: nothing a terminal acts on gets
    through, JSON keeps its meaning, a path stays on one line; every 200 cases an entry with the text as its title
    goes through the real `survey show` and `survey query --format json`."""

    name = "terminal"
    time_limit = 60.0
    share = 0.5
    cli_every = 200
    _SEQUENCES = ("\x1b[", "\x1b]0;", "\x1b]52;c;", "\x07", "\x9b", "\x9d", "\r", "\x08", "\u202e", "\n",
                  "\u2028", "\x85", "::error::", "%0A", "\x00")

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "terminal-kb"
        (self.root / "entries").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "taxonomy.yaml", self.root / "taxonomy.yaml")
        self.entry = (REPO / "tests" / "fixtures" / "valid_entry.yaml").read_text(encoding="utf-8")
        self.cases = 0

    def generate(self, rng: random.Random) -> Sample:
        parts = [rng.choice(self._SEQUENCES) if rng.random() < 0.4 else inputs.unicode_text(rng, 8)
                 for _ in range(rng.randint(1, 12))]
        text = "".join(parts)
        return Sample(text, {"text.txt": text})

    def run(self, sample: Sample) -> None:
        from survey.report.terminal import shown_path, terminal_text

        text: str = sample.payload
        for shown in (terminal_text(text), shown_path(text), terminal_text(json.dumps(text, ensure_ascii=False))):
            if _ACTIVE.search(shown):
                raise Broken("active-character", f"{shown!r} holds {_ACTIVE.search(shown).group()!r}")  # type: ignore[union-attr]
        if json.loads(terminal_text(json.dumps(text, ensure_ascii=False))) != text:
            raise Broken("json-meaning", "filtered JSON no longer reads as the text")
        self.cases += 1
        if self.cli_every and self.cases % self.cli_every == 1:
            self._run_cli(text)

    def _run_cli(self, text: str) -> None:
        title = "T " + text
        (self.root / "entries" / "ada-example-pim24.yaml").write_text(
            self.entry.replace("title: ", f"title: {json.dumps(title)} # ", 1), encoding="utf-8")
        for command in (["show", "ada-example-pim24"], ["query", "--format", "json", "year>=2000"]):
            done = subprocess.run([sys.executable, "-m", "survey", "--root", str(self.root), *command],
                                  capture_output=True, timeout=60)
            output = done.stdout.decode("utf-8", errors="replace") + done.stderr.decode("utf-8", errors="replace")
            if "Traceback" in output or done.returncode == 3:
                raise Broken("cli-crash", output[-2000:])
            if _ACTIVE.search(output.replace("\n", "")) and "\r" not in output:
                raise Broken("cli-active-character", repr(_ACTIVE.search(output.replace("\n", ""))))
            if command[0] == "query" and done.returncode == 0:
                shown = json.loads(done.stdout)
                if shown and shown[0]["title"] != title:
                    raise Broken("cli-json-meaning", f"{shown[0]['title']!r} != {title!r}")


# --- html ---------------------------------------------------------------------------------------------------------


class HtmlTarget:
    """Hostile text (HTML and TeX markup, Unicode, controls) in every text field of an entry, through the website's
    backend: each page holds only the elements the templates write (no handler, inline script or style, no link
    but into the site or to http(s)), and every value the loader accepted shows on the work page as itself."""

    name = "html"
    time_limit = 60.0
    share = 1.0
    _FRAGMENTS = ("<", ">", "&", '"', "'", "</", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>",
                  "javascript:", "data:text/html,", "{{ 7*7 }}", "{%", "&amp;", "&#60;", "&lt", "=", "`", "/>",
                  "<img src=x onerror=", "<svg onload=", "</textarea>", "<style>", "<base href=", "\\u003c")
    _FIELDS = ("title", "summary", "venue", "notes", "person", "affiliation", "model", "baseline", "quote",
               "locator", "condition", "url")

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "html-kb"
        (self.root / "entries").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "taxonomy.yaml", self.root / "taxonomy.yaml")
        self.entry = yaml.safe_load((REPO / "tests" / "fixtures" / "valid_entry.yaml").read_text(encoding="utf-8"))

    def _text(self, rng: random.Random) -> str:
        parts = [rng.choice(self._FRAGMENTS) if rng.random() < 0.4 else
                 (inputs.tex_hostile_text(rng) if rng.random() < 0.3 else inputs.unicode_text(rng, 6))
                 for _ in range(rng.randint(1, 6))]
        return "".join(parts)

    def generate(self, rng: random.Random) -> Sample:
        texts = {name: self._text(rng) for name in self._FIELDS}
        return Sample(texts, {"texts.txt": "\n".join(f"{k}: {v!r}" for k, v in texts.items())}, cases=len(texts))

    def run(self, sample: Sample) -> None:
        import copy

        from fuzz.html_pages import read_page
        from survey.build import template_folders
        from survey.derive.site_view import build_site_view
        from survey.derive.views import build_views
        from survey.load.knowledge_base import load_knowledge_base
        from survey.query.cache import load_index
        from survey.render.site import SiteInputs, render_site

        texts: dict[str, str] = sample.payload
        data = copy.deepcopy(self.entry)
        data.update(title="T " + texts["title"], summary=texts["summary"], venue=texts["venue"], notes=texts["notes"],
                    url=texts["url"])
        data["people"][0].update(name="N " + texts["person"], affiliations=[texts["affiliation"]])
        data["models"] = [texts["model"]]
        metric = data["metrics"][0]
        metric.update(baseline=texts["baseline"], note=texts["condition"])
        metric["source"] = {"locator": "L " + texts["locator"], "quote": f"{texts['quote']} 2.5x"}
        (self.root / "entries" / "ada-example-pim24.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                                      encoding="utf-8")
        kb = load_knowledge_base(self.root)
        entry = kb.entry("ada-example-pim24")
        if entry is None or kb.taxonomy is None:
            return  # the loader refused the text (a located error, the check target's business): no page shows it
        views = build_views(kb)
        files = render_site(build_site_view(kb, views), views, load_index(self.root, use_cache=False),
                            SiteInputs("Fuzz", [], [], None), template_folders(self.root))
        for name, content in files.items():
            if name.endswith(".html"):
                problems = read_page(content.decode("utf-8")).problems
                if problems:
                    raise Broken("markup-leak", f"{name}: {problems[:3]}")
        shown = read_page(files["works/ada-example-pim24.html"].decode("utf-8")).text
        person, metric_read = entry.people[0], entry.metrics[0]
        values = [entry.title, entry.summary, entry.venue, entry.notes, person.name, *person.affiliations,
                  *entry.model_names, metric_read.baseline, metric_read.note,
                  *((metric_read.source.locator, metric_read.source.quote) if metric_read.source else ())]
        for value in values:
            if value and value not in shown:
                raise Broken("text-changed", f"{value!r} is not on the work page as written")


def make_target(name: str, workdir: Path) -> Target:
    """The target called `name`, set up in `workdir` (a temporary folder it may fill)."""
    if name == "yaml":
        return YamlTarget()
    if name == "check":
        return CheckTarget(workdir)
    if name == "query":
        return QueryTarget()
    if name == "bibimport":
        return BibImportTarget(workdir)
    if name == "escape":
        return EscapeTarget(workdir)
    if name == "fmt":
        return FmtTarget(workdir)
    if name == "paths":
        return PathsTarget(workdir)
    if name == "terminal":
        return TerminalTarget(workdir)
    if name == "html":
        return HtmlTarget(workdir)
    raise ValueError(f"unknown target {name!r}; known: {', '.join(TARGET_NAMES)}")
