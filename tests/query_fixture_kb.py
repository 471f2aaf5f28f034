"""A small fictional knowledge base for the query tests: the real taxonomy.yaml and five made-up entries."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

ENTRIES = {
    "ada-reram-macro": """\
id: ada-reram-macro
type: poster
title: "A Fictional ReRAM Macro for Example Transformers"
people:
  - {name: Ada Example, affiliations: [Example University], role: presenter}
year: 2023
venue: Example Workshop 2023
architecture: [analog-imc]
level: [circuit]
memory: [rram]
domain: [analog]
precision: {weights: [int8], activations: [int8]}
evaluation:
  - {method: silicon, node_nm: 28}
challenges: [device-variation]
summary: An example macro that computes attention scores with resistive memory.
metrics:
  - kind: energy-efficiency
    value: 12
    unit: GOPS/mW
    conditions: {precision: {weights: int8, activations: int8}, evaluation: silicon}
    source: {locator: Table 1, quote: "12 GOPS/mW"}
  - kind: area
    value: 0.5
    unit: mm^2
    source: {locator: Table 1, quote: "0.5 mm2"}
""",
    "bo-hbm-system": """\
id: bo-hbm-system
type: related-work
title: "Example HBM Near-Bank System for Decoding"
people:
  - {name: Bo Example, role: author}
  - {name: Cy Sample, affiliations: [Sample Institute], role: author}
year: 2024
doi: 10.0000/example.2024.1
architecture: [near-bank]
level: [system]
memory: [hbm3]
phases: [decode]
evaluation:
  - {method: cycle-simulation, tool: ramulator2}
challenges: [inter-chip, kv-cache-capacity]
bibtex: |
  @inproceedings{example2024hbm,
    title = {Example HBM Near-Bank System for Decoding},
    author = {Example, Bo and Sample, Cy},
    year = {2024}
  }
metrics:
  - kind: speedup
    value: 3.5
    unit: x
    baseline: Example GPU
    conditions: {model: Example-7B}
    source: {locator: Abstract, quote: "3.5x faster"}
  - kind: energy-efficiency
    value: 800
    unit: GOPS/W
    conditions: {precision: {weights: fp16, activations: fp16}}
    source: {locator: Fig. 9, quote: "800 GOPS/W"}
  - kind: throughput
    range: [100, 200]
    unit: token/s
    source: {locator: Fig. 10, quote: "100 to 200 tokens/s"}
""",
    "cy-gddr6-chip": """\
id: cy-gddr6-chip
type: invited-talk
title: "Sample GDDR6 Accelerator Talk"
people:
  - {name: Cy Sample, affiliations: [Sample Institute], role: speaker}
year: 2022
architecture: [near-bank]
level: [chip]
memory: [gddr6]
evaluation:
  - {method: silicon}
summary: "A talk on attention | pipes and GDDR6."
metrics:
  - kind: energy-efficiency
    value: 1.5
    unit: TOPS/W
    conditions: {precision: {weights: bf16, activations: bf16}, phase: decode}
    source: {locator: Slide 4, quote: "1.5 TOPS/W"}
  - kind: speedup
    value: 2
    unit: x
    baseline: Example GPU
    conditions: {model: Example-7B, phase: decode}
    source: {locator: Slide 5, quote: "2x"}
""",
    "di-sram-fp": """\
id: di-sram-fp
type: poster
title: "Floating Attention Macro in Example SRAM"
people:
  - {name: Di Placeholder, role: presenter}
year: 2024
architecture: [digital-imc]
level: [circuit]
memory: [sram]
precision: {weights: [int4], activations: [int8]}
evaluation:
  - {method: post-layout}
challenges: [floating-point-pim]
metrics:
  - kind: energy-efficiency
    range: [5, 20]
    unit: TOPS/W
    conditions: {precision: {weights: int4, activations: int8}}
    source: {locator: Table 2, quote: "5-20 TOPS/W"}
  - kind: area
    value: 0.2
    unit: mm^2
    source: {locator: Table 2, quote: "0.2 mm2"}
""",
    "ed-pcm-bert": """\
id: ed-pcm-bert
type: related-work
title: "Example PCM Encoder Accuracy Study"
people:
  - {name: Ed Instance, role: author}
year: 2021
architecture: [analog-imc]
memory: [pcm]
evaluation:
  - {method: software-emulation, tool: aihwkit}
challenges: [conductance-drift]
metrics:
  - kind: accuracy
    value: 85
    unit: "%"
    conditions: {model: BERT-base}
    source: {locator: Table 3, quote: "85%"}
""",
}


# Entries whose matching and non-matching metrics of one kind differ (the PIM-GPT case: a large speedup over a
# CPU, a smaller one over a GPU), and precisions the source does or does not pair with a value.
VALUE_ENTRIES = {
    "fay-dram-gpt": """\
id: fay-dram-gpt
type: related-work
title: "Example DRAM PIM for GPT Decoding"
people:
  - {name: Fay Example, role: author}
year: 2023
architecture: [near-bank]
level: [system]
memory: [dram]
evaluation:
  - {method: cycle-simulation, tool: ramulator2}
metrics:
  - kind: speedup
    range: [631, 1074]
    unit: x
    baseline: Example CPU
    source: {locator: Abstract, quote: "631-1074x over CPU", url: "https://example.org/fay#abstract"}
  - kind: speedup
    range: [41, 137]
    unit: x
    baseline: Example A100 GPU
    source: {locator: Abstract, quote: "41-137x over GPU"}
  - kind: energy-efficiency-gain
    range: [320, 602]
    unit: x
    baseline: Example CPU
    source: {locator: Abstract, quote: "320-602x over CPU"}
  - kind: energy-efficiency-gain
    range: [123, 383]
    unit: x
    baseline: Example A100 GPU
    conditions: {notes: "geomean over 8 models"}
    source: {locator: Abstract, quote: "123-383x over GPU"}
""",
    "gus-sram-two-precisions": """\
id: gus-sram-two-precisions
type: related-work
title: "Example SRAM Macro With Two Precisions"
people:
  - {name: Gus Example, role: author}
year: 2021
architecture: [digital-imc]
level: [circuit]
memory: [sram]
precision: {weights: [int4, int8], activations: [int4, int8]}
evaluation:
  - {method: silicon, node_nm: 28}
metrics:
  - kind: energy-efficiency
    range: [11.5, 68.4]
    unit: TOPS/W
    conditions: {notes: "the range spans the 4- and 8-b settings; the ends are not paired with a precision"}
    source: {locator: Abstract, quote: "11.5-68.4 TOPS/W"}
  - kind: area-efficiency
    range: [1, 4]
    unit: TOPS/mm^2
    conditions: {precision: {weights: [int4, int8], activations: [int8]}}
    source: {locator: Table 1, quote: "1-4 TOPS/mm2"}
  - kind: energy-efficiency
    value: 30
    unit: TOPS/W
    conditions: {precision: {weights: int4, activations: int4}, evaluation: silicon}
    source: {locator: Table 1, quote: "30 TOPS/W at 4b"}
""",
    "hal-sram-one-weight": """\
id: hal-sram-one-weight
type: related-work
title: "Example SRAM Macro With One Weight Format"
people:
  - {name: Hal Example, role: author}
year: 2022
architecture: [digital-imc]
level: [circuit]
memory: [sram]
precision: {weights: [int8], activations: [int8, int16]}
evaluation:
  - {method: silicon}
metrics:
  - kind: energy-efficiency
    value: 9
    unit: TOPS/W
    source: {locator: Abstract, quote: "9 TOPS/W"}
""",
}


def make_kb(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """Write the fictional knowledge base (and `extra` entries) into `folder` and return it."""
    shutil.copy(REPO / "taxonomy.yaml", folder / "taxonomy.yaml")
    (folder / "entries").mkdir()
    for entry_id, text in {**ENTRIES, **(extra or {})}.items():
        (folder / "entries" / f"{entry_id}.yaml").write_text(text, encoding="utf-8")
    return folder
