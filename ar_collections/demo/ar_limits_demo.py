"""Demo of the credit limit approval by tier (额度审批): the company's ladder (credit managers up to
100,000, the finance manager up to 500,000, above it Mitchell Admin as general manager) and a
limit change request of the credit manager waiting for the finance manager."""

REQUEST_REASON = "新签年度框架合同，预计月均订货 25 万元；已提供银行保函。"


def load_limits(company):
    """Build the limit approval demo of ``company`` (called by ``res.company._ar_load_demo_limits``)."""
    env = company.env(
        su=True,
        context=dict(company.env.context, allowed_company_ids=company.ids, tracking_disable=True),
    )
    company = company.with_env(env)
    Tier = env["ar.credit.limit.tier"].with_company(company)
    if not Tier.search_count([("company_id", "=", company.id)]):
        Tier.create(
            [
                {
                    "company_id": company.id,
                    "amount_min": 0.0,
                    "group_id": env.ref("ar_collections.group_ar_credit_manager").id,
                },
                {
                    "company_id": company.id,
                    "amount_min": 100000.0,
                    "group_id": env.ref("account.group_account_manager").id,
                },
                {"company_id": company.id, "amount_min": 500000.0, "user_id": env.ref("base.user_admin").id},
            ]
        )
    credit_manager = env.ref("ar_collections.demo_user_credit_manager")
    partner = env.ref("ar_collections.demo_partner_pacific")
    request = (
        env["ar.credit.limit.request"]
        .with_user(credit_manager)
        .with_company(company)
        .create(
            {"partner_id": partner.id, "company_id": company.id, "requested_limit": 300000.0, "reason": REQUEST_REASON}
        )
    )
    request.action_submit()
    return request
