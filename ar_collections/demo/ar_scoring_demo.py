"""Demo of credit scoring: every customer of the story scored from his payment behaviour
(the grades of the story were given by hand, so several proposals differ from them), the
credit reviews of the half-year waiting for the credit manager, the danger signals of the
night, and a new customer graded by a 5C evaluation (loaded after the bad-debt demo)."""

import logging

_logger = logging.getLogger(__name__)


def load_scoring(company):
    """Build the scoring demo of ``company`` (called by ``res.company._ar_load_demo_scoring``)."""
    today, tz = company._ar_get_today()
    env = company.env(
        su=True,
        context=dict(company.env.context, allowed_company_ids=company.ids, tz=tz, tracking_disable=True),
    )
    company = company.with_env(env)
    scores = env["ar.credit.score"]._ar_refresh(company, today)
    env["ar.credit.warning"]._ar_detect(company, today)
    reviews = env["ar.credit.review"]._ar_create_due_reviews(company, today)
    manager = env.ref("ar_collections.demo_user_credit_manager")
    newcomer = env["res.partner"].create(
        {"name": "Xinyuan New Materials Co., Ltd.", "is_company": True, "customer_rank": 1, "city": "Suzhou"}
    )
    card = (
        env["ar.credit.scorecard"]
        .with_user(manager)
        .with_company(company)
        .create(
            {
                "partner_id": newcomer.id,
                "character": "4",
                "capacity": "4",
                "capital": "3",
                "collateral": "2",
                "conditions": "4",
                "note": "Visited the plant in Suzhou; audited statements of the last two years; no guarantee.",
            }
        )
    )
    card.action_apply()
    _logger.info("ar_collections scoring demo: %s scores, %s reviews", len(scores), len(reviews))
    return True
