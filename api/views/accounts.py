"""Signing in, the caller, agencies and their members."""

from math import ceil

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.access import may_list_members
from agencies.models import Agency, User
from agencies.selectors import agency_members
from agencies.services import agency_create, user_create, user_language_set
from api.authentication import (
    AccountLocked,
    MfaEnrolmentRequired,
    mfa_enabled,
    second_factor_satisfied,
    token_expired,
)
from api.base import BridgeAPIView
from api.filters import AgencyFilter, UserFilter
from api.serializers.people import (
    AgencyCreateSerializer,
    AgencySerializer,
    MeSerializer,
    MeUpdateSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
)
from audit.services import audit_record
from common.errors import PermissionDenied, ValidationFailed
from security.lockout import (
    FailureReason,
    locked_until,
    lockout_message,
    login_failure_register,
    login_success_register,
)
from security.throttling import SignInAddressRateThrottle, SignInRateThrottle, UserRateThrottle

SIGN_IN_FAILED = _("Unable to sign in with these credentials.")


class TokenView(BridgeAPIView):
    """Obtain an API token with a username and password (and the one-time code of the user's
    second factor, once they have one), or revoke the caller's token.

    Every failure counts toward the username's lockout, a missing or wrong code included (or a
    right password with no code would be a guessing oracle that never locks). While locked the
    answer is 429 with Retry-After, whatever was sent. Tokens last BRIDGE_TOKEN_MAX_HOURS."""

    dangerously_allow_anonymous_methods = frozenset({"POST"})
    pagination_class = None
    filter_backends = ()
    # Not the general per-address limit for anonymous requests: a whole office or an integrating
    # server signs in from one address.
    throttle_classes = (SignInRateThrottle, SignInAddressRateThrottle, UserRateThrottle)

    @extend_schema(
        operation_id="auth_token_obtain",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        username = data["username"]
        user = authenticate(request._request, username=username, password=data["password"])
        if not isinstance(user, User) or not user.is_active:
            # `authenticate` reported the failure (security.receivers counted it).
            _refuse_if_locked(username)
            raise AuthenticationFailed(SIGN_IN_FAILED)
        if settings.BRIDGE_MFA_REQUIRED and not mfa_enabled(user):
            raise MfaEnrolmentRequired()
        if not second_factor_satisfied(user=user, otp=data.get("otp", "")):
            login_failure_register(username=user.username, reason=FailureReason.SECOND_FACTOR)
            _refuse_if_locked(username)
            raise AuthenticationFailed(SIGN_IN_FAILED)
        login_success_register(user=user, method="api_token")
        token = Token.objects.filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=self.actor).delete()
        audit_record(event_type="api_token.revoked", user=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refuse_if_locked(username: str) -> None:
    until = locked_until(username=username)
    if until is not None:
        raise AccountLocked(
            wait=max(1, ceil((until - timezone.now()).total_seconds())), detail=lockout_message()
        )


class MeView(BridgeAPIView):
    pagination_class = None
    filter_backends = ()

    """The caller. Only the language is theirs to change here; like the notification preferences,
    an edit needs no `If-Match` (nobody else writes it)."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return self._me(self.actor)

    @extend_schema(request=MeUpdateSerializer, responses={200: MeSerializer})
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_language_set(user=self.actor, language=serializer.validated_data["language"])
        # The answer already speaks the language just chosen, unless the request named one.
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(user.language or settings.LANGUAGE_CODE)
        return self._me(user)

    def _me(self, user: User) -> Response:
        payload = {
            "public_id": user.public_id,
            "username": user.username,
            "agency": user.agency,
            "role": user.role,
            "mfa_enabled": mfa_enabled(user),
            "language": user.language,
        }
        return Response(MeSerializer(payload).data)


class AgencyListCreateView(BridgeAPIView):
    """Every agency on Bridge, so that partners can be invited and granted. Only platform
    administrators create agencies."""

    model = Agency
    ordering = ("name",)
    filterset_class = AgencyFilter

    def scoped_queryset(self) -> QuerySet[Agency]:
        # Agencies are the directory of who takes part in Bridge, not case content.
        return Agency.objects.all()

    @extend_schema(responses={200: AgencySerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), AgencySerializer)

    @extend_schema(request=AgencyCreateSerializer, responses={201: AgencySerializer})
    def post(self, request: Request) -> Response:
        serializer = AgencyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = agency_create(actor=self.actor, **serializer.validated_data)
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)


class UserListCreateView(BridgeAPIView):
    """The members of one agency with their roles: for its administrators, supervisors and
    liaisons. Platform administrators and agency administrators (for their own agency) add
    members."""

    model = User
    ordering = ("username",)
    filterset_class = UserFilter

    def scoped_queryset(self) -> QuerySet[User]:
        agency = self._listed_agency()
        if not may_list_members(actor=self.actor, agency=agency):
            raise PermissionDenied(
                gettext("Only the agency's administrators, supervisors and liaisons list its members.")
            )
        return agency_members(agency=agency)

    def _listed_agency(self) -> Agency:
        raw = self.request.query_params.get("agency")
        if raw is None:
            if self.actor.agency is None:
                raise ValidationFailed(
                    gettext("Name the agency."), fields={"agency": [gettext("This parameter is required.")]}
                )
            return self.actor.agency
        is_id = raw.isascii() and raw.isdigit() and len(raw) <= 18
        agency = Agency.objects.filter(pk=int(raw)).first() if is_id else None
        if agency is None:
            raise ValidationFailed(
                gettext("Unknown agency."), fields={"agency": [gettext("No agency with this id.")]}
            )
        return agency

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "agency",
                OpenApiTypes.INT,
                description="Whose members to list; defaults to the caller's agency.",
            )
        ],
        responses={200: UserSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), UserSerializer)

    @extend_schema(
        request=UserCreateSerializer,
        responses={201: UserSerializer},
        description=(
            "Add a member. Nobody sets another person's password: `password` must be empty or "
            "absent (400 otherwise). The account gets an unusable password and the person an "
            "enrolment link by email (valid `BRIDGE_ENROLMENT_LINK_HOURS`, 72 by default) to set "
            "their own, then enrols a second factor at their first sign-in. Creating an account "
            "with a case role (caseworker, liaison, supervisor) is announced to the agency's "
            "supervisors."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("password", None)
        user = user_create(actor=self.actor, **data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)
