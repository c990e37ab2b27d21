"""Passkeys (WebAuthn, with the `webauthn` library): a second way to sign in, no password typed.

The server keeps each passkey's credential id and public key (table `passkeys`, migration 0004);
the private key never leaves the person's device. Registering needs a signed-in person; signing
in with a passkey needs nobody's email (the passkey is discoverable, and says whose it is). Every
ceremony checks the challenge the server made, the site (relying party id, from the host name)
and the origin, and requires user verification (the device's PIN, fingerprint or face).
The caller keeps the challenge between the two steps (the web app: a signed, short-lived cookie).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchwise.diary._models import PasskeyRow, PersonRow

from ._accounts import Accounts, _person, utc_now
from ._errors import AccountError
from ._records import Person

NOT_VERIFIED = "that passkey could not be checked; sign in with your password"


@dataclass(frozen=True)
class Passkey:
    """A passkey as listed on the Account page."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class Passkeys:
    """The passkeys of the accounts in `accounts`' database."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def _session(self) -> AbstractContextManager[Session]:
        return self.accounts._session()  # one transaction shape for every account table

    def list(self, person_id: int) -> list[Passkey]:
        query = select(PasskeyRow).where(PasskeyRow.person_id == person_id).order_by(PasskeyRow.id)
        with self._session() as session:
            return [_passkey(r) for r in session.scalars(query)]

    def remove(self, person_id: int, passkey_id: int) -> None:
        """Remove one of the person's own passkeys; another person's id is "not found"."""
        self.accounts.remove_own(PasskeyRow, person_id, passkey_id, "passkey")

    # -- registering ------------------------------------------------------------------------

    def registration_options(self, person: Person, *, rp_id: str) -> tuple[str, bytes]:
        """(the options for `navigator.credentials.create`, as JSON; the challenge to keep)."""
        from webauthn import generate_registration_options, options_to_json
        from webauthn.helpers.structs import (
            AuthenticatorSelectionCriteria,
            PublicKeyCredentialDescriptor,
            ResidentKeyRequirement,
            UserVerificationRequirement,
        )

        with self._session() as session:
            known = session.scalars(
                select(PasskeyRow.credential_id).where(PasskeyRow.person_id == person.id)
            ).all()
        options = generate_registration_options(
            rp_id=rp_id,
            rp_name="twitchwise",
            user_name=person.email or f"person {person.id}",
            user_id=f"twitchwise:{person.id}".encode(),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in known],
        )
        return options_to_json(options), options.challenge

    def register(
        self,
        person_id: int,
        name: str,
        credential: dict[str, Any],
        *,
        challenge: bytes,
        rp_id: str,
        origin: str,
    ) -> Passkey:
        """Check the new credential against the challenge, site and origin, and keep it."""
        from webauthn import verify_registration_response

        name = (name or "").strip()
        if not 1 <= len(name) <= 100:
            raise AccountError("name", "name the passkey in 1 to 100 characters")
        try:
            verified = verify_registration_response(
                credential=json.dumps(credential),
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                require_user_verification=True,
            )
        except Exception:  # the library raises many kinds for a bad or forged credential
            raise AccountError("passkey", "that passkey could not be checked") from None
        row = PasskeyRow(
            person_id=person_id,
            name=name,
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            created_at=utc_now(),
        )
        with self._session() as session:
            if session.get(PersonRow, person_id) is None:
                raise AccountError("person", "there is no such account")
            taken = session.scalars(
                select(PasskeyRow.id).where(PasskeyRow.credential_id == verified.credential_id)
            ).first()
            if taken is not None:
                raise AccountError("passkey", "this passkey is already registered")
            session.add(row)
            session.flush()
            return _passkey(row)

    # -- signing in -------------------------------------------------------------------------

    def authentication_options(self, *, rp_id: str) -> tuple[str, bytes]:
        """(the options for `navigator.credentials.get`, as JSON; the challenge to keep)."""
        from webauthn import generate_authentication_options, options_to_json
        from webauthn.helpers.structs import UserVerificationRequirement

        options = generate_authentication_options(
            rp_id=rp_id, user_verification=UserVerificationRequirement.REQUIRED
        )
        return options_to_json(options), options.challenge

    def sign_in(
        self, credential: dict[str, Any], *, challenge: bytes, rp_id: str, origin: str
    ) -> Person:
        """The person whose passkey signed `challenge`, or AccountError (always the same)."""
        from webauthn import base64url_to_bytes, verify_authentication_response

        try:
            credential_id = base64url_to_bytes(str(credential["rawId"]))
        except Exception:
            raise AccountError("passkey", NOT_VERIFIED) from None
        with self._session() as session:
            found = session.execute(
                select(PasskeyRow, PersonRow)
                .join(PersonRow, PersonRow.id == PasskeyRow.person_id)
                .where(PasskeyRow.credential_id == credential_id)
            ).first()
            if found is None:
                raise AccountError("passkey", NOT_VERIFIED)
            row, person = found
            try:
                verified = verify_authentication_response(
                    credential=json.dumps(credential),
                    expected_challenge=challenge,
                    expected_rp_id=rp_id,
                    expected_origin=origin,
                    credential_public_key=row.public_key,
                    credential_current_sign_count=row.sign_count,
                    require_user_verification=True,
                )
            except Exception:
                raise AccountError("passkey", NOT_VERIFIED) from None
            row.sign_count = verified.new_sign_count
            row.last_used_at = utc_now()
            return _person(person)


def _passkey(row: PasskeyRow) -> Passkey:
    return Passkey(
        id=row.id, name=row.name, created_at=row.created_at, last_used_at=row.last_used_at
    )
