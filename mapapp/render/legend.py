"""The legend: what each colour and symbol on the map means.

The browser shows only what is on the map on the day (see ``legend`` in
``mapapp/static/timemap.js``); this module says what there is to show.
"""

from __future__ import annotations

from mapapp.layers import LayerSpec

#: Notes for points whose place is known only roughly (a point's ``geo_precision``).
PRECISION_NOTES = {
    "approximate": "Dashed ring: approximate location",
    "region": "Dotted circle (25 km): only the region is known (see the popup)",
}

#: The swatch drawn for each kind of geometry.
SWATCHES = {"line": "line", "point": "dot", "polygon": "area"}


def legend_of(spec: LayerSpec) -> dict:
    """What the legend can say about a layer.

    Parameters
    ----------
    spec
        The layer.

    Returns
    -------
    dict
        ``title``; ``swatch`` (line, dot or area); ``entries`` as
        ``[key, colour, label]``, where ``key`` is the value of the layer's
        ``colour_by`` property (an entry is shown only while a feature with
        that value is on the map; "" for a layer of one colour); and ``note``,
        shown while the layer has features on the map (for a layer with
        ``built_by``, while a line on the map is not yet fully built).
    """
    if spec.colours:
        entries = [[key, colour, label] for key, (colour, label) in spec.colours.items()]
    else:
        entries = [["", spec.colour, spec.title]]
    return {
        "title": spec.title,
        "swatch": SWATCHES[spec.geometry],
        "entries": entries,
        "note": spec.legend_note,
    }
