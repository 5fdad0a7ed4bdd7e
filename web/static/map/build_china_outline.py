"""Makes ``china.json`` (GeoJSON) from world-atlas's ``countries-50m.json`` (TopoJSON).

Input: the path of ``countries-50m.json`` from the npm package world-atlas 2.0.2 (ISC licence;
Natural Earth 1:50m Admin 0 countries, public domain). Output: ``china.json`` beside this
script, the outlines of China, Taiwan, Hong Kong and Macao, rounded to 0.01 degree.

Run once, by hand, when the outline should change: ``python build_china_outline.py PATH``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WANTED = {"156": "China", "158": "Taiwan", "344": "Hong Kong", "446": "Macao"}


def decode_arcs(topology: dict) -> list[list[list[float]]]:
    """TopoJSON's delta-encoded, quantized arcs -> lists of [longitude, latitude]."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * sx + tx, 2), round(y * sy + ty, 2)])
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[list[float]]:
    points: list[list[float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share an end point
    return points


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text("utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in WANTED:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[ring(arcs, r) for r in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": WANTED[geometry["id"]]},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    out = Path(__file__).with_name("china.json")
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              separators=(",", ":")), "utf-8")  # fmt: skip
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(features)} areas)")


if __name__ == "__main__":
    main(sys.argv[1])
