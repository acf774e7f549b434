"""The service recording when a user last looked at My work (planbridge.services
profile_my_work_seen), called directly."""

import datetime

from django.utils import timezone

from planbridge import services
from planbridge.models import Profile


def test_looking_at_my_work_records_the_moment(sales_member):
    moment = timezone.now()
    services.profile_my_work_seen(user=sales_member, at=moment)
    assert Profile.objects.get(user=sales_member).my_work_seen_at == moment


def test_an_earlier_visit_finishing_last_does_not_move_the_moment_back(sales_member):
    later = timezone.now()
    services.profile_my_work_seen(user=sales_member, at=later)
    services.profile_my_work_seen(user=sales_member, at=later - datetime.timedelta(minutes=1))
    assert Profile.objects.get(user=sales_member).my_work_seen_at == later
