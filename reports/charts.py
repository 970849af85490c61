"""Bar charts drawn on the server as SVG: no script to load, readable by screen readers
(each chart has a title and a data table beside it), allowed by a strict CSP."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | str  # as published: a hidden figure ("<5", "x") has no bar
    x: float
    y: float
    width: float
    height: float


def bar_chart(series: list[tuple[str, int | str]], *, width: int = 640, height: int = 200) -> dict:
    top = max((value for _label, value in series if isinstance(value, int)), default=0) or 1
    slot = width / max(len(series), 1)
    bars = []
    for index, (label, value) in enumerate(series):
        bar_height = (height - 20) * value / top if isinstance(value, int) else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + slot * 0.15, 1),
                y=round(height - 20 - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
            )
        )
    return {"bars": bars, "width": width, "height": height, "baseline": height - 20}
