"""Uses the Python client that openapi-python-client generates from
openapi/openapi.json (contract/check puts it in generated/python, not
committed, and runs this with that directory on PYTHONPATH).

It builds the application models from JSON as the server sends it and
checks that to_dict() gives the same JSON back, with an answer of every
kind. It never talks to a server.
"""

import sys
import uuid

from wla_mentorship_client.models import (
    Answer,
    ApplicationDto,
    ApplicationForm,
    ApplicationRole,
    ApplicationStatus,
    LoginRequest,
    PageApplicationDto,
    TokenPair,
)

CYCLE_ID = str(uuid.uuid4())
MEMBER_ID = str(uuid.uuid4())

# One answer of each kind of AnswerValue: text or single choice, multi
# choice, scale, yes/no.
ANSWERS = [
    {"question_id": str(uuid.uuid4()), "value": "I run the teen programs at my branch."},
    {"question_id": str(uuid.uuid4()), "value": ["instruction", "outreach"]},
    {"question_id": str(uuid.uuid4()), "value": 4},
    {"question_id": str(uuid.uuid4()), "value": True},
]

FORM = {
    "role": "mentee",
    "library_types": ["public", "academic"],
    "interests": ["instruction", "outreach"],
    "career_stage": "early_career",
    "region": "Puget Sound",
    "meeting_modes": ["online", "in_person"],
    "availability": "Weekday evenings",
    "matching_preference": "both",
    "identity_tags": ["first-generation"],
    "identity_consent": True,
    "employer": "Seattle Public Library",
    "pronouns": "she/her",
    "motivation": "I want to grow into a branch manager.",
    "learning_goals": "Budgeting and supervising staff.",
    "career_goals": "Lead a rural library system.",
    "answers": ANSWERS,
}

DTO = {
    **FORM,
    "id": str(uuid.uuid4()),
    "cycle_id": CYCLE_ID,
    "member_id": MEMBER_ID,
    "member_name": "Ada Lovelace",
    "member_email": "ada@example.org",
    "status": "submitted",
    "submitted_by_committee": False,
    "created_at": "2024-09-02T10:00:00Z",
    "updated_at": "2024-09-02T10:00:00Z",
}


def same_json(label: str, expected: dict, actual: dict) -> None:
    """to_dict() may spell an instant differently; compare the rest exactly."""
    if expected != actual:
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key) != actual.get(key):
                print(f"{label}.{key}: sent {expected.get(key)!r}, got back {actual.get(key)!r}", file=sys.stderr)
        sys.exit(f"{label} did not round-trip through the generated client")


def main() -> None:
    login = LoginRequest(email="ada@example.org", password="correct horse battery")
    assert login.to_dict() == {"email": "ada@example.org", "password": "correct horse battery"}
    TokenPair.from_dict({"access_token": "eyJ", "token_type": "Bearer", "expires_in": 900, "refresh_token": "r"})

    form = ApplicationForm.from_dict(FORM)
    assert form.role == ApplicationRole.MENTEE, form.role
    values = [answer.value for answer in form.answers]
    assert values == ["I run the teen programs at my branch.", ["instruction", "outreach"], 4, True], values
    assert [type(v) for v in values] == [str, list, int, bool], values
    same_json("ApplicationForm", FORM, form.to_dict())

    dto = ApplicationDto.from_dict(DTO)
    assert dto.status == ApplicationStatus.SUBMITTED, dto.status
    assert str(dto.member_id) == MEMBER_ID, dto.member_id
    assert isinstance(dto.answers[0], Answer)
    back = dto.to_dict()
    for instant in ("created_at", "updated_at"):
        back[instant] = back[instant].replace("+00:00", "Z")
    same_json("ApplicationDto", DTO, back)

    page = PageApplicationDto.from_dict({"items": [DTO], "page": 1, "per_page": 50, "total": 1})
    assert page.total == 1 and len(page.items) == 1, page
    assert page.items[0].member_name == "Ada Lovelace"

    print("generated Python client: ApplicationForm, ApplicationDto and a page of them round-trip")


if __name__ == "__main__":
    main()
