"""Literals the addon's models share: security groups, dunning letter levels, aging buckets.

One definition each; the models import them from here."""

# ------------------------------------------------------------------
# Security groups (xmlids)
# ------------------------------------------------------------------
AUDITOR_GROUP = "ar_collections.group_ar_collections_auditor"
COLLECTIONS_USER_GROUP = "ar_collections.group_ar_collections_user"
CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
SALESMAN_ALL_GROUP = "sales_team.group_sale_salesman_all_leads"

# ------------------------------------------------------------------
# Dunning letters: the levels a letter (and the stage printing it) may have, mildest first
# ------------------------------------------------------------------
LETTER_LEVELS = [
    ("reminder", "Reminder"),
    ("demand", "Demand Letter"),
    ("final", "Final Notice"),
    ("lawyer", "Lawyer Letter"),
]

# ------------------------------------------------------------------
# Aging buckets, in aging order. The limits between them (days after the due date) are the
# company's settings (``BUCKET_LIMIT_FIELDS``), each with its default when left empty; an item
# not yet due is in the first bucket, an item past the last limit in the last one.
# ------------------------------------------------------------------
BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
BUCKET_LIMIT_FIELDS = (
    ("ar_bucket_1_days", 30),
    ("ar_bucket_2_days", 60),
    ("ar_bucket_3_days", 90),
)

# letter levels that claim the late-payment interest and fee: the company's fee field of each
INTEREST_LETTER_FEES = {"final": "ar_interest_fee_final", "lawyer": "ar_interest_fee_lawyer"}

# states of a repayment plan
PLAN_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("proposed", "Proposed"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("broken", "Broken"),
    ("cancel", "Cancelled"),
]

# customer links (access tokens of letters, reminder e-mails and proposed plans): the documents
# a link may open, and the submissions a link / a customer may make in an hour
CUSTOMER_LINK_MODELS = ("ar.dunning.letter", "ar.dunning.message", "ar.repayment.plan")
CUSTOMER_LINK_RATE_PER_TOKEN = 5
CUSTOMER_LINK_RATE_PER_PARTNER = 10

# promises to pay (ar.payment.promise): one made by the customer from his link is only his word
# ("to_accept") until a collector accepts it ("open") or refuses it ("refused", never counts).
# Every reader of the promises (domains and SQL alike) takes its states from here.
PROMISE_TO_ACCEPT_STATE = "to_accept"  # the customer's word: neither checked nor counted, to act on
PROMISE_RUNNING_STATE = "open"  # accepted, not decided yet: pauses dunning, checked every night
PROMISE_DECIDED_STATES = ("kept", "partial", "broken")  # decided by the check
PROMISE_NOT_KEPT_STATES = ("partial", "broken")  # broken or only partially kept
PROMISE_ACCEPTED_STATES = (PROMISE_RUNNING_STATE, *PROMISE_DECIDED_STATES)  # the promises that count
