"""The query cache: reused while nothing changes, never stale after a change, rebuilt when corrupt."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from query_fixture_kb import make_kb

from survey.query.cache import CACHE_DIR, FULL_FILE, INDEX_FILE, load_index
from survey.query.evaluate import select
from survey.query.records import metrics_of
from survey.query.syntax import QueryError


def ids(root, query=""):
    return [r["id"] for r in select(query, load_index(root))]


def test_first_load_writes_the_cache_and_the_second_reads_it(tmp_path):
    make_kb(tmp_path)
    first = load_index(tmp_path)
    assert (tmp_path / CACHE_DIR / INDEX_FILE).is_file() and (tmp_path / CACHE_DIR / FULL_FILE).is_file()
    second = load_index(tmp_path)
    assert [(r, metrics_of(r)) for r in second.records] == [(r, metrics_of(r)) for r in first.records]
    assert second.full(second.record("bo-hbm-system"))["bibtex"].startswith("@inproceedings")


def test_changed_entry_is_read_again(tmp_path):
    make_kb(tmp_path)
    assert ids(tmp_path, "year=2030") == []
    path = tmp_path / "entries" / "ada-reram-macro.yaml"
    path.write_text(path.read_text().replace("year: 2023", "year: 2030"))
    assert ids(tmp_path, "year=2030") == ["ada-reram-macro"]


def test_change_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    make_kb(tmp_path)
    load_index(tmp_path)
    path = tmp_path / "entries" / "ada-reram-macro.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("year: 2023", "year: 2029"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime: ctime still moves
    assert ids(tmp_path, "year=2029") == ["ada-reram-macro"]


def test_added_and_removed_entries_are_seen(tmp_path):
    make_kb(tmp_path)
    load_index(tmp_path)
    (tmp_path / "entries" / "ed-pcm-bert.yaml").unlink()
    text = (tmp_path / "entries" / "di-sram-fp.yaml").read_text().replace("id: di-sram-fp", "id: fe-copy")
    (tmp_path / "entries" / "fe-copy.yaml").write_text(text)
    assert ids(tmp_path) == ["ada-reram-macro", "bo-hbm-system", "cy-gddr6-chip", "di-sram-fp", "fe-copy"]


def test_taxonomy_change_rebuilds_every_record(tmp_path):
    make_kb(tmp_path)
    with pytest.raises(QueryError):  # 'rr' is no alias yet
        ids(tmp_path, "memory=rr")
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("aliases: [rram, memristor]", "aliases: [rram, memristor, rr]"))
    index = load_index(tmp_path)
    assert index.taxonomy["memory"].resolve("rr").id == "reram"
    assert [r["id"] for r in select("memory=rr", index)] == ["ada-reram-macro"]


def test_corrupt_cache_is_rebuilt_silently(tmp_path):
    make_kb(tmp_path)
    load_index(tmp_path)
    (tmp_path / CACHE_DIR / INDEX_FILE).write_text("{not json")
    (tmp_path / CACHE_DIR / FULL_FILE).write_bytes(b"\x00\xff")
    assert ids(tmp_path) == ["ada-reram-macro", "bo-hbm-system", "cy-gddr6-chip", "di-sram-fp", "ed-pcm-bert"]
    assert json.loads((tmp_path / CACHE_DIR / INDEX_FILE).read_text())["format"] >= 1


def test_full_file_of_another_build_is_not_trusted(tmp_path):
    make_kb(tmp_path)
    load_index(tmp_path)
    full = tmp_path / CACHE_DIR / FULL_FILE
    data = json.loads(full.read_text())
    data["token"] = "other"
    data["entries"]["entries/bo-hbm-system.yaml"] = json.dumps({"id": "bo-hbm-system", "title": "Stale"})
    full.write_text(json.dumps(data))
    index = load_index(tmp_path)
    assert index.full(index.record("bo-hbm-system"))["title"] == "Example HBM Near-Bank System for Decoding"


def test_entry_that_does_not_fit_the_model_is_skipped_and_named(tmp_path):
    make_kb(tmp_path)
    (tmp_path / "entries" / "broken.yaml").write_text("id: broken\ntitle: [not, text]\n")
    index = load_index(tmp_path)
    assert index.skipped == ["entries/broken.yaml"] and len(index.records) == 5
    assert load_index(tmp_path).skipped == ["entries/broken.yaml"]


def test_unwritable_cache_folder_still_answers(tmp_path):
    make_kb(tmp_path)
    (tmp_path / CACHE_DIR).write_text("a file where the folder should be")
    assert len(load_index(tmp_path).records) == 5


def test_cached_query_imports_neither_pydantic_nor_pint(tmp_path):
    make_kb(tmp_path)
    load_index(tmp_path)
    code = ("import sys; from pathlib import Path; from survey.query.cache import load_index; "
            "from survey.query.evaluate import select; "
            f"select('memory=dram energy-efficiency>=1 GOPS/mW', load_index(Path({str(tmp_path)!r}))); "
            "print(sorted(m for m in ('pydantic', 'pint') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _reshape(data, change):
    change(data)
    return data


# Valid JSON of a shape survey never writes, each kept under the current signatures so that only its shape is wrong.
WRONG_SHAPES = {
    "no records": lambda d: d.update(records=[]),
    "records not objects": lambda d: d.update(records=[1] * len(d["records"])),
    "terms not lists": lambda d: d["records"][0].update(terms="memory"),
    "title a number": lambda d: d["records"][0].update(title=7),
    "year text": lambda d: d["records"][0].update(year="2023"),
    "slot out of range": lambda d: d["files"][next(iter(d["files"]))].__setitem__(1, 999),
    "slot of another file": lambda d: d["records"].reverse(),
    "files a list": lambda d: d.update(files=list(d["files"])),
    "units a list": lambda d: d.update(units=[]),
    "unit factor text": lambda d: d["units"][next(iter(d["units"]))].update(x="1"),
    "used pairs wrong": lambda d: d.update(used=[["speedup"]]),
    "taxonomy empty": lambda d: d.update(taxonomy={}),
    "taxonomy terms wrong": lambda d: d["taxonomy"]["vocabularies"][next(iter(d["taxonomy"]["vocabularies"]))]
    .update(terms=[{"id": 1}]),
    "extra key": lambda d: d.update(extra=True),
    "token a number": lambda d: d.update(token=5),
}


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
def test_a_cache_of_the_wrong_shape_is_rebuilt_not_served(tmp_path, shape):
    make_kb(tmp_path)
    expected = ids(tmp_path, "memory=reram") , ids(tmp_path)
    index_file = tmp_path / CACHE_DIR / INDEX_FILE
    data = json.loads(index_file.read_text())
    if shape == "slot of another file" and len(data["records"]) < 2:
        pytest.skip("needs two records")
    index_file.write_text(json.dumps(_reshape(data, WRONG_SHAPES[shape])))
    assert (ids(tmp_path, "memory=reram"), ids(tmp_path)) == expected
    assert _well_formed_on_disk(tmp_path)


@pytest.mark.parametrize("entries", [{"entries/x.yaml": 1}, {"entries/x.yaml": "[1, 2]"}, {"entries/x.yaml": "{"},
                                     ["not", "a", "mapping"]])
def test_a_full_file_of_the_wrong_shape_is_rebuilt_not_served(tmp_path, entries):
    make_kb(tmp_path)
    first = load_index(tmp_path)
    expected = first.full(first.record("bo-hbm-system"))
    full_file = tmp_path / CACHE_DIR / FULL_FILE
    token = json.loads(full_file.read_text())["token"]
    full_file.write_text(json.dumps({"token": token, "entries": entries}))
    again = load_index(tmp_path)
    assert again.full(again.record("bo-hbm-system")) == expected


def _well_formed_on_disk(root):
    from survey.query.cache import _well_formed

    return _well_formed(json.loads((root / CACHE_DIR / INDEX_FILE).read_text()))


def test_the_unit_memo_of_the_wrong_shape_is_ignored(tmp_path):
    from survey.load import units

    memo = tmp_path / "units.json"
    memo.write_text(json.dumps({"key": units._memo_key(), "units": {"TOPS/W": ["[length]", "fast"],
                                                                    "10^10^10 m": ["[length]", 1.0]}}))
    units._FACTS.pop("10^10^10 m", None)
    with units.memo_file(memo):
        assert units.facts("10^10^10 m") is None  # a planted memo cannot vouch for a unit beyond the limits
        assert units.same_dimension("TOPS/W", "GOPS/mW")


def test_a_cache_file_that_is_a_link_is_not_followed(tmp_path):
    make_kb(tmp_path)
    expected = ids(tmp_path)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.json"
    index_file = tmp_path / CACHE_DIR / INDEX_FILE
    secret.write_text(index_file.read_text())
    index_file.unlink()
    index_file.symlink_to(secret)  # inside .survey-cache, pointing out of it
    from survey.files.repository_paths import LinkOutOfFolder

    with pytest.raises(LinkOutOfFolder):
        load_index(tmp_path)
    index_file.unlink()
    os.mkfifo(index_file)  # a pipe in place of the index: not opened (it would block)
    assert ids(tmp_path) == expected
