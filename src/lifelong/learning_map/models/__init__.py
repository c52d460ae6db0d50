"""Tables of learning_map."""

from lifelong.learning_map.models.activities import (
    Activity,
    ActivityKind,
    ActivitySession,
    Booking,
    Event,
    EventKind,
    ExperienceBase,
    ExperienceProject,
    ServiceHours,
    Volunteer,
    VolunteerAssignment,
)
from lifelong.learning_map.models.places import (
    Audience,
    CheckIn,
    Place,
    PlaceKind,
    PlacePhoto,
    Province,
)
from lifelong.learning_map.models.routes import (
    Route,
    RouteStop,
    RouteTheme,
    WalkCourse,
    WalkingCircle,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivitySession",
    "Audience",
    "Booking",
    "CheckIn",
    "Event",
    "EventKind",
    "ExperienceBase",
    "ExperienceProject",
    "Place",
    "PlaceKind",
    "PlacePhoto",
    "Province",
    "Route",
    "RouteStop",
    "RouteTheme",
    "ServiceHours",
    "Volunteer",
    "VolunteerAssignment",
    "WalkCourse",
    "WalkingCircle",
]
