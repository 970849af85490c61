"""Who may move a need, an application or an assignment from one state to another.

One table per model: (from, to) -> the roles allowed to make that move. The services consult
these tables (and the object's `visible_to`) before anything changes; nothing else grants a move.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import Application, Assignment, Need

PROGRAMME = frozenset({Role.PROGRAMME_MANAGER})
HOST = frozenset({Role.HOST_MEMBER})
EXPERT = frozenset({Role.EXPERT})


@dataclass(frozen=True)
class Move:
    roles: frozenset[str]
    label: Promise  # the button that makes the move


N = Need.Status
NEED_MOVES: dict[tuple[str, str], Move] = {
    (N.DRAFT, N.SUBMITTED): Move(HOST, _("Submit for approval")),
    (N.SUBMITTED, N.DRAFT): Move(PROGRAMME | HOST, _("Return to draft")),
    (N.SUBMITTED, N.PUBLISHED): Move(PROGRAMME, _("Approve and publish")),
    (N.PUBLISHED, N.FILLED): Move(PROGRAMME | HOST, _("Mark as filled")),
    (N.PUBLISHED, N.CLOSED): Move(PROGRAMME | HOST, _("Close")),
    (N.DRAFT, N.CANCELLED): Move(PROGRAMME | HOST, _("Cancel")),
    (N.SUBMITTED, N.CANCELLED): Move(PROGRAMME | HOST, _("Cancel")),
    (N.PUBLISHED, N.CANCELLED): Move(PROGRAMME | HOST, _("Cancel")),
}

A = Application.Status
_WITHDRAWABLE = [A.SUBMITTED, A.SCREENING, A.SHORTLISTED, A.PROPOSED, A.ACCEPTED]
APPLICATION_MOVES: dict[tuple[str, str], Move] = {
    (A.SUBMITTED, A.SCREENING): Move(PROGRAMME, _("Start screening")),
    (A.SCREENING, A.SHORTLISTED): Move(PROGRAMME, _("Shortlist")),
    (A.SCREENING, A.REJECTED): Move(PROGRAMME, _("Reject")),
    (A.SHORTLISTED, A.PROPOSED): Move(PROGRAMME, _("Propose to host")),
    (A.SHORTLISTED, A.REJECTED): Move(PROGRAMME, _("Reject")),
    (A.PROPOSED, A.ACCEPTED): Move(HOST, _("Accept")),
    (A.PROPOSED, A.DECLINED): Move(HOST, _("Decline")),
    (A.ACCEPTED, A.APPROVED): Move(PROGRAMME, _("Approve")),
    (A.ACCEPTED, A.REJECTED): Move(PROGRAMME, _("Reject")),
    **{(status, A.WITHDRAWN): Move(EXPERT, _("Withdraw")) for status in _WITHDRAWABLE},
}

S = Assignment.Status
ASSIGNMENT_MOVES: dict[tuple[str, str], Move] = {
    (S.PLANNED, S.IN_PROGRESS): Move(PROGRAMME, _("Start")),
    (S.IN_PROGRESS, S.COMPLETED): Move(PROGRAMME | HOST, _("Mark as completed")),
    # completed -> reported and reported -> evaluated happen when the report or evaluation is sent.
    (S.COMPLETED, S.REPORTED): Move(EXPERT, _("Send report")),
    (S.REPORTED, S.EVALUATED): Move(HOST, _("Send evaluation")),
    (S.EVALUATED, S.CLOSED): Move(PROGRAMME, _("Close")),
    (S.PLANNED, S.CANCELLED): Move(PROGRAMME, _("Cancel")),
    (S.IN_PROGRESS, S.CANCELLED): Move(PROGRAMME, _("Cancel")),
}

# Moves made by sending a form rather than by pressing a button.
FORM_MOVES = {(S.COMPLETED, S.REPORTED), (S.REPORTED, S.EVALUATED)}


def may_move(table: dict, current: str, target: str, role: str) -> bool:
    move = table.get((current, target))
    return move is not None and role in move.roles


def moves_for(table: dict, current: str, role: str) -> list[tuple[str, Promise]]:
    """The buttons a user of `role` sees on an object in state `current`."""
    return [
        (target, move.label)
        for (source, target), move in table.items()
        if source == current and role in move.roles and (source, target) not in FORM_MOVES
    ]
