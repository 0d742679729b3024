"""The shipped results of attention's price: what the page paints before it measures anything.

`assets/price/cpu_default.json` holds the page's default sweeps measured on the
CPU this app was built on, by `python -m core.price --out assets/price/cpu_default.json`
(its README says how). The file records the command, the device, torch's
version, the threads, the date, the load average before and after, and a
`stable` flag per point; `load` returns it as DataFrames and an EdgeResult.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.assets import ASSETS
from core.price.costs import EdgeResult

SCHEMA = "price-result/1"
PRICE_ASSETS = ASSETS / "price"
DEFAULT = PRICE_ASSETS / "cpu_default.json"


@dataclass(frozen=True)
class Shipped:
    meta: dict
    specs: dict                    # section → the spec dict it was measured with
    memory: pd.DataFrame
    crossover: pd.DataFrame
    stream: pd.DataFrame
    edge: EdgeResult
    stopped: dict                  # section → stop reasons

    def matches(self, section: str, spec: dict, keys: tuple[str, ...]) -> bool:
        """Was `section` measured with the same values of `keys` as `spec` (so it is a fair reference)?"""
        mine = self.specs.get(section, {})
        return all(mine.get(k) == spec.get(k) for k in keys)

    @property
    def where(self) -> str:
        m = self.meta
        return (f"{m['device']}, {m['threads']} thread{'s' if m['threads'] != 1 else ''}, torch {m['torch']}, "
                f"{m['date'][:10]}, load average {m['loadavg_before'][0]:.2f} → {m['loadavg_after'][0]:.2f} "
                f"on {m['cores']} cores")


def load(path: Path = DEFAULT) -> Shipped:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if raw.get("schema") != SCHEMA:
        raise ValueError(f"{Path(path).name} is not a {SCHEMA} file")
    e = raw["edge"]
    edge = EdgeResult(e["layers"], e["hidden"], e["inputs"], e["params"], e["params_torch"], e["median_s"],
                      e["p25_s"], e["p75_s"], e["threads"])
    return Shipped(raw["meta"], raw["specs"], pd.DataFrame(raw["memory"]), pd.DataFrame(raw["crossover"]),
                   pd.DataFrame(raw["stream"]), edge, raw.get("stopped", {}))
