from django.db.models import QuerySet

from connections import graph
from privacy.models import DataExport
from profiles.models import User


def latest_export(member: User) -> DataExport | None:
    return DataExport.objects.filter(member=member).order_by("-created_at", "-id").first()


def recent_exports(member: User, limit: int = 5) -> QuerySet[DataExport]:
    return DataExport.objects.filter(member=member).order_by("-created_at", "-id")[:limit]


def connection_count(member: User) -> int:
    return graph.connection_count(member.pk)
