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


# What a move did and what comes next, said to whoever made it (the people concerned get mail).
AFTER_MOVE: dict[tuple[type, str], Promise] = {
    (Need, N.SUBMITTED): _(
        "The need is submitted. The programme checks it and publishes it; you get an e-mail."
    ),
    (Need, N.DRAFT): _("The need is back in draft. The host can edit it and submit it again."),
    (Need, N.PUBLISHED): _(
        "The need is published: experts can find it and apply. The host has been told."
    ),
    (Need, N.FILLED): _("The need is marked as filled: it no longer takes applications."),
    (Need, N.CLOSED): _("The need is closed: it no longer takes applications."),
    (Need, N.CANCELLED): _("The need is cancelled. The people concerned have been told."),
    (Application, A.SCREENING): _(
        "Screening has started. Next: shortlist the expert or reject the application."
    ),
    (Application, A.SHORTLISTED): _(
        "The expert is shortlisted. Next: propose them to the host institution."
    ),
    (Application, A.PROPOSED): _(
        "The expert is proposed to the host, which now accepts or declines; both have been told."
    ),
    (Application, A.ACCEPTED): _(
        "You accepted the expert. The programme approves the assignment next and tells you."
    ),
    (Application, A.DECLINED): _("You declined the expert. The programme has been told."),
    (Application, A.APPROVED): _(
        "Approved: the assignment is planned. Next: set its dates and budget on the assignment."
    ),
    (Application, A.REJECTED): _("The application is rejected. The expert has been told."),
    (Application, A.WITHDRAWN): _(
        "Your application is withdrawn. The programme and the host have been told."
    ),
    (Assignment, S.IN_PROGRESS): _(
        "The assignment has started. When it ends, mark it as completed."
    ),
    (Assignment, S.COMPLETED): _(
        "The assignment is completed. Next: the expert sends the report, then the host evaluates."
    ),
    (Assignment, S.REPORTED): _("The report is sent. Next: the host evaluates the assignment."),
    (Assignment, S.EVALUATED): _(
        "The evaluation is sent. The programme closes the assignment; a survey follows in a year."
    ),
    (Assignment, S.CLOSED): _(
        "The assignment is closed. A year after its end, expert and host get the follow-up survey."
    ),
    (Assignment, S.CANCELLED): _(
        "The assignment is cancelled. The people concerned have been told."
    ),
}


def after_move(obj, target: str) -> Promise:
    return AFTER_MOVE.get((type(obj), target), _("Done."))
