"""Request and response models (they also document the API in /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Free text goes into SQL text columns; PostgreSQL refuses NUL characters in text.
_MAX_TEXT = 2000


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


class EntityExample(BaseModel):
    """A party to screen, as yente takes it: a schema and FtM properties."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str | None = Field(default=None, max_length=200, description="The client's ID for the party (keys decisions)")
    schema_: str = Field(..., alias="schema", max_length=64, description="A matchable FtM schema, e.g. Person")
    properties: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("properties", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ([v] if isinstance(v, str) else v) for k, v in value.items()}
        return value

    @field_validator("properties")
    @classmethod
    def _no_nul(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, items in value.items():
            _clean_text(key)
            for item in items:
                _clean_text(item)
                if len(item) > _MAX_TEXT:
                    raise ValueError(f"property {key!r}: a value longer than {_MAX_TEXT} characters")
        return value

    @field_validator("id", "schema_")
    @classmethod
    def _no_nul_id(cls, value: str | None) -> str | None:
        return _clean_text(value) if value is not None else None

    def payload(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema_, "properties": self.properties}


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    queries: dict[str, EntityExample] = Field(..., description="Parties to screen, by the client's key")
    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for yente compatibility; ignored")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted for yente compatibility; ignored")

    @field_validator("queries")
    @classmethod
    def _bounded(cls, value: dict[str, EntityExample]) -> dict[str, EntityExample]:
        if len(value) > 100:
            raise ValueError("at most 100 queries per request")
        for key in value:
            _clean_text(key)
        return value


class JudgementIn(BaseModel):
    left_id: str = Field(..., min_length=1, max_length=200)
    right_id: str = Field(..., min_length=1, max_length=200)
    judgement: Literal["same", "not_same"]
    note: str | None = Field(default=None, max_length=_MAX_TEXT)

    @field_validator("left_id", "right_id", "note")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _clean_text(value) if value is not None else None


class DecisionIn(BaseModel):
    """A screening decision: party (by key or by the query screened), entity, verdict."""

    entity_id: str = Field(..., min_length=1, max_length=300)
    decision: Literal["true_positive", "false_positive"]
    party_key: str | None = Field(default=None, max_length=200, description="As /match returned it")
    query: EntityExample | None = Field(default=None, description="The screened party, instead of party_key")
    note: str | None = Field(default=None, max_length=_MAX_TEXT)

    @field_validator("entity_id", "party_key", "note")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _clean_text(value) if value is not None else None


class AuthoredEntryIn(BaseModel):
    """One entry of an authored list, in the authored format's field names."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, max_length=200, description="The list's own identifier of the entry")
    note: str | None = Field(default=None, max_length=_MAX_TEXT, description="Why (kept in the audit record)")
