"""The spatial pre-filter: a fixed grid of 0.01° cells, one indexed integer per place.

Nearest-place search works on SQLite and PostgreSQL alike without PostGIS. It reads the cells
in a square around the query point, growing the square until it holds k places that are
provably nearer than anything outside it, then ranks those exactly by haversine distance.

Why that is exact: `lifelong.shared.geo.bounding_box(center, r)` is the smallest lat/lon box
holding every point within r metres. So if that box for some r fits inside the searched
square, every place outside the square is farther than r; `safe_radius_m` computes the largest
such r (inverting the box's formulas). Once k candidates lie within it, no place outside can
enter the top k.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lifelong.shared.geo import EARTH_MEAN_RADIUS_M

CELL_DEG = 0.01
# A cell key is row * ROW_STRIDE + col; cols run 0..36000, so rows never overlap.
ROW_STRIDE = 100_000
MAX_ROW = int(180 / CELL_DEG) - 1
MAX_COL = int(360 / CELL_DEG) - 1
# Floating-point slack on the square's edges, in metres (far below any distance we show).
_EDGE_SLACK_M = 0.001


def cell_row(lat: float) -> int:
    return min(MAX_ROW, max(0, math.floor((lat + 90.0) / CELL_DEG)))


def cell_col(lng: float) -> int:
    return min(MAX_COL, max(0, math.floor((lng + 180.0) / CELL_DEG)))


def cell_for(lat: float, lng: float) -> int:
    """The grid key stored in `Place.cell`."""
    return cell_row(lat) * ROW_STRIDE + cell_col(lng)


@dataclass(frozen=True)
class Square:
    """A block of whole cells: rows row0..row1 and cols col0..col1, inclusive."""

    row0: int
    row1: int
    col0: int
    col1: int

    def key_ranges(self) -> list[tuple[int, int]]:
        """One contiguous key range per row: what an indexed `cell BETWEEN a AND b` reads."""
        return [
            (row * ROW_STRIDE + self.col0, row * ROW_STRIDE + self.col1)
            for row in range(self.row0, self.row1 + 1)
        ]

    @property
    def clipped(self) -> bool:
        """Whether the square ran into the poles or the 180° meridian (then the search falls
        back to a full scan rather than reason about wrapping)."""
        return self.row0 <= 0 or self.row1 >= MAX_ROW or self.col0 <= 0 or self.col1 >= MAX_COL


def square_around(lat: float, lng: float, rings: int) -> Square:
    row, col = cell_row(lat), cell_col(lng)
    return Square(
        row0=max(0, row - rings),
        row1=min(MAX_ROW, row + rings),
        col0=max(0, col - rings),
        col1=min(MAX_COL, col + rings),
    )


def square_for_box(min_lat: float, min_lng: float, max_lat: float, max_lng: float) -> Square:
    return Square(
        row0=cell_row(min_lat),
        row1=cell_row(max_lat),
        col0=cell_col(min_lng),
        col1=cell_col(max_lng),
    )


def safe_radius_m(lat: float, lng: float, square: Square) -> float:
    """The largest r such that every point within r metres of (lat, lng) lies in the square."""
    south = square.row0 * CELL_DEG - 90.0
    north = (square.row1 + 1) * CELL_DEG - 90.0
    west = square.col0 * CELL_DEG - 180.0
    east = (square.col1 + 1) * CELL_DEG - 180.0
    d_lat_deg = min(lat - south, north - lat)
    d_lng_deg = min(lng - west, east - lng)
    if d_lat_deg <= 0 or d_lng_deg <= 0:
        return 0.0
    # Latitude: the box spans r / R radians either side.
    r_lat = math.radians(d_lat_deg) * EARTH_MEAN_RADIUS_M
    # Longitude: the box spans asin(sin(r / R) / cos φ) either side; invert for r.
    cos_lat = math.cos(math.radians(lat))
    sin_arg = min(1.0, math.sin(min(math.radians(d_lng_deg), math.pi / 2)) * cos_lat)
    r_lng = math.asin(sin_arg) * EARTH_MEAN_RADIUS_M
    return max(0.0, min(r_lat, r_lng) - _EDGE_SLACK_M)
