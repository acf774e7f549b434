"""The words reviews' audit records use (docs/architecture.md "Audit"), shared by the
services that write them and the selector that shows them."""

# A finding's disposition as its records name it (docs/architecture.md "The bridge rule");
# no disposition is planbridge.audit.NONE.
CARRIED = "carried"
DISMISSED = "dismissed"

# Who the audit records of a flag run name: the beat task (the cron command runs the same job).
FLAG_JOB = "reviews.flag_unlinked_findings"
