"""A structural validator for GPX 1.1 (https://www.topografix.com/GPX/1/1/gpx.xsd).

The schema file cannot be downloaded here and no installed package ships it, so this checks,
with the standard library's ElementTree, the rules of that schema that our documents can
break: the root element and namespace, the required `version="1.1"` and `creator`
attributes, the order and multiplicity of `gpxType`'s children (metadata?, wpt*, rte*, trk*,
extensions?), of `metadataType`, `rteType` and `wptType`, the required `lat`/`lon` attributes
with the ranges of `latitudeType` [-90, 90] and `longitudeType` [-180, 180), `href` on
`linkType`, and that `number` is a non-negative integer. Unknown elements in the GPX
namespace are errors, as they are for the schema (only `extensions` may hold foreign ones).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

NS = "http://www.topografix.com/GPX/1/1"

GPX_ORDER = ["metadata", "wpt", "rte", "trk", "extensions"]
GPX_MAX = {"metadata": 1, "extensions": 1}
METADATA_ORDER = [
    "name",
    "desc",
    "author",
    "copyright",
    "link",
    "time",
    "keywords",
    "bounds",
    "extensions",
]
METADATA_MAX = {n: 1 for n in METADATA_ORDER if n != "link"}
RTE_ORDER = ["name", "cmt", "desc", "src", "link", "number", "type", "extensions", "rtept"]
RTE_MAX = {n: 1 for n in RTE_ORDER if n not in ("link", "rtept")}
WPT_ORDER = [
    "ele",
    "time",
    "magvar",
    "geoidheight",
    "name",
    "cmt",
    "desc",
    "src",
    "link",
    "sym",
    "type",
    "fix",
    "sat",
    "hdop",
    "vdop",
    "pdop",
    "ageofdgpsdata",
    "dgpsid",
    "extensions",
]
WPT_MAX = {n: 1 for n in WPT_ORDER if n != "link"}


class GpxInvalid(Exception):
    pass


def _local(el: ET.Element) -> str:
    if not el.tag.startswith("{" + NS + "}"):
        raise GpxInvalid(f"element {el.tag} is not in the GPX 1.1 namespace")
    return el.tag.split("}", 1)[1]


def _sequence(parent: ET.Element, order: list[str], maxima: dict[str, int], where: str) -> None:
    last = -1
    seen: dict[str, int] = {}
    for child in parent:
        name = _local(child)
        if name not in order:
            raise GpxInvalid(f"{where}: unexpected element {name}")
        index = order.index(name)
        if index < last:
            raise GpxInvalid(f"{where}: {name} out of order")
        last = index
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > maxima.get(name, 10**9):
            raise GpxInvalid(f"{where}: too many {name}")


def _point(el: ET.Element, where: str) -> None:
    for attr in ("lat", "lon"):
        if attr not in el.attrib:
            raise GpxInvalid(f"{where}: missing {attr}")
    lat, lon = float(el.attrib["lat"]), float(el.attrib["lon"])
    if not -90.0 <= lat <= 90.0:
        raise GpxInvalid(f"{where}: lat {lat} outside latitudeType")
    if not -180.0 <= lon < 180.0:
        raise GpxInvalid(f"{where}: lon {lon} outside longitudeType")
    _sequence(el, WPT_ORDER, WPT_MAX, where)
    _links(el, where)


def _links(el: ET.Element, where: str) -> None:
    for link in el.findall(f"{{{NS}}}link"):
        if "href" not in link.attrib:
            raise GpxInvalid(f"{where}: link without href")
        _sequence(link, ["text", "type"], {"text": 1, "type": 1}, f"{where}/link")


def validate(document: bytes) -> ET.Element:
    """Parse and check a GPX 1.1 document; raise GpxInvalid naming the first problem."""
    root = ET.fromstring(document)
    if root.tag != f"{{{NS}}}gpx":
        raise GpxInvalid(f"root element is {root.tag}, not gpx in the GPX 1.1 namespace")
    if root.attrib.get("version") != "1.1":
        raise GpxInvalid("version must be 1.1")
    if not root.attrib.get("creator"):
        raise GpxInvalid("creator is required")
    _sequence(root, GPX_ORDER, GPX_MAX, "gpx")
    metadata = root.find(f"{{{NS}}}metadata")
    if metadata is not None:
        _sequence(metadata, METADATA_ORDER, METADATA_MAX, "metadata")
        _links(metadata, "metadata")
    for i, wpt in enumerate(root.findall(f"{{{NS}}}wpt")):
        _point(wpt, f"wpt[{i}]")
    for i, rte in enumerate(root.findall(f"{{{NS}}}rte")):
        _sequence(rte, RTE_ORDER, RTE_MAX, f"rte[{i}]")
        _links(rte, f"rte[{i}]")
        number = rte.find(f"{{{NS}}}number")
        if number is not None and not (number.text or "").isdigit():
            raise GpxInvalid(f"rte[{i}]: number must be a non-negative integer")
        for j, pt in enumerate(rte.findall(f"{{{NS}}}rtept")):
            _point(pt, f"rte[{i}]/rtept[{j}]")
    return root
