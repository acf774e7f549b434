"""Who may do what in weekly coordination (docs/architecture.md "Domain"): only coordinators of a
department write its update and answer asks sent to it; PMs (or the plan owner) create and
run meetings, with the facilitator; members update their own action items' status."""

from planbridge import rules as core_rules


def can_write_update(user, department_id: int) -> bool:
    return core_rules.is_coordinator_of(user, department_id)


def can_raise_ask(user, from_department_id: int) -> bool:
    return core_rules.is_coordinator_of(user, from_department_id)


def can_answer_ask(user, ask) -> bool:
    return core_rules.is_coordinator_of(user, ask.to_department_id)


def can_create_meeting(user, plan=None) -> bool:
    if core_rules.is_pm(user):
        return True
    return plan is not None and plan.owner_id == user.pk


def can_create_any_meeting(user) -> bool:
    """PMs, and owners of at least one plan, see the "new meeting" form."""
    return core_rules.is_pm(user) or user.owned_plans.exists()


def can_run_meeting(user, meeting) -> bool:
    if not user.is_authenticated:
        return False
    if core_rules.is_pm(user) or meeting.facilitator_id == user.pk:
        return True
    return meeting.plan_id is not None and meeting.plan.owner_id == user.pk


def can_set_action_item_status(user, item) -> bool:
    return item.owner_id == user.pk or can_run_meeting(user, item.meeting)
