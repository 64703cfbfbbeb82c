"""The API base class owns authentication, permission and scoping; subclasses cannot take them
over by accident."""

import pytest
from django.urls import get_resolver

from api.base import PROTECTED_ATTRIBUTES, BridgeAPIView, CaseNestedAPIView
from casework.models import Case


@pytest.mark.parametrize("name", sorted(PROTECTED_ATTRIBUTES))
def test_subclass_redefining_a_protected_attribute_is_refused(name):
    with pytest.raises(TypeError, match=f"redefines {name}"):
        type("Sneaky", (BridgeAPIView,), {"__module__": "api.views.sneaky", name: None})


def test_nested_case_views_cannot_override_the_case_lookup():
    with pytest.raises(TypeError, match="redefines case_access"):
        type("Sneaky", (CaseNestedAPIView,), {"__module__": "api.views.sneaky", "case_access": None})


def test_subclass_scoping_through_scoped_queryset_is_accepted():
    view = type(
        "Fine",
        (BridgeAPIView,),
        {"__module__": "api.views.fine", "model": Case, "scoped_queryset": lambda self: None},
    )

    assert issubclass(view, BridgeAPIView)


def _api_v1_views():
    """Every view class routed under /api/v1/, except drf-spectacular's schema and docs views."""
    (api_v1,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"]
    views = {pattern.callback.view_class for pattern in api_v1.url_patterns}
    return sorted(
        (view for view in views if not view.__module__.startswith("drf_spectacular.")),
        key=lambda cls: cls.__name__,
    )


def test_every_api_endpoint_is_built_on_the_base_class():
    views = _api_v1_views()

    assert len(views) == 101
    assert [view.__name__ for view in views if not issubclass(view, BridgeAPIView)] == []


def test_only_the_token_endpoint_allows_anonymous_callers():
    anonymous = {view.__name__: view.dangerously_allow_anonymous_methods for view in _api_v1_views()}

    assert {name: methods for name, methods in anonymous.items() if methods} == {
        "TokenView": frozenset({"POST"})
    }
