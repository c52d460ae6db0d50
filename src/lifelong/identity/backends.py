"""Log in by username or by a bound mobile number."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lifelong.shared import pii
from lifelong.shared.ids import InvalidIdentifier, validate_mobile


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username:
            return user
        try:
            phone = validate_mobile(username)
        except InvalidIdentifier:
            return None
        from lifelong.identity.models import Person

        index = pii.blind_index(phone, context="person.phone")
        person = (
            Person.objects.filter(phone_index=index, user__isnull=False)
            .select_related("user")
            .first()
        )
        if person is None:
            get_user_model()().set_password(password)  # same work either way: no timing oracle
            return None
        if person.user.check_password(password) and self.user_can_authenticate(person.user):
            return person.user
        return None
