"""The portal's own xAPI identifiers, all under XAPI_IRI_BASE (docs/xapi.md).

A word is the activity {base}words/{id}, a group {base}groups/{id}, a study activity
{base}study-activities/{id}; the portal's one learner is the Agent with account `learner` at
{base}, and the statements the portal writes itself have authority account `lang-portal`.
"""

from __future__ import annotations

import re
from typing import Any

LEARNER_ACCOUNT = "learner"
PORTAL_ACCOUNT = "lang-portal"


class PortalIris:
    def __init__(self, base: str) -> None:
        self.base = base
        self.word_pattern = re.compile("^" + re.escape(base) + r"words/(\d+)$")
        self.group_pattern = re.compile("^" + re.escape(base) + r"groups/(\d+)$")
        self.study_activity_pattern = re.compile("^" + re.escape(base) + r"study-activities/(\d+)$")

    def word(self, word_id: int) -> str:
        return f"{self.base}words/{word_id}"

    def group(self, group_id: int) -> str:
        return f"{self.base}groups/{group_id}"

    def study_activity(self, activity_id: int) -> str:
        return f"{self.base}study-activities/{activity_id}"

    def learner(self) -> dict[str, Any]:
        """The portal's one learner as an xAPI Agent."""
        return {
            "objectType": "Agent",
            "name": "Learner",
            "account": {"homePage": self.base, "name": LEARNER_ACCOUNT},
        }

    def portal_authority(self) -> dict[str, Any]:
        return {
            "objectType": "Agent",
            "name": "lang-portal",
            "account": {"homePage": self.base, "name": PORTAL_ACCOUNT},
        }
