"""A concern profile: which concerns of the taxonomy a persona or candidate covers, primary or secondary,
declared in its file or derived from its text with the words that showed each. The model only; deriving
a profile is catalog.concerns' work, and the overlap report carries profiles as its result.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PRIMARY_WEIGHT = 1.0
SECONDARY_WEIGHT = 0.5
"""A secondary concern counts half: the persona touches it, but another persona owns it."""


class ConcernMatch(BaseModel):
    """Why a concern was found in free text: the words that hit it and where they were."""

    model_config = ConfigDict(extra="forbid")

    concern: str = Field(description="Concern id from the taxonomy.")
    level: Literal["primary", "secondary"] = Field(description="Primary if it is the main concern of a key line.")
    terms: list[str] = Field(description="The words in the text that matched the concern's keywords or synonyms.")
    fields: list[str] = Field(description="Where they were found, e.g. `responsibilities.2`.")
    evidence: float = Field(
        default=1.0,
        description="Strength of the evidence: 1 for each distinct phrase or exact term, 0.5 for each word that "
        "matched a different word only through its stem ('controls' for 'controller').",
    )


class ConcernProfile(BaseModel):
    """The concerns a persona or candidate covers, declared or derived from its text."""

    model_config = ConfigDict(extra="forbid")

    primary: list[str] = Field(description="Concern ids the persona owns.")
    secondary: list[str] = Field(description="Concern ids the persona touches but does not own.")
    source: Literal["declared", "derived"] = Field(description="From the persona's concerns block, or from its text.")
    mapping: list[ConcernMatch] = Field(
        default_factory=list, description="For derived concerns: which words hit which concern, and where."
    )

    def weights(self) -> dict[str, float]:
        """Concern id to weight: primary 1.0, secondary 0.5."""
        out = dict.fromkeys(self.secondary, SECONDARY_WEIGHT)
        out.update(dict.fromkeys(self.primary, PRIMARY_WEIGHT))
        return out
