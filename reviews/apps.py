from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Monthly reviews")

    def ready(self):
        from planbridge import registry

        from . import my_work
        from .models import Finding
        from .selectors import plan_review_summary
        from .services import departments

        registry.register_object_page(Finding, "reviews:finding_detail")
        # Closed reviews are posted to chat robots (docs/architecture.md "Chat robots").
        from .services import robot_posts

        robot_posts.connect()
        # My work (docs/architecture.md "My work").
        registry.register_my_work(
            registry.WorkKind(
                key="reviews.proposals",
                label=_("Carry proposals waiting for my department"),
                entries=my_work.proposals_waiting,
                order=40,
            )
        )
        registry.register_my_work(
            registry.WorkKind(
                key="reviews.findings",
                label=_("Findings of my department without a disposition"),
                entries=my_work.findings_without_disposition,
                order=60,
            )
        )
        registry.register_nav(
            registry.NavEntry(
                key="reviews",
                label=_("Reviews"),
                url_name="reviews:review_list",
                order=40,
                namespaces=("reviews",),
            )
        )
        registry.register_user_menu(
            registry.MenuEntry(
                key="my_digest", label=_("My digest"), url_name="reviews:my_digest", order=10
            )
        )
        # The plan item page shows the findings the item came from.
        registry.register_panel(
            "plan_item_detail",
            registry.Panel(
                key="findings",
                label=_("Findings this item came from"),
                url_name="reviews:plan_item_findings",
                order=10,
            ),
        )
        # The plan document's "Summary and feedback" lists the plan's reviews and findings.
        registry.register_section(
            "plan_document_summary",
            registry.Section(
                key="reviews",
                template_for={
                    "html": "reviews/_plan_summary.html",
                    "md": "reviews/_plan_summary.md",
                },
                context=lambda plan: {"review_summary": plan_review_summary(plan)},
                order=10,
            ),
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="reviews.findings",
                label=_("findings waiting for a disposition: %(count)d"),
                open_count=departments.department_undisposed_findings,
                move=departments.department_findings_move,
                order=50,
            )
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="reviews.proposals",
                label=_("carry proposals waiting for an answer: %(count)d"),
                open_count=departments.department_pending_proposals,
                move=departments.department_proposals_move,
                order=60,
            )
        )
