"""Faults around a build: killed builds, builds at the same time, read-only and full output folders, missing TeX.

Each test drives the real `survey build` command in a subprocess on a small copy of the shipped corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey.build import WORK_DIR
from survey.compile.build_folder import JOURNAL_FILE, LOCK_FILE, finish_interrupted_publish, publish

REPO = Path(__file__).resolve().parents[2]
HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftotext"))
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="latexmk, pdflatex and pdftotext are needed")
ENTRIES = ("aim-gddr6-isscc22", "attacc-asplos24", "cambricon-llm-micro24", "cxl-pnm-hpca24")


def small_kb(folder: Path) -> Path:
    """Taxonomy, paper/ and four real entries: a knowledge base that builds in a few seconds."""
    (folder / "entries").mkdir(parents=True)
    shutil.copy(REPO / "taxonomy.yaml", folder / "taxonomy.yaml")
    shutil.copytree(REPO / "paper", folder / "paper")
    for entry_id in ENTRIES:
        shutil.copy(REPO / "entries" / f"{entry_id}.yaml", folder / "entries" / f"{entry_id}.yaml")
    return folder


def revise_a_title(root: Path) -> None:
    path = root / "entries" / f"{ENTRIES[1]}.yaml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\ntitle: ", 1)
    path.write_text(head + "\ntitle: Revised " + rest, encoding="utf-8")


def survey_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "survey", "--root", str(root), *args]


def run_build(root: Path, out: Path, *args: str, env: dict[str, str] | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(survey_command(root, "build", "--out", str(out), *args), capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}, check=False)


def published(out: Path) -> dict[str, bytes]:
    """What a reader of the build folder sees: every file but the work folder, the lock and hidden partial copies
    (which are never a build's output: the next build removes any that a kill left)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and WORK_DIR not in p.relative_to(out).parts and p.name != LOCK_FILE
            and not (p.name.startswith(".") and p.name.endswith((".survey-publish", ".part")))}


def restore(out: Path, files: dict[str, bytes]) -> None:
    for path in [p for p in out.rglob("*") if p.is_file() and WORK_DIR not in p.relative_to(out).parts]:
        if path.name != LOCK_FILE:
            path.unlink()
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


def assert_no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.stderr


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """A knowledge base whose build folder holds build A, with inputs since revised; and build B's files."""
    if not HAVE_TEX:
        pytest.skip("TeX is not installed")
    tmp = tmp_path_factory.mktemp("faults")
    root = small_kb(tmp / "kb")
    out = tmp / "out"
    first = run_build(root, out)
    assert first.returncode == 0, first.stderr
    before = published(out)
    revise_a_title(root)
    reference = tmp / "reference"
    second = run_build(root, reference)
    assert second.returncode == 0, second.stderr
    after = published(reference)
    assert before["survey.pdf"] != after["survey.pdf"] and before["survey.tex"] != after["survey.tex"]
    return root, out, before, after


# --- killed builds ----------------------------------------------------------------------------------------------

@needs_tex
def test_a_build_killed_at_any_moment_leaves_the_last_good_outputs_or_completes_them(two_builds) -> None:  # type: ignore[no-untyped-def]
    root, out, before, after = two_builds
    started = time.monotonic()
    assert run_build(root, out / ".." / "timing").returncode == 0
    duration = time.monotonic() - started
    for fraction in (0.05, 0.3, 0.6, 0.85, 0.97):
        restore(out, before)
        build = subprocess.Popen(survey_command(root, "build", "--out", str(out), "-q"), start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
        time.sleep(duration * fraction)
        os.killpg(build.pid, signal.SIGKILL)  # the build and its latexmk and pdflatex, with no time to tidy up
        build.wait()
        seen = published(out)
        if JOURNAL_FILE in seen:  # killed among the final renames: the next build finishes them first
            finish_interrupted_publish(out)
            seen = published(out)
        assert seen in (before, after), (f"killed at {fraction:.0%}: a mixture of two builds: "
                                         f"{sorted(n for n in seen if seen[n] != before.get(n))} differ from A, "
                                         f"{sorted(n for n in seen if seen[n] != after.get(n))} from B")
    done = run_build(root, out)
    assert done.returncode == 0, done.stderr
    assert published(out) == after
    strays = [p for p in out.rglob("*") if WORK_DIR not in p.parts and p.name.endswith((".survey-publish", ".part"))]
    assert not strays


def test_publishing_interrupted_between_any_two_renames_is_completed_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    names = ["survey.tex", "refs.bib", "figures/plot.pdf", "survey.pdf"]
    for name in names:
        for folder, text in ((out, "old"), (work, "new")):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(f"{text} {name}")
    old = published(out)

    class Killed(BaseException):
        pass

    real_replace = os.replace
    def dying_replace(renames: int) -> object:
        """os.replace that lets `renames` copies through, then dies as a killed process would (no cleanup)."""
        calls = {"n": 0}

        def replace(source: object, target: object) -> None:
            if str(source).endswith(".survey-publish"):
                if calls["n"] == renames:
                    raise Killed
                calls["n"] += 1
            real_replace(source, target)  # type: ignore[arg-type]
        return replace

    for renames in range(len(names)):

        restore(out, old)
        monkeypatch.setattr("survey.compile.build_folder.os.replace", dying_replace(renames))
        with pytest.raises(Killed):
            publish(work, out, names)
        monkeypatch.setattr("survey.compile.build_folder.os.replace", real_replace)
        assert (out / JOURNAL_FILE).is_file()
        assert sorted(finish_interrupted_publish(out)) == sorted(names[renames:])
        assert published(out) == {name: f"new {name}".encode() for name in names}


def test_a_failure_while_copying_leaves_every_output_as_it_was_and_no_stray_copies(tmp_path: Path) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    for folder, text in ((out, "old"), (work, "new")):
        folder.mkdir()
        (folder / "survey.tex").write_text(f"{text} tex")
        (folder / "survey.pdf").write_text(f"{text} pdf")
    old = published(out)
    with pytest.raises(FileNotFoundError):
        publish(work, out, ["survey.tex", "missing.bib", "survey.pdf"])
    assert published(out) == old


# --- builds at the same time ------------------------------------------------------------------------------------

@needs_tex
def test_two_builds_into_one_folder_take_turns_and_a_third_elsewhere_runs_beside_them(two_builds) -> None:  # type: ignore[no-untyped-def]
    root, out, _, after = two_builds
    shared, other = out.parent / "shared", out.parent / "other"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [subprocess.Popen(survey_command(root, "build", "--out", str(folder), "--venue", venue), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for folder, venue in ((shared, "todaes"), (shared, "todaes"), (other, "tcad"))]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, stdout, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stdout + stderr
    seen = published(shared)
    assert seen == after, sorted(n for n in set(seen) | set(after) if seen.get(n) != after.get(n))
    assert any("waiting for it to finish" in stderr for _, _, stderr in results[:2])
    text = subprocess.run(["pdftotext", str(other / "survey.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Revised" in text


# --- read-only and full folders ---------------------------------------------------------------------------------

def _in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root in a mount namespace of its own (mounts vanish with it); skip if not possible."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a read-only or tiny file system")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {probe.stderr.decode().strip()}")
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)


@needs_tex
def test_a_read_only_build_folder_gets_a_clear_error_and_keeps_its_outputs(two_builds) -> None:  # type: ignore[no-untyped-def]
    root, out, before, _ = two_builds
    restore(out, before)
    command = " ".join(survey_command(root, "build", "--out", str(out)))
    run = _in_mount_namespace(f"mount --bind {out} {out}; mount -o remount,bind,ro {out}; {command}")
    assert run.returncode == 1, run.stderr
    assert_no_traceback(run)
    assert "error[not-writable]" in run.stderr and "read-only" in run.stderr
    assert "--out DIR" in run.stderr
    assert published(out) == before


@needs_tex
def test_a_full_disk_gets_a_clear_error_and_keeps_the_previous_outputs(two_builds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, out, before, _ = two_builds
    restore(out, before)
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    command = " ".join(survey_command(root, "build", "--out", str(tiny / "out")))
    # The tiny disk holds build A (its work folder holds the preamble's 7 MB TeX format); then a filler leaves
    # 64 KiB, too little for build B's PDF.
    script = (f"mount -t tmpfs -o size=40m tmpfs {tiny}; cp -a {out} {tiny}/out; "
              f"avail=$(df -k --output=avail {tiny} | tail -1); "
              f"head -c $(( (avail - 64) * 1024 )) /dev/zero > {tiny}/filler || true; "
              f"set +e; {command}; echo \"exit=$?\"; set -e; "
              f"cd {tiny}/out && find . -path ./{WORK_DIR} -prune -o -type f ! -name {LOCK_FILE} -print0 "
              f"| sort -z | xargs -0 sha256sum")
    run = _in_mount_namespace(script)
    assert "exit=1" in run.stdout, run.stdout + run.stderr
    assert_no_traceback(run)
    assert "error[disk-full]" in run.stderr and "free some space" in run.stderr
    import hashlib

    expected = {f"./{name}": hashlib.sha256(data).hexdigest() for name, data in before.items()}
    listed = dict(reversed(line.split("  ", 1)) for line in run.stdout.splitlines() if "  ./" in line)
    assert listed == expected


# --- missing tools ----------------------------------------------------------------------------------------------

def test_a_missing_tex_installation_says_how_to_install_it(tmp_path: Path) -> None:
    root = small_kb(tmp_path / "kb")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    run = run_build(root, tmp_path / "out", env={"PATH": str(bin_dir)})
    assert run.returncode == 1, run.stderr
    assert_no_traceback(run)
    assert "error[no-latexmk] latexmk is not installed" in run.stderr
    assert "bash scripts/setup" in run.stderr
    assert not (tmp_path / "out" / "survey.pdf").exists()


def test_an_unwritable_output_path_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    root = small_kb(tmp_path / "kb")
    (tmp_path / "a-file").write_text("not a folder")
    run = run_build(root, tmp_path / "a-file" / "out", "--no-pdf")
    assert run.returncode == 1
    assert_no_traceback(run)
    assert "error[not-a-folder]" in run.stderr
    assert (tmp_path / "a-file").read_text() == "not a folder"


def test_an_unexpected_os_error_in_any_command_is_one_located_line(tmp_path: Path) -> None:
    root = small_kb(tmp_path / "kb")
    (root / ".survey-cache").write_text("a file where the cache folder goes")
    run = subprocess.run(survey_command(root, "new", "--id", "demo-entry", "--type", "poster", "--title", "Demo",
                                        "--person", "Ada Example"),
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert_no_traceback(run)
    query = subprocess.run(survey_command(root, "query", "--format", "json"), capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert_no_traceback(query)
    assert query.returncode == 0 and json.loads(query.stdout)
