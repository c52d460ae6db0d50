"""A route as GPX 1.1 and as GeoJSON: the stops as waypoints/points and the walk itself as a
route/line, in WGS-84 (what both formats require)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from lifelong.learning_map.models import Route

GPX_NS = "http://www.topografix.com/GPX/1/1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GPX_SCHEMA_LOCATION = f"{GPX_NS} http://www.topografix.com/GPX/1/1/gpx.xsd"
CREATOR = "Lifelong 上海市民终身学习 learning map"


def _coord(value: float) -> str:
    # Seven decimals is about a centimetre: more would only claim precision we do not have.
    return f"{value:.7f}"


def route_gpx(route: Route, *, site: str = "") -> bytes:
    """The route as a GPX 1.1 document: one `wpt` per stop, then one `rte` through them, in
    the element order the schema demands."""
    ET.register_namespace("", GPX_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(
        f"{{{GPX_NS}}}gpx",
        {"version": "1.1", "creator": CREATOR, f"{{{XSI_NS}}}schemaLocation": GPX_SCHEMA_LOCATION},
    )
    metadata = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    ET.SubElement(metadata, f"{{{GPX_NS}}}name").text = route.name
    if route.description:
        ET.SubElement(metadata, f"{{{GPX_NS}}}desc").text = route.description
    if site:
        link = ET.SubElement(
            metadata, f"{{{GPX_NS}}}link", {"href": f"{site}/map/routes/{route.pk}/"}
        )
        ET.SubElement(link, f"{{{GPX_NS}}}text").text = route.name
    stops = list(route.stops.all())
    for stop in stops:
        wpt = ET.SubElement(
            root, f"{{{GPX_NS}}}wpt", {"lat": _coord(stop.place.lat), "lon": _coord(stop.place.lng)}
        )
        ET.SubElement(wpt, f"{{{GPX_NS}}}name").text = f"{stop.position}. {stop.place.name}"
        if stop.note:
            ET.SubElement(wpt, f"{{{GPX_NS}}}desc").text = stop.note
    rte = ET.SubElement(root, f"{{{GPX_NS}}}rte")
    ET.SubElement(rte, f"{{{GPX_NS}}}name").text = route.name
    ET.SubElement(
        rte, f"{{{GPX_NS}}}desc"
    ).text = f"{route.get_theme_display()} · {route.length_m} m · {route.duration_minutes} min"
    ET.SubElement(rte, f"{{{GPX_NS}}}number").text = str(route.pk)
    for stop in stops:
        rtept = ET.SubElement(
            rte,
            f"{{{GPX_NS}}}rtept",
            {"lat": _coord(stop.place.lat), "lon": _coord(stop.place.lng)},
        )
        ET.SubElement(rtept, f"{{{GPX_NS}}}name").text = stop.place.name
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def route_geojson(route: Route) -> dict:
    """The route as a GeoJSON FeatureCollection (RFC 7946: [longitude, latitude] order): one
    LineString for the walk, one Point per stop."""
    stops = list(route.stops.all())
    line = {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[s.place.lng, s.place.lat] for s in stops],
        },
        "properties": {
            "id": route.pk,
            "name": route.name,
            "theme": route.theme,
            "audience": route.audience,
            "length_m": route.length_m,
            "duration_minutes": route.duration_minutes,
        },
    }
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [s.place.lng, s.place.lat]},
            "properties": {
                "position": s.position,
                "place_id": s.place_id,
                "name": s.place.name,
                "kind": s.place.kind,
                "note": s.note,
            },
        }
        for s in stops
    ]
    return {"type": "FeatureCollection", "features": [line, *points]}
