"""The kinds of limit the app's controls and computations have: how each checks, clamps and words a
refusal. The limits themselves (values and defaults) are in `core.config`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntBound:
    """An integer control: inclusive range and default."""

    name: str
    lo: int
    hi: int
    default: int

    def check(self, value: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{self.name} must be a whole number; got {value!r}")
        if not self.lo <= value <= self.hi:
            raise ValueError(
                f"{self.name} must be between {self.lo} and {self.hi} "
                f"(the app's limit); got {value}"
            )
        return value

    def clamp(self, value: int) -> int:
        return min(max(int(value), self.lo), self.hi)


@dataclass(frozen=True)
class FloatBound:
    """A real-valued control: inclusive range and default."""

    name: str
    lo: float
    hi: float
    default: float

    def check(self, value: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValueError(f"{self.name} must be a number; got {value!r}")
        if not self.lo <= value <= self.hi:
            raise ValueError(
                f"{self.name} must be between {self.lo:g} and {self.hi:g} "
                f"(the app's limit); got {value:g}"
            )
        return float(value)

    def clamp(self, value: float) -> float:
        return min(max(float(value), self.lo), self.hi)


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a fixed set of strings."""

    name: str
    options: tuple[str, ...]
    default: str

    def check(self, value: str) -> str:
        if value not in self.options:
            raise ValueError(
                f"{self.name} must be one of {', '.join(self.options)}; got {value!r}"
            )
        return value


@dataclass(frozen=True)
class TextBound:
    """A free-text control: at most `max_len` characters from `allowed` (None: any printable).

    `alphabet` names the allowed characters in words for messages. `clean` never
    raises: it drops characters outside the alphabet and cuts the text at the
    limit, and says what it did in a message that names the limit.
    """

    name: str
    max_len: int
    default: str = ""
    allowed: str | None = None
    alphabet: str = "printable characters"

    def clean(self, raw: str) -> tuple[str, str | None]:
        text = "".join(ch for ch in str(raw) if ch.isprintable() or ch == " ")
        if self.allowed is not None:
            text = "".join(ch for ch in text if ch in self.allowed)
        dropped = len(str(raw)) - len(text)
        cut = len(text) > self.max_len
        text = text[: self.max_len]
        notes = []
        if dropped:
            notes.append(f"{dropped} character{'s' if dropped != 1 else ''} outside {self.alphabet} removed")
        if cut:
            notes.append(f"cut to the limit of {self.max_len} characters for {self.name}")
        return text, ("; ".join(notes) if notes else None)

    def check(self, value: str) -> str:
        text, msg = self.clean(value)
        if msg:
            raise ValueError(f"{self.name}: {msg}")
        return text


@dataclass(frozen=True)
class Estimate:
    """Peak bytes and seconds of one computation, estimated before it runs (not a measurement)."""

    bytes: float
    seconds: float

    def __add__(self, other: "Estimate") -> "Estimate":
        # parts run one after another: times add, the peak is the largest part's
        return Estimate(max(self.bytes, other.bytes), self.seconds + other.seconds)


@dataclass(frozen=True)
class RequestBudget:
    """What one request (one page view's computations) may cost, estimated before anything runs."""

    max_bytes: int = 1024**3
    max_seconds: float = 20.0

    def words(self) -> str:
        return f"{self.max_bytes / 1024**3:g} GiB of memory and {self.max_seconds:g} s"

    def fits(self, est: Estimate) -> bool:
        return est.bytes <= self.max_bytes and est.seconds <= self.max_seconds

    def check(self, what: str, est: Estimate, hint: str = "") -> None:
        """Refuse (BudgetError) when the estimate passes either budget; the message names both."""
        if not self.fits(est):
            raise BudgetError(
                f"{what} would need about {_size(est.bytes)} and {est.seconds:,.0f} s; one request may use "
                f"at most {self.words()} (the app's per-request budget). {hint}".strip())


class BudgetError(ValueError):
    """A computation refused before it ran because its estimate passes the per-request budget."""


def _size(n: float) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,.0f} bytes"
