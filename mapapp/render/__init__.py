"""Rendering: layer specs and frames in, what the browser draws out.

One module per concept: :mod:`~mapapp.render.text` (escaping, links, data
in scripts), :mod:`~mapapp.render.style` (colours, sizes, dashes),
:mod:`~mapapp.render.popup` (popups and tooltips),
:mod:`~mapapp.render.features` (display geometry),
:mod:`~mapapp.render.legend` and :mod:`~mapapp.render.basemap`. Renderers
never filter by date and never change their input.
"""
