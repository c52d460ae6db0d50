"""Tables of catalog: resources and their units, enrolment and progress, the points ledger
and badges, and resource delivery to community schools."""

from lifelong.catalog.models.delivery import DeliveryEvent, DeliveryItem, DeliveryRequest
from lifelong.catalog.models.incentives import (
    Badge,
    BadgeAward,
    LeaderboardOptIn,
    LearningDay,
    PointsEntry,
)
from lifelong.catalog.models.learning import Certificate, Enrolment, UnitProgress
from lifelong.catalog.models.resources import (
    AUDIENCES,
    Audience,
    Category,
    CourseRun,
    Kind,
    Resource,
    ReviewEvent,
    Status,
    Unit,
    UnitKind,
)
from lifelong.catalog.models.search import Field, SearchIndexState, SearchPosting

__all__ = [
    "AUDIENCES",
    "Audience",
    "Badge",
    "BadgeAward",
    "Category",
    "Certificate",
    "CourseRun",
    "DeliveryEvent",
    "DeliveryItem",
    "DeliveryRequest",
    "Enrolment",
    "Field",
    "Kind",
    "LeaderboardOptIn",
    "LearningDay",
    "PointsEntry",
    "Resource",
    "ReviewEvent",
    "SearchIndexState",
    "SearchPosting",
    "Status",
    "Unit",
    "UnitKind",
    "UnitProgress",
]
