"""Personal access tokens of the signed-in person: /api/v1/tokens (accounts on).

A browser signed in with its session cookie, or a script with a token, manages the person's own
tokens only; another person's token id is "not found" (404), never theirs to list or revoke. The
token itself is in the answer to the POST that made it, once; the server keeps only its hash.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from twitchwise.accounts import AccessToken, AccountError, Accounts, SignedIn

from .._deps import get_accounts, require_signed_in
from .._problems import ApiError, FieldError, problem_responses
from ._strict import strict_body

router = APIRouter(prefix="/tokens", tags=["access tokens"])

TokenId = Path(ge=1, le=2_147_483_647, description="the token's id")


class TokenIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Shortcut on my phone"}]}
    )

    name: str = Field(min_length=1, max_length=100, description="what uses the token")


class TokenOut(BaseModel):
    """A token as listed: never the token itself, only its first characters (`hint`)."""

    id: int
    name: str
    hint: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: datetime = Field(description="UTC")
    last_used_at: datetime | None = Field(description="UTC; updated at most every 5 minutes")

    @classmethod
    def of(cls, token: AccessToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            hint=token.hint,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
        )


class NewToken(BaseModel):
    token: TokenOut
    secret: str = Field(
        description="the token to send as `Authorization: Bearer ...`; shown only this once"
    )


@router.get(
    "",
    response_model=list[TokenOut],
    responses=problem_responses(401, 404),
    summary="Your personal access tokens",
)
def list_tokens(
    accounts: Accounts = Depends(get_accounts), who: SignedIn = Depends(require_signed_in)
) -> list[TokenOut]:
    return [TokenOut.of(t) for t in accounts.tokens(who.person.id)]


@router.post(
    "",
    status_code=201,
    response_model=NewToken,
    responses=problem_responses(401, 404, 422),
    summary="Create a personal access token (the token is in this answer only)",
    dependencies=[Depends(strict_body(TokenIn))],
)
async def create_token(
    body: TokenIn,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> NewToken:
    try:
        token, secret = await run_in_threadpool(accounts.new_token, who.person.id, body.name)
    except AccountError as exc:
        raise ApiError(
            422, "Invalid input", exc.message, [FieldError(field="name", message=exc.message)]
        ) from None
    return NewToken(token=TokenOut.of(token), secret=secret)


@router.delete(
    "/{token_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
    summary="Revoke one of your tokens",
)
def revoke_token(
    token_id: int = TokenId,
    accounts: Accounts = Depends(get_accounts),
    who: SignedIn = Depends(require_signed_in),
) -> Response:
    try:
        accounts.revoke_token(who.person.id, token_id)
    except AccountError:
        raise ApiError(404, "Not Found", f"You have no token {token_id}.") from None
    return Response(status_code=204)
