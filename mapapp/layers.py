"""The layer registry: one small declarative spec per layer.

Adding a layer means adding its data file and one :class:`LayerSpec` here; the
loader, the date logic, the snapshot and the renderer all read these specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Where the features of the border layers can be (lon/lat box): Belarus, its
#: neighbours and the EU states around them. A point outside it is a mistake
#: (swapped coordinates, a wrong sign), not a place of this crisis.
NEAR_REGION = (12.0, 45.0, 42.0, 62.0)
#: The wider region of flights and decisions: Europe to the Gulf and Central Asia.
WIDE_REGION = (-12.0, 10.0, 75.0, 72.0)


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
    allowed
        Property → the values it may take (checked where data enters).
    numbers
        Properties that hold a number ≥ 0 or null (unknown).
    series
        Property holding a dated list → the number each item carries
        (``progress`` → ``built_km``, ``counts`` → ``people``); ``closures``
        maps to "" (items are periods, not numbers).
    day_dependent
        True when a feature's look changes from day to day even though the
        feature stands for the whole period (a crossing's closures).
    region
        ``(min_lon, min_lat, max_lon, max_lat)`` every coordinate must lie in.
    dates
        Properties that hold an ISO date (``YYYY-MM-DD``) or null.
    positive
        Properties that must hold a finite number > 0 (never null).
    min_features
        The fewest features the file may have (the backdrop cannot be empty).
    on_day
        What a feature becomes on a given day, computed by
        :data:`mapapp.snapshot.ON_DAY` (``"fence"``: the length built,
        ``"camp"``: the latest count, ``"crossing"``: open or closed), or None.
    day_properties
        The properties :data:`on_day` adds; the compiled timeline carries them
        per day and the browser draws from them.
    size_by
        Property whose number sizes a point (area grows with it), or None.
    width_by
        Property whose number sets a line's width, or None.
    arrows
        Draw a chevron along each line (direction of travel).
    built_by
        Property giving the length (km) of a line standing on the day; the
        rest of the planned line (``planned_km``) is drawn dashed.
    legend_note
        A line for the legend while the layer has features on the map.
    simplify
        Display simplification of lines and areas, in degrees.

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
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    series: dict[str, str] = field(default_factory=dict)
    day_dependent: bool = False
    region: tuple[float, float, float, float] = NEAR_REGION
    dates: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    min_features: int = 0
    on_day: str | None = None
    day_properties: tuple[str, ...] = ()
    size_by: str | None = None
    width_by: str | None = None
    arrows: bool = False
    built_by: str | None = None
    legend_note: str = ""
    simplify: float = 0.0006


COUNTRIES = LayerSpec(
    id="countries",
    title="Countries",
    file="countries.geojson",
    geometry="polygon",
    dated=False,
    required=("id", "iso_a2", "name", "role", "sources"),
    toggle=False,
    min_features=1,
)

#: EU states whose borders with Belarus the crisis layers cover, with their colours.
EU_COLOURS = {
    "PL": ("#c62828", "Poland"),
    "LT": ("#ef6c00", "Lithuania"),
    "LV": ("#6a1b9a", "Latvia"),
}

EMERGENCY_ZONES = LayerSpec(
    id="emergency_zones",
    title="Emergency zones",
    file="emergency_zones.geojson",
    geometry="polygon",
    dated=True,
    required=("country", "regime", "extent"),
    colour_by="country",
    colours=dict(EU_COLOURS),
    allowed={"country": tuple(EU_COLOURS)},
    popup_fields=(("regime", "Regime"), ("extent", "Area")),
    legend_note="Zones with dashed edges: approximate outline",
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

FENCES = LayerSpec(
    id="fences",
    title="Fences and barriers",
    file="fences.geojson",
    geometry="line",
    dated=True,
    required=("country", "kind", "planned_km", "progress"),
    colour_by="kind",
    colours={
        "razor_wire": ("#455a64", "Razor wire (concertina)"),
        "steel_wall": ("#111111", "Steel wall"),
        "mesh_fence": ("#4e342e", "Mesh fence"),
        "electronic_barrier": ("#00838f", "Electronic barrier"),
    },
    allowed={"country": tuple(EU_COLOURS)},
    numbers=("planned_km",),
    positive=("planned_km",),
    series={"progress": "built_km"},
    weight=6.0,
    on_day="fence",
    day_properties=("built_km", "built_km_interpolated", "built_km_basis", "built_km_sources"),
    built_by="built_km",
    legend_note="Fences: solid = standing on this day, dashed = planned, not yet built",
    # Cut again at every day: drawn a little coarser.
    simplify=0.0012,
    popup_fields=(
        ("country", "Country"),
        ("planned_km", "Planned length (km)"),
        ("built_km", "Standing on this day (km)"),
        ("built_km_basis", "How the figure is known"),
    ),
)

FLIGHT_ROUTES = LayerSpec(
    id="flight_routes",
    title="Flights into Minsk",
    file="flight_routes.geojson",
    geometry="line",
    dated=True,
    required=(
        "origin_iata",
        "origin_name",
        "destination_iata",
        "destination_name",
        "airline",
        "flights_per_week",
        "direction",
        "status",
    ),
    colour_by="status",
    colours={
        "scheduled": ("#1565c0", "Scheduled route"),
        "restricted": ("#8e24aa", "Nationality ban on the route"),
        "suspended": ("#9e9e9e", "Suspended"),
        "diverted": ("#d81b60", "Diverted flight (FR4978)"),
        "repatriation": ("#2e7d32", "Repatriation flight from Minsk"),
    },
    allowed={"direction": ("inbound", "outbound")},
    numbers=("flights_per_week",),
    weight=2.5,
    width_by="flights_per_week",
    arrows=True,
    legend_note="Routes: width = flights per week, chevron = direction of flight",
    region=WIDE_REGION,
    popup_fields=(
        ("airline", "Airline"),
        ("origin_name", "From"),
        ("destination_name", "To"),
        ("flights_per_week", "Flights per week"),
        ("direction", "Direction"),
        ("status", "Status"),
    ),
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

CROSSINGS = LayerSpec(
    id="crossings",
    title="Border crossings",
    file="crossings.geojson",
    geometry="point",
    dated=False,
    required=("id", "layer", "name", "country", "kind", "geo_precision", "closures", "sources", "notes"),
    colour_by="status",
    colours={
        "open": ("#2e7d32", "Crossing open"),
        "closed": ("#b71c1c", "Crossing closed"),
    },
    allowed={"country": tuple(EU_COLOURS), "kind": ("road", "rail", "road and rail")},
    series={"closures": ""},
    day_dependent=True,
    weight=6.0,
    on_day="crossing",
    day_properties=("status", "status_note", "status_sources"),
    popup_fields=(("kind", "Kind"), ("status", "On this day"), ("status_note", "Why")),
)

CAMPS = LayerSpec(
    id="camps",
    title="Camps and centres",
    file="camps.geojson",
    geometry="point",
    dated=True,
    required=("kind", "country", "people", "people_date", "counts"),
    colour_by="kind",
    colours={
        "makeshift_camp": ("#e53935", "Makeshift camp / gathering point"),
        "logistics_centre": ("#fb8c00", "Logistics centre (Belarus)"),
        "reception_centre": ("#43a047", "Reception / registration centre"),
        "detention_centre": ("#5e35b1", "Guarded / detention centre"),
    },
    allowed={"country": ("BY", *EU_COLOURS)},
    numbers=("people",),
    dates=("people_date",),
    series={"counts": "people"},
    weight=7.0,
    on_day="camp",
    day_properties=("people_on_day", "people_on_day_date", "people_on_day_sources"),
    size_by="people_on_day",
    legend_note="Camps: circle size = people counted (small: no count)",
    popup_fields=(
        ("kind_label", "Kind"),
        ("country", "Country"),
        ("people_on_day", "People (latest count by this day)"),
        ("people_peak", "Largest count (other estimates below)"),
    ),
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
        "humanitarian": ("#00897b", "Humanitarian, deaths"),
        "aviation": ("#3949ab", "Aviation"),
        "sanctions": ("#f9a825", "Sanctions"),
        "legal": ("#455a64", "Legal"),
    },
    weight=8.0,
    region=WIDE_REGION,
    popup_fields=(("category", "Category"),),
)

#: Every layer, drawn in this order (bottom first).
REGISTRY: tuple[LayerSpec, ...] = (
    COUNTRIES,
    EMERGENCY_ZONES,
    BORDER_SEGMENTS,
    FENCES,
    FLIGHT_ROUTES,
    TOWNS,
    CROSSINGS,
    CAMPS,
    EVENTS,
)
LAYERS: dict[str, LayerSpec] = {spec.id: spec for spec in REGISTRY}


def toggleable() -> list[LayerSpec]:
    """Layers the user can switch on and off, in drawing order."""
    return [spec for spec in REGISTRY if spec.toggle]


def is_static(spec: LayerSpec) -> bool:
    """True for layers that look the same on every day (served once as files)."""
    return not spec.dated and not spec.day_dependent
