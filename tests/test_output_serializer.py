"""common.api.OutputSerializer: DRF's rendering, with plain fields copied shallowly."""

from rest_framework import serializers

from common.api import OutputSerializer


class _Child(OutputSerializer):
    name = serializers.CharField()
    whose = serializers.SerializerMethodField()

    def get_whose(self, row: dict) -> str:
        return f"{self.context['viewer']}:{row['name']}"


class _Parent(OutputSerializer):
    id = serializers.IntegerField()
    when = serializers.DateTimeField(source="at")
    tags = serializers.ListField(child=serializers.CharField())
    one = _Child()
    several = _Child(many=True)


class _PlainChild(serializers.Serializer):
    name = serializers.CharField()
    whose = serializers.SerializerMethodField()

    def get_whose(self, row: dict) -> str:
        return f"{self.context['viewer']}:{row['name']}"


class _PlainParent(serializers.Serializer):
    id = serializers.IntegerField()
    when = serializers.DateTimeField(source="at")
    tags = serializers.ListField(child=serializers.CharField())
    one = _PlainChild()
    several = _PlainChild(many=True)


def _row(i: int) -> dict:
    from datetime import UTC, datetime

    return {
        "id": i,
        "at": datetime(2026, 1, i, tzinfo=UTC),
        "tags": ["a", str(i)],
        "one": {"name": f"one{i}"},
        "several": [{"name": f"m{i}"}, {"name": f"n{i}"}],
    }


def test_renders_as_drfs_own_each_with_its_own_context():
    rows = [_row(1), _row(2)]
    for viewer in ("alice", "bob"):
        ours = _Parent(rows, many=True, context={"viewer": viewer}).data
        drfs = _PlainParent(rows, many=True, context={"viewer": viewer}).data
        assert ours == drfs
        assert ours[1]["several"][1]["whose"] == f"{viewer}:n2"
        assert ours[0]["when"] == "2026-01-01T00:00:00Z"


def test_the_declared_fields_stay_unbound():
    _Parent(_row(3), context={"viewer": "carol"}).data  # noqa: B018 (rendering is the test)
    for field in _Parent._declared_fields.values():
        assert getattr(field, "parent", None) is None
        assert getattr(field, "field_name", None) is None
