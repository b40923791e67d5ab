"""The layer registry: one small declarative spec per layer.

Adding a layer means adding its data file and one :class:`LayerSpec` here; the
loader, the date logic, the snapshot and the renderer all read these specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LayerSpec:
    """What a layer is, where its data lives and how it is drawn.

    Parameters
    ----------
    id
        Stable layer id; also the ``layer`` property in snapshots.
    title
        Name shown beside the layer's toggle and in the legend.
    file
        File name under the data directory.
    geometry
        ``"line"``, ``"point"`` or ``"polygon"``.
    dated
        True when features carry the shared dated schema (``start``/``end``…)
        and are filtered by day; False for layers that stand for the whole period.
    required
        Properties each feature must have besides the shared ones.
    colour_by
        Property whose value picks a colour from ``colours`` (else ``colour``).
    colours
        Value of ``colour_by`` → (colour, legend label).
    colour
        Colour when ``colour_by`` is None.
    weight
        Line width or circle radius in pixels.
    popup_fields
        Extra properties shown in the popup, as (property, label).
    labels
        Show each feature's name as a permanent label (reference towns).
    default_visible
        Whether the layer is on when the page opens.
    toggle
        Whether the user can switch it off (the country backdrop cannot).

    """

    id: str
    title: str
    file: str
    geometry: str
    dated: bool
    required: tuple[str, ...] = ()
    colour_by: str | None = None
    colours: dict[str, tuple[str, str]] = field(default_factory=dict)
    colour: str = "#333333"
    weight: float = 3.0
    popup_fields: tuple[tuple[str, str], ...] = ()
    labels: bool = False
    default_visible: bool = True
    toggle: bool = True


COUNTRIES = LayerSpec(
    id="countries",
    title="Countries",
    file="countries.geojson",
    geometry="polygon",
    dated=False,
    required=("id", "iso_a2", "name", "role", "sources"),
    toggle=False,
)

BORDER_SEGMENTS = LayerSpec(
    id="border_segments",
    title="Belarus's borders",
    file="border_segments.geojson",
    geometry="line",
    dated=False,
    required=(
        "id",
        "layer",
        "name",
        "countries",
        "length_km",
        "official_length_km",
        "geo_precision",
        "sources",
        "notes",
    ),
    colour_by="countries",
    colours={
        "BY-PL": ("#c62828", "Belarus–Poland (EU)"),
        "BY-LT": ("#ef6c00", "Belarus–Lithuania (EU)"),
        "BY-LV": ("#6a1b9a", "Belarus–Latvia (EU)"),
        "BY-UA": ("#1565c0", "Belarus–Ukraine"),
        "BY-RU": ("#546e7a", "Belarus–Russia"),
    },
    weight=3.5,
    popup_fields=(("length_km", "Length of this line (km)"), ("official_length_km", "Official length (km)")),
)

TOWNS = LayerSpec(
    id="towns",
    title="Reference towns",
    file="towns.geojson",
    geometry="point",
    dated=False,
    required=("id", "name", "country", "sources"),
    colour="#212121",
    weight=4.0,
    labels=True,
)

EVENTS = LayerSpec(
    id="events",
    title="Events (on their day)",
    file="events.geojson",
    geometry="point",
    dated=True,
    required=("category",),
    colour_by="category",
    colours={
        "political": ("#6d4c41", "Political"),
        "border": ("#d81b60", "At the border"),
        "humanitarian": ("#00897b", "Humanitarian"),
        "aviation": ("#3949ab", "Aviation"),
        "sanctions": ("#5d4037", "Sanctions"),
        "legal": ("#455a64", "Legal"),
    },
    weight=8.0,
    popup_fields=(("category", "Category"),),
)

#: Every layer, drawn in this order (bottom first).
REGISTRY: tuple[LayerSpec, ...] = (COUNTRIES, BORDER_SEGMENTS, TOWNS, EVENTS)
LAYERS: dict[str, LayerSpec] = {spec.id: spec for spec in REGISTRY}


def toggleable() -> list[LayerSpec]:
    """Layers the user can switch on and off, in drawing order."""
    return [spec for spec in REGISTRY if spec.toggle]
