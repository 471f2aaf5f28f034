"""A small fictional knowledge base for the website's tests: the real taxonomy.yaml and five made-up works, one of
them a keynote and one full of text that would be markup if a page let it through.

The expected rows of each filter are written out here by hand from the entries below (EXPECTED), not computed by
the code under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

HOSTILE = {  # text a browser would run or render as elements if it reached a page unescaped
    "title": 'Hostile <script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> Work',
    "summary": "</p><script>window.__pwned=3</script><iframe src=x></iframe> & <b>bold</b>",
    "name": "Eve <svg onload=window.__pwned=4>",
    "quote": "\"><img src=x onerror=window.__pwned=5> 3.5x faster </textarea></pre><style>body{display:none}</style>",
    "baseline": "<a href=javascript:alert(6)>GPU</a>",
    "url": "javascript:alert(7)",
    "venue": "' onmouseover='window.__pwned=8",
}

ENTRIES = {
    "alpha-hbm-decode": """\
id: alpha-hbm-decode
type: poster
title: "Alpha: A Fictional Near-Bank Attention Engine"
people:
  - {name: Ada Example, affiliations: [Example University], role: presenter}
year: 2024
venue: Example Workshop 2024
doi: 10.5555/example.alpha
arxiv: "2401.00011"
architecture: [near-bank]
memory: [hbm3]
domain: [digital]
evaluation:
  - {method: cycle-simulation}
phases: [decode]
challenges: [kv-cache-capacity]
summary: An example near-bank engine for the attention of decoding.
metrics:
  - kind: speedup
    value: 2.5
    unit: x
    conditions: {model: Tiny-LM 1B, phase: decode}
    baseline: Example GPU
    source: {locator: Table 1, quote: "2.5x faster than the Example GPU"}
""",
    "beta-reram-prefill": """\
id: beta-reram-prefill
type: related-work
scope: llm
title: "Beta: A Fictional Resistive Crossbar for Prefill"
people:
  - {name: Bo Sample, affiliations: [Sample Institute], role: author}
year: 2023
venue: Example Conference 2023
url: https://example.org/beta
architecture: [analog-imc]
memory: [reram]
domain: [analog]
evaluation:
  - {method: silicon, node_nm: 28}
phases: [prefill]
challenges: [device-variation, weight-capacity]
summary: An example crossbar that computes the prefill's matrix products in resistive memory.
""",
    "gamma-sram-macro": """\
id: gamma-sram-macro
type: related-work
scope: llm
title: "Gamma: A Fictional SRAM Macro"
people:
  - {name: Cy Placeholder, affiliations: [Placeholder University], role: author}
year: 2024
venue: Example Conference 2024
architecture: [digital-imc]
memory: [sram]
domain: [digital]
evaluation:
  - {method: silicon, node_nm: 22}
phases: [decode]
challenges: [weight-capacity]
summary: An example digital macro with a rare keyword, zyzzyva.
""",
    "hostile-text": f"""\
id: hostile-text
type: related-work
scope: llm
title: {HOSTILE['title']!r}
people:
  - {{name: {HOSTILE['name']!r}, affiliations: [Example University], role: author}}
year: 2022
venue: {HOSTILE['venue']!r}
url: {HOSTILE['url']!r}
architecture: [near-bank]
memory: [ddr5]
domain: [digital]
evaluation:
  - {{method: analytical}}
phases: [prefill]
challenges: [host-pim-transfer]
summary: {HOSTILE['summary']!r}
metrics:
  - kind: speedup
    value: 3.5
    unit: x
    baseline: {HOSTILE['baseline']!r}
    source: {{locator: Table 9, quote: {HOSTILE['quote']!r}}}
""",
    "keynote-delta": """\
id: keynote-delta
type: keynote
title: "Delta: A Fictional Keynote on Memory-Bound Decoding"
people:
  - {name: Dee Speaker, affiliations: [Example University], role: speaker}
year: 2024
venue: Example Workshop 2024
draws_on: [alpha-hbm-decode]
summary: An example keynote that draws on the Alpha engine.
""",
}

ALL = sorted(ENTRIES)
EXPECTED = {  # facet value -> the works showing under it, read off the entries above by hand
    ("class", "nmc"): ["alpha-hbm-decode", "hostile-text"],
    ("class", "imc"): ["beta-reram-prefill", "gamma-sram-macro"],
    ("memory", "dram"): ["alpha-hbm-decode", "hostile-text"],
    ("memory", "sram"): ["gamma-sram-macro"],
    ("phase", "decode"): ["alpha-hbm-decode", "gamma-sram-macro"],
    ("evidence", "measured"): ["beta-reram-prefill", "gamma-sram-macro"],
    ("year", "2024"): ["alpha-hbm-decode", "gamma-sram-macro", "keynote-delta"],
    ("challenge", "capacity-compression"): ["alpha-hbm-decode", "beta-reram-prefill", "gamma-sram-macro"],
}


def write_site_knowledge_base(root: Path) -> Path:
    """The fixture knowledge base in `root` (created); returns `root`."""
    (root / "entries").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    for entry_id, text in ENTRIES.items():
        (root / "entries" / f"{entry_id}.yaml").write_text(text, encoding="utf-8")
    return root
