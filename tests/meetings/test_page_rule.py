"""The page rule's "who may read" half for the asks, which the other files test only
through those who answer them (docs/contributing.md "The tests every page gets")."""

from django.urls import reverse

from .factories import AskFactory


def test_everyone_logged_in_reads_asks_and_only_the_receiving_coordinator_gets_the_form(
    client_for, dev_coordinator, sales_member, departments
):
    ask = AskFactory(
        from_department=departments["marketing"], to_department=departments["dev"], what="Dates"
    )
    url = reverse("meetings:ask_detail", args=[ask.pk])
    member_page = client_for(sales_member).get(url)
    coordinator_page = client_for(dev_coordinator).get(url)
    assert member_page.status_code == 200 and coordinator_page.status_code == 200
    assert "Dates" in member_page.content.decode()
    assert 'data-testid="ask-answer-form"' not in member_page.content.decode()
    assert 'data-testid="ask-answer-form"' in coordinator_page.content.decode()
    listing = client_for(sales_member).get(reverse("meetings:ask_list"), {"box": "all"})
    assert listing.status_code == 200 and "Dates" in listing.content.decode()
