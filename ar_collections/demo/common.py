"""What every demo loader starts from."""


def demo_env(company, env=None):
    """The environment a demo is loaded in, and the company's today: superuser (as demo data
    is loaded), ``company`` alone, its timezone (so that letters, runs and the story share one
    today), no tracking nor creation notes. ``env`` defaults to the company's."""
    today, tz = company._ar_get_today()
    env = env or company.env
    env = env(
        su=True,
        context=dict(
            env.context,
            allowed_company_ids=company.ids,
            tz=tz,
            tracking_disable=True,
            mail_create_nolog=True,
        ),
    )
    return env, today
